//! Sharded counts: every split of a corpus, counted shard by shard and merged, equals the
//! count of the whole (errors and their line numbers included); `merge` refuses parts that do
//! not form one complete split; shards come from `--shard` or the scheduler's variables.

use crate::common::{self, SHARD_VARIABLES, census_only, run_in, sealed, tokencensus_command};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tokencensus::ShardSpec;
use tokencensus::{CountConfig, Report, Tokenizer};
use tokencensus::{Part, merge_parts};

/// A corpus with one large JSONL file (split between shards) holding bad lines, plus
/// compressed and plain-text files.
fn corpus(dir: &Path) {
    let mut big = String::new();
    for i in 0..3000 {
        match i {
            1234 => big.push_str("{\"text\": \"unterminated\n"),
            2500 => big.push_str("{\"other\": 1}\n"),
            _ => big.push_str(&format!(
                "{{\"text\": \"document {i}: {}\"}}\n",
                "word ".repeat(i % 17)
            )),
        }
    }
    std::fs::write(dir.join("big.jsonl"), big).unwrap();
    std::fs::create_dir(dir.join("more")).unwrap();
    std::fs::copy(
        common::root().join("fixtures/sample/fortunes.jsonl.gz"),
        dir.join("more/fortunes.jsonl.gz"),
    )
    .unwrap();
    std::fs::write(dir.join("more/note.txt"), "A plain text document.\n").unwrap();
    std::fs::write(
        dir.join("more/bad.jsonl"),
        "{\"text\": 5}\n{\"text\": \"ok\"}\n",
    )
    .unwrap();
}

fn json_of(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn sharded_counts_merge_into_the_whole_count() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let args = ["count", "-q", "--format", "json", "big.jsonl", "more"];
    let whole = run_in(dir.path(), &args);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let whole = whole.json();
    assert_eq!(whole["errors"].as_array().unwrap().len(), 3);
    for n in [1u32, 2, 3, 4, 7] {
        let mut parts = Vec::new();
        let mut big_parts = 0;
        for i in 0..n {
            let out = format!("part-{n}-{i}.json");
            let shard = format!("{i}/{n}");
            let threads = if i % 2 == 0 { "1" } else { "2" };
            let mut a = args.to_vec();
            a.extend(["--shard", &shard, "-j", threads, "-o", &out]);
            let r = run_in(dir.path(), &a);
            assert!(r.code <= 1, "{}", r.stderr);
            let part = json_of(&dir.path().join(&out));
            assert_eq!(part["run"]["shard"]["index"], i);
            big_parts += u32::from(part["sources"][0]["documents"].as_u64().unwrap() > 0);
            parts.push(out);
        }
        if n >= 3 {
            assert!(
                big_parts >= 2,
                "big.jsonl is cut between shards when n = {n}"
            );
        }
        let mut m = vec!["merge", "--format", "json"];
        m.extend(parts.iter().rev().map(String::as_str));
        let merged = run_in(dir.path(), &m);
        assert_eq!(merged.code, 1, "{}", merged.stderr);
        let merged = merged.json();
        assert_eq!(merged["run"]["merged_parts"], n);
        assert_eq!(
            census_only(merged),
            census_only(whole.clone()),
            "{n} shards"
        );
    }
}

#[test]
fn merge_refuses_parts_that_are_not_one_complete_split() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let part = |shard: &str, extra: &[&str], out: &str| {
        let mut a = vec![
            "count",
            "-q",
            "--format",
            "json",
            "big.jsonl",
            "more",
            "--shard",
            shard,
            "-o",
            out,
        ];
        a.extend_from_slice(extra);
        assert!(run_in(dir.path(), &a).code <= 1);
    };
    part("0/3", &[], "a0.json");
    part("1/3", &[], "a1.json");
    part("2/3", &[], "a2.json");
    part("1/2", &[], "b1.json");
    part("2/3", &["--special-tokens"], "c2.json");
    part("2/3", &["--text-field", "body"], "d2.json");
    let whole = [
        "count",
        "-q",
        "--format",
        "json",
        "big.jsonl",
        "more",
        "-o",
        "whole.json",
    ];
    assert_eq!(run_in(dir.path(), &whole).code, 1);
    let refused = |parts: &[&str], needle: &str| {
        let mut a = vec!["merge"];
        a.extend_from_slice(parts);
        let r = run_in(dir.path(), &a);
        assert_eq!(r.code, 2, "{parts:?} must be refused");
        assert!(r.stderr.contains(needle), "{parts:?}: {}", r.stderr);
    };
    refused(
        &["a0.json", "a1.json"],
        "1 of the 3 shards is missing: shard 2 (",
    );
    refused(&["a0.json", "a1.json", "a1.json", "a2.json"], "given twice");
    refused(&["a0.json", "a1.json", "b1.json"], "shard plan");
    refused(&["a0.json", "a1.json", "c2.json"], "tokenizer");
    refused(&["a0.json", "a1.json", "d2.json"], "settings");
    refused(&["whole.json"], "not a shard report");
    std::fs::write(dir.path().join("junk.json"), "{}").unwrap();
    refused(&["a0.json", "junk.json"], "not a tokencensus JSON report");
    let ok = run_in(dir.path(), &["merge", "a2.json", "a0.json", "a1.json"]);
    assert_eq!(ok.code, 1, "{}", ok.stderr);
    // Damaged parts: an index out of range, an absurd shard count.
    for (field, value, needle) in [("index", 7u64, "shard 7 of 3"), ("count", 0, "0 shards")] {
        let mut part: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("a0.json")).unwrap())
                .unwrap();
        part["run"]["shard"][field] = value.into();
        // Sealed again: the shard checks, not the digest, must catch it.
        std::fs::write(dir.path().join("bad.json"), sealed(part).to_string()).unwrap();
        let order: &[&str] = if field == "count" {
            &["bad.json", "a1.json"]
        } else {
            &["a1.json", "a2.json", "bad.json"]
        };
        refused(order, needle);
    }
    // A part's table says it is partial.
    let table = run_in(dir.path(), &["count", "-q", "big.jsonl", "--shard", "1/3"]);
    assert!(
        table.stdout.starts_with("PARTIAL COUNT: shard 1/3"),
        "{}",
        table.stdout
    );
}

