//! Extracting the text field from one JSONL line without building a `serde_json::Value`:
//! the text is borrowed from the line unless it contains escapes, other fields are skipped.

use super::Problem;
use crate::error::ErrorKind;
use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The text of a JSONL line: `Ok(None)` for a blank line, the field's string otherwise, or the
/// problem that prevents counting it.
pub fn extract_text<'a>(line: &'a [u8], field: &str) -> Result<Option<Cow<'a, str>>, Problem> {
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
    let found = de
        .deserialize_map(RecordVisitor { field })
        .and_then(|found| de.end().map(|()| found))
        .map_err(json_problem)?;
    match found {
        Field::Text(text) => Ok(Some(text)),
        Field::Missing => Err(Problem::new(
            ErrorKind::MissingField,
            format!("record has no \"{field}\" field"),
        )),
        Field::Other(kind) => Err(Problem::new(
            ErrorKind::FieldType,
            format!("field \"{field}\" is {kind}, not a string"),
        )),
    }
}

fn json_problem(e: serde_json::Error) -> Problem {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&suffix).unwrap_or(&full);
    let (kind, hint) = if what.contains("hex escape") || what.contains("surrogate") {
        (
            ErrorKind::InvalidUnicode,
            " (a lone surrogate or malformed \\u escape)",
        )
    } else if what.contains("unicode") {
        (ErrorKind::InvalidUnicode, " (invalid UTF-8)")
    } else {
        (ErrorKind::Json, "")
    };
    Problem::new(kind, format!("{what}{hint} at column {}", e.column()))
}

enum Field<'de> {
    Missing,
    Text(Cow<'de, str>),
    Other(&'static str),
}

struct RecordVisitor<'f> {
    field: &'f str,
}

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = Field::Missing;
        while let Some(is_text) = map.next_key_seed(KeyIs(self.field))? {
            if is_text {
                found = map.next_value_seed(TextValue)?; // the last duplicate wins, as in Python
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Deserializes a key into "is it the text field?" without allocating.
struct KeyIs<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Deserializes the text field's value: a string (borrowed where possible) or its JSON type.
struct TextValue;

impl<'de> DeserializeSeed<'de> for TextValue {
    type Value = Field<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Field<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextValue {
    type Value = Field<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field<'de>, E> {
        Ok(Field::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Field<'de>, E> {
        Ok(Field::Text(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Field<'de>, E> {
        Ok(Field::Other("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Field<'de>, E> {
        Ok(Field::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Field<'de>, E> {
        Ok(Field::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Field<'de>, E> {
        Ok(Field::Other("a number"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Other("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &str) -> Result<Option<Cow<'_, str>>, Problem> {
        extract_text(line.as_bytes(), "text")
    }

    #[test]
    fn borrows_plain_strings_and_unescapes_others() {
        assert!(matches!(
            text(r#"{"id":1,"text":"hi"}"#),
            Ok(Some(Cow::Borrowed("hi")))
        ));
        let got = text(r#"{"text":"a\nb \u00e9 \ud83d\ude00"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(got, "a\nb é 😀");
        assert_eq!(text(" \t\r").unwrap(), None);
        assert_eq!(
            text(r#"{"text":"x","text":"last"}"#).unwrap().unwrap(),
            "last"
        );
        assert_eq!(
            text("{\"meta\":{\"text\":1},\"text\":\"ok\"}\r")
                .unwrap()
                .unwrap(),
            "ok"
        );
    }

    #[test]
    fn classifies_bad_records() {
        let kind = |l: &[u8]| extract_text(l, "text").unwrap_err().kind;
        assert_eq!(kind(b"{\"text\": "), ErrorKind::Json);
        assert_eq!(kind(b"[1,2]"), ErrorKind::Json);
        assert_eq!(kind(b"{\"text\":\"a\"} trailing"), ErrorKind::Json);
        assert_eq!(kind(b"{\"body\":\"a\"}"), ErrorKind::MissingField);
        assert_eq!(kind(b"{\"text\":42}"), ErrorKind::FieldType);
        assert_eq!(kind(b"{\"text\":[\"a\"]}"), ErrorKind::FieldType);
        assert_eq!(kind(b"{\"text\":null}"), ErrorKind::FieldType);
        assert_eq!(kind(b"{\"text\":\"\xff\xfe\"}"), ErrorKind::InvalidUnicode);
        assert_eq!(
            kind(b"{\"meta\":\"\xff\",\"text\":\"ok\"}"),
            ErrorKind::InvalidUnicode
        );
        assert_eq!(
            kind(br#"{"text":"\ud800 lone"}"#),
            ErrorKind::InvalidUnicode
        );
        let p = extract_text(b"{\"text\":42}", "text").unwrap_err();
        assert_eq!(p.message, "field \"text\" is a number, not a string");
    }
}
