//! End-to-end counting throughput against the bare `tokenizers` crate on the same text.
//!
//! `cargo bench --bench count` measures, on the same JSONL file and with all cores:
//! - `count/tokencensus`: the whole `count` pipeline (discovery, mmap, JSONL parsing, tokenizing,
//!   statistics, report) with the tokenizer loaded once beforehand;
//! - `count/tokenizers_encode_batch`: `Tokenizer::encode_batch_fast` on the already-parsed texts.
//!
//! Both report MB/s of the file's bytes (criterion `Throughput::Bytes`); at the end the ratio of
//! their medians is printed. Set `TOKENCENSUS_BENCH_CORPUS=/path/file.jsonl` to measure a large
//! corpus (such as the one from `../shared/corpus/make-sample-corpus.sh`); the default is the
//! committed sample `fixtures/sample/linux-doc.jsonl`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokencensus::count::{ReferenceCounter, TokenizerSource, load_tokenizer};
use tokencensus::{CountConfig, PreparedCounter};

fn corpus() -> PathBuf {
    std::env::var_os("TOKENCENSUS_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/linux-doc.jsonl")
        })
}

fn texts(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("bench corpus is readable UTF-8 JSONL")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let path = corpus();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let docs = texts(&path);
    let tokenizer = load_tokenizer(&TokenizerSource::EmbeddedLlama3, false)
        .unwrap()
        .tokenizer;
    let reference = ReferenceCounter::new(tokenizer, false).unwrap();
    let config = CountConfig::new(vec![path.clone()]);
    let prepared = PreparedCounter::new(&config).unwrap();

    let mut group = c.benchmark_group("count");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function("tokencensus", |b| {
        b.iter(|| {
            tokencensus::count_with(&config, &prepared)
                .unwrap()
                .report
                .totals
                .tally
                .counts
                .tokens
        })
    });
    group.bench_function("tokenizers_encode_batch", |b| {
        b.iter(|| {
            let encodings = reference
                .tokenizer()
                .encode_batch_fast(docs.clone(), false)
                .unwrap();
            encodings.iter().map(|e| e.len() as u64).sum::<u64>()
        })
    });
    group.finish();
    print_ratio(bytes);
}

/// Reads criterion's saved median estimates of both benchmarks and prints MB/s and their ratio.
fn print_ratio(bytes: u64) {
    let median = |name: &str| -> Option<f64> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/criterion/count")
            .join(name);
        let text = std::fs::read_to_string(dir.join("new/estimates.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["median"]["point_estimate"].as_f64()
    };
    if let (Some(ours), Some(theirs)) = (median("tokencensus"), median("tokenizers_encode_batch")) {
        let mbs = |ns: f64| bytes as f64 / ns * 1e3;
        println!(
            "\nmedian throughput on {} ({} bytes): tokencensus count {:.1} MB/s, tokenizers encode_batch {:.1} MB/s, ratio {:.2}x",
            corpus().display(),
            bytes,
            mbs(ours),
            mbs(theirs),
            theirs / ours
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
