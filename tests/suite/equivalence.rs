//! Results do not depend on the thread count, on mmap versus read, or on how large files are
//! cut into chunks: every report (errors and their line numbers included) is identical.

use crate::common::*;

fn census(args: &[&str], code: i32) -> serde_json::Value {
    census_only(count_json(args, code))
}

#[test]
fn threads_mmap_and_chunking_do_not_change_the_census() {
    let inputs = ["fixtures/sample", "fixtures/edge/edge.jsonl"];
    let base = census(&[&["-j", "1"][..], &inputs].concat(), 0);
    assert!(base["totals"]["documents"].as_u64().unwrap() > 500);
    for variant in [
        &["-j", "2"][..],
        &["-j", "4"],
        &["-j", "3", "--no-mmap"],
        &["-j", "2", "--chunk-size", "997"],
        &["-j", "4", "--chunk-size", "1", "--no-mmap"],
        &["-j", "2", "--chunk-size", "4096"],
    ] {
        let other = census(&[variant, &inputs].concat(), 0);
        assert_eq!(base, other, "variant {variant:?} differs");
    }
}

#[test]
fn error_lines_survive_chunking() {
    let input = ["fixtures/bad/records.jsonl"];
    let base = census(&[&["-j", "1"][..], &input].concat(), 1);
    for variant in [
        &["-j", "2", "--chunk-size", "7"][..],
        &["-j", "2", "--chunk-size", "13", "--no-mmap"],
        &["--no-mmap"],
    ] {
        assert_eq!(
            base,
            census(&[variant, &input].concat(), 1),
            "variant {variant:?}"
        );
    }
}

#[test]
fn compressed_and_plain_copies_count_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(root().join("fixtures/sample/linux-doc.jsonl")).unwrap();
    std::fs::write(dir.path().join("a.jsonl"), &plain).unwrap();
    std::fs::write(
        dir.path().join("b.jsonl.zst"),
        zstd::encode_all(&plain[..], 3).unwrap(),
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &plain).unwrap();
    std::fs::write(dir.path().join("c.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let paths: Vec<String> = ["a.jsonl", "b.jsonl.zst", "c.jsonl.gz"]
        .iter()
        .map(|f| dir.path().join(f).display().to_string())
        .collect();
    let mut args: Vec<&str> = vec!["--chunk-size", "5000"];
    args.extend(paths.iter().map(String::as_str));
    let report = count_json(&args, 0);
    let sources = report["sources"].as_array().unwrap();
    for key in ["documents", "bytes", "tokens", "tokens_per_document"] {
        assert_eq!(at(&sources[0], key), at(&sources[1], key), "{key}");
        assert_eq!(at(&sources[0], key), at(&sources[2], key), "{key}");
    }
    assert!(u64_at(&sources[1], "input_bytes") < u64_at(&sources[0], "input_bytes"));
}
