//! Extracting the text field from one JSONL line without building a `serde_json::Value`:
//! other fields are skipped, the text is borrowed from the line, and only when it contains
//! escapes is it unescaped, into a buffer the caller reuses (no allocation per line).

use super::fast;
use crate::error::ErrorKind;
use crate::provenance::{FieldValue, RecordFields};
use crate::read::Problem;
use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The text of a JSONL line: `Ok(None)` for a blank line, the field's string otherwise (borrowed
/// from the line, or unescaped into `buf` when it has escapes), or the problem that prevents
/// counting it. Nothing is allocated per line once `buf` has grown.
pub fn extract_text<'a>(
    line: &'a [u8],
    field: &str,
    buf: &'a mut String,
) -> Result<Option<&'a str>, Problem> {
    let names = FieldNames::only_text(field);
    extract_record(line, &names, buf).map(|r| r.map(|(text, _)| text))
}

/// The fields a record is read for: its text, and optionally its date and URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldNames<'f> {
    /// The text field.
    pub text: &'f str,
    /// The date field, if the source names one.
    pub date: Option<&'f str>,
    /// The URL field, if the source names one.
    pub url: Option<&'f str>,
    /// `text` names a chat field: its value is a messages array, handed out as raw JSON.
    pub chat: bool,
}

impl<'f> FieldNames<'f> {
    /// The text field `text` alone.
    pub const fn only_text(text: &'f str) -> Self {
        FieldNames {
            text,
            date: None,
            url: None,
            chat: false,
        }
    }
}

/// The text of a JSONL line as [`extract_text`] gives it, with the raw JSON values of the date
/// and URL fields (absent when not named or not in the record). One pass, no `Value`: the
/// common record is read by a fast path, and any other line (blank, invalid, or unusual, such
/// as a key with escapes) by the older path of four passes, which also words the problems.
pub fn extract_record<'a>(
    line: &'a [u8],
    names: &FieldNames<'_>,
    buf: &'a mut String,
) -> Result<Option<(&'a str, RecordFields<'a>)>, Problem> {
    // Why a success of the fast path is the reference's success, with the same text and fields
    // (the fast path decides no problem, so every problem is still worded by the reference):
    // 1. UTF-8. The fast path accepts only a line whose every byte it checked: whitespace and
    //    the object's punctuation are ASCII bytes it matched one by one; a key is accepted only
    //    without escapes or control characters and after `from_utf8`; every value other than a
    //    non-chat text field is a `RawValue` of `Deserializer::from_slice`, which validates its
    //    bytes; and the text string's pieces between escapes are valid because its value (those
    //    pieces with the escapes decoded to whole characters, each starting on a lead or ASCII
    //    byte) passes `from_utf8`. So the whole line is UTF-8 and the reference's first check
    //    passes.
    // 2. Syntax. The fast path follows the grammar serde_json's `deserialize_map` and `end`
    //    apply to the reference's `from_str` (JSON whitespace is space, tab, CR and LF; `{`,
    //    then `"key" : value` separated by commas without a trailing one, `}`, then whitespace
    //    to the end), and reads each value other than a text string with serde_json's own
    //    `deserialize_raw_value` from the value's first byte: the same `ignore_value` that the
    //    reference's `RawValue` and `IgnoredAny` run, over the same bytes, ending at the same
    //    byte (the raw value's length). A text string it scans itself, accepting less than
    //    serde_json's `ignore_str` (no control characters, the eight short escapes, `\u` with
    //    four hex digits) and stopping at the same closing quote. So the reference's parse
    //    succeeds too, and sees the same keys in the same order.
    // 3. Values. Keys without escapes are compared byte for byte, as the reference compares
    //    the decoded key, in the same order (text, date, URL), and the last duplicate wins in
    //    both. The fast path requires a text field, a `[` for a chat field and a string
    //    otherwise, exactly where the reference would refuse; it decodes the escapes as
    //    `unescape` does and refuses (falls back on) every lone surrogate `unescape` refuses.
    //    Date and URL fields are the same raw values, borrowed from the line.
    // The fast path allocates no more than the reference: it fills `buf` (keeping its
    // capacity), and its `from_slice` deserializers start with an empty scratch buffer, which
    // serde_json only fills for containers nested in a value (as the reference's does).
    let Some(found) = fast::record(line, names, buf) else {
        return extract_record_reference(line, names, buf);
    };
    let fields = RecordFields {
        date: found.date.map(|raw| FieldValue::Json(raw.get())),
        url: found.url.map(|raw| FieldValue::Json(raw.get())),
    };
    let text = match found.text {
        Some(text) => text,
        None => {
            let buf: &'a String = buf;
            buf.as_str()
        }
    };
    Ok(Some((text, fields)))
}

