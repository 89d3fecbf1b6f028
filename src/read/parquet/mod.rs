//! Parquet files: a text column, and image or audio columns stored as plain binary or as
//! `{bytes, path}` structs the way Hugging Face `datasets` stores `Image` and `Audio` features.
//!
//! [`ParquetFile::from_storage`] reads the footer; [`ParquetFile::read_row_group`] decodes one row
//! group and hands every cell to a closure, in row order, with row numbers counted from the start
//! of the file; [`ParquetReader`] turns those cells into the documents, media and problems every
//! reader hands out. Row groups are independent: several threads may read different row groups of
//! one file at once (each read uses positioned reads, never a shared offset). This module only
//! reads: tokenizing, media probing and statistics are the caller's.
//!
//! Supported: every physical encoding the `parquet` crate reads, data pages v1 and v2, and the
//! Snappy, zstd, gzip, LZ4 (raw and Hadoop) and Brotli codecs. Text and media must be flat leaves
//! (one value per row, possibly inside structs); list columns are not read.

mod batch;
mod columns;
mod items;
mod sizes;
mod source;

pub use columns::ParquetColumns;
pub use items::ParquetReader;
pub use sizes::RowGroupSize;

use crate::error::ErrorKind;
use crate::provenance::{FieldValue, RecordFields};
use crate::read::Problem;
use crate::read::storage::{self, Access, InMemory, Storage};
use batch::{Batch, guard};
use bytes::Bytes;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;
use source::Source;
use std::fmt::Display;
use std::path::Path;
use std::sync::Arc;

/// How many rows of each column are decoded at a time: fewer where media columns are read, so that
/// a batch of images or audio clips (megabytes each) stays small.
const BATCH_ROWS: (usize, usize) = (1024, 64);

/// One cell handed to the visitor of [`ParquetFile::read_row_group`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// A text value, valid UTF-8.
    Text {
        /// The row, counted from 0 at the start of the file.
        row: u64,
        /// The text.
        text: &'a str,
        /// The row's date and URL, from the columns named by [`ParquetFile::with_fields`].
        fields: RecordFields<'a>,
    },
    /// The bytes of an image, audio or other binary value.
    Media {
        /// The row, counted from 0 at the start of the file.
        row: u64,
        /// The media column (the struct's name for `{bytes, path}` structs).
        column: &'a str,
        /// The struct's `path` value, a hint of the format (`photo.jpg`), where there is one.
        name: Option<&'a str>,
        /// The stored bytes.
        bytes: &'a [u8],
    },
    /// A null text or media value (for a struct: the struct or its `bytes` is null).
    Null {
        /// The row, counted from 0 at the start of the file.
        row: u64,
        /// The column.
        column: &'a str,
    },
    /// A value that cannot be used: text that is not valid UTF-8.
    Bad {
        /// The row, counted from 0 at the start of the file.
        row: u64,
        /// The column.
        column: &'a str,
        /// What is wrong with it.
        problem: Problem,
    },
}

/// An open Parquet file: its footer read, its row groups ready to be read from any thread.
pub struct ParquetFile {
    reader: SerializedFileReader<Source>,
    /// The first row of each row group, and the total row count at the end.
    starts: Vec<u64>,
}

impl ParquetFile {
    /// Opens the local Parquet file at `path` and reads its footer.
    pub fn open(path: &Path) -> Result<Self, Problem> {
        let storage = storage::open(path, Access::Read)
            .map_err(|e| Problem::new(ErrorKind::Io, e.to_string()))?;
        Self::from_storage(storage)
    }

