//! `tokencensus estimate` on the command line: its flags, the JSON fields of an estimate, the
//! whole fraction equal to the exact count, reproducible draws, sizes from gzip trailers, zstd
//! frame headers, Parquet footers and compression ratios, single compressed streams sampled
//! inside (documents exact, the same draw whatever the threads, reading mode or block size), the human formats saying plainly that
//! the figures are estimates, `report` re-rendering them and `merge` refusing them.

use crate::common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// `count` records of JSONL text from a seeded generator.
fn records(rng: &mut ChaCha8Rng, count: usize) -> Vec<u8> {
    const WORDS: [&str; 10] = [
        "census", "token", "corpus", "der", "Daten", "données", "数据", "42", "x+y", "the",
    ];
    let mut out = Vec::new();
    for _ in 0..count {
        // Random hexadecimal words keep the text from compressing too well.
        let words: Vec<String> = (0..rng.random_range(5..120))
            .map(|_| match rng.random_range(0..WORDS.len() + 4) {
                i if i < WORDS.len() => WORDS[i].to_string(),
                _ => format!("{:x}", rng.random::<u32>()),
            })
            .collect();
        let text = serde_json::to_string(&words.join(" ")).unwrap();
        writeln!(out, "{{\"text\":{text}}}").unwrap();
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A Parquet file of `groups` row groups of `rows` texts each, uncompressed.
fn parquet(path: &Path, rng: &mut ChaCha8Rng, groups: usize, rows: usize) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = parquet::schema::parser::parse_message_type(
        "message m { REQUIRED BYTE_ARRAY text (UTF8); }",
    )
    .unwrap();
    let props = WriterProperties::builder().build();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).unwrap();
    for _ in 0..groups {
        let texts: Vec<ByteArray> = String::from_utf8(records(rng, rows))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                ByteArray::from(v["text"].as_str().unwrap())
            })
            .collect();
        let mut group = writer.next_row_group().unwrap();
        while let Some(mut column) = group.next_column().unwrap() {
            let typed = column.typed::<ByteArrayType>();
            typed.write_batch(&texts, None, None).unwrap();
            column.close().unwrap();
        }
        group.close().unwrap();
    }
    writer.close().unwrap();
}

/// Writes sources of every size source into `dir`, each over 1 MiB on disk so that it is
/// sampled: `gz` (single-member gzip), `multi` (two-member gzip), `zst` (frames with content
/// sizes), `zst-streamed` (without), `pq` (Parquet row groups) and `plain` (JSONL blocks).
fn corpus(dir: &Path) {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let write = |rel: String, bytes: Vec<u8>| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    for f in 0..200 {
        write(format!("gz/{f:03}.jsonl.gz"), gzip(&records(&mut rng, 40)));
        // A short last member: its trailer claims less than the stream holds.
        let mut two = gzip(&records(&mut rng, 39));
        two.extend(gzip(&records(&mut rng, 1)));
        write(format!("multi/{f:03}.jsonl.gz"), two);
        write(
            format!("zst/{f:03}.jsonl.zst"),
            zstd::bulk::compress(&records(&mut rng, 40), 1).unwrap(),
        );
        write(
            format!("zst-streamed/{f:03}.jsonl.zst"),
            zstd::encode_all(&records(&mut rng, 40)[..], 1).unwrap(),
        );
    }
    write("plain/all.jsonl".into(), records(&mut rng, 6000));
    std::fs::create_dir_all(dir.join("pq")).unwrap();
    parquet(&dir.join("pq/data.parquet"), &mut rng, 60, 100);
}

const SOURCES: [&str; 6] = ["gz", "multi", "zst", "zst-streamed", "pq", "plain"];

fn estimate_json(dir: &Path, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["estimate", "--format", "json"];
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    (run.json(), run.stderr)
}

