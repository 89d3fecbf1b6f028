//! The files read whole (a saved report for `report` and `merge`, `--manifest`, `--tokenizer`,
//! `--files-from` and manifest `files_from` lists):
//! a device, a FIFO or a file over the stated limit is refused at once with a clear message
//! (exit status 2), never read until memory runs out or waited on.

use crate::common::run_in;
use std::path::Path;
use std::time::{Duration, Instant};

/// Makes a FIFO at `path`.
fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs the binary in `dir` and checks that it refuses in time, naming `path` and `what`.
#[track_caller]
fn refused(dir: &Path, args: &[&str], what: &str) {
    let started = Instant::now();
    let r = run_in(dir, args);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{args:?} took {:?}",
        started.elapsed()
    );
    assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    assert!(r.stderr.contains(what), "{args:?}: {}", r.stderr);
}

#[test]
fn devices_fifos_and_huge_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), "{\"text\": \"hi\"}\n").unwrap();
    fifo(&dir.path().join("pipe"));
    let device = "not a regular file but a character device: give a file";
    let pipe = "not a regular file but a FIFO (named pipe): give a file";
    refused(
        dir.path(),
        &["report", "/dev/zero"],
        &format!("/dev/zero: {device}"),
    );
    refused(dir.path(), &["report", "pipe"], &format!("pipe: {pipe}"));
    refused(dir.path(), &["merge", "/dev/zero"], device);
    refused(dir.path(), &["merge", "pipe", "pipe"], pipe);
    refused(
        dir.path(),
        &["count", "--manifest", "/dev/zero"],
        &format!("manifest /dev/zero: {device}"),
    );
    refused(dir.path(), &["count", "--manifest", "pipe"], pipe);
    refused(
        dir.path(),
        &["count", "--tokenizer", "/dev/zero", "a.jsonl"],
        &format!("cannot load tokenizer /dev/zero: {device}"),
    );
    refused(
        dir.path(),
        &["count", "--tokenizer", "pipe", "a.jsonl"],
        pipe,
    );
    // A sparse file of 3 GiB: over the report limit, refused before a byte is read.
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    refused(
        dir.path(),
        &["report", "huge.json"],
        "huge.json: larger than the 2147483648-byte limit for a report",
    );
    refused(
        dir.path(),
        &["count", "--manifest", "huge.json"],
        "larger than the 67108864-byte limit for a manifest",
    );
    // Lists of files: `--files-from` and a manifest's `files_from`.
    refused(
        dir.path(),
        &["count", "--files-from", "/dev/zero"],
        &format!("/dev/zero: {device}"),
    );
    refused(dir.path(), &["count", "--files-from", "pipe"], pipe);
    refused(
        dir.path(),
        &["count", "--files-from", "huge.json"],
        "huge.json: larger than the 1073741824-byte limit for a files-from list",
    );
    let manifest = "[[source]]\nname = \"listed\"\ncategory = \"public\"\nfiles_from = \"pipe\"\n";
    std::fs::write(dir.path().join("sources.toml"), manifest).unwrap();
    refused(dir.path(), &["count", "--manifest", "sources.toml"], pipe);
}

#[test]
fn a_fifo_named_like_a_manifest_in_the_corpus_is_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), "{\"text\": \"hi\"}\n").unwrap();
    fifo(&dir.path().join("other.toml"));
    let started = Instant::now();
    let r = run_in(dir.path(), &["count", "-q", "--format", "json", "."]);
    assert!(started.elapsed() < Duration::from_secs(20), "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["totals"]["documents"], 1, "{}", r.stderr);
}

#[test]
fn a_tokenizer_that_decompresses_past_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), "{\"text\": \"hi\"}\n").unwrap();
    // 600 MiB of spaces, packed into a few kilobytes.
    let mut packed = zstd::stream::write::Encoder::new(Vec::new(), 19).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..600 {
        std::io::Write::write_all(&mut packed, &block).unwrap();
    }
    let packed = packed.finish().unwrap();
    std::fs::write(dir.path().join("bomb.json.zst"), packed).unwrap();
    refused(
        dir.path(),
        &["count", "--tokenizer", "bomb.json.zst", "a.jsonl"],
        "decompresses to more than the 536870912-byte limit for a tokenizer",
    );
}
