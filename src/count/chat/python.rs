//! What `transformers` adds to Jinja for chat templates, with Python's own semantics: `tojson`
//! (Python's `json.dumps`, in `python_json`), `trim` (Python's `str.strip`), values printed as
//! Python's `str` prints them, `raise_exception` and `strftime_now`; and JSON read into template
//! values with the keys' order kept, as Python's `json` keeps it.

use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Value};

/// Registers the filters and functions on `env`, and prints values as Python's `str` does.
pub(super) fn register(env: &mut Environment<'static>) {
    env.set_formatter(|out, state, value| match value.kind() {
        ValueKind::None | ValueKind::Bool | ValueKind::Seq | ValueKind::Map => {
            out.write_str(&python_str(value)).map_err(Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_filter("tojson", super::python_json::tojson);
    env.add_filter("trim", trim);
    env.add_function("raise_exception", raise_exception);
    env.add_function("strftime_now", strftime_now);
}

/// JSON text as a template value, objects' keys in their order.
pub(super) fn parse_json(json: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(json)
}

/// `raise_exception(message)`: the template refuses the conversation.
fn raise_exception(message: String) -> Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message))
}

/// `strftime_now(format)`: the current time (UTC) in Python's `strftime` format.
fn strftime_now(format: String) -> Result<String, Error> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    super::strftime::format(seconds, &format)
        .map_err(|m| Error::new(ErrorKind::InvalidOperation, m))
}

/// Python's whitespace for `str.strip()` (the Unicode `White_Space` characters and the four
/// information separators U+001C..U+001F).
fn python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `value | trim` or `value | trim(chars)`, as Python's `str.strip` of `str(value)`.
fn trim(value: Value, chars: Option<String>) -> String {
    let value = python_str(&value);
    match chars {
        Some(chars) => value.trim_matches(|c| chars.contains(c)).to_string(),
        None => value.trim_matches(python_space).to_string(),
    }
}

/// `str(value)` in Python: a string as it is, anything else as its `repr`.
pub(super) fn python_str(value: &Value) -> String {
    match value.as_str() {
        Some(text) => text.to_string(),
        None => python_repr(value),
    }
}

/// `repr(value)` in Python: `None`, `True`, `'text'`, `[1, 'a']`, `{'k': 2.0}`.
fn python_repr(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined => String::new(),
        ValueKind::None => "None".into(),
        ValueKind::Bool => if value.is_true() { "True" } else { "False" }.into(),
        ValueKind::String => quote(value.as_str().unwrap_or_default()),
        ValueKind::Number => match f64::try_from(value.clone()) {
            Ok(float) if !value.is_integer() => super::python_json::python_float(float),
            _ => value.to_string(),
        },
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<String> = value
                .try_iter()
                .map(|items| items.map(|v| python_repr(&v)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let items: Vec<String> = value
                .try_iter()
                .map(|keys| {
                    keys.map(|k| {
                        let v = value.get_item(&k).unwrap_or_default();
                        format!("{}: {}", python_repr(&k), python_repr(&v))
                    })
                    .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", items.join(", "))
        }
        _ => value.to_string(),
    }
}

/// A string quoted as Python's `repr` quotes it: single quotes unless it holds a single quote
/// and no double one; backslashes, the quote, and control characters escaped.
fn quote(text: &str) -> String {
    let mark = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(mark);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == mark => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{a0}').contains(&c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(mark);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_python_strip() {
        assert_eq!(trim(Value::from("\u{1f} a \n"), None), "a");
        assert_eq!(trim(Value::from("xxaxx"), Some("x".into())), "a");
        assert_eq!(trim(Value::from(()), None), "None");
    }

    #[test]
    fn values_print_as_python_str() {
        let value = parse_json(r#"[{"type": "text", "text": "it's \"q\"\n"}, null, true, 2, 0.5]"#);
        assert_eq!(
            python_str(&value.unwrap()),
            r#"[{'type': 'text', 'text': 'it\'s "q"\n'}, None, True, 2, 0.5]"#
        );
        assert_eq!(python_str(&Value::from("plain")), "plain");
    }
}