/// [`extract_record`] the slow way, in four passes (`from_utf8` of the line, serde_json with the
/// text as a `RawValue`, a search for a backslash, then `unescape`): the fallback of the fast
/// path, which words every problem, and the reference it is tested against.
pub(super) fn extract_record_reference<'a>(
    line: &'a [u8],
    names: &FieldNames<'_>,
    buf: &'a mut String,
) -> Result<Option<(&'a str, RecordFields<'a>)>, Problem> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // JSON text is UTF-8 throughout: invalid bytes anywhere (not only in the text field) make
    // the record invalid, as in Python's `json`.
    let line = std::str::from_utf8(line).map_err(|e| {
        Problem::new(
            ErrorKind::InvalidUnicode,
            format!("invalid UTF-8 at column {}", e.valid_up_to() + 1),
        )
    })?;
    let mut de = serde_json::Deserializer::from_str(line);
    let [text, date, url] = de
        .deserialize_map(RecordVisitor { names })
        .and_then(|found| de.end().map(|()| found))
        .map_err(|e| json_problem(e, line))?;
    let field = names.text;
    let Some(raw) = text else {
        return Err(Problem::new(
            ErrorKind::MissingField,
            format!("record has no \"{field}\" field"),
        ));
    };
    let fields = RecordFields {
        date: date.map(|raw| FieldValue::Json(raw.get())),
        url: url.map(|raw| FieldValue::Json(raw.get())),
    };
    let raw = raw.get();
    if names.chat {
        return match raw.as_bytes()[0] {
            b'[' => Ok(Some((raw, fields))),
            first => Err(Problem::new(
                ErrorKind::FieldType,
                format!(
                    "field \"{field}\" is {}, not an array of messages",
                    json_kind(first)
                ),
            )),
        };
    }
    let kind = match raw.as_bytes()[0] {
        b'"' => return unescape(&raw[1..raw.len() - 1], buf).map(|t| Some((t, fields))),
        other => json_kind(other),
    };
    Err(Problem::new(
        ErrorKind::FieldType,
        format!("field \"{field}\" is {kind}, not a string"),
    ))
}

/// What a JSON value starting with `first` is, in words.
fn json_kind(first: u8) -> &'static str {
    match first {
        b'"' => "a string",
        b'n' => "null",
        b't' | b'f' => "a boolean",
        b'[' => "an array",
        b'{' => "an object",
        _ => "a number",
    }
}