#[test]
fn sources_are_sampled_and_sizes_come_from_what_files_record() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let mut args = vec!["--sample", "0.1", "--seed", "5"];
    args.extend(SOURCES);
    let (report, stderr) = estimate_json(dir.path(), &args);
    assert!(stderr.contains("estimate: reading"), "{stderr}");
    let exact = count_json_in(dir.path(), &SOURCES, 0);
    let size_source = |name: &str| {
        let e = &source(&report, name)["estimate"];
        assert_eq!(e["method"], "stratified-ratio", "{name}: {e}");
        let sizes = e["size_sources"].as_array().unwrap();
        assert_eq!(sizes.len(), 1, "{name}: {e}");
        sizes[0]["size_source"].as_str().unwrap().to_string()
    };
    assert_eq!(size_source("gz"), "gzip_trailer");
    assert_eq!(size_source("multi"), "compression_ratio");
    assert_eq!(size_source("zst"), "zstd_frame_headers");
    assert_eq!(size_source("zst-streamed"), "compression_ratio");
    assert_eq!(size_source("pq"), "parquet_metadata");
    assert_eq!(size_source("plain"), "file_size");
    for name in SOURCES {
        let e = &source(&report, name)["estimate"];
        for field in [
            "tokens",
            "low",
            "high",
            "confidence",
            "documents",
            "documents_low",
            "documents_high",
            "bytes",
            "sampled_documents",
            "sampled_tokens",
            "sampled_bytes",
            "sampled_units",
            "units",
            "degrees_of_freedom",
            "note",
        ] {
            assert!(!e[field].is_null(), "{name}: no {field} in {e}");
        }
        let truth = source(&exact, name);
        let (low, high) = (e["low"].as_u64().unwrap(), e["high"].as_u64().unwrap());
        assert!(low < high && u64_at(e, "sampled_units") < u64_at(e, "units"));
        // The sample's own tally counts what was read, less than the whole.
        assert!(u64_at(source(&report, name), "tokens") < u64_at(truth, "tokens"));
        assert_eq!(at(e, "sampled_tokens"), at(source(&report, name), "tokens"));
        let tokens = truth["tokens"].as_u64().unwrap();
        assert!(
            low <= tokens && tokens <= high,
            "{name}: {tokens} outside {e}"
        );
    }
    // A Parquet footer counts the rows: the documents are exact.
    let pq = &source(&report, "pq")["estimate"];
    assert_eq!(pq["documents"], 6000);
    assert_eq!(at(pq, "documents_low"), at(pq, "documents_high"));
    let run = &report["run"]["estimate"];
    assert_eq!(run["seed"], 5);
    assert_eq!(run["sample_fraction"], 0.1);
    assert!(u64_at(run, "read_bytes") < u64_at(run, "corpus_bytes"));
    assert!(report["totals"]["estimate"]["tokens"].as_u64().is_some());
    let per_source: u64 = (SOURCES.iter())
        .map(|name| u64_at(&source(&report, name)["estimate"], "sampled_bytes"))
        .sum();
    assert_eq!(per_source, u64_at(run, "read_bytes"));
}