    /// Reads the footer of a Parquet file held in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Result<Self, Problem> {
        Self::from_storage(Arc::new(InMemory(bytes.into())))
    }

    /// Reads the footer of the Parquet file in `storage`.
    pub fn from_storage(storage: Arc<dyn Storage>) -> Result<Self, Problem> {
        Self::from_source(Source(storage))
    }

    fn from_source(source: Source) -> Result<Self, Problem> {
        let reader = guard("not a readable Parquet file", || {
            SerializedFileReader::new(source)
        })?;
        let mut starts = vec![0u64];
        for (i, group) in reader.metadata().row_groups().iter().enumerate() {
            let rows = u64::try_from(group.num_rows()).map_err(|_| {
                parquet_problem(
                    "footer",
                    format!("row group {i} has {} rows", group.num_rows()),
                )
            })?;
            let next = starts[i].checked_add(rows);
            starts.push(next.ok_or_else(|| parquet_problem("footer", "row count overflows"))?);
        }
        Ok(ParquetFile { reader, starts })
    }

    /// The number of row groups.
    pub fn row_groups(&self) -> usize {
        self.starts.len() - 1
    }

    /// The number of rows in the file.
    pub fn rows(&self) -> u64 {
        self.starts[self.starts.len() - 1]
    }

    /// The number of rows in row group `index`.
    pub fn row_group_rows(&self, index: usize) -> u64 {
        self.starts[index + 1] - self.starts[index]
    }

    /// The uncompressed size of all row groups, as the footer states it (for estimates).
    pub fn uncompressed_bytes(&self) -> u64 {
        let groups = self.reader.metadata().row_groups().iter();
        groups
            .map(|g| u64::try_from(g.total_byte_size()).unwrap_or(0))
            .sum()
    }

    /// The columns to read: the text column `text_field` (a dotted path for a nested field; a
    /// missing one is [`ErrorKind::MissingField`], a non-string one [`ErrorKind::FieldType`]) when
    /// given, and every media column: BYTE_ARRAY leaves without a string (or other) logical type,
    /// a struct's `bytes` child being named after the struct, its `path` child giving the name.
    pub fn columns(&self, text_field: Option<&str>) -> Result<ParquetColumns, Problem> {
        columns::select(
            self.reader.metadata().file_metadata().schema_descr(),
            text_field,
        )
    }

    /// Adds the string columns `date` and `url` (dotted paths) to `columns`, read into each
    /// text cell's fields. A missing column leaves the records without that field; a column
    /// that is not a flat string column is a [`ErrorKind::FieldType`] problem (the others are
    /// still added).
    pub fn with_fields(
        &self,
        columns: &mut ParquetColumns,
        date: Option<&str>,
        url: Option<&str>,
    ) -> Result<(), Problem> {
        let schema = self.reader.metadata().file_metadata().schema_descr();
        columns::add_fields(schema, columns, [date, url])
    }

    /// Reads row group `index` and calls `visit` once per cell, row by row (in each row the text,
    /// then the media columns in schema order). On an error, the cells already visited stand and
    /// the rest of the row group is not read.
    pub fn read_row_group(
        &self,
        index: usize,
        columns: &ParquetColumns,
        visit: &mut dyn FnMut(Cell<'_>),
    ) -> Result<(), Problem> {
        if index >= self.row_groups() {
            let n = self.row_groups();
            return Err(parquet_problem(
                "",
                format!("no row group {index} (of {n})"),
            ));
        }
        let what = |column: &str| format!("row group {index}, column `{column}`");
        let group = guard(&format!("row group {index}"), || {
            self.reader.get_row_group(index)
        })?;
        let group = &*group;
        let mut text = match &columns.text {
            Some((name, leaf)) => Some((name.as_str(), Batch::open(group, *leaf, what(name))?)),
            None => None,
        };
        let mut fields = [None, None];
        for (slot, field) in fields.iter_mut().zip(&columns.fields) {
            if let Some((name, leaf)) = field {
                *slot = Some(Batch::open(group, *leaf, what(name))?);
            }
        }
        let mut media = Vec::with_capacity(columns.media.len());
        for m in &columns.media {
            let bytes = Batch::open(group, m.bytes, what(&m.name))?;
            let path = match m.path {
                Some(leaf) => Some(Batch::open(group, leaf, what(&format!("{}.path", m.name)))?),
                None => None,
            };
            media.push((m.name.as_str(), bytes, path));
        }
        let (mut row, end) = (self.starts[index], self.starts[index + 1]);
        let batch_rows = if media.is_empty() {
            BATCH_ROWS.0
        } else {
            BATCH_ROWS.1
        };
        while row < end {
            let rows = (end - row).min(batch_rows as u64) as usize;
            let batches = text
                .iter_mut()
                .map(|(_, b)| b)
                .chain(fields.iter_mut().flatten());
            for batch in batches.chain(media.iter_mut().flat_map(|(_, b, p)| once(b, p))) {
                batch.fill(rows)?;
            }
            for _ in 0..rows {
                let [date, url] = &mut fields;
                let record = RecordFields {
                    date: field_value(date),
                    url: field_value(url),
                };
                if let Some((column, batch)) = &mut text {
                    visit(text_cell(row, column, batch.next(), record));
                }
                for (column, bytes, path) in &mut media {
                    let name = path.as_mut().and_then(|p| p.next());
                    let name = name.and_then(|n| std::str::from_utf8(n).ok());
                    visit(match bytes.next() {
                        Some(bytes) => Cell::Media {
                            row,
                            column,
                            name,
                            bytes,
                        },
                        None => Cell::Null { row, column },
                    });
                }
                row += 1;
            }
        }
        Ok(())
    }
}

/// The batch of a media column's bytes, then its path's, if any.
fn once<'b>(
    bytes: &'b mut Batch,
    path: &'b mut Option<Batch>,
) -> impl Iterator<Item = &'b mut Batch> {
    std::iter::once(bytes).chain(path.as_mut())
}

/// The next row's value of a date or URL column as a string (`None`: null, invalid UTF-8, or
/// no such column).
fn field_value(batch: &mut Option<Batch>) -> Option<FieldValue<'_>> {
    let bytes = batch.as_mut()?.next()?;
    std::str::from_utf8(bytes).ok().map(FieldValue::Text)
}

/// The cell for a text value: text, null, or invalid UTF-8.
fn text_cell<'a>(
    row: u64,
    column: &'a str,
    value: Option<&'a [u8]>,
    fields: RecordFields<'a>,
) -> Cell<'a> {
    match value.map(std::str::from_utf8) {
        Some(Ok(text)) => Cell::Text { row, text, fields },
        Some(Err(e)) => Cell::Bad {
            row,
            column,
            problem: Problem::new(
                ErrorKind::InvalidUnicode,
                format!("invalid UTF-8 at byte {} of the text", e.valid_up_to()),
            ),
        },
        None => Cell::Null { row, column },
    }
}

/// A [`ErrorKind::Parquet`] problem: `what` was being read when `error` happened.
fn parquet_problem(what: &str, error: impl Display) -> Problem {
    let message = match what {
        "" => error.to_string(),
        what => format!("{what}: {error}"),
    };
    Problem::new(ErrorKind::Parquet, message)
}
