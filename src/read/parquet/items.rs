//! A Parquet file as items: each cell of the text column is a document (its row, from 1, is its
//! line), each image or audio cell a medium; a null text is a `missing_field` problem, a null
//! medium no medium. A file with media columns but no text column hands out its media; a file
//! with neither is a `missing_field` problem. Row groups may be read on any threads at once.

use super::{Cell, ParquetColumns, ParquetFile};
use crate::error::ErrorKind;
use crate::read::Problem;
use crate::read::item::{Container, Conversation, Document, LineRef, Medium, Visitor};
use crate::read::jsonl::FieldNames;
use crate::read::storage::Storage;
use std::sync::Arc;

/// An open Parquet file and the columns its items are read from.
pub struct ParquetReader {
    file: ParquetFile,
    columns: ParquetColumns,
    /// The longest value handed out; a longer one is a problem.
    max: u64,
    /// The text column holds chat records (each value a messages array as JSON text).
    chat: bool,
}

impl ParquetReader {
    /// Reads the footer of the file in `storage` and chooses its columns: the text column
    /// `names.text` (or, when the file has none, its media columns alone), the date and URL
    /// columns, and the media columns; text and media values longer than `max` bytes are
    /// problems. Problems go to `visitor`; `None` when nothing can be read.
    pub fn open<V: Visitor + ?Sized>(
        storage: Arc<dyn Storage>,
        names: &FieldNames<'_>,
        max: u64,
        visitor: &mut V,
    ) -> Option<Self> {
        let mut fail = |problem: Problem| visitor.problem(LineRef::None, problem);
        let file = ParquetFile::from_storage(storage).map_err(&mut fail).ok()?;
        let mut columns = match file.columns(Some(names.text)) {
            Ok(columns) => columns,
            Err(problem) if problem.kind == ErrorKind::MissingField => match file.columns(None) {
                Ok(media) if media.media().next().is_some() => media,
                _ => {
                    fail(problem);
                    return None;
                }
            },
            Err(problem) => {
                fail(problem);
                return None;
            }
        };
        if let Err(problem) = file.with_fields(&mut columns, names.date, names.url) {
            fail(problem);
        }
        Some(ParquetReader {
            file,
            columns,
            max,
            chat: names.chat,
        })
    }

    /// The file.
    pub fn file(&self) -> &ParquetFile {
        &self.file
    }

    /// The row groups that start in the byte range `range` (`None`: all of them), in file order:
    /// a range reads the row groups that start in it, as a range of JSONL reads its lines.
    pub fn row_groups_in(&self, range: Option<(u64, u64)>) -> Vec<usize> {
        let groups = 0..self.file.row_groups();
        groups
            .filter(|&g| self.file.row_group_in(g, range))
            .collect()
    }

