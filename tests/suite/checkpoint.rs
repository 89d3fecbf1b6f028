//! Resumable counts: a count killed with SIGKILL part-way and run again with the same
//! checkpoint folder ends with the report of an uninterrupted count; saved results are reused
//! only for the same file, tokenizer settings and range, and damaged ones are counted again.

use crate::common::{at, binary, census_only, run_in};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Sixteen JSONL files of about 0.4 MB each, one with a bad line.
fn corpus(dir: &Path) {
    for f in 0..16 {
        let mut body = String::new();
        for i in 0..2000 {
            if f == 7 && i == 999 {
                body.push_str("{\"text\": 12}\n");
                continue;
            }
            let words = format!("file {f} line {i} ").repeat(10);
            body.push_str(&format!("{{\"text\": \"{words}\"}}\n"));
        }
        std::fs::write(dir.join(format!("part-{f:02}.jsonl")), body).unwrap();
    }
}

/// A checkpointed count of `corpus` with the JSON report on stdout.
const RESUME: [&str; 7] = [
    "count",
    "-q",
    "--format",
    "json",
    "--checkpoint",
    "ck",
    "corpus",
];

fn saved(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter(|e| {
                    let name = e.as_ref().unwrap().file_name();
                    let name = name.to_string_lossy();
                    name.ends_with(".json") && !name.starts_with('.')
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_killed_count_resumes_to_the_uninterrupted_report() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir(&corpus_dir).unwrap();
    corpus(&corpus_dir);
    let whole = run_in(dir.path(), &["count", "-q", "--format", "json", "corpus"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let checkpoints = dir.path().join("ck");
    // The slow reference route, one thread, so that the kill lands part-way.
    let mut child = binary()
        .args([
            "count",
            "-q",
            "-j",
            "1",
            "--engine",
            "reference",
            "--checkpoint",
            "ck",
            "corpus",
        ])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while saved(&checkpoints) < 2 && Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().ok(); // SIGKILL
    child.wait().unwrap();
    let before = saved(&checkpoints);
    assert!(
        (1..16).contains(&before),
        "the kill landed part-way ({before} files saved)"
    );
    let resume = || run_in(dir.path(), &RESUME);
    let resumed = resume();
    assert_eq!(resumed.code, 1, "{}", resumed.stderr);
    let resumed = resumed.json();
    assert_eq!(resumed["run"]["resumed_files"], before as u64);
    assert_eq!(census_only(resumed), census_only(whole.json()));
    assert_eq!(saved(&checkpoints), 16);
    // Everything saved: a third run counts nothing again and still gives the same report.
    let again = resume();
    let again = again.json();
    assert_eq!(again["run"]["resumed_files"], 16);
    assert_eq!(census_only(again), census_only(whole.json()));
}

#[test]
fn saved_results_are_reused_only_when_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir(&corpus_dir).unwrap();
    corpus(&corpus_dir);
    let count = |extra: &[&str]| {
        let mut a = RESUME.to_vec();
        a.extend_from_slice(extra);
        let r = run_in(dir.path(), &a);
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.json()
    };
    assert_eq!(count(&[])["run"]["resumed_files"], 0);
    assert_eq!(count(&["--special-tokens"])["run"]["resumed_files"], 0);
    assert_eq!(count(&[])["run"]["resumed_files"], 16);
    // A changed file is counted again; its old result is not used.
    let changed = corpus_dir.join("part-03.jsonl");
    std::fs::write(&changed, "{\"text\": \"short now\"}\n").unwrap();
    let after_change = count(&[]);
    assert_eq!(after_change["run"]["resumed_files"], 15);
    let fresh = run_in(dir.path(), &["count", "-q", "--format", "json", "corpus"]).json();
    assert_eq!(census_only(after_change), census_only(fresh.clone()));
    // Damaged saved results are ignored and their files counted again.
    for entry in std::fs::read_dir(dir.path().join("ck")).unwrap() {
        std::fs::write(entry.unwrap().path(), "{\"counts\": ").unwrap();
    }
    let repaired = count(&[]);
    assert_eq!(repaired["run"]["resumed_files"], 0);
    assert_eq!(census_only(repaired), census_only(fresh));
    // A checkpoint folder that cannot be made is fatal before anything is counted.
    std::fs::write(dir.path().join("file"), "").unwrap();
    let r = run_in(dir.path(), &["count", "--checkpoint", "file/ck", "corpus"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn shards_resume_too() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir(&corpus_dir).unwrap();
    corpus(&corpus_dir);
    let part = |i: u32| {
        let shard = format!("{i}/3");
        let out = format!("p{i}.json");
        let args = [
            "count",
            "-q",
            "--format",
            "json",
            "--checkpoint",
            "ck",
            "--shard",
            &shard,
            "-o",
            &out,
            "corpus",
        ];
        assert!(run_in(dir.path(), &args).code <= 1);
        out
    };
    let merged = |parts: &[String]| {
        let mut a = vec!["merge", "--format", "json"];
        a.extend(parts.iter().map(String::as_str));
        census_only(run_in(dir.path(), &a).json())
    };
    // Merged before the parts are written again: the re-run overwrites the same files.
    let first = merged(&(0..3).map(part).collect::<Vec<_>>());
    let again: Vec<String> = (0..3).map(part).collect();
    for out in &again {
        let part: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(out)).unwrap()).unwrap();
        assert_eq!(
            at(&part, "run.resumed_files"),
            at(&part, "totals.files"),
            "{out}"
        );
    }
    assert_eq!(merged(&again), first);
    let whole = run_in(dir.path(), &["count", "-q", "--format", "json", "corpus"]).json();
    assert_eq!(merged(&again), census_only(whole));
}

/// The host name as the program names its temporary files (what `gethostname` gives).
fn host_name() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    name.trim().to_string()
}

#[test]
fn stale_temporary_files_are_removed_and_a_file_is_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir(&corpus_dir).unwrap();
    std::fs::write(corpus_dir.join("a.jsonl"), "{\"text\": \"hello\"}\n").unwrap();
    let ck = dir.path().join("ck");
    std::fs::create_dir(&ck).unwrap();
    // A process that is gone, on this machine; an old file of an earlier naming; a fresh file
    // of another machine (it may still be renamed) and a file that is not a temporary one.
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let key = "0f".repeat(32);
    let dead = format!(".{key}.{}.{pid}.tmp", host_name());
    let old = format!(".{key}.{pid}.tmp");
    let foreign = format!(".{key}.elsewhere.example.{pid}.tmp");
    for name in [&dead, &old, &foreign, &"notes.tmp".to_string()] {
        std::fs::write(ck.join(name), "{\"tally\": ").unwrap();
    }
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(ck.join(&old))
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    let r = run_in(dir.path(), &["count", "-q", "--checkpoint", "ck", "corpus"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let left: std::collections::BTreeSet<String> = std::fs::read_dir(&ck)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    let expected: std::collections::BTreeSet<String> =
        [foreign, "notes.tmp".to_string()].into_iter().collect();
    assert_eq!(left, expected);
    // A checkpoint path that is a file is refused, saying so.
    let r = run_in(
        dir.path(),
        &["count", "-q", "--checkpoint", "corpus/a.jsonl", "corpus"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("corpus/a.jsonl: checkpoint folder: this is a file, not a folder"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
}
