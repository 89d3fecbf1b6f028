//! Which leaf columns to read: the text column named by the source, and the media columns found
//! in the schema (plain binary columns, and the `bytes` child of `{bytes, path}` structs, the way
//! Hugging Face `Image` and `Audio` features are stored).

use crate::error::ErrorKind;
use crate::read::Problem;
use parquet::basic::{ConvertedType, Type as PhysicalType};
use parquet::schema::types::{ColumnDescriptor, SchemaDescriptor};

/// One leaf column: its index in the schema and its maximum definition level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Leaf {
    /// The leaf's index among the file's columns.
    pub index: usize,
    /// The definition level of a present (non-null) value.
    pub max_def: i16,
}

impl Leaf {
    fn of(index: usize, descr: &ColumnDescriptor) -> Self {
        Leaf {
            index,
            max_def: descr.max_def_level(),
        }
    }
}

/// One media column: binary values, with the struct's `path` value as a name where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MediaColumn {
    /// The column's name: the struct's path (`image`) or the binary column's own path.
    pub name: String,
    /// The leaf holding the bytes.
    pub bytes: Leaf,
    /// The sibling `path` string leaf of a `{bytes, path}` struct.
    pub path: Option<Leaf>,
}

/// The columns [`super::ParquetFile::read_row_group`] reads, chosen by [`super::ParquetFile::columns`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetColumns {
    pub(super) text: Option<(String, Leaf)>,
    pub(super) media: Vec<MediaColumn>,
    /// The date and URL string columns, when named and present.
    pub(super) fields: [Option<(String, Leaf)>; 2],
}

impl ParquetColumns {
    /// The text column's name, if one is read.
    pub fn text(&self) -> Option<&str> {
        self.text.as_ref().map(|(name, _)| name.as_str())
    }

    /// The names of the media columns read, in schema order.
    pub fn media(&self) -> impl Iterator<Item = &str> {
        self.media.iter().map(|m| m.name.as_str())
    }

    /// Keeps only the media columns whose name `keep` accepts.
    pub fn retain_media(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.media.retain(|m| keep(&m.name));
    }
}

/// Chooses the columns of `schema`: the text column `text_field` (a dotted path for a nested
/// field) when given, and every media column.
pub(super) fn select(
    schema: &SchemaDescriptor,
    text_field: Option<&str>,
) -> Result<ParquetColumns, Problem> {
    let leaves: Vec<(usize, &ColumnDescriptor)> =
        schema.columns().iter().map(|c| &**c).enumerate().collect();
    let text = match text_field {
        Some(field) => Some((field.to_string(), text_leaf(&leaves, field)?)),
        None => None,
    };
    let text_index = text.as_ref().map(|(_, leaf)| leaf.index);
    let mut media = Vec::new();
    for &(index, descr) in &leaves {
        if Some(index) == text_index || !is_plain_binary(descr) {
            continue;
        }
        let parts = descr.path().parts();
        let (name, path) = match parts.split_last() {
            Some((last, parent)) if last == "bytes" && !parent.is_empty() => {
                let path = leaves.iter().find(|(_, d)| {
                    let p = d.path().parts();
                    p.len() == parts.len()
                        && p[..parent.len()] == *parent
                        && p[parent.len()] == "path"
                        && is_flat_byte_array(d)
                });
                (parent.join("."), path.map(|&(i, d)| Leaf::of(i, d)))
            }
            _ => (parts.join("."), None),
        };
        let bytes = Leaf::of(index, descr);
        media.push(MediaColumn { name, bytes, path });
    }
    Ok(ParquetColumns {
        text,
        media,
        fields: [None, None],
    })
}

/// Adds the date and URL columns `names` (dotted paths) to `columns`: flat BYTE_ARRAY leaves
/// (strings); a column of another type is reported, a missing one ignored.
pub(super) fn add_fields(
    schema: &SchemaDescriptor,
    columns: &mut ParquetColumns,
    names: [Option<&str>; 2],
) -> Result<(), Problem> {
    let mut refused = Vec::new();
    for (slot, name) in columns.fields.iter_mut().zip(names) {
        let Some(name) = name else { continue };
        let found = schema
            .columns()
            .iter()
            .enumerate()
            .find(|(_, d)| d.path().string() == name);
        let Some((index, descr)) = found else {
            continue;
        };
        if is_flat_byte_array(descr) {
            *slot = Some((name.to_string(), Leaf::of(index, descr)));
            columns.media.retain(|m| m.bytes.index != index);
        } else {
            let kind = descr.logical_type_ref().map_or_else(
                || format!("{}", descr.physical_type()),
                |t| format!("{} ({t:?})", descr.physical_type()),
            );
            refused.push(format!("column `{name}` is {kind}"));
        }
    }
    match refused.is_empty() {
        true => Ok(()),
        false => Err(Problem::new(
            ErrorKind::FieldType,
            format!(
                "{}; dates and URLs are read from string columns only, so these records have none",
                refused.join(", ")
            ),
        )),
    }
}