/// The value of a JSON string (its text between the quotes, already validated by the parser):
/// itself when it has no escapes, else unescaped into `buf`. Lone surrogates are refused.
fn unescape<'a>(raw: &'a str, buf: &'a mut String) -> Result<&'a str, Problem> {
    let Some(first) = memchr::memchr(b'\\', raw.as_bytes()) else {
        return Ok(raw);
    };
    let lone = |unit: u32| {
        Problem::new(
            ErrorKind::InvalidUnicode,
            format!("lone surrogate escape \\u{unit:04X} in the text"),
        )
    };
    let hex = |at: usize| u32::from_str_radix(raw.get(at..at + 4).unwrap_or("?"), 16).ok();
    buf.clear();
    let bytes = raw.as_bytes();
    let mut i = 0;
    let mut next = Some(first);
    while let Some(at) = next {
        buf.push_str(&raw[i..at]);
        let (c, len) = match bytes[at + 1] {
            b'n' => ('\n', 2),
            b't' => ('\t', 2),
            b'r' => ('\r', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'u' => {
                let unit = hex(at + 2)
                    .ok_or_else(|| Problem::new(ErrorKind::Json, "malformed \\u escape"))?;
                match unit {
                    0xD800..=0xDBFF => {
                        let low = (bytes.get(at + 6..at + 8) == Some(b"\\u"))
                            .then(|| hex(at + 8))
                            .flatten();
                        match low {
                            Some(low @ 0xDC00..=0xDFFF) => {
                                let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                (char::from_u32(cp).ok_or_else(|| lone(unit))?, 12)
                            }
                            _ => return Err(lone(unit)),
                        }
                    }
                    0xDC00..=0xDFFF => return Err(lone(unit)),
                    _ => (char::from_u32(unit).ok_or_else(|| lone(unit))?, 6),
                }
            }
            other => (other as char, 2), // \" \\ \/
        };
        buf.push(c);
        i = at + len;
        next = memchr::memchr(b'\\', &bytes[i..]).map(|j| i + j);
    }
    buf.push_str(&raw[i..]);
    Ok(buf.as_str())
}

/// What every line of a JSONL file must be, said after each `json` problem.
const ONE_OBJECT: &str = "each line must be one JSON object, such as {\"text\": \"...\"}";

/// The problem of a `line` the JSON parser refused with `e`: what was found where, and what was
/// expected (one JSON object per line), in words rather than the parser's jargon.
fn json_problem(e: serde_json::Error, line: &str) -> Problem {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&suffix).unwrap_or(&full);
    let column = e.column();
    if what.contains("hex escape") || what.contains("surrogate") {
        let hint = " (a lone surrogate or malformed \\u escape)";
        return Problem::new(
            ErrorKind::InvalidUnicode,
            format!("{what}{hint} at column {column}"),
        );
    }
    if what.contains("unicode") {
        let message = format!("{what} (invalid UTF-8) at column {column}");
        return Problem::new(ErrorKind::InvalidUnicode, message);
    }
    let message = match line.trim_start().as_bytes().first() {
        Some(b'{') => match not_a_number_at(line, column) {
            Some(word) => format!(
                "{word} at column {column} is not JSON (JSON has no NaN or Infinity; write null or a string); {ONE_OBJECT}"
            ),
            None if what == "trailing characters" => {
                format!("more text after the JSON object at column {column}; {ONE_OBJECT}")
            }
            None => {
                let what = what.replace("expected ident", "expected true, false or null");
                format!("invalid JSON at column {column} ({what}); {ONE_OBJECT}")
            }
        },
        first => format!(
            "not a JSON object: the line holds {}; {ONE_OBJECT}",
            match first {
                Some(b'[') => "an array",
                Some(b'"') => "a string",
                Some(b'0'..=b'9' | b'-') => "a number",
                _ => "text that is not JSON",
            }
        ),
    };
    Problem::new(ErrorKind::Json, message)
}

/// `NaN`, `Infinity` or `-Infinity` when the parser stopped on one at 1-based `column` (on its
/// first letter, or after the minus sign), else `None`.
fn not_a_number_at(line: &str, column: usize) -> Option<&'static str> {
    let at = |offset: usize| line.get(column.checked_sub(offset)?..);
    // `-Infinity` first: its tail is `Infinity`.
    ["-Infinity", "NaN", "Infinity"].into_iter().find(|word| {
        [1, 2]
            .iter()
            .any(|&offset| at(offset).is_some_and(|rest| rest.starts_with(word)))
    })
}

struct RecordVisitor<'n, 'f> {
    names: &'n FieldNames<'f>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_, '_> {
    type Value = [Option<&'de RawValue>; 3];

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The last duplicate of a key wins, as in Python.
        let mut found = [None; 3];
        while let Some(slot) = map.next_key_seed(KeySlot(self.names))? {
            match slot {
                Some(slot) => found[slot] = Some(map.next_value::<&'de RawValue>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Deserializes a key into which wanted field it is (0 text, 1 date, 2 URL) without
/// allocating.
struct KeySlot<'n, 'f>(&'n FieldNames<'f>);

impl<'de> DeserializeSeed<'de> for KeySlot<'_, '_> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySlot<'_, '_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        let names = self.0;
        Ok(if key == names.text {
            Some(0)
        } else if Some(key) == names.date {
            Some(1)
        } else if Some(key) == names.url {
            Some(2)
        } else {
            None
        })
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
