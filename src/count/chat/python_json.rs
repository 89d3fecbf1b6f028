//! Python's `json.dumps` for templates' `tojson` filter, as `transformers` defines it: `", "`
//! and `": "` separators (`","` with an indent), non-ASCII kept unless `ensure_ascii`, keys in
//! the order they came (or sorted with `sort_keys`), floats as Python's `repr` writes them.

use minijinja::value::Kwargs;
use minijinja::{Error, ErrorKind, Value};
use serde::Serialize;
use std::io;

/// `value | tojson(indent=None, separators=None, sort_keys=False, ensure_ascii=False)`, as
/// Python's `json.dumps` with those arguments.
pub(super) fn tojson(value: Value, indent: Option<Value>, kwargs: Kwargs) -> Result<String, Error> {
    let indent = match kwargs.get::<Option<Value>>("indent")?.or(indent) {
        Some(v) if v.is_none() || v.is_undefined() => None,
        Some(v) => Some(v.as_usize().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "tojson: indent must be a whole number",
            )
        })?),
        None => None,
    };
    let separators: Option<Vec<String>> = kwargs.get("separators")?;
    let sort_keys: Option<bool> = kwargs.get("sort_keys")?;
    let ensure_ascii: Option<bool> = kwargs.get("ensure_ascii")?;
    kwargs.assert_all_used()?;
    let (item, key) = match separators.as_deref() {
        Some([item, key]) => (item.clone(), key.clone()),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "separators must be a pair",
            ));
        }
        None if indent.is_some() => (",".into(), ": ".into()),
        None => (", ".into(), ": ".into()),
    };
    let formatter = PythonJson {
        indent: indent.map(|n| " ".repeat(n)),
        item,
        key,
        ensure_ascii: ensure_ascii.unwrap_or(false),
        depth: 0,
        has_value: false,
    };
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    let written = if sort_keys.unwrap_or(false) {
        // serde_json's own map keeps keys sorted.
        serde_json::to_value(&value).and_then(|sorted| sorted.serialize(&mut serializer))
    } else {
        value.serialize(&mut serializer)
    };
    written.map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("tojson: {e}")))?;
    String::from_utf8(out).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// A `serde_json` formatter that writes what Python's `json.dumps` writes.
struct PythonJson {
    indent: Option<String>,
    item: String,
    key: String,
    ensure_ascii: bool,
    depth: usize,
    has_value: bool,
}

impl PythonJson {
    fn newline<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        if let Some(indent) = &self.indent {
            w.write_all(b"\n")?;
            for _ in 0..self.depth {
                w.write_all(indent.as_bytes())?;
            }
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        self.has_value = true;
        w.write_all(bracket)
    }

    fn element<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(self.item.as_bytes())?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for PythonJson {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.element(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.element(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(self.key.as_bytes())
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(python_float(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        w.write_all(python_float(f64::from(value)).as_bytes())
    }
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !self.ensure_ascii {
            return w.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if c.is_ascii() {
                w.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// A float as Python's `repr` writes it: the shortest digits that read back, with `.0` for
/// whole numbers, and an exponent (`1e+16`, `1e-05`) outside `1e-4 <= |x| < 1e16`.
pub(super) fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let scientific = format!("{value:e}");
        let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    let plain = format!("{value}");
    if plain.contains('.') {
        plain
    } else {
        plain + ".0"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::chat::python::parse_json;

    fn dumps(json: &str, kwargs: &[(&str, Value)]) -> String {
        let value = parse_json(json).unwrap();
        let kwargs = Kwargs::from_iter(kwargs.iter().map(|(k, v)| (*k, v.clone())));
        tojson(value, None, kwargs).unwrap()
    }

    #[test]
    fn tojson_writes_what_python_json_dumps_writes() {
        let json = r#"{"b": [1, 2.5, true, null], "a": {"x": "é\n\"q\""}, "c": [], "d": {}}"#;
        assert_eq!(
            dumps(json, &[]),
            r#"{"b": [1, 2.5, true, null], "a": {"x": "é\n\"q\""}, "c": [], "d": {}}"#
        );
        assert_eq!(
            dumps(
                r#"{"a": [1, {"b": 2}], "c": []}"#,
                &[("indent", Value::from(2))]
            ),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": []\n}"
        );
        assert_eq!(
            dumps(r#"{"b": 1, "a": 2}"#, &[("sort_keys", Value::from(true))]),
            r#"{"a": 2, "b": 1}"#
        );
        assert_eq!(
            dumps(r#"["é"]"#, &[("ensure_ascii", Value::from(true))]),
            r#"["\u00e9"]"#
        );
        assert_eq!(
            dumps("[1.0, 1e16, 0.00001, 0.5]", &[]),
            "[1.0, 1e+16, 1e-05, 0.5]"
        );
    }
}
