//! Chat records (issue 19): conversations rendered with the Llama 3, Qwen3 and Gemma 3 chat
//! templates exactly as Hugging Face `transformers` renders them (text byte for byte, tokens),
//! against `fixtures/chat/expected.json` (`fixtures/tools/make-chat.py`); the oracle rerun live
//! (required in CI: `TOKENCENSUS_REQUIRE_CHAT_ORACLE=1`); counts per role through the binary;
//! bad records; and exact merges of shards and checkpoints.

use crate::common::{census_only, root, run_in};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokencensus::Tokenizer;
use tokencensus::count::{ChatTemplate, read_config_text};

const MODELS: [&str; 3] = ["llama3", "qwen3", "gemma3"];

fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

fn json_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The messages array of each fixture record, as the raw JSON of the line (keys in their
/// order), in line order.
fn records() -> Vec<String> {
    std::fs::read_to_string(fixture("chat/conversations.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            let record: HashMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
            record["messages"].get().to_string()
        })
        .collect()
}

fn template(model: &str) -> ChatTemplate {
    let path = fixture(&format!("tokenizers/{model}.tokenizer_config.json.zst"));
    ChatTemplate::from_tokenizer_config(&read_config_text(&path).unwrap()).unwrap()
}

fn tokenizer_arg(model: &str) -> String {
    fixture(&format!("tokenizers/{model}.tokenizer.json.zst"))
        .display()
        .to_string()
}

fn config_arg(model: &str) -> String {
    fixture(&format!("tokenizers/{model}.tokenizer_config.json.zst"))
        .display()
        .to_string()
}

#[test]
fn rendered_text_and_tokens_match_transformers_for_every_template() {
    let expected = json_of(&fixture("chat/expected.json"));
    let records = records();
    for model in MODELS {
        let template = template(model);
        let tokenizer = Tokenizer::from_file(tokenizer_arg(model)).unwrap();
        let wanted = expected["templates"][model]["records"].as_array().unwrap();
        assert_eq!(wanted.len(), records.len(), "{model}");
        let mut rendered_ok = 0;
        for (line, (messages, want)) in records.iter().zip(wanted).enumerate() {
            let ours = template.render_json(messages);
            if want["error"] == true {
                assert!(
                    ours.is_err(),
                    "{model} line {}: transformers refused it, we rendered {ours:?}",
                    line + 1
                );
                continue;
            }
            let ours = ours.unwrap_or_else(|e| panic!("{model} line {}: {e}", line + 1));
            assert_eq!(
                ours,
                want["rendered"].as_str().unwrap(),
                "{model} line {}",
                line + 1
            );
            assert_eq!(
                tokenizer.count(&ours).unwrap() as u64,
                want["tokens"].as_u64().unwrap(),
                "{model} line {}",
                line + 1
            );
            rendered_ok += 1;
        }
        assert!(
            rendered_ok * 2 > records.len(),
            "{model}: most records render"
        );
    }
}

#[test]
fn counts_per_role_match_the_oracle_and_template_tokens_add_up() {
    let expected = json_of(&fixture("chat/expected.json"));
    let file = fixture("chat/conversations.jsonl").display().to_string();
    let lines = records().len() as u64;
    for model in MODELS {
        let tokenizer = tokenizer_arg(model);
        let base = [
            "count",
            &file,
            "--chat-field",
            "messages",
            "--tokenizer",
            &tokenizer,
        ];
        let mut args = base.to_vec();
        args.extend(["--format", "json"]);
        let plain = run_in(&root(), &args);
        assert_eq!(plain.code, 0, "{}", plain.stderr);
        let plain = plain.json();
        let chat = &plain["totals"]["chat"];
        assert_eq!(
            chat["by_role"], expected["templates"][model]["by_role"],
            "{model}"
        );
        assert_eq!(chat["conversations"].as_u64(), Some(lines));
        assert_eq!(plain["totals"]["documents"].as_u64(), Some(lines));
        assert_eq!(chat["rendered"], 0);

        let config = config_arg(model);
        args.extend(["--chat-template", &config]);
        let templated = run_in(&root(), &args);
        let wanted = expected["templates"][model]["records"].as_array().unwrap();
        let refused = wanted.iter().filter(|r| r["error"] == true).count() as u64;
        assert_eq!(
            templated.code,
            if refused > 0 { 1 } else { 0 },
            "{}",
            templated.stderr
        );
        let templated = templated.json();
        let tokens: u64 = wanted.iter().filter_map(|r| r["tokens"].as_u64()).sum();
        let totals = &templated["totals"];
        assert_eq!(totals["tokens"].as_u64(), Some(tokens), "{model}");
        assert_eq!(totals["documents"].as_u64(), Some(lines - refused));
        let errors = templated["errors"].as_array().unwrap();
        assert_eq!(errors.len() as u64, refused);
        assert!(
            errors
                .iter()
                .all(|e| e["kind"] == "template" && e["line"].is_u64())
        );
        let chat = &totals["chat"];
        let contents: i64 = ["system", "user", "assistant", "tool", "other"]
            .iter()
            .map(|r| chat["by_role"][r]["tokens"].as_i64().unwrap())
            .sum();
        assert_eq!(
            chat["template_tokens"].as_i64(),
            Some(tokens as i64 - contents)
        );
        assert_eq!(chat["rendered"].as_u64(), Some(lines - refused));
        let sha = &templated["settings"]["chat_template"]["sha256"];
        assert_eq!(sha.as_str().map(str::len), Some(64), "{model}");
    }
}

#[test]
fn bad_records_are_located_errors_and_the_rest_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"messages": [{"role": "user", "content": "fine"}]}"#,
        r#"{"messages": "not an array"}"#,
        r#"{"messages": [{"content": "no role"}]}"#,
        r#"{"messages": [{"role": "user", "content": 42}]}"#,
        r#"{"text": "no messages"}"#,
        r#"{"messages": [{"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "https://example.org/a.png"}}]}]}"#,
    ];
    std::fs::write(dir.path().join("chat.jsonl"), lines.join("\n")).unwrap();
    let r = run_in(
        dir.path(),
        &[
            "count",
            "chat.jsonl",
            "--chat-field",
            "messages",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let errors: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "field_type"),
            (3, "missing_field"),
            (4, "field_type"),
            (5, "missing_field")
        ]
    );
    let chat = &report["totals"]["chat"];
    assert_eq!(chat["conversations"], 2);
    assert_eq!(chat["unresolved_media"], 1);
    assert_eq!(chat["by_role"]["assistant"]["messages"], 1);
}

