//! The limits on one document: working memory of at most 12 bytes per byte of a document on
//! top of the document itself (a run of one letter is one pre-token, the worst case for BPE),
//! on the fast and the reference route, measured as the peak resident memory of the process;
//! and `--max-document-bytes`, above which a plain-text file (stored or compressed, so that a
//! decompression bomb stays bounded), a JSONL record (mapped, read or decompressed) or a tar
//! member is a `too_large` input error naming it, never an abort.

use crate::common::{binary, run_in};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// The working memory allowed per byte of a document, as docs/limits.md states it, plus the
/// document itself (read into memory or mapped).
const BYTES_PER_BYTE: u64 = 12 + 1;

/// Runs the binary with `args` in `dir` and returns its exit status and its peak resident
/// memory in bytes (its own, through `wait4`, whatever else the tests run).
fn peak_memory(dir: &Path, args: &[&str]) -> (i32, u64) {
    let mut command = binary();
    // Reaped by `wait4` below (which `Child::wait` cannot do while reading the resources used).
    #[allow(clippy::zombie_processes)]
    let child = command
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: a child of this process, waited for once, with valid out-pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "{}", std::io::Error::last_os_error());
    assert!(libc::WIFEXITED(status), "{args:?} died: status {status}");
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64 * 1024)
}

#[test]
fn a_long_pre_token_costs_at_most_twelve_bytes_per_byte_on_both_routes() {
    let dir = tempfile::tempdir().unwrap();
    let big: u64 = 8 << 20;
    std::fs::write(dir.path().join("run.txt"), "a".repeat(big as usize)).unwrap();
    // Long enough for the reference route to cut it into parts (and make its cutter), so that
    // only the per-byte cost differs.
    std::fs::write(dir.path().join("small.txt"), "a".repeat(300_000)).unwrap();
    let mut tokens = Vec::new();
    for engine in ["auto", "reference"] {
        let out = format!("{engine}.json");
        let args = |file| {
            let format = ["--format", "json", "-o", &out];
            let mut args = vec!["count", "-q", "-j", "1", "--engine", engine, file];
            args.extend_from_slice(&format);
            args.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let run = |file| {
            let args = args(file);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, peak) = peak_memory(dir.path(), &args);
            assert_eq!(code, 0, "{args:?}");
            peak
        };
        let small = run("small.txt");
        let large = run("run.txt");
        let per_byte = large.saturating_sub(small) as f64 / big as f64;
        eprintln!("{engine}: {small} bytes for 300 KB, {large} for 8 MiB: {per_byte:.1} per byte");
        assert!(
            large <= small + BYTES_PER_BYTE * big,
            "{engine}: {per_byte:.1} bytes per byte of a one-letter run"
        );
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(&out)).unwrap()).unwrap();
        tokens.push(report["totals"]["tokens"].clone());
    }
    // Counted exactly all the same: the fast route's count of a long run is the crate's.
    assert_eq!(tokens[0], tokens[1]);
    assert!(tokens[0].as_u64().unwrap() > 0);
}

/// A zstd stream of `bytes` bytes of the letter `a`, a few kilobytes packed.
fn bomb(bytes: usize) -> Vec<u8> {
    let mut packed = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..bytes >> 20 {
        packed.write_all(&block).unwrap();
    }
    packed.finish().unwrap()
}

#[test]
fn documents_over_the_limit_are_too_large_errors() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let long = "x".repeat(3000);
    let lines =
        format!("{{\"text\": \"fine\"}}\n{{\"text\": \"{long}\"}}\n{{\"text\": \"also fine\"}}\n");
    std::fs::write(corpus.join("a.jsonl"), &lines).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(lines.as_bytes()).unwrap();
    std::fs::write(corpus.join("b.jsonl.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(corpus.join("c.txt"), &long).unwrap();
    std::fs::write(corpus.join("d.txt"), "short").unwrap();
    std::fs::write(corpus.join("e.txt.zst"), bomb(64 << 20)).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    for (name, content) in [("s/1.txt", long.as_str()), ("s/2.txt", "a caption")] {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, content.as_bytes())
            .unwrap();
    }
    std::fs::write(corpus.join("f.tar"), tar.into_inner().unwrap()).unwrap();
    let limit = "over the 1000-byte limit for one document (--max-document-bytes); not counted";
    let mut reports = Vec::new();
    for extra in [
        &[][..],
        &["--no-mmap"],
        &["--no-mmap", "--chunk-size", "20"],
    ] {
        let mut args = vec![
            "count",
            "-q",
            "--format",
            "json",
            "--max-document-bytes",
            "1000",
        ];
        args.extend_from_slice(extra);
        args.push("corpus");
        let r = run_in(dir.path(), &args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let report = r.json();
        let errors: Vec<String> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{} {} {} {}", e["path"], e["line"], e["kind"], e["message"]))
            .collect();
        let expected = [
            format!("\"corpus/a.jsonl\" 2 \"too_large\" \"a record (line) is {limit}\""),
            format!("\"corpus/b.jsonl.gz\" 2 \"too_large\" \"a record (line) is {limit}\""),
            format!("\"corpus/c.txt\" null \"too_large\" \"a document of 3000 bytes is {limit}\""),
            format!(
                "\"corpus/e.txt.zst\" null \"too_large\" \"the decompressed document is {limit}\""
            ),
            format!(
                "\"corpus/f.tar\" null \"too_large\" \"member s/1.txt of 3000 bytes is {limit}\""
            ),
        ];
        assert_eq!(errors, expected, "{extra:?}");
        let documents = report["totals"]["documents"].as_u64().unwrap();
        assert_eq!(documents, 2 + 2 + 1 + 1, "{extra:?}: the rest is counted");
        reports.push(report["totals"].clone());
    }
    assert!(
        reports.windows(2).all(|w| w[0] == w[1]),
        "mapped, read or cut alike"
    );
}

#[test]
fn a_decompression_bomb_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 256 MiB of one letter in a few kilobytes, against a limit of 4 MiB.
    let packed = bomb(256 << 20);
    std::fs::write(dir.path().join("bomb.txt.zst"), &packed).unwrap();
    std::fs::write(dir.path().join("bomb.jsonl.zst"), &packed).unwrap();
    std::fs::write(dir.path().join("small.txt"), "a few words").unwrap();
    let args = |file| {
        [
            "count",
            "-q",
            "-j",
            "1",
            "--max-document-bytes",
            "4194304",
            file,
        ]
    };
    let (code, small) = peak_memory(dir.path(), &args("small.txt"));
    assert_eq!(code, 0);
    for bomb in ["bomb.txt.zst", "bomb.jsonl.zst"] {
        let (code, peak) = peak_memory(dir.path(), &args(bomb));
        assert_eq!(code, 1, "{bomb}: a too_large error");
        assert!(
            peak < small + (64 << 20),
            "{bomb}: {peak} bytes at the peak, {small} for a small file"
        );
    }
}
