//! The JSON Schema of the report, `docs/report.schema.json`, against the reports the binary
//! really writes: a count of the sample corpus, of the signals fixture with every signal, of
//! bad input with every modality, of dated records with URLs, of chat records with a template,
//! with non-default token models and a WebDataset shard, with several tokenizers (a count and
//! an estimate), an estimate (census and sampled), shard parts and their merge, a resumed
//! checkpoint run, the disclosure fixture and the example in `docs/report.md`: each must
//! validate. The schema must also be strict: one extra key, one missing key or one wrong type
//! anywhere must fail.
//!
//! Standalone on purpose (no `tests/common`): it needs only the built binary and the files of
//! the repository.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

use crate::common::{SHARD_VARIABLES, root, tokencensus_command};

/// The JSON document at `path`.
fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The schema, itself checked against the draft 2020-12 meta-schema, compiled.
fn validator() -> jsonschema::Validator {
    let schema = read_json(&root().join("docs/report.schema.json"));
    assert!(
        jsonschema::draft202012::meta::is_valid(&schema),
        "docs/report.schema.json is not a valid draft 2020-12 schema"
    );
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

/// Runs the binary in the repository root with `args` plus `--format json -o OUT` and returns
/// the report written to OUT, after checking the exit status.
fn run_report(args: &[&str], out: &Path, expected_status: i32) -> Value {
    let mut command = tokencensus_command();
    command
        .args(args)
        .args(["--format", "json", "-o"])
        .arg(out)
        .current_dir(root());
    for variable in SHARD_VARIABLES {
        command.env_remove(variable);
    }
    let output = command.output().expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(expected_status),
        "tokencensus {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    read_json(out)
}

/// Every reason `report` does not validate, one per line (empty when it does).
fn violations(validator: &jsonschema::Validator, report: &Value) -> String {
    validator
        .iter_errors(report)
        .map(|e| format!("  at {}: {e}\n", e.instance_path()))
        .collect()
}

/// Fails the test, listing every violation, unless `report` matches the schema.
fn assert_valid(validator: &jsonschema::Validator, name: &str, report: &Value) {
    let found = violations(validator, report);
    assert!(
        found.is_empty(),
        "{name} does not match the schema:\n{found}"
    );
}

/// A folder with a manifest whose sources use every kind of token model (tiles, fixed and
/// patch without bounds, several codebooks), a WebDataset shard with text, metadata and an
/// image, and real media files.
fn media_corpus(dir: &Path) {
    let media = root().join("fixtures/media");
    for name in ["image.png", "tone.wav", "clip.mp4"] {
        std::fs::copy(media.join(name), dir.join(name)).unwrap();
    }
    let mut tar = tar::Builder::new(std::fs::File::create(dir.join("shard-0.tar")).unwrap());
    let png = std::fs::read(media.join("image.png")).unwrap();
    let members: [(&str, &[u8]); 4] = [
        ("0001.txt", b"a caption of the first sample"),
        ("0001.json", b"{\"id\": 1}"),
        ("0001.png", &png),
        ("0002.cls", b"7"),
    ];
    for (name, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes).unwrap();
    }
    tar.finish().unwrap();
    std::fs::write(
        dir.join("sources.toml"),
        r#"
[[source]]
name = "pictures"
category = "synthetic"
paths = ["image.png", "shard-0.tar"]
[source.token_models]
image = { kind = "tiles", tile_size = 560, max_tiles = 4, tokens_per_tile = 1601 }

[[source]]
name = "recordings"
category = "products"
paths = ["tone.wav", "clip.mp4"]
[source.token_models]
image = { kind = "patch", patch_size = 16 }
audio = { kind = "per_second", tokens_per_second = 12.5, codebooks = 8 }
video = { frames_per_second = 1, temporal_patch = 2, frame = { kind = "fixed", tokens = 64 } }
"#,
    )
    .unwrap();
}

