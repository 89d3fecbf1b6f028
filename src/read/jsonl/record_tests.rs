//! The record reader's results and problems, and its unescaping against serde_json.

use super::*;
use proptest::prelude::*;

fn text(line: &str) -> Result<Option<String>, Problem> {
    let mut buf = String::new();
    extract_text(line.as_bytes(), "text", &mut buf).map(|t| t.map(str::to_string))
}

#[test]
fn borrows_plain_strings_and_unescapes_others() {
    let line = br#"{"id":1,"text":"hi"}"#;
    let mut buf = String::new();
    let got = extract_text(line, "text", &mut buf).unwrap().unwrap();
    assert_eq!(got, "hi");
    assert!(
        line.as_ptr_range().contains(&got.as_ptr()),
        "borrowed from the line"
    );
    assert_eq!(
        text(r#"{"text":"a\nb \u00e9 \ud83d\ude00 \"q\" \\ \/"}"#)
            .unwrap()
            .unwrap(),
        "a\nb é 😀 \"q\" \\ /"
    );
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
fn reads_date_and_url_fields_in_the_same_pass() {
    let names = FieldNames {
        text: "text",
        date: Some("date"),
        url: Some("url"),
        chat: false,
    };
    let line = br#"{"url":"https:\/\/x.org","text":"hi","date":1700000000,"date":"2024-01"}"#;
    let mut buf = String::new();
    let (text, fields) = extract_record(line, &names, &mut buf).unwrap().unwrap();
    assert_eq!(text, "hi");
    assert_eq!(fields.date, Some(FieldValue::Json("\"2024-01\"")));
    assert_eq!(fields.url, Some(FieldValue::Json(r#""https:\/\/x.org""#)));
    let (_, none) = extract_record(br#"{"text":"a"}"#, &names, &mut buf)
        .unwrap()
        .unwrap();
    assert_eq!(none, RecordFields::default());
}

#[test]
fn chat_fields_hand_out_the_raw_messages_array() {
    let names = FieldNames {
        chat: true,
        ..FieldNames::only_text("messages")
    };
    let line = br#"{"id":1,"messages":[{"role":"user","content":"h\u00e9"}]}"#;
    let mut buf = String::new();
    let (json, _) = extract_record(line, &names, &mut buf).unwrap().unwrap();
    assert_eq!(json, r#"[{"role":"user","content":"h\u00e9"}]"#);
    let problem = extract_record(br#"{"messages":"hi"}"#, &names, &mut buf).unwrap_err();
    assert_eq!(problem.kind, ErrorKind::FieldType);
    assert_eq!(
        problem.message,
        "field \"messages\" is a string, not an array of messages"
    );
    let missing = extract_record(br#"{"text":"hi"}"#, &names, &mut buf).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::MissingField);
}

#[test]
fn classifies_bad_records() {
    let kind = |l: &[u8]| {
        extract_text(l, "text", &mut String::new())
            .unwrap_err()
            .kind
    };
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
    assert_eq!(kind(br#"{"text":"\udc00"}"#), ErrorKind::InvalidUnicode);
    assert_eq!(
        kind(br#"{"text":"\ud83d\u0041"}"#),
        ErrorKind::InvalidUnicode
    );
    let p = extract_text(b"{\"text\":42}", "text", &mut String::new()).unwrap_err();
    assert_eq!(p.message, "field \"text\" is a number, not a string");
}

#[test]
fn json_problems_say_what_was_expected() {
    let message = |l: &[u8]| {
        let p = extract_text(l, "text", &mut String::new()).unwrap_err();
        assert_eq!(p.kind, ErrorKind::Json);
        p.message
    };
    let one = "each line must be one JSON object, such as {\"text\": \"...\"}";
    assert_eq!(
        message(b"not json at all"),
        format!("not a JSON object: the line holds text that is not JSON; {one}")
    );
    assert_eq!(
        message(b"[1,2]"),
        format!("not a JSON object: the line holds an array; {one}")
    );
    let nan = "is not JSON (JSON has no NaN or Infinity; write null or a string)";
    assert_eq!(
        message(br#"{"text": "a", "x": NaN}"#),
        format!("NaN at column 20 {nan}; {one}")
    );
    assert_eq!(
        message(br#"{"text": -Infinity}"#),
        format!("-Infinity at column 11 {nan}; {one}")
    );
    assert_eq!(
        message(br#"{"text": Infinity}"#),
        format!("Infinity at column 10 {nan}; {one}")
    );
    assert_eq!(
        message(br#"{"text": tru}"#),
        format!("invalid JSON at column 13 (expected true, false or null); {one}")
    );
    assert_eq!(
        message(br#"{"text":"a"} trailing"#),
        format!("more text after the JSON object at column 14; {one}")
    );
    assert_eq!(
        message(br#"{"text": "open"#),
        format!("invalid JSON at column 14 (EOF while parsing a string); {one}")
    );
}

/// A JSON string literal for `chars`, each written raw or escaped as `pick` says.
fn literal(chars: &[(char, u8)]) -> String {
    let mut out = String::from("\"");
    for &(c, pick) in chars {
        let must = c == '"' || c == '\\' || (c as u32) < 0x20;
        match (pick % 3, must) {
            (0, false) => out.push(c),
            (1, _) if matches!(c, '\n' | '\t' | '"' | '\\') => {
                out.push_str(&c.escape_default().to_string())
            }
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

proptest! {
    #[test]
    fn unescaping_agrees_with_serde_json(chars in prop::collection::vec((any::<char>(), any::<u8>()), 0..40)) {
        let lit = literal(&chars);
        let line = format!("{{\"a\":[1,{{}}],\"text\":{lit}}}");
        let want: serde_json::Value = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(text(&line).unwrap().unwrap(), want["text"].as_str().unwrap());
    }
}
