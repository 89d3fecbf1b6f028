//! End-to-end exactness: the binary's counts for every vendored tokenizer, with and without
//! special tokens, equal the counts recorded with the Python `tokenizers` package
//! (`fixtures/tools/oracle.py` → `fixtures/expected.json`).

use crate::common::*;
use serde_json::Value;

fn check(tokenizer: &str, special: bool, files: &[&str], extra: &[&str]) {
    let expected = expected();
    let mode = if special { "special" } else { "plain" };
    let path = tokenizer_path(tokenizer);
    let paths: Vec<String> = files.iter().map(|f| format!("fixtures/{f}")).collect();
    let mut args = vec!["--tokenizer", path.as_str()];
    if special {
        args.push("--special-tokens");
    }
    args.extend_from_slice(extra);
    args.extend(paths.iter().map(String::as_str));
    let report = count_json(&args, 0);
    assert_eq!(report["tokenizer"]["name"], tokenizer);
    assert_eq!(report["tokenizer"]["special_tokens"], special);
    let mut total = 0;
    for (file, path) in files.iter().zip(&paths) {
        let want = oracle(&expected, tokenizer, mode, file);
        let got = source(&report, path);
        for key in ["documents", "bytes", "tokens"] {
            assert_eq!(
                at(got, key),
                at(want, key),
                "{tokenizer} {mode} {file}: {key}"
            );
        }
        assert_eq!(
            at(got, "tokens_per_document.min"),
            at(want, "min"),
            "{tokenizer} {mode} {file}: min"
        );
        assert_eq!(
            at(got, "tokens_per_document.max"),
            at(want, "max"),
            "{tokenizer} {mode} {file}: max"
        );
        for q in ["p50", "p90", "p99"] {
            // HDR histogram with 3 significant digits: within 0.1% of the nearest-rank value.
            let (got, want) = (
                got["tokens_per_document"][q].as_u64().unwrap(),
                want[q].as_u64().unwrap(),
            );
            assert!(
                got.abs_diff(want) as f64 <= want as f64 * 1e-3,
                "{tokenizer} {mode} {file}: {q} {got} vs {want}"
            );
        }
        total += want["tokens"].as_u64().unwrap();
    }
    assert_eq!(report["totals"]["tokens"], Value::from(total));
}

const FILES: [&str; 6] = [
    "sample/linux-doc.jsonl",
    "sample/man.jsonl.zst",
    "sample/fortunes.jsonl.gz",
    "sample/docs/translations-zh_TW-sparse.txt",
    "sample/docs/userspace-api-media-v4l-pixfmt-srggb16.rst",
    "edge/edge.jsonl",
];

#[test]
fn every_tokenizer_matches_the_python_reference() {
    for tokenizer in TOKENIZERS {
        for special in [false, true] {
            check(tokenizer, special, &FILES, &[]);
        }
    }
}

#[test]
fn the_reference_route_matches_the_python_reference_too() {
    for tokenizer in TOKENIZERS {
        check(tokenizer, true, &FILES, &["--engine", "reference"]);
    }
}

#[test]
fn bpe_tokenizers_take_a_fast_route() {
    for (tokenizer, engine) in [
        ("llama3", "fast-bpe"),
        ("gpt4o", "fast-bpe"),
        ("qwen3", "fast-bpe"),
        ("gemma3", "fast-spm-bpe"),
        ("minilm", "fast-wordpiece"),
    ] {
        let report = count_json(
            &[
                "--tokenizer",
                &tokenizer_path(tokenizer),
                "fixtures/edge/edge.jsonl",
            ],
            0,
        );
        assert_eq!(report["tokenizer"]["engine"], engine, "{tokenizer}");
        assert_eq!(
            report["tokenizer"]["fallback_reason"].is_null(),
            engine != "tokenizers-0.23",
            "{tokenizer}"
        );
    }
    let forced = count_json(&["--engine", "reference", "fixtures/edge/edge.jsonl"], 0);
    assert_eq!(forced["tokenizer"]["engine"], "tokenizers-0.23");
    assert!(forced["tokenizer"]["fallback_reason"].is_null());
    // A tokenizer no fast route recognises is counted by the tokenizers crate, with the reason.
    let dir = tempfile::tempdir().unwrap();
    let changed = unrecognised_tokenizer(dir.path());
    let report = count_json(&["--tokenizer", &changed, "fixtures/edge/edge.jsonl"], 0);
    assert_eq!(report["tokenizer"]["engine"], "tokenizers-0.23");
    assert!(
        report["tokenizer"]["fallback_reason"]
            .as_str()
            .unwrap()
            .contains("no fast scanner")
    );
    let expected = expected();
    assert_eq!(
        at(&report, "totals.tokens"),
        at(
            oracle(&expected, "llama3", "plain", "edge/edge.jsonl"),
            "tokens"
        )
    );
}