/// Runs the binary with `vars` set (and no other shard variables).
fn count_with_env(dir: &Path, vars: &[(&str, &str)], extra: &[&str]) -> (i32, Value, String) {
    let mut command = tokencensus_command();
    for var in SHARD_VARIABLES {
        command.env_remove(var);
    }
    command.envs(vars.iter().copied());
    let out = command
        .args(["count", "--format", "json", "big.jsonl", "more"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn schedulers_choose_the_shard_and_the_report_says_which() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];
    let (code, report, stderr) = count_with_env(dir.path(), &slurm, &[]);
    assert!(code <= 1, "{stderr}");
    assert_eq!(report["run"]["shard"]["index"], 2);
    assert_eq!(report["run"]["shard"]["count"], 3);
    assert!(
        stderr.contains("counting shard 2/3 (from SLURM_ARRAY_TASK_ID=2"),
        "{stderr}"
    );
    let k8s = [
        ("JOB_COMPLETION_INDEX", "1"),
        ("TOKENCENSUS_SHARD_COUNT", "4"),
    ];
    let (_, report, _) = count_with_env(dir.path(), &k8s, &[]);
    assert_eq!(
        report["run"]["shard"]["origin"],
        "JOB_COMPLETION_INDEX=1, 4 shards"
    );
    let (code, _, stderr) = count_with_env(dir.path(), &[("JOB_COMPLETION_INDEX", "1")], &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--shard-count"), "{stderr}");
    let (_, report, _) = count_with_env(dir.path(), &slurm, &["--shard", "0/2"]);
    assert_eq!(report["run"]["shard"]["origin"], "--shard");
}

/// Files of generated JSONL documents (some invalid) in `dir`.
fn write_files(dir: &Path, files: &[Vec<String>]) -> Vec<PathBuf> {
    files
        .iter()
        .enumerate()
        .map(|(i, docs)| {
            let path = dir.join(format!("f{i}.jsonl"));
            let body: String = docs
                .iter()
                .map(|d| match d.as_str() {
                    "!" => "not json\n".to_string(),
                    d => format!("{}\n", serde_json::json!({ "text": d })),
                })
                .collect();
            std::fs::write(&path, body).unwrap();
            path
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Counting any split of a corpus and merging equals counting the whole.
    #[test]
    fn any_split_merged_equals_the_whole(
        files in prop::collection::vec(prop::collection::vec("[a-z !.]{0,40}|!", 0..60), 1..5),
        count in 1u32..6,
        chunk in prop::sample::select(vec![64usize, 1000, 1 << 20]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_files(dir.path(), &files);
        let mut config = CountConfig::new(paths);
        config.threads = 2;
        config.chunk_bytes = chunk;
        let prepared = prepared();
        let whole = tokencensus::count_with(&config, prepared).unwrap().report;
        let parts: Vec<Part> = (0..count)
            .map(|index| {
                let mut c = config.clone();
                c.shard = Some(tokencensus::ShardChoice {
                    spec: ShardSpec::new(index, count).unwrap(),
                    origin: "test".into(),
                });
                Part { name: index.to_string(), report: tokencensus::count_with(&c, prepared).unwrap().report }
            })
            .rev()
            .collect();
        let merged: Report = merge_parts(&parts).unwrap();
        let strip = |r: &Report| census_only(serde_json::to_value(r).unwrap());
        prop_assert_eq!(strip(&merged), strip(&whole));
    }
}

fn prepared() -> &'static Tokenizer {
    static PREPARED: std::sync::OnceLock<Tokenizer> = std::sync::OnceLock::new();
    PREPARED.get_or_init(|| Tokenizer::embedded().unwrap())
}