#[test]
fn single_streams_are_sampled_inside_with_exact_documents_whatever_the_reading() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    std::fs::write(
        dir.path().join("one.jsonl.zst"),
        zstd::bulk::compress(&records(&mut rng, 9000), 3).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("one.jsonl.gz"),
        gzip(&records(&mut rng, 9000)),
    )
    .unwrap();
    // A streaming compressor records no content size: the stream is read whole all the same.
    std::fs::write(
        dir.path().join("streamed.jsonl.zst"),
        zstd::encode_all(&records(&mut rng, 9000)[..], 3).unwrap(),
    )
    .unwrap();
    let files = ["one.jsonl.gz", "one.jsonl.zst", "streamed.jsonl.zst"];
    let mut args = vec!["--sample", "0.05", "--seed", "3"];
    args.extend(files);
    let (report, stderr) = estimate_json(dir.path(), &args);
    assert!(
        stderr.contains("3 compressed streams read whole, their documents drawn as they pass"),
        "{stderr}"
    );
    let exact = count_json_in(dir.path(), &files, 0);
    for name in files {
        let (e, truth) = (&source(&report, name)["estimate"], source(&exact, name));
        assert_eq!(e["method"], "stratified-ratio", "{name}: {e}");
        let sizes = &e["size_sources"];
        assert_eq!(sizes.as_array().unwrap().len(), 1, "{e}");
        assert_eq!(sizes[0]["size_source"], "stream_records");
        assert_eq!(sizes[0]["files"], 1);
        assert_eq!(at(&sizes[0], "bytes"), at(truth, "bytes"));
        // Every document was read: documents and bytes are exact.
        for field in ["documents", "documents_low", "documents_high", "units"] {
            assert_eq!(at(e, field), at(truth, "documents"), "{name} {field}: {e}");
        }
        assert_eq!(at(e, "bytes"), at(truth, "bytes"));
        let (low, high) = (u64_at(e, "low"), u64_at(e, "high"));
        let tokens = u64_at(truth, "tokens");
        assert!(
            low <= tokens && tokens <= high,
            "{name}: {tokens} outside {e}"
        );
        // About one document in twenty was tokenized; the whole stream was read.
        let drawn = u64_at(e, "sampled_units");
        assert!((350..=550).contains(&drawn), "{name}: {drawn} drawn");
        assert_eq!(at(e, "sampled_documents"), at(e, "sampled_units"));
        assert!(u64_at(e, "sampled_tokens") < tokens / 10);
        let on_disk = std::fs::metadata(dir.path().join(name)).unwrap().len();
        assert_eq!(u64_at(e, "sampled_bytes"), on_disk);
        assert!(
            e["note"]
                .as_str()
                .unwrap()
                .contains("drawn inside 1 compressed stream read whole")
        );
    }
    // The same sample whatever the threads, reading mode or decoded block size.
    let mut one_thread = args.clone();
    one_thread.extend(["-j", "1", "--no-mmap"]);
    assert_eq!(
        census_only(estimate_json(dir.path(), &one_thread).0),
        census_only(report.clone())
    );
    let library = |threads: usize, chunk_bytes: usize| {
        let mut count = tokencensus::CountConfig::new(files.map(|f| dir.path().join(f)).to_vec());
        (count.threads, count.chunk_bytes) = (threads, chunk_bytes);
        let config = tokencensus::EstimateConfig {
            count,
            sample: tokencensus::SampleSize::Fraction(0.05),
            seed: 3,
            confidence: 0.95,
        };
        let report = tokencensus::estimate(&config).unwrap().report;
        let estimates: Vec<_> = report.sources.into_iter().map(|s| s.tally).collect();
        serde_json::to_value(estimates).unwrap()
    };
    assert_eq!(library(2, 1 << 20), library(3, 4096));
}

#[test]
fn one_draw_inside_streams_gives_every_tokenizer_its_own_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(33);
    let zst = zstd::bulk::compress(&records(&mut rng, 9000), 3).unwrap();
    std::fs::write(dir.path().join("one.jsonl.zst"), zst).unwrap();
    std::fs::write(
        dir.path().join("one.jsonl.gz"),
        gzip(&records(&mut rng, 9000)),
    )
    .unwrap();
    std::fs::write(dir.path().join("plain.jsonl"), records(&mut rng, 9000)).unwrap();
    let files = ["one.jsonl.zst", "one.jsonl.gz", "plain.jsonl"];
    let tokenizers: Vec<String> = ["llama3", "gemma3", "qwen3"]
        .iter()
        .map(|name| root().join(tokenizer_path(name)).display().to_string())
        .collect();
    let with = |tokenizers: &[String], command: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> = command.iter().map(|a| a.to_string()).collect();
        args.extend(files.map(String::from));
        args.extend(
            tokenizers
                .iter()
                .flat_map(|t| ["--tokenizer".into(), t.clone()]),
        );
        args
    };
    let estimate = ["--sample", "0.05", "--seed", "4"];
    let args = with(&tokenizers, &estimate);
    let (several, stderr) = estimate_json(
        dir.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(
        stderr.contains("2 compressed streams read whole, their documents drawn as they pass"),
        "{stderr}"
    );
    let args = with(&tokenizers, &[]);
    let exact = count_json_in(
        dir.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        0,
    );
    let names: Vec<&str> = (several["tokenizers"].as_array().unwrap().iter())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["llama3", "gemma3", "qwen3"]);
    let tallies = |report: &Value| -> Vec<Value> {
        let mut all: Vec<Value> = files.iter().map(|f| source(report, f).clone()).collect();
        all.push(report["totals"].clone());
        all
    };
    for (e, truth) in tallies(&several).iter().zip(tallies(&exact)) {
        let what = &e["name"];
        for name in &names {
            let (estimate, tokens) = (
                at(e, &format!("tokens_by_tokenizer.{name}.estimate")),
                u64_at(&truth, &format!("tokens_by_tokenizer.{name}.tokens")),
            );
            let (low, high) = (u64_at(estimate, "low"), u64_at(estimate, "high"));
            assert!(
                low <= tokens && tokens <= high,
                "{what} {name}: {tokens} outside {estimate}"
            );
            // Documents and text bytes are the same whatever the tokenizer.
            for field in ["documents", "bytes", "sampled_units", "sampled_documents"] {
                assert_eq!(
                    estimate[field], e["estimate"][field],
                    "{what} {name} {field}"
                );
            }
        }
        // The tokenizers counted differently, each from the same drawn documents.
        let point = |name: &str| u64_at(e, &format!("tokens_by_tokenizer.{name}.estimate.tokens"));
        assert!(point("llama3") != point("gemma3") && point("gemma3") != point("qwen3"));
    }
    for name in &files[..2] {
        let e = &source(&several, name)["estimate"];
        assert_eq!(e["size_sources"][0]["size_source"], "stream_records", "{e}");
        assert_eq!(at(e, "documents"), at(source(&exact, name), "documents"));
    }
    // The primary's figures are those of an estimate with it alone, with the same seed.
    let args = with(&tokenizers[..1], &estimate);
    let (alone, _) = estimate_json(
        dir.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for (e, single) in tallies(&several).iter().zip(tallies(&alone)) {
        assert_eq!(e["estimate"], single["estimate"], "{}", e["name"]);
        assert_eq!(
            e["estimate"],
            at(e, "tokens_by_tokenizer.llama3.estimate").clone()
        );
    }
}