/// `copies` copies of the sample's kernel documentation in one file, large enough that
/// `estimate` samples it instead of counting it whole.
fn large_jsonl(path: &Path, copies: usize) {
    let one = std::fs::read(root().join("fixtures/sample/linux-doc.jsonl")).unwrap();
    std::fs::write(path, one.repeat(copies)).unwrap();
}

/// Every report the binary writes, by name, each checked for the feature it stands for.
fn real_reports(dir: &Path) -> Vec<(String, Value)> {
    let out = |name: &str| -> PathBuf { dir.join(format!("{name}.json")) };
    let mut reports = Vec::new();
    let mut keep = |name: &str, report: Value| reports.push((name.to_string(), report));

    let sample = ["count", "--manifest", "fixtures/sample/sources.toml"];
    keep("sample", run_report(&sample, &out("sample"), 0));

    let signals = [
        "count",
        "--manifest",
        "fixtures/signals/sources.toml",
        "--signals",
        "all",
    ];
    let r = run_report(&signals, &out("signals"), 0);
    assert_eq!(
        r["settings"]["signals"]["enabled"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    keep("signals", r);

    let mixed = [
        "count",
        "fixtures/bad",
        "fixtures/media",
        "fixtures/parquet",
    ];
    let r = run_report(&mixed, &out("mixed"), 1);
    let modality = &r["totals"]["by_modality"];
    for m in ["text", "image", "audio", "video"] {
        assert!(modality[m]["tokens"].as_u64().unwrap() > 0, "no {m} tokens");
    }
    assert!(r["errors"].as_array().unwrap().len() > 5);
    keep("bad, media and parquet", r);

    let provenance = [
        "count",
        "fixtures/provenance",
        "--date-field",
        "date",
        "--url-field",
        "url",
    ];
    let r = run_report(&provenance, &out("provenance"), 0);
    assert!(!r["totals"]["by_month"].as_object().unwrap().is_empty());
    assert!(!r["totals"]["domains"].as_array().unwrap().is_empty());
    keep("provenance", r);

    let several = [
        "count",
        "fixtures/provenance",
        "fixtures/media",
        "--date-field",
        "date",
        "--tokenizer",
        "fixtures/tokenizers/llama3.tokenizer.json.zst",
        "--tokenizer",
        "fixtures/tokenizers/gemma3.tokenizer.json.zst",
        "--tokenizer",
        "fixtures/tokenizers/qwen3.tokenizer.json.zst",
    ];
    let r = run_report(&several, &out("several"), 1);
    assert_eq!(r["tokenizers"].as_array().unwrap().len(), 3);
    assert!(r["sources"][0]["tokens_by_tokenizer"]["qwen3"]["tokens_per_document_hdr"].is_string());
    keep("several tokenizers", r);
    let several_estimate = [
        "estimate",
        "--manifest",
        "fixtures/sample/sources.toml",
        "--tokenizer",
        "fixtures/tokenizers/gemma3.tokenizer.json.zst",
        "--tokenizer",
        "fixtures/tokenizers/minilm.tokenizer.json.zst",
    ];
    let r = run_report(&several_estimate, &out("several-estimate"), 0);
    assert!(r["totals"]["tokens_by_tokenizer"]["minilm"]["estimate"].is_object());
    keep("an estimate with several tokenizers", r);

    // Gemma 3's template refuses conversations whose roles do not alternate: status 1.
    let chat = [
        "count",
        "fixtures/chat/conversations.jsonl",
        "--chat-field",
        "messages",
        "--chat-template",
        "fixtures/tokenizers/gemma3.tokenizer_config.json.zst",
    ];
    let r = run_report(&chat, &out("chat"), 1);
    assert!(r["totals"]["chat"]["template_tokens"].as_i64().unwrap() > 0);
    assert_eq!(r["sources"][0]["chat_field"], "messages");
    keep("chat records with a template", r);

    let media = dir.join("media");
    std::fs::create_dir(&media).unwrap();
    media_corpus(&media);
    let manifest = media.join("sources.toml");
    let manifest = manifest.to_str().unwrap();
    let r = run_report(&["count", "--manifest", manifest], &out("media"), 0);
    assert!(
        r["totals"]["webdataset"]["metadata_members"]
            .as_u64()
            .unwrap()
            > 0
    );
    keep("token models and WebDataset", r);

    let r = run_report(
        &["estimate", "--manifest", "fixtures/sample/sources.toml"],
        &out("estimate-census"),
        0,
    );
    assert_eq!(r["totals"]["estimate"]["method"], "census");
    keep("estimate (census)", r);
    let large = dir.join("large.jsonl");
    large_jsonl(&large, 20);
    let large = large.to_str().unwrap();
    let sampled = ["estimate", large, "--sample-bytes", "300000", "--seed", "3"];
    let r = run_report(&sampled, &out("estimate-sampled"), 0);
    assert_eq!(r["totals"]["estimate"]["method"], "stratified-ratio");
    assert!(r["run"]["estimate"]["sample_bytes"].is_u64());
    keep("estimate (sampled)", r);

    for manifest in [
        "fixtures/sample/sources.toml",
        "fixtures/signals/sources.toml",
    ] {
        let mut parts = Vec::new();
        for shard in ["0/2", "1/2"] {
            let part = out(&format!("part-{}", parts.len()));
            let args = ["count", "--manifest", manifest, "--shard", shard];
            keep(
                &format!("{manifest} shard {shard}"),
                run_report(&args, &part, 0),
            );
            parts.push(part.to_str().unwrap().to_string());
        }
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        let r = run_report(&args, &out("merged"), 0);
        assert_eq!(r["run"]["merged_parts"], 2);
        keep(&format!("{manifest} merged"), r);
    }

    let checkpoint = dir.join("checkpoint");
    let checkpoint = checkpoint.to_str().unwrap();
    let resumable = [&sample[..], &["--checkpoint", checkpoint]].concat();
    keep("checkpoint", run_report(&resumable, &out("checkpoint"), 0));
    let r = run_report(&resumable, &out("resumed"), 0);
    assert!(r["run"]["resumed_files"].as_u64().unwrap() > 0);
    keep("resumed", r);

    let disclosure = root().join("fixtures/reports/disclosure.json");
    keep("fixtures/reports/disclosure.json", read_json(&disclosure));
    keep("a tally fed from memory", memory_report());
    reports
}

/// The report of a census fed from memory (the Python `Tally`), with a date and a URL.
fn memory_report() -> Value {
    use tokencensus::{MemoryCensus, MemoryRecord, MemorySource, RecordDate, stats::Category};
    let tokenizer = tokencensus::Tokenizer::embedded().unwrap();
    let mut census = MemoryCensus::new(&tokenizer);
    let web = MemorySource::new("web", Category::Crawled);
    let record = MemoryRecord {
        text: "Training data, counted exactly.",
        date: Some(RecordDate::Iso("2024-05-01")),
        url: Some("https://example.org/a"),
    };
    census.add(&tokenizer, &web, record).unwrap();
    census.add_files(&web, 1, 100).unwrap();
    let report = serde_json::to_value(census.to_report()).unwrap();
    assert_eq!(report["run"]["from_memory"], true);
    report
}

/// The complete reports shown in `docs/report.md` (its `json` blocks).
fn documented_reports() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("docs/report.md")).unwrap();
    text.split("```json\n")
        .skip(1)
        .map(|block| {
            let body = block.split("\n```").next().unwrap();
            serde_json::from_str(body).expect("docs/report.md: a json block parses")
        })
        .collect()
}

