//! Issue 20, rolling collection: `combine` of two disjoint windows equals one count of both;
//! a file in two inputs, another tokenizer or an altered input are refused; `diff` of a census
//! with itself is empty and names appeared sources; `merge` of shards keeps the file sets;
//! the file sets (and the digest) do not depend on how a census was counted, an estimate lists
//! every planned file, and a file given another modification time is another file.

use crate::common::{census_only, count_json_in, root, run_in, tokenizer_path};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The bundled sample corpus's files, copied into `dir` (so that they keep one modification
/// time for every count of a test).
fn sample(dir: &Path) {
    for file in ["linux-doc.jsonl", "man.jsonl.zst", "fortunes.jsonl.gz"] {
        std::fs::copy(root().join("fixtures/sample").join(file), dir.join(file)).unwrap();
    }
}

fn write(dir: &Path, name: &str, report: &Value) {
    std::fs::write(
        dir.join(name),
        serde_json::to_string_pretty(report).unwrap(),
    )
    .unwrap();
}

#[test]
fn two_disjoint_windows_combine_into_one_count_of_both() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sample(dir);
    let january = count_json_in(dir, &["linux-doc.jsonl"], 0);
    let february = count_json_in(dir, &["man.jsonl.zst", "fortunes.jsonl.gz"], 0);
    let both = count_json_in(
        dir,
        &["linux-doc.jsonl", "man.jsonl.zst", "fortunes.jsonl.gz"],
        0,
    );
    write(dir, "jan.json", &january);
    write(dir, "feb.json", &february);
    let combined = run_in(
        dir,
        &["combine", "jan.json", "feb.json", "--format", "json"],
    );
    assert_eq!(combined.code, 0, "{}", combined.stderr);
    let combined = combined.json();
    assert_eq!(combined["run"]["combined_inputs"], 2);
    assert_eq!(census_only(combined.clone()), census_only(both.clone()));
    assert_eq!(combined["sources"][0]["file_set"]["count"], 1);

    // What combine writes is sealed anew: report and merge take it back.
    write(dir, "combined.json", &combined);
    let again = run_in(dir, &["report", "combined.json", "--format", "json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.json(), combined);

    // The same file in two inputs is refused, naming both.
    let refused = run_in(dir, &["combine", "jan.json", "combined.json"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("jan.json and combined.json both counted 1 file"),
        "{}",
        refused.stderr
    );
}

#[test]
fn other_tokenizers_and_altered_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sample(dir);
    let llama = count_json_in(dir, &["linux-doc.jsonl"], 0);
    let gpt4o = root().join(tokenizer_path("gpt4o"));
    let gpt4o = gpt4o.to_str().unwrap();
    let gpt = count_json_in(dir, &["--tokenizer", gpt4o, "man.jsonl.zst"], 0);
    write(dir, "llama.json", &llama);
    write(dir, "gpt.json", &gpt);
    let refused = run_in(dir, &["combine", "llama.json", "gpt.json"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("differ in tokenizer"),
        "{}",
        refused.stderr
    );
    let refused = run_in(dir, &["diff", "llama.json", "gpt.json"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("different tokenizers"),
        "{}",
        refused.stderr
    );

    let mut altered = llama.clone();
    altered["totals"]["tokens"] = Value::from(1);
    write(dir, "altered.json", &altered);
    let refused = run_in(dir, &["combine", "altered.json"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("altered"), "{}", refused.stderr);
}

#[test]
fn diff_shows_nothing_for_the_same_census_and_names_what_appeared() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sample(dir);
    let old = count_json_in(dir, &["linux-doc.jsonl", "man.jsonl.zst"], 0);
    let new = count_json_in(dir, &["linux-doc.jsonl", "fortunes.jsonl.gz"], 0);
    write(dir, "old.json", &old);
    write(dir, "new.json", &new);
    let same = run_in(dir, &["diff", "old.json", "old.json"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(same.stdout.contains("No change"), "{}", same.stdout);

    let diff = run_in(dir, &["diff", "old.json", "new.json", "--format", "json"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let diff = diff.json();
    let sources: Vec<(&str, &str)> = diff["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [
            ("fortunes.jsonl.gz", "appeared"),
            ("man.jsonl.zst", "vanished")
        ]
    );
    let appeared = &diff["sources"][0];
    assert_eq!(appeared["added"]["tokens"], new["sources"][1]["tokens"]);
    assert_eq!(appeared["files"]["added"], 1);
    let markdown = run_in(
        dir,
        &["diff", "old.json", "new.json", "--format", "markdown"],
    );
    assert!(
        markdown.stdout.contains("| man.jsonl.zst | vanished |"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn shards_merge_into_the_file_set_of_the_whole_count() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sample(dir);
    let args = ["linux-doc.jsonl", "man.jsonl.zst", "fortunes.jsonl.gz"];
    let whole = count_json_in(dir, &args, 0);
    for i in 0..3 {
        let shard = format!("{i}/3");
        let mut shard_args = vec!["--shard", shard.as_str()];
        shard_args.extend(args);
        write(
            dir,
            &format!("part{i}.json"),
            &count_json_in(dir, &shard_args, 0),
        );
    }
    let merged = run_in(
        dir,
        &[
            "merge",
            "part0.json",
            "part1.json",
            "part2.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let merged = merged.json();
    for (a, b) in merged["sources"]
        .as_array()
        .unwrap()
        .iter()
        .zip(whole["sources"].as_array().unwrap())
    {
        assert_eq!(a["file_set"], b["file_set"]);
    }
}

fn file_sets(report: &Value) -> Vec<Value> {
    (report["sources"].as_array().unwrap().iter())
        .map(|s| s["file_set"].clone())
        .collect()
}

#[test]
fn file_sets_and_digest_do_not_depend_on_how_the_files_were_counted() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sample(dir);
    let files = ["linux-doc.jsonl", "man.jsonl.zst", "fortunes.jsonl.gz"];
    let with = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(files);
        count_json_in(dir, &args, 0)
    };
    let first = with(&[]);
    let digest = &first["integrity"]["sha256"];
    let sets = file_sets(&first);
    assert!(sets.iter().all(|s| s["count"] == 1), "{sets:?}");
    let runs = [
        with(&[]),
        with(&["-j", "1", "--no-mmap", "--chunk-size", "64"]),
        with(&["-j", "2"]),
        with(&["--checkpoint", "ck"]),
        with(&["--checkpoint", "ck"]), // every file taken from the saved results
    ];
    assert_eq!(runs[4]["run"]["resumed_files"], 3);
    for run in &runs {
        assert_eq!(file_sets(run), sets);
        assert_eq!(&run["integrity"]["sha256"], digest, "{}", run["run"]);
    }
    // The reference engine: the same files (the report names the engine, so not the digest).
    assert_eq!(file_sets(&with(&["--engine", "reference"])), sets);

    // An estimate lists every planned file, sampled or not: the count's sets.
    let mut args = vec!["estimate", "--format", "json", "--sample", "0.01"];
    args.extend(files);
    let estimate = run_in(dir, &args);
    assert_eq!(estimate.code, 0, "{}", estimate.stderr);
    assert_eq!(file_sets(&estimate.json()), sets);
    // Its dataset card lists where those files lie and says its figures are estimated.
    write(dir, "estimate.json", &estimate.json());
    let card = run_in(dir, &["report", "estimate.json", "--format", "hf-card"]);
    assert_eq!(card.code, 0, "{}", card.stderr);
    assert!(
        card.stdout.contains("path: \"man.jsonl.zst\""),
        "{}",
        card.stdout
    );
    assert!(
        card.stdout.contains("is estimated from a sample"),
        "{}",
        card.stdout
    );
}

#[test]
fn a_file_given_another_modification_time_is_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sample(dir);
    let before = count_json_in(dir, &["linux-doc.jsonl", "man.jsonl.zst"], 0);
    write(dir, "before.json", &before);
    // Before the Unix epoch too: the time is signed, not dropped.
    let earlier = SystemTime::UNIX_EPOCH - Duration::from_secs(86_400);
    let file = std::fs::File::options()
        .write(true)
        .open(dir.join("man.jsonl.zst"))
        .unwrap();
    file.set_modified(earlier).unwrap();
    let after = count_json_in(dir, &["linux-doc.jsonl", "man.jsonl.zst"], 0);
    write(dir, "after.json", &after);
    assert_eq!(
        before["sources"][0]["file_set"],
        after["sources"][0]["file_set"]
    );
    assert_ne!(
        before["sources"][1]["file_set"]["fingerprints"],
        after["sources"][1]["file_set"]["fingerprints"]
    );
    // Its figures are the same, its file is not: one removed, one added.
    let diff = run_in(
        dir,
        &["diff", "before.json", "after.json", "--format", "json"],
    );
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let diff = diff.json();
    let changed = diff["sources"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{diff}");
    assert_eq!(changed[0]["name"], "man.jsonl.zst");
    assert_eq!(changed[0]["files"]["added"], 1);
    assert_eq!(changed[0]["files"]["removed"], 1);
}