/// The leaf of the text column `field`, or why it cannot be read as text.
fn text_leaf(leaves: &[(usize, &ColumnDescriptor)], field: &str) -> Result<Leaf, Problem> {
    let found = leaves.iter().find(|(_, d)| d.path().string() == field);
    let Some(&(index, descr)) = found else {
        let prefix = format!("{field}.");
        let nested: Vec<String> = leaves
            .iter()
            .map(|(_, d)| d.path().string())
            .filter(|p| p.starts_with(&prefix))
            .collect();
        if !nested.is_empty() {
            return Err(Problem::new(
                ErrorKind::FieldType,
                format!(
                    "column `{field}` is a list or struct (leaves {}), not a string",
                    nested.join(", ")
                ),
            ));
        }
        let names: Vec<String> = leaves.iter().map(|(_, d)| d.path().string()).collect();
        return Err(Problem::new(
            ErrorKind::MissingField,
            format!(
                "no column `{field}` (the file's columns: {})",
                names.join(", ")
            ),
        ));
    };
    if !is_flat_byte_array(descr) {
        let what = if descr.max_rep_level() > 0 {
            "a repeated field".to_string()
        } else {
            descr.physical_type().to_string()
        };
        return Err(Problem::new(
            ErrorKind::FieldType,
            format!("column `{field}` is {what}, not a string"),
        ));
    }
    Ok(Leaf::of(index, descr))
}

/// A BYTE_ARRAY leaf with one value per row (no repeated ancestor).
fn is_flat_byte_array(descr: &ColumnDescriptor) -> bool {
    descr.physical_type() == PhysicalType::BYTE_ARRAY && descr.max_rep_level() == 0
}

/// A flat BYTE_ARRAY leaf without a logical type: raw binary, not a string, JSON, enum or decimal.
fn is_plain_binary(descr: &ColumnDescriptor) -> bool {
    is_flat_byte_array(descr)
        && descr.logical_type_ref().is_none()
        && descr.converted_type() == ConvertedType::NONE
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    fn schema(message: &str) -> SchemaDescriptor {
        SchemaDescriptor::new(Arc::new(parse_message_type(message).unwrap()))
    }

    const SCHEMA: &str = "message m {
        required binary id (STRING);
        optional group meta { optional binary text (UTF8); optional binary raw; }
        optional group image { optional binary bytes; optional binary path (STRING); }
        optional group frames (LIST) { repeated group list { optional binary element; } }
        optional binary price (DECIMAL(10,2));
        optional binary doc (JSON);
        optional int64 n;
    }";

    #[test]
    fn media_columns_are_plain_binary_leaves_with_struct_names() {
        let cols = select(&schema(SCHEMA), Some("meta.text")).unwrap();
        assert_eq!(cols.text(), Some("meta.text"));
        assert_eq!(
            cols.text.as_ref().unwrap().1,
            Leaf {
                index: 1,
                max_def: 2
            }
        );
        assert_eq!(cols.media().collect::<Vec<_>>(), ["meta.raw", "image"]);
        let image = &cols.media[1];
        assert_eq!(
            (image.bytes.index, image.path.map(|p| p.index)),
            (3, Some(4))
        );
        assert_eq!(cols.media[0].path, None);
    }

    #[test]
    fn text_column_problems() {
        let s = schema(SCHEMA);
        let kind = |field| select(&s, Some(field)).unwrap_err().kind;
        assert_eq!(kind("text"), ErrorKind::MissingField);
        assert_eq!(kind("n"), ErrorKind::FieldType);
        assert_eq!(kind("frames"), ErrorKind::FieldType);
        assert_eq!(kind("meta"), ErrorKind::FieldType);
        let missing = select(&s, Some("body")).unwrap_err().message;
        assert!(
            missing.contains("id, meta.text, meta.raw, image.bytes"),
            "{missing}"
        );
        // A binary column named as the text column is read as text (UTF-8 checked per value).
        let raw = select(&s, Some("meta.raw")).unwrap();
        assert_eq!(raw.media().collect::<Vec<_>>(), ["image"]);
    }
}
