//! Files that change while they are counted: truncated, grown, rewritten in place, or shorter
//! than their stated size (`/sys`). None ends the run (a mapped file that shrinks used to kill
//! the process with SIGBUS); a file that shrank or changed counts nothing but one `io` error
//! naming the bytes concerned, mapped or read alike; a file that grew is counted at its planned
//! size and the report says so in `run.notes`.

use crate::common::{binary, run_in};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// About 40 MB of JSONL: counting it takes a while on one thread.
fn big_jsonl() -> String {
    // Words of their own on every line (eight letters from a hash of the line and place), so
    // that no cache makes the count quick: about a second, not the tenth of a second the
    // changes below wait after the file is opened (repeated lines counted in about that).
    let word = |n: u64| -> String {
        let mut h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD6E8_FEB8_6659_FD93;
        (0..8)
            .map(|_| {
                h = h.rotate_left(5).wrapping_mul(0xA076_1D64_78BD_642F);
                char::from(b'a' + (h % 26) as u8)
            })
            .collect()
    };
    (0..160_000u64)
        .map(|i| {
            let line: String = (0..6)
                .map(|k| format!("Line {i} of a long file, word {}. ", word(i * 6 + k)))
                .collect();
            format!("{{\"text\": \"{line}\"}}\n")
        })
        .collect()
}

/// Whether the process `pid` holds `path` open or mapped.
fn holds_open(pid: u32, path: &Path) -> bool {
    let mapped = std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .is_ok_and(|maps| maps.lines().any(|l| l.ends_with(path.to_str().unwrap())));
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return mapped;
    };
    mapped
        || fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == path))
}

/// Counts `corpus` in `dir` with `extra` options, applies `change` to `big` as soon as the count
/// has opened it, and returns the exit code and the JSON report.
fn count_while(dir: &Path, big: &Path, extra: &[&str], change: impl FnOnce(&Path)) -> (i32, Value) {
    let mut command = binary();
    let mut args = vec![
        "count", "-q", "-j", "1", "--format", "json", "-o", "out.json",
    ];
    args.extend_from_slice(extra);
    args.push("corpus");
    let mut child = command
        .args(&args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let big = big.canonicalize().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !holds_open(child.id(), &big) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "{args:?} ended before opening the file"
        );
        assert!(Instant::now() < deadline, "{args:?} never opened the file");
        std::thread::sleep(Duration::from_micros(200));
    }
    // The count takes the file's length and modification time right after opening it; give it
    // that moment even on a loaded machine (a change before it is no change while counting, and
    // the big file takes about a second to count on one thread, see `big_jsonl`).
    std::thread::sleep(Duration::from_millis(100));
    change(&big);
    let status = child.wait().unwrap();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("{args:?} was killed: {status:?}"));
    let report = serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap();
    (code, report)
}

/// The report without `run` and without `errors` (and the totals' error count), and without
/// the files' fingerprints: every case writes the big file anew, so its modification time (and
/// with it its fingerprint) differs from one count to the next; how many files, their
/// extensions and paths are still compared.
fn counted(mut report: Value) -> Value {
    let map = report.as_object_mut().unwrap();
    map.remove("run");
    map.remove("errors");
    // The digest covers run.notes and the errors.
    map.remove("integrity");
    map["totals"].as_object_mut().unwrap().remove("errors");
    for source in map["sources"].as_array_mut().unwrap() {
        source["file_set"]
            .as_object_mut()
            .expect("a counted source lists its files")
            .remove("fingerprints")
            .expect("with their fingerprints");
    }
    report
}

