//! Conversations measured per role, bad records, and the vendored templates rendered (the
//! byte-for-byte comparison with `transformers` is `tests/suite/chat.rs`).

use super::*;
use crate::count::test_support::llama3;

/// A vendored `tokenizer_config.json` (zstd) as text.
fn config(model: &str) -> String {
    let path = format!(
        "{}/fixtures/tokenizers/{model}.tokenizer_config.json.zst",
        env!("CARGO_MANIFEST_DIR")
    );
    crate::count::read_config_text(std::path::Path::new(&path)).unwrap()
}

#[test]
fn roles_turns_and_contents_are_counted() {
    let tokenizer = llama3();
    let counter = tokenizer.counter();
    let json = r#"[
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Hello"},
                                     {"type": "image_url", "image_url": {"url": "https://x.org/a.png"}}]},
        {"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "content": "42"},
        {"role": "developer", "content": ""}
    ]"#;
    let m = measure_conversation(counter, None, json).unwrap();
    let tokens = |t: &str| counter.count(t).unwrap();
    assert_eq!(
        m.figures.roles[0],
        RoleCount {
            messages: 1,
            tokens: tokens("Be brief.")
        }
    );
    assert_eq!(
        m.figures.roles[1],
        RoleCount {
            messages: 1,
            tokens: tokens("Hello")
        }
    );
    assert_eq!(
        m.figures.roles[2],
        RoleCount {
            messages: 1,
            tokens: 0
        }
    );
    assert_eq!(m.figures.roles[3].messages, 1);
    assert_eq!(
        m.figures.roles[4],
        RoleCount {
            messages: 1,
            tokens: 0
        }
    );
    assert_eq!(m.figures.unresolved_media, 1);
    assert_eq!(m.figures.template_tokens, None);
    assert_eq!(m.bytes, ("Be brief.".len() + "Hello".len() + 2) as u64);
    assert_eq!(
        m.tokens,
        tokens("Be brief.") + tokens("Hello") + tokens("42")
    );
    assert_eq!(m.text, "Be brief.\nHello\n42\n");
}

#[test]
fn bad_records_are_problems_of_their_kind() {
    let tokenizer = llama3();
    let kind = |json: &str| {
        measure_conversation(tokenizer.counter(), None, json)
            .unwrap_err()
            .kind
    };
    assert_eq!(kind(r#"{"role": "user"}"#), ErrorKind::FieldType);
    assert_eq!(kind(r#"["hi"]"#), ErrorKind::FieldType);
    assert_eq!(kind(r#"[{"content": "no role"}]"#), ErrorKind::MissingField);
    assert_eq!(
        kind(r#"[{"role": 1, "content": "x"}]"#),
        ErrorKind::FieldType
    );
    assert_eq!(
        kind(r#"[{"role": "user", "content": 7}]"#),
        ErrorKind::FieldType
    );
    assert_eq!(
        kind(r#"[{"role": "user", "content": [3]}]"#),
        ErrorKind::FieldType
    );
    assert_eq!(kind("[not json"), ErrorKind::Json);
    let p = measure_conversation(
        tokenizer.counter(),
        None,
        r#"[{"role":"user","content":{}}]"#,
    )
    .unwrap_err();
    assert_eq!(
        p.message,
        "message 1: content is an object, not a string, a list of parts or null"
    );
}

#[test]
fn a_template_renders_and_its_tokens_are_the_difference() {
    let tokenizer = llama3();
    let counter = tokenizer.counter();
    let template = ChatTemplate::from_tokenizer_config(&config("llama3")).unwrap();
    let json = r#"[{"role": "user", "content": " Hi there "}, {"role": "assistant", "content": "Hello!"}]"#;
    let rendered = template.render_json(json).unwrap();
    assert_eq!(
        rendered,
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>\
         <|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>\
         <|start_header_id|>assistant<|end_header_id|>\n\n"
    );
    let m = measure_conversation(counter, Some(&template), json).unwrap();
    let total = counter.count(&rendered).unwrap();
    assert_eq!(m.tokens, total);
    let contents = counter.count(" Hi there ").unwrap() + counter.count("Hello!").unwrap();
    assert_eq!(
        m.figures.template_tokens,
        Some(total as i64 - contents as i64)
    );
    assert_eq!(
        template.special_token("bos_token").as_deref(),
        Some("<|begin_of_text|>")
    );
}

#[test]
fn template_refusals_are_template_problems() {
    let tokenizer = llama3();
    let gemma = ChatTemplate::from_tokenizer_config(&config("gemma3")).unwrap();
    let json = r#"[{"role": "assistant", "content": "first"}]"#;
    let problem = measure_conversation(tokenizer.counter(), Some(&gemma), json).unwrap_err();
    assert_eq!(problem.kind, ErrorKind::Template);
    assert!(
        problem
            .message
            .contains("Conversation roles must alternate"),
        "{}",
        problem.message
    );
}

#[test]
fn bare_templates_take_their_tokens_and_bad_ones_are_refused() {
    let template = ChatTemplate::from_source(
        "{{ bos_token }}{% for m in messages %}{{ m.content | tojson }}{% endfor %}{{ eos_token }}",
        Some("<s>"),
        None,
    )
    .unwrap();
    let rendered = template
        .render_json(r#"[{"role": "user", "content": {"b": 1, "a": [true, "é"]}}]"#)
        .unwrap();
    assert_eq!(rendered, r#"<s>{"b": 1, "a": [true, "é"]}"#);
    assert!(matches!(
        ChatTemplate::from_source("{% for %}", None, None),
        Err(ChatTemplateError::Syntax(_))
    ));
    assert!(matches!(
        ChatTemplate::from_tokenizer_config("{}"),
        Err(ChatTemplateError::Config(_))
    ));
    let qwen = ChatTemplate::from_tokenizer_config(&config("qwen3")).unwrap();
    assert_eq!(qwen.special_token("bos_token"), None);
    assert_eq!(
        qwen.special_token("eos_token").as_deref(),
        Some("<|im_end|>")
    );
}