    /// Hands `visitor` the items of row group `group`, row by row; a damaged row group is a
    /// problem after the rows read before the damage.
    pub fn read_row_group<V: Visitor + ?Sized>(&self, group: usize, visitor: &mut V) {
        let columns = &self.columns;
        let at = |row: u64| LineRef::Line(row + 1);
        let read = self
            .file
            .read_row_group(group, columns, &mut |cell| match cell {
                Cell::Text { row, text, .. } if text.len() as u64 > self.max => {
                    let what = format!("a text value of {} bytes", text.len());
                    visitor.problem(at(row), Problem::too_large(&what, self.max));
                }
                Cell::Media {
                    row, column, bytes, ..
                } if bytes.len() as u64 > self.max => {
                    let what = format!("column {column}: a value of {} bytes", bytes.len());
                    visitor.problem(at(row), Problem::too_large(&what, self.max));
                }
                Cell::Text { row, text, fields } if self.chat => {
                    visitor.conversation(Conversation {
                        messages_json: text,
                        fields,
                        at: at(row),
                    })
                }
                Cell::Text { row, text, fields } => visitor.document(Document {
                    text,
                    fields,
                    at: at(row),
                }),
                Cell::Media {
                    row,
                    column,
                    name,
                    bytes,
                } => visitor.medium(Medium {
                    bytes,
                    name: name.unwrap_or(column),
                    container: Container::Column(column),
                    at: at(row),
                }),
                // A null text is a record without its text, as in JSONL; a null image or sound is
                // simply a row without one.
                Cell::Null { row, column } if columns.text() == Some(column) => {
                    let message = format!("the text column {column} is null in this row");
                    visitor.problem(at(row), Problem::new(ErrorKind::MissingField, message));
                }
                Cell::Null { .. } => {}
                Cell::Bad {
                    row,
                    column,
                    problem,
                } => {
                    let message = format!("column {column}: {}", problem.message);
                    visitor.problem(at(row), Problem::new(problem.kind, message));
                }
            });
        if let Err(problem) = read {
            let message = format!(
                "row group {group}: {}; the rows before it in this group were counted",
                problem.message
            );
            visitor.problem(LineRef::None, Problem::new(problem.kind, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::item::collect::Collect;
    use crate::read::storage::{Access, open};
    use std::path::Path;

    fn fixture(name: &str) -> Arc<dyn Storage> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parquet");
        open(&dir.join(name), Access::Read).unwrap()
    }

    fn read_all(name: &str, text: &str) -> Vec<String> {
        read_all_within(name, text, u64::MAX)
    }

    fn read_all_within(name: &str, text: &str, max: u64) -> Vec<String> {
        let mut seen = Collect::default();
        if let Some(reader) =
            ParquetReader::open(fixture(name), &FieldNames::only_text(text), max, &mut seen)
        {
            for group in reader.row_groups_in(None) {
                reader.read_row_group(group, &mut seen);
            }
        }
        seen.0
    }

    #[test]
    fn rows_are_lines_and_columns_are_named() {
        let text = read_all("text.parquet", "text");
        assert!(
            text.len() > 1 && text[0].starts_with("doc Line(1) "),
            "{text:?}"
        );
        let missing = read_all("text.parquet", "body");
        assert_eq!(missing.len(), 1);
        assert!(
            missing[0].starts_with("problem None missing_field"),
            "{missing:?}"
        );
        let mixed = read_all("binary.parquet", "text");
        let count = |prefix: &str| mixed.iter().filter(|i| i.starts_with(prefix)).count();
        assert_eq!(count("doc Line("), 4, "{mixed:?}");
        assert_eq!(
            count("medium Line("),
            4,
            "a null medium is no medium: {mixed:?}"
        );
        assert!(
            mixed
                .iter()
                .any(|i| i.starts_with("medium Line(1) column data: "))
        );
        let null = "missing_field: the text column text is null in this row";
        assert_eq!(count("problem Line("), 1);
        assert!(mixed.iter().any(|i| i.ends_with(null)), "{mixed:?}");
        let truncated = read_all("bad-truncated.parquet", "text");
        assert!(
            truncated[0].starts_with("problem None parquet"),
            "{truncated:?}"
        );
    }

    #[test]
    fn values_over_the_limit_are_problems_at_their_rows() {
        let all = read_all("binary.parquet", "text");
        let small = read_all_within("binary.parquet", "text", 1);
        let items =
            |seen: &[String], prefix: &str| seen.iter().filter(|i| i.starts_with(prefix)).count();
        let large = small.iter().filter(|i| i.contains(" too_large: ")).count();
        assert!(large > 0, "{small:?}");
        assert_eq!(
            items(&small, "doc ") + items(&small, "medium ") + large,
            items(&all, "doc ") + items(&all, "medium "),
            "every value is handed out or too large: {small:?}"
        );
        assert!(
            small
                .iter()
                .any(|i| i.starts_with("problem Line(1) too_large: column data: a value of ")),
            "{small:?}"
        );
    }
}