#[test]
fn custom_text_field_and_bom_match_the_reference() {
    check(
        "llama3",
        false,
        &["edge/bom-and-body.jsonl"],
        &["--text-field", "body"],
    );
}

#[test]
fn embedded_default_is_llama3() {
    let with_default = census_only(count_json(&["fixtures/edge/edge.jsonl"], 0));
    let explicit = count_json(
        &[
            "--tokenizer",
            &tokenizer_path("llama3"),
            "fixtures/edge/edge.jsonl",
        ],
        0,
    );
    assert_eq!(with_default["tokenizer"]["origin"], "embedded");
    assert_eq!(
        at(&with_default, "tokenizer.sha256"),
        at(&explicit, "tokenizer.sha256")
    );
    assert_eq!(at(&with_default, "totals"), at(&explicit, "totals"));
}

#[test]
fn minilm_truncation_is_switched_off() {
    // The MiniLM tokenizer.json truncates at 128 tokens; a census must count every token.
    let report = count_json(
        &[
            "--tokenizer",
            &tokenizer_path("minilm"),
            "fixtures/sample/linux-doc.jsonl",
        ],
        0,
    );
    let max = report["totals"]["tokens_per_document"]["max"]
        .as_u64()
        .unwrap();
    assert!(
        max > 1000,
        "longest document has {max} tokens; truncation must be off"
    );
    assert_eq!(report["tokenizer"]["vocab_size"], 30522);
}

#[test]
fn the_oracle_adds_what_each_post_processor_adds() {
    // Gemma 3 adds <bos> per document; MiniLM adds [CLS] and [SEP]; Llama 3's file adds nothing.
    let expected = expected();
    for (tokenizer, per_doc) in [("gemma3", 1), ("minilm", 2), ("llama3", 0)] {
        let e = &expected["tokenizers"][tokenizer];
        let file = "sample/linux-doc.jsonl";
        let docs = e["plain"][file]["documents"].as_u64().unwrap();
        let diff = e["special"][file]["tokens"].as_u64().unwrap()
            - e["plain"][file]["tokens"].as_u64().unwrap();
        assert_eq!(diff, per_doc * docs, "{tokenizer}");
    }
}

#[test]
fn counting_core_matches_the_reference_document_by_document() {
    // The library's counter on each hand-made edge document, against the Python counts.
    let expected = expected();
    let text = std::fs::read_to_string(root().join("fixtures/edge/edge.jsonl")).unwrap();
    let docs: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for tokenizer in TOKENIZERS {
        for special in [false, true] {
            let counter = tokencensus::count::ReferenceCounter::new(
                crate::common::fixture_tokenizers::crate_tokenizer(tokenizer),
                special,
            )
            .unwrap();
            let mode = if special { "special" } else { "plain" };
            let want = at(
                oracle(&expected, tokenizer, mode, "edge/edge.jsonl"),
                "per_document",
            );
            assert_eq!(
                want.as_array().unwrap().len(),
                docs.len(),
                "{tokenizer} {mode}"
            );
            for (i, doc) in docs.iter().enumerate() {
                use tokencensus::count::Counter;
                assert_eq!(
                    Some(counter.count(doc).unwrap()),
                    want[i].as_u64(),
                    "{tokenizer} {mode} document {i}: {doc:?}"
                );
            }
        }
    }
}
