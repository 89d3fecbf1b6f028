//! Parquet through `count`: every fixture's documents, text bytes, null texts and media cells
//! agree with pyarrow's values (`fixtures/parquet/expected.json`); the texts cost the same
//! tokens as the same texts in JSONL; damaged files are errors; row groups counted on any
//! number of threads, or split between shards, give the same report.

use crate::common::{self, at, census_only, run_in};
use serde_json::Value;
use tokencensus::read::parquet::{Cell, ParquetFile};

fn parquet_dir() -> std::path::PathBuf {
    common::root().join("fixtures/parquet")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(parquet_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn count_one(name: &str, extra: &[&str]) -> (i32, Value) {
    let path = parquet_dir().join(name);
    let mut args = vec!["count", "-q", "--format", "json", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = run_in(&common::root(), &args);
    (r.code, r.json())
}

#[test]
fn fixtures_agree_with_pyarrow() {
    let expected = expected();
    for (name, want) in expected.as_object().unwrap() {
        let (code, report) = count_one(name, &[]);
        let errors = report["errors"].as_array().unwrap();
        if name.starts_with("bad-") {
            assert_eq!(code, 1);
            assert_eq!(errors.len(), 1, "{name}");
            assert_eq!(errors[0]["kind"], "parquet", "{name}");
            assert_eq!(report["totals"]["files"], 0);
            continue;
        }
        let source = &report["sources"][0];
        let m = &source["by_modality"];
        let bad = want["bad_texts"].as_u64().unwrap();
        let nulls = want["null_texts"].as_u64().unwrap();
        // pyarrow's `texts` and `text_bytes` are those of the valid, non-null texts.
        assert_eq!(at(m, "text.documents"), at(want, "texts"), "{name}");
        assert_eq!(at(m, "text.bytes"), at(want, "text_bytes"), "{name}");
        let count_kind = |kind: &str| errors.iter().filter(|e| e["kind"] == kind).count() as u64;
        assert_eq!(count_kind("missing_field"), nulls, "{name}");
        assert_eq!(count_kind("invalid_unicode"), bad, "{name}");
        assert!(
            errors
                .iter()
                .all(|e| e["line"].as_u64().is_some_and(|l| l >= 1)),
            "{name}"
        );
        let cells: u64 = want["media"]
            .as_object()
            .map(|m| m.values().map(|c| c["cells"].as_u64().unwrap()).sum())
            .unwrap_or(0);
        let counted = ["image", "audio", "video"]
            .iter()
            .map(|k| m[k]["items"].as_u64().unwrap())
            .sum::<u64>()
            + source["unsupported"]["items"].as_u64().unwrap();
        assert_eq!(counted, cells, "{name}");
        assert_eq!(code, i32::from(!errors.is_empty()), "{name}");
    }
    let (_, hf) = count_one("hf-image-audio.parquet", &[]);
    let m = &hf["sources"][0]["by_modality"];
    assert_eq!(m["image"]["items"], 4);
    assert_eq!(m["audio"]["items"], 1);
    assert!(m["image"]["tokens"].as_u64().unwrap() > 0);
}

#[test]
fn parquet_texts_cost_what_the_same_texts_cost_in_jsonl() {
    let file = ParquetFile::open(&parquet_dir().join("text.parquet")).unwrap();
    let columns = file.columns(Some("text")).unwrap();
    let mut jsonl = String::new();
    for group in 0..file.row_groups() {
        file.read_row_group(group, &columns, &mut |cell| {
            if let Cell::Text { text, .. } = cell {
                jsonl.push_str(&format!("{}\n", serde_json::json!({ "text": text })));
            }
        })
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("same.jsonl"), jsonl).unwrap();
    let plain = run_in(
        dir.path(),
        &["count", "-q", "--format", "json", "same.jsonl"],
    )
    .json();
    let (_, parquet) = count_one("text.parquet", &[]);
    for path in [
        "sources.0.by_modality.text",
        "sources.0.tokens_per_document_hdr",
    ] {
        assert_eq!(at(&parquet, path), at(&plain, path), "{path}");
    }
}

#[test]
fn row_groups_on_any_threads_and_shards_give_one_report() {
    let dir = parquet_dir();
    let run = |extra: &[&str]| {
        let mut args = vec!["count", "-q", "--format", "json", dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        let r = run_in(&common::root(), &args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        r
    };
    let one = census_only(run(&["-j", "1"]).json());
    assert_eq!(census_only(run(&["-j", "4"]).json()), one);
    let tmp = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for i in 0..2 {
        let out = tmp.path().join(format!("p{i}.json"));
        let shard = format!("{i}/2");
        let o = out.to_str().unwrap().to_string();
        run(&["--shard", &shard, "-o", &o]);
        parts.push(o);
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(parts.iter().map(String::as_str));
    let merged = run_in(&common::root(), &args);
    assert_eq!(census_only(merged.json()), one);
}