#[test]
fn a_file_that_changes_while_it_is_counted_is_one_error_or_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let content = big_jsonl();
    let size = content.len();
    std::fs::write(
        corpus.join("small.jsonl"),
        "{\"text\": \"counted all the same\"}\n",
    )
    .unwrap();
    let big = corpus.join("big.jsonl");
    // What the corpus counts to without the big file, and with it as planned.
    let without = counted(
        run_in(
            dir.path(),
            &["count", "-q", "--format", "json", "corpus/small.jsonl"],
        )
        .json(),
    );
    std::fs::write(&big, &content).unwrap();
    let whole = counted(run_in(dir.path(), &["count", "-q", "--format", "json", "corpus"]).json());
    let ended = format!(
        "bytes 1000000..{size} could not be read: the file ended early (truncated while it was \
         counted, or shorter than its stated size); nothing of it is counted"
    );
    let rewritten = format!(
        "changed while it was counted (its modification time moved): bytes 0..{size} may differ \
         from what was read; nothing of it is counted"
    );
    for reading in [&[][..], &["--no-mmap"]] {
        // Truncated: one error with the bytes that could not be read; the rest is counted.
        std::fs::write(&big, &content).unwrap();
        let (code, report) = count_while(dir.path(), &big, reading, |big| {
            std::fs::File::options()
                .write(true)
                .open(big)
                .unwrap()
                .set_len(1_000_000)
                .unwrap();
        });
        assert_eq!(code, 1, "{reading:?}");
        let errors = report["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{reading:?}: {errors:?}");
        assert_eq!(errors[0]["path"], "corpus/big.jsonl");
        assert_eq!(errors[0]["kind"], "io");
        assert_eq!(errors[0]["message"], ended.as_str(), "{reading:?}");
        assert_eq!(counted(report)["totals"], without["totals"], "{reading:?}");

        // Rewritten in place, same length: one error too.
        std::fs::write(&big, &content).unwrap();
        let (code, report) = count_while(dir.path(), &big, reading, |big| {
            let mut file = std::fs::File::options().write(true).open(big).unwrap();
            file.write_all(b"{\"text\": \"new\"}").unwrap();
            let later = std::time::SystemTime::now() + Duration::from_secs(2);
            file.set_modified(later).unwrap();
        });
        assert_eq!(code, 1, "{reading:?}");
        assert_eq!(
            report["errors"][0]["message"],
            rewritten.as_str(),
            "{reading:?}"
        );
        assert_eq!(report["errors"].as_array().unwrap().len(), 1);

        // Grown: counted as planned, and said so.
        std::fs::write(&big, &content).unwrap();
        let (code, report) = count_while(dir.path(), &big, reading, |big| {
            let mut file = std::fs::File::options().append(true).open(big).unwrap();
            file.write_all(b"{\"text\": \"appended\"}\n").unwrap();
        });
        assert_eq!(code, 0, "{reading:?}: {}", report["errors"]);
        let note = format!(
            "corpus/big.jsonl: grew from {size} to {} bytes while it was counted; the {size} \
             bytes it had when planned were counted",
            size + 21
        );
        assert_eq!(
            report["run"]["notes"],
            serde_json::json!([note]),
            "{reading:?}"
        );
        assert_eq!(counted(report), whole, "{reading:?}");
    }
}

#[test]
fn a_file_shorter_than_its_stated_size_is_one_error_with_its_bytes() {
    let sys = Path::new("/sys/devices/system/cpu/online");
    let Ok(stated) = std::fs::metadata(sys).map(|m| m.len()) else {
        eprintln!("skipped: no {} here", sys.display());
        return;
    };
    let real = std::fs::read(sys).unwrap().len();
    assert!(
        (real as u64) < stated,
        "a sysfs file states more than it holds"
    );
    for reading in [&[][..], &["--no-mmap"]] {
        let mut args = vec!["count", "-q", "--format", "json"];
        args.extend_from_slice(reading);
        args.push(sys.to_str().unwrap());
        let r = run_in(Path::new("/"), &args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let report = r.json();
        let errors = report["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let message = errors[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("bytes {real}..{stated} could not be read")),
            "{message}"
        );
        assert_eq!(report["totals"]["documents"], 0);
    }
}