#[test]
fn stderr_announces_the_bytes_the_report_says_were_read() {
    // Long records in plain JSONL: a drawn block's lines run far past its end, so the bytes of
    // its lines and its length differ by kilobytes.
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut long = Vec::new();
    for _ in 0..1500 {
        let words: Vec<String> = (0..rng.random_range(200..1200))
            .map(|_| format!("{:x}", rng.random::<u32>()))
            .collect();
        writeln!(long, "{{\"text\":\"{}\"}}", words.join(" ")).unwrap();
    }
    std::fs::write(dir.path().join("long.jsonl"), long).unwrap();
    let r = run_in(
        dir.path(),
        &["estimate", "long.jsonl", "--sample", "0.05", "--seed", "2"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let announced = (r.stderr.split("reading ").nth(1))
        .and_then(|rest| rest.split(" of ").next())
        .unwrap_or_else(|| panic!("no announcement: {}", r.stderr));
    let said = (r.stdout.split("; ").nth(1))
        .and_then(|rest| rest.split(" read of ").next())
        .unwrap_or_else(|| panic!("no bytes read in the headline: {}", r.stdout));
    assert_eq!(announced, said, "{}\n{}", r.stderr, r.stdout);
}

#[test]
fn the_same_seed_draws_the_same_sample_and_budgets_split_by_size() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let estimates = |seed: &str| {
        let (report, _) = estimate_json(dir.path(), &["--seed", seed, "plain", "zst", "-q"]);
        census_only(report)
    };
    assert_eq!(estimates("9"), estimates("9"));
    assert_ne!(estimates("9"), estimates("10"));
    let (one_thread, _) = estimate_json(
        dir.path(),
        &["--seed", "9", "plain", "zst", "-q", "-j", "1", "--no-mmap"],
    );
    assert_eq!(census_only(one_thread), estimates("9"));

    let (budget, _) = estimate_json(dir.path(), &["--sample-bytes", "200000", "plain", "pq"]);
    let run = &budget["run"]["estimate"];
    assert_eq!(run["sample_bytes"], 200000);
    let content: u64 = ["plain", "pq"]
        .iter()
        .flat_map(|n| {
            source(&budget, n)["estimate"]["size_sources"]
                .as_array()
                .unwrap()
                .clone()
        })
        .map(|s| s["bytes"].as_u64().unwrap())
        .sum();
    let fraction = run["sample_fraction"].as_f64().unwrap();
    assert!(
        (fraction - 200000.0 / content as f64).abs() < 1e-12,
        "{fraction}"
    );
}

#[test]
fn the_whole_fraction_is_the_exact_count() {
    let manifest = ["--manifest", "fixtures/sample/sources.toml"];
    let exact = count_json(&manifest, 0);
    let r = run(&[
        "estimate",
        "--sample",
        "1.0",
        "--format",
        "json",
        manifest[0],
        manifest[1],
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let tallies = |r: &Value| -> Vec<Value> {
        let mut all: Vec<Value> = r["sources"].as_array().unwrap().clone();
        all.extend(r["categories"].as_array().unwrap().clone());
        all.push(r["totals"].clone());
        all
    };
    let (estimated_tallies, counted_tallies) = (tallies(&report), tallies(&exact));
    assert_eq!(estimated_tallies.len(), counted_tallies.len());
    for (estimated, counted) in estimated_tallies.iter().zip(&counted_tallies) {
        let e = &estimated["estimate"];
        assert_eq!(e["method"], "census");
        for (field, same) in [("tokens", "tokens"), ("low", "tokens"), ("high", "tokens")]
            .into_iter()
            .chain([("documents", "documents"), ("bytes", "bytes")])
        {
            assert_eq!(at(e, field), at(counted, same), "{field}: {e}");
        }
        assert_eq!(e["degrees_of_freedom"], Value::Null);
        assert_eq!(at(estimated, "tokens"), at(counted, "tokens"));
        assert_eq!(at(estimated, "input_bytes"), at(counted, "input_bytes"));
    }
    let sizes = &source(&report, "man-pages")["estimate"]["size_sources"][0];
    assert_eq!(sizes["size_source"], "zstd_frame_headers");
    let sizes = &source(&report, "fortunes")["estimate"]["size_sources"][0];
    assert_eq!(sizes["size_source"], "gzip_trailer");
    // every format says the figures are exact, none calls them an estimate
    for format in ["table", "markdown", "eu-summary", "html"] {
        let r = run(&[
            "estimate",
            "--sample",
            "1.0",
            "--format",
            format,
            manifest[0],
            manifest[1],
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("counted every source whole"), "{format}");
        assert!(!r.stdout.contains("ESTIMATE, not a full count"), "{format}");
    }
}

#[test]
fn formats_say_estimate_report_rerenders_and_merge_refuses() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let saved = dir.path().join("estimate.json");
    let saved = saved.to_str().unwrap();
    let r = run_in(
        dir.path(),
        &[
            "estimate", "plain", "gz", "--sample", "0.05", "--format", "json", "-o", saved, "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "--quiet: {}", r.stderr);
    for format in ["markdown", "table", "eu-summary", "html"] {
        let rendered = run(&["report", saved, "--format", format]);
        assert_eq!(rendered.code, 0, "{}", rendered.stderr);
        let text = &rendered.stdout;
        assert!(
            text.contains("ESTIMATE, not a full count"),
            "{format}: {text}"
        );
        assert!(text.contains("95%"), "{format}: {text}");
        if format == "markdown" || format == "table" {
            assert!(text.contains("stratified-ratio"), "{text}");
            assert!(text.contains("counted exactly (not the corpus)"), "{text}");
            // Rendering the saved report gives what the run printed (the wall time aside,
            // which these formats do not show).
            let direct = run_in(
                dir.path(),
                &[
                    "estimate", "plain", "gz", "--sample", "0.05", "--format", format, "-q",
                ],
            );
            assert_eq!(text, &direct.stdout);
        }
    }
    let markdown = run(&["report", saved, "--format", "markdown"]).stdout;
    assert!(markdown.starts_with("## Training data: token estimate"));
    let merged = run(&["merge", saved, saved]);
    assert_eq!(merged.code, 2);
    assert!(
        merged.stderr.contains("is an estimate"),
        "{}",
        merged.stderr
    );
}

#[test]
fn bad_settings_are_refused() {
    for bad in [
        vec!["--sample", "0"],
        vec!["--sample", "1.5"],
        vec!["--sample", "0.1", "--sample-bytes", "100"],
        vec!["--sample-bytes", "0"],
        vec!["--confidence", "1"],
        vec!["--confidence", "0"],
    ] {
        let mut args = vec!["estimate", "fixtures/sample"];
        args.extend(bad.iter());
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    let help = run(&["estimate", "--help"]).stdout;
    for flag in [
        "--manifest",
        "--tokenizer",
        "--sample",
        "--sample-bytes",
        "--seed",
        "--confidence",
        "--format",
        "--output",
        "--threads",
        "--no-mmap",
        "--quiet",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
