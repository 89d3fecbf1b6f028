//! Where and when a record came from: its collection month (from a date field) and its
//! registered web domain (from a URL field). The readers hand over the fields' raw values;
//! this module turns them into months and domains, and the statistics count them.

pub mod date;
pub mod url;

use crate::stats::Month;
pub use date::month_of_json;

/// The provenance fields of one record, borrowed from where it was read: absent when the
/// source names no such field or the record lacks it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordFields<'a> {
    /// The date field's value.
    pub date: Option<FieldValue<'a>>,
    /// The URL field's value.
    pub url: Option<FieldValue<'a>>,
}

/// One field's value as the reader found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// A raw JSON value from a JSONL line (`"2023-05-01"`, `1700000000`, `null`, ...).
    Json(&'a str),
    /// A string (a Parquet string column).
    Text(&'a str),
}

impl FieldValue<'_> {
    /// The UTC month of this value as a date, if it is one.
    pub fn month(&self) -> Option<Month> {
        match *self {
            FieldValue::Json(raw) => month_of_json(raw),
            FieldValue::Text(text) => date::month_of_iso(text),
        }
    }
}

/// The value of a raw JSON string literal, borrowed when it has no escapes, else decoded into
/// `buf`; `None` for other JSON values or malformed literals.
pub fn json_string<'a>(raw: &'a str, buf: &'a mut String) -> Option<&'a str> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(inner);
    }
    *buf = serde_json::from_str::<String>(raw).ok()?;
    Some(buf.as_str())
}

/// How one source's records are dated and placed, from its declared fields and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProvenanceRule {
    /// Whether the source names a date field.
    pub dated: bool,
    /// Whether the source declares a collection period (it then dates every record).
    pub declared: bool,
    /// Whether the source names a URL field.
    pub located: bool,
}

impl ProvenanceRule {
    /// How a record with `fields` is dated.
    #[inline]
    pub fn dating(&self, fields: &RecordFields<'_>) -> crate::stats::Dating {
        use crate::stats::Dating;
        if self.declared {
            Dating::Declared
        } else if self.dated {
            fields
                .date
                .and_then(|d| d.month())
                .map_or(Dating::Undated, Dating::Month)
        } else {
            Dating::Undated
        }
    }

    /// The registered domain of a record with `fields` (`buf` and `scratch` hold decoded and
    /// lower-cased text), or `None`.
    #[inline]
    pub fn domain<'b>(
        &self,
        fields: &RecordFields<'b>,
        buf: &'b mut String,
        scratch: &'b mut String,
    ) -> Option<&'b str> {
        if !self.located {
            return None;
        }
        let url = match fields.url? {
            FieldValue::Json(raw) => json_string(raw, scratch)?,
            FieldValue::Text(text) => text,
        };
        url::registered_domain(url, buf)
    }
}
