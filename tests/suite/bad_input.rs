//! Bad input never crashes a run and is never silently dropped: each problem is one entry in
//! `errors` (path, line, kind, message), everything else is counted exactly, exit status 1.

use crate::common::*;
use serde_json::{Value, json};

fn errors_of<'a>(report: &'a Value, path: &str) -> Vec<&'a Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == path)
        .collect()
}

fn line_kinds(errors: &[&Value]) -> Vec<(Value, String)> {
    errors
        .iter()
        .map(|e| (e["line"].clone(), e["kind"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn every_bad_record_is_reported_and_good_ones_are_counted() {
    let file = "fixtures/bad/records.jsonl";
    let report = count_json(&[file], 1);
    let errors = errors_of(&report, file);
    let want = [
        (2, "json"),
        (3, "missing_field"),
        (4, "field_type"),
        (5, "field_type"),
        (6, "invalid_unicode"),
        (7, "invalid_unicode"),
        (8, "json"),
        (11, "json"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(l, k)| (json!(l), k.to_string()))
        .collect();
    assert_eq!(line_kinds(&errors), want);
    assert!(
        errors
            .iter()
            .all(|e| !e["message"].as_str().unwrap().is_empty())
    );
    // Lines 1, 10 and 12 are good (line 9 is blank): their exact text and tokens.
    let good = ["good one", "good two, after a blank line", "good four é😀"];
    let s = source(&report, file);
    assert_eq!(s["documents"], 3);
    assert_eq!(s["bytes"], good.iter().map(|t| t.len()).sum::<usize>());
    assert_eq!(report["totals"]["errors"], 8);
}

#[test]
fn corrupt_and_truncated_streams_keep_the_lines_before_the_damage() {
    let (zst, gz) = (
        "fixtures/bad/corrupt.jsonl.zst",
        "fixtures/bad/truncated.jsonl.gz",
    );
    let report = count_json(&[zst, gz], 1);
    // The zstd file is two frames of 2,000 lines each; the second frame is damaged.
    assert_eq!(source(&report, zst)["documents"], 2000);
    assert_eq!(
        line_kinds(&errors_of(&report, zst)),
        vec![(json!(2001), "decompress".to_string())]
    );
    // The gzip file is cut in half: the complete lines before the cut are counted.
    let docs = source(&report, gz)["documents"].as_u64().unwrap();
    assert!(
        (1000..4000).contains(&docs),
        "{docs} documents before the cut"
    );
    let errs = errors_of(&report, gz);
    assert_eq!(
        line_kinds(&errs),
        vec![(json!(docs + 1), "decompress".to_string())]
    );
    assert!(errs[0]["message"].as_str().unwrap().contains("gzip"));
}

#[test]
fn binary_and_non_utf8_files_are_reported_and_others_still_counted() {
    let report = count_json(&["fixtures/bad"], 1);
    let kinds = |p: &str| line_kinds(&errors_of(&report, p));
    assert_eq!(
        kinds("fixtures/bad/binary.txt"),
        vec![(Value::Null, "binary".into())]
    );
    assert_eq!(
        kinds("fixtures/bad/binary.jsonl"),
        vec![(Value::Null, "binary".into())]
    );
    assert_eq!(
        kinds("fixtures/bad/latin1.txt"),
        vec![(json!(2), "invalid_unicode".into())]
    );
    assert_eq!(kinds("fixtures/bad/fine.md"), vec![]);
    // fine.md, records.jsonl and the two streams are counted; the three others are not.
    let totals = &report["totals"];
    assert_eq!(totals["files"], 4);
    assert_eq!(totals["errors"], report["errors"].as_array().unwrap().len());
    assert_eq!(totals["errors"], 13);
}

#[test]
fn symlink_loops_and_unreadable_entries_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("sub/a.jsonl"), "{\"text\":\"hello world\"}\n").unwrap();
    std::os::unix::fs::symlink("..", corpus.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("missing.jsonl", corpus.join("dangling.jsonl")).unwrap();
    let unreadable = corpus.join("locked.jsonl");
    std::fs::write(&unreadable, "{\"text\":\"secret\"}\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    let locked = std::fs::read(&unreadable).is_err(); // root can read anything

    let r = run_in(dir.path(), &["count", "--format", "json", "corpus"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let errors: Vec<_> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert!(
        errors.contains(&("corpus/sub/loop", "symlink_loop")),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("corpus/dangling.jsonl", "io")),
        "{errors:?}"
    );
    if locked {
        assert!(
            errors.contains(&("corpus/locked.jsonl", "io")),
            "{errors:?}"
        );
    }
    assert_eq!(report["totals"]["documents"], if locked { 1 } else { 2 });
    assert!(
        r.stderr.contains("input error"),
        "one-line summary on stderr: {}",
        r.stderr
    );
}

#[test]
fn empty_files_and_blank_lines_are_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    std::fs::write(dir.path().join("blank.jsonl"), "\n\r\n  \n").unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    let r = run_in(dir.path(), &["count", "--format", "json", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["totals"]["files"], 3);
    assert_eq!(
        report["totals"]["documents"], 1,
        "the empty .txt is one empty document"
    );
    assert_eq!(report["totals"]["tokens"], 0);
}

#[test]
fn a_stream_that_is_not_what_its_name_says_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fake.jsonl.gz"),
        "{\"text\":\"plain, not gzip\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("fake.txt.zst"), "plain, not zstd").unwrap();
    std::fs::write(dir.path().join("ok.jsonl"), "{\"text\":\"counted\"}\n").unwrap();
    let r = run_in(dir.path(), &["count", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let kinds: Vec<_> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        // Spelled from the working folder, as the count of `.` found them.
        [
            ("fake.jsonl.gz", "decompress"),
            ("fake.txt.zst", "decompress")
        ]
    );
    assert_eq!(report["totals"]["files"], 1);
    assert_eq!(report["totals"]["documents"], 1);
}

#[test]
fn a_nul_inside_a_record_costs_that_record_only_whatever_the_chunking() {
    let dir = tempfile::tempdir().unwrap();
    let lines = b"{\"text\":\"hello\"}\n{\"text\":\"a\x00b\"}\n{\"meta\":\"\xff\",\"text\":\"x\"}\n{\"text\":\"world\"}\n";
    std::fs::write(dir.path().join("n.jsonl"), lines).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, lines).unwrap();
    std::fs::write(dir.path().join("n.jsonl.gz"), gz.finish().unwrap()).unwrap();
    for chunk in ["1", "7", "4096"] {
        for file in ["n.jsonl", "n.jsonl.gz"] {
            let r = run_in(
                dir.path(),
                &["count", "--format", "json", "--chunk-size", chunk, file],
            );
            assert_eq!(r.code, 1, "{}", r.stderr);
            let report = r.json();
            assert_eq!(
                report["totals"]["documents"], 2,
                "{file} with chunks of {chunk}"
            );
            assert_eq!(
                line_kinds(&errors_of(&report, file)),
                vec![
                    (json!(2), "json".into()),
                    (json!(3), "invalid_unicode".into())
                ]
            );
        }
    }
}

#[test]
fn fifos_and_devices_are_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.jsonl"), "{\"text\":\"counted\"}\n").unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.jsonl"))
        .status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo is part of coreutils"
    );
    let r = run_in(dir.path(), &["count", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let errors = errors_of(&report, "pipe.jsonl");
    assert_eq!(line_kinds(&errors), vec![(Value::Null, "io".into())]);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
    assert_eq!(report["totals"]["documents"], 1);
}