#[test]
fn shards_checkpoints_and_merges_keep_the_chat_figures_exact() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("chat/conversations.jsonl")).unwrap();
    for i in 0..3 {
        std::fs::write(dir.path().join(format!("c{i}.jsonl")), &text).unwrap();
    }
    let config = config_arg("qwen3");
    let tokenizer = tokenizer_arg("qwen3");
    let base = [
        "count",
        "c0.jsonl",
        "c1.jsonl",
        "c2.jsonl",
        "--chat-field",
        "messages",
        "--tokenizer",
        &tokenizer,
        "--chat-template",
        &config,
        "--format",
        "json",
    ];
    let whole = run_in(dir.path(), &base);
    assert!(whole.code <= 1, "{}", whole.stderr);
    let whole = whole.json();
    let mut parts = Vec::new();
    for i in 0..2 {
        let out = format!("part-{i}.json");
        let shard = format!("{i}/2");
        let mut args = base.to_vec();
        args.extend(["--shard", &shard, "-o", &out]);
        let r = run_in(dir.path(), &args);
        assert!(r.code <= 1, "{}", r.stderr);
        parts.push(out);
    }
    let mut merge = vec!["merge", "--format", "json"];
    merge.extend(parts.iter().map(String::as_str));
    let merged = run_in(dir.path(), &merge);
    assert!(merged.code <= 1, "{}", merged.stderr);
    assert_eq!(census_only(merged.json()), census_only(whole.clone()));
    let mut resumed = base.to_vec();
    resumed.extend(["--checkpoint", "ckpt"]);
    let first = run_in(dir.path(), &resumed);
    let second = run_in(dir.path(), &resumed);
    assert!(first.code <= 1 && second.code <= 1, "{}", second.stderr);
    let second = second.json();
    assert_eq!(second["run"]["resumed_files"], 3);
    assert_eq!(census_only(second), census_only(whole.clone()));
    assert!(whole["totals"]["chat"]["turns_hdr"].is_string());
}

/// The Python that runs the oracle: `$TOKENCENSUS_CHAT_PYTHON` (`.ci/run` makes a venv with
/// transformers) or `python3`, if it has `transformers`.
fn oracle_python() -> Option<String> {
    let python = std::env::var("TOKENCENSUS_CHAT_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = std::process::Command::new(&python)
        .args(["-c", "import transformers, tokenizers, zstandard"])
        .output()
        .is_ok_and(|o| o.status.success());
    let required = std::env::var("TOKENCENSUS_REQUIRE_CHAT_ORACLE").as_deref() == Ok("1");
    if !found {
        assert!(
            !required,
            "TOKENCENSUS_REQUIRE_CHAT_ORACLE=1 but {python} cannot import transformers"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: the live chat template oracle: {python} has no transformers (pip \
             install transformers tokenizers==0.23.3 zstandard, or set TOKENCENSUS_CHAT_PYTHON; \
             set TOKENCENSUS_REQUIRE_CHAT_ORACLE=1 to make this a failure) ***\n"
        );
    }
    found.then_some(python)
}

#[test]
fn the_oracle_rerun_live_records_what_is_committed() {
    let Some(python) = oracle_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(&python)
        .arg(fixture("tools/make-chat.py"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let committed = std::fs::read(fixture("chat/conversations.jsonl")).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("conversations.jsonl")).unwrap(),
        committed
    );
    let live = json_of(&dir.path().join("expected.json"));
    let recorded = json_of(&fixture("chat/expected.json"));
    assert_eq!(live["templates"], recorded["templates"]);
}
