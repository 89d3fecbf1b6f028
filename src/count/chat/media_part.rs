//! The parts of a message's content list: text, inline media (a `data:` URL, a base64
//! `input_audio`), remote media (a URL to fetch, which is never fetched) and anything else.

use base64::Engine as _;
use minijinja::Value;
use minijinja::value::ValueKind;

/// A medium carried inside a conversation, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineMedium {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// A name hinting at its format (`inline.png`, `inline.wav`), from its media type.
    pub name: String,
}

/// One content part, classified.
#[derive(Debug)]
pub(super) enum Part {
    /// A text part's text (a string value).
    Text(Value),
    /// A medium inside the record.
    Inline(InlineMedium),
    /// A medium behind a URL: counted as unresolved.
    Remote,
    /// A part of a type that holds neither text nor media.
    Other,
}

/// Classifies `part` (a value parsed from the record's JSON), or says why it is not a valid
/// content part.
pub(super) fn classify(part: &Value) -> Result<Part, String> {
    if part.kind() != ValueKind::Map {
        return Err("not an object".into());
    }
    let Some(kind) = string(part, "type") else {
        return Err("has no \"type\" string".into());
    };
    let kind = kind.as_str().unwrap_or_default();
    match kind {
        "text" => match string(part, "text") {
            Some(text) => Ok(Part::Text(text)),
            None => Err("a text part without a \"text\" string".into()),
        },
        "input_audio" => {
            let audio = member(part, "input_audio").unwrap_or_default();
            let (Some(data), format) = (string(&audio, "data"), string(&audio, "format")) else {
                return Err("an input_audio part without base64 \"data\"".into());
            };
            let bytes = decode(data.as_str().unwrap_or_default())?;
            let format = format.as_ref().and_then(Value::as_str).unwrap_or("bin");
            let name = format!("inline.{format}");
            Ok(Part::Inline(InlineMedium { bytes, name }))
        }
        "image_url" | "image" | "audio" | "video" | "video_url" | "audio_url" => {
            let url = url_of(member(part, kind)).or_else(|| url_of(member(part, "url")));
            match url.as_ref().and_then(Value::as_str) {
                Some(url) if url.starts_with("data:") => data_url(url).map(Part::Inline),
                _ => Ok(Part::Remote),
            }
        }
        _ => Ok(Part::Other),
    }
}

/// The member `name` of `value` when it is an object that has one.
pub(super) fn member(value: &Value, name: &str) -> Option<Value> {
    if value.kind() != ValueKind::Map {
        return None;
    }
    value.get_attr(name).ok().filter(|v| !v.is_undefined())
}

/// The member `name` of `value` when it is a string.
fn string(value: &Value, name: &str) -> Option<Value> {
    member(value, name).filter(|v| v.kind() == ValueKind::String)
}

/// The URL of an `image_url`-style value: a string, or an object's `url` string.
fn url_of(value: Option<Value>) -> Option<Value> {
    let value = value?;
    match value.kind() {
        ValueKind::String => Some(value),
        _ => string(&value, "url"),
    }
}

/// The medium of a base64 `data:` URL (`data:image/png;base64,...`).
fn data_url(url: &str) -> Result<InlineMedium, String> {
    let Some((head, data)) = url["data:".len()..].split_once(',') else {
        return Err("a data: URL without a comma".into());
    };
    let Some(media_type) = head.strip_suffix(";base64") else {
        return Err("a data: URL that is not base64".into());
    };
    let subtype = media_type
        .split(';')
        .next()
        .and_then(|t| t.split_once('/'))
        .map_or("bin", |(_, sub)| sub);
    let extension = match subtype {
        "jpeg" => "jpg",
        "mpeg" => "mp3",
        "x-wav" | "wave" => "wav",
        "svg+xml" => "svg",
        other => other,
    };
    Ok(InlineMedium {
        bytes: decode(data)?,
        name: format!("inline.{extension}"),
    })
}

/// Base64 (standard alphabet, padded or not) decoded.
fn decode(data: &str) -> Result<Vec<u8>, String> {
    let data = data.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(data)
        .map_err(|e| format!("inline data is not valid base64 ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part as the record's JSON gives it to [`classify`].
    macro_rules! part {
        ($($json:tt)+) => {
            super::super::python::parse_json(&serde_json::json!($($json)+).to_string()).unwrap()
        };
    }

    #[test]
    fn parts_are_text_inline_remote_or_other() {
        let text = part!({"type": "text", "text": "hi"});
        assert!(matches!(classify(&text), Ok(Part::Text(t)) if t.as_str() == Some("hi")));
        let png =
            part!({"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw=="}});
        let Ok(Part::Inline(medium)) = classify(&png) else {
            panic!("inline")
        };
        assert_eq!(
            (medium.name.as_str(), medium.bytes.len()),
            ("inline.png", 4)
        );
        let audio =
            part!({"type": "input_audio", "input_audio": {"data": "UklGRg", "format": "wav"}});
        let Ok(Part::Inline(medium)) = classify(&audio) else {
            panic!("audio")
        };
        assert_eq!(
            (medium.name.as_str(), &medium.bytes[..]),
            ("inline.wav", &b"RIFF"[..])
        );
        let remote = part!({"type": "image_url", "image_url": {"url": "https://x.org/a.png"}});
        assert!(matches!(classify(&remote), Ok(Part::Remote)));
        assert!(matches!(
            classify(&part!({"type": "image"})),
            Ok(Part::Remote)
        ));
        assert!(matches!(
            classify(&part!({"type": "refusal"})),
            Ok(Part::Other)
        ));
    }

    #[test]
    fn bad_parts_say_what_is_wrong() {
        assert!(classify(&part!("text")).is_err());
        assert!(classify(&part!({"text": "no type"})).is_err());
        assert!(classify(&part!({"type": "text", "text": 3})).is_err());
        let not_base64 = part!({"type": "image_url", "image_url": "data:image/png;base64,@@"});
        assert!(classify(&not_base64).unwrap_err().contains("base64"));
        let plain = part!({"type": "image_url", "image_url": "data:text/plain,hello"});
        assert!(classify(&plain).is_err());
    }
}