#[test]
fn every_real_report_matches_the_schema() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    for (name, report) in real_reports(dir.path()) {
        assert_valid(&validator, &name, &report);
    }
    let documented = documented_reports();
    assert!(!documented.is_empty(), "docs/report.md shows a report");
    for report in &documented {
        assert_valid(&validator, "the example in docs/report.md", report);
    }
}

/// One change to a report, at a JSON pointer.
enum Edit {
    /// Adds a key to the object there.
    Insert(&'static str, Value),
    /// Removes a key (which must exist) from the object there.
    Remove(&'static str),
    /// Replaces the value there.
    Set(Value),
}

/// `report` with `edit` made at `pointer` (which must exist).
fn edited(report: &Value, pointer: &str, edit: Edit) -> Value {
    let mut copy = report.clone();
    let target = (copy.pointer_mut(pointer)).unwrap_or_else(|| panic!("no {pointer}"));
    match edit {
        Edit::Insert(key, value) => {
            target.as_object_mut().unwrap().insert(key.into(), value);
        }
        Edit::Remove(key) => {
            let removed = target.as_object_mut().unwrap().remove(key);
            assert!(removed.is_some(), "no {key} at {pointer}");
        }
        Edit::Set(value) => *target = value,
    }
    copy
}

#[test]
fn the_schema_rejects_extra_keys_missing_keys_and_wrong_types() {
    use Edit::{Insert, Remove, Set};
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    let signals = ["count", "--manifest", "fixtures/signals/sources.toml"];
    let count = run_report(&signals, &dir.path().join("signals.json"), 0);
    assert_valid(&validator, "the signals report", &count);
    let estimate = ["estimate", "--manifest", "fixtures/sample/sources.toml"];
    let estimate = run_report(&estimate, &dir.path().join("estimate.json"), 0);
    assert_valid(&validator, "the estimate", &estimate);
    let error = json!([{ "path": "a", "line": null, "kind": "oops", "message": "m" }]);
    let month = json!({ "documents": 1, "tokens": 1 });
    let (c, e) = (&count, &estimate);
    #[rustfmt::skip]
    let broken = [
        ("an extra top-level key",     c, "",                                Insert("comment", json!("hi"))),
        ("an extra key in a source",   c, "/sources/0",                      Insert("note", json!(1))),
        ("an extra key in a modality", c, "/totals/by_modality/text",        Insert("lines", json!(3))),
        ("an extra key in a signal",   c, "/categories/0/signals/pii/email", Insert("x", json!(0))),
        ("a missing count",            c, "/totals",                         Remove("tokens")),
        ("a missing nullable key",     c, "/sources/1",                      Remove("date_field")),
        ("a missing run key",          c, "/run",                            Remove("resumed_files")),
        ("a count as a string",        c, "/totals/tokens",                  Set(json!("889"))),
        ("a fractional count",         c, "/sources/0/documents",            Set(json!(15.5))),
        ("a negative count",           c, "/totals/files",                   Set(json!(-1))),
        ("null for a count",           c, "/totals/bytes",                   Set(Value::Null)),
        ("an unknown category",        c, "/sources/0/category",             Set(json!("web"))),
        ("an unknown error kind",      c, "/errors",                         Set(error)),
        ("a malformed month",          c, "/totals/by_month",                Insert("2023-13", month)),
        ("an unknown signal",          c, "/settings/signals/enabled/0",     Set(json!("toxicity"))),
        ("a dedup without sketch",     c, "/sources/0/signals/dedup",        Remove("sketch")),
        ("a sketch in totals",         c, "/totals/signals/dedup",           Insert("sketch", json!("AA"))),
        ("signals, no settings",       c, "/settings",                       Remove("signals")),
        ("estimates, no run.estimate", e, "/run",                            Remove("estimate")),
        ("an interval without low",    e, "/sources/0/estimate",             Remove("low")),
        ("an unknown method",          e, "/totals/estimate/method",         Set(json!("guess"))),
        ("a digest without sha256",    c, "/integrity",                      Remove("sha256")),
        ("an unknown digest method",   c, "/integrity/method",               Set(json!("md5"))),
        ("a short digest",             c, "/integrity/sha256",               Set(json!("abc"))),
    ];
    for (what, report, pointer, edit) in broken {
        let report = edited(report, pointer, edit);
        assert!(
            !violations(&validator, &report).is_empty(),
            "the schema accepts a report with {what}"
        );
    }
}
