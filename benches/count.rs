//! End-to-end counting throughput against the bare `tokenizers` crate on the same text.
//!
//! `cargo bench --bench count` measures, on the same JSONL file and with all cores:
//! - `count/tokencensus`: the whole `count` pipeline (discovery, mmap, JSONL parsing, tokenizing
//!   on the fast route where it applies, statistics, report), tokenizer loaded once beforehand
//!   and used again by every run: the threads' piece caches are warm after the first (a
//!   program counting shard after shard);
//! - `count/tokencensus_cold`: the same, each run with a tokenizer loaded afresh (loading not
//!   timed) from the compiled-route cache, as the command line loads it, so that every piece's
//!   first count is paid: the first count of a process;
//! - `count/tokencensus_reference`: the same pipeline forced onto the `tokenizers` crate;
//! - `count/tokenizers_encode_batch`: `Tokenizer::encode_batch_fast` on the already-parsed texts
//!   (JSON parsing not included, which flatters it).
//!
//! All report MB/s of the file's bytes (criterion `Throughput::Bytes`); at the end the medians
//! are printed as MB/s and tokens/s with their ratio to `encode_batch`. Set
//! `TOKENCENSUS_BENCH_CORPUS=/path/file.jsonl` to measure a large corpus (such as the one from
//! `../shared/corpus/make-sample-corpus.sh`; the default is the committed sample
//! `fixtures/sample/linux-doc.jsonl`) and `TOKENCENSUS_BENCH_TOKENIZER=/path/tokenizer.json[.zst]`
//! for another tokenizer than the embedded Llama 3.

mod common;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokencensus::count::{ReferenceCounter, RouteChoice, TokenizerSource, load_tokenizer};
use tokencensus::{CompiledCache, CountConfig, Tokenizer};

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

/// Tokens of a whole `count` run.
fn tokens_of(config: &CountConfig, prepared: &Tokenizer) -> u64 {
    tokencensus::count_with(config, prepared)
        .unwrap()
        .report
        .totals
        .tally
        .counts
        .tokens
}

fn bench(c: &mut Criterion) {
    let path = corpus();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let docs = texts(&path);
    let source = std::env::var_os("TOKENCENSUS_BENCH_TOKENIZER")
        .map_or(TokenizerSource::EmbeddedLlama3, |p| {
            TokenizerSource::File(p.into())
        });
    let tokenizer = load_tokenizer(&source, false)
        .unwrap()
        .crate_tokenizer()
        .unwrap();
    let reference = ReferenceCounter::new(tokenizer, false).unwrap();
    let mut config = CountConfig::new(vec![path.clone()]);
    config.tokenizer = source;
    let prepared = config.load_tokenizer().unwrap();
    let mut reference_config = config.clone();
    reference_config.routes = RouteChoice::Reference;
    let prepared_reference = reference_config.load_tokenizer().unwrap();
    let tokens = tokens_of(&config, &prepared);

    let mut group = c.benchmark_group("count");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for (name, config, prepared) in [
        ("tokencensus", &config, &prepared),
        (
            "tokencensus_reference",
            &reference_config,
            &prepared_reference,
        ),
    ] {
        group.bench_function(name, |b| b.iter(|| tokens_of(config, prepared)));
    }
    // The command line keeps compiled routes in the platform cache folder; here in a folder
    // of the bench's own, filled by the first load.
    let cache_dir = tempfile::tempdir().unwrap();
    let mut cold_config = config.clone();
    cold_config.compiled_cache = Some(CompiledCache::at(cache_dir.path()));
    cold_config.load_tokenizer().unwrap();
    let entries = std::fs::read_dir(cache_dir.path()).unwrap().count();
    assert!(entries > 0, "the first load wrote the compiled route");
    group.bench_function("tokencensus_cold", |b| {
        b.iter_batched(
            || cold_config.load_tokenizer().unwrap(),
            // The tokenizer is returned, so that criterion drops it after timing.
            |fresh| (tokens_of(&cold_config, &fresh), fresh),
            BatchSize::PerIteration,
        )
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
    print_summary(bytes, tokens, prepared.route());
}

/// Reads criterion's saved median estimates and prints MB/s, tokens/s and ratios.
fn print_summary(bytes: u64, tokens: u64, engine: &str) {
    let median = |name: &str| common::median_ns("count", name);
    let Some(baseline) = median("tokenizers_encode_batch") else {
        return;
    };
    println!(
        "\nmedians on {} ({bytes} bytes, {tokens} tokens, {} threads):",
        corpus().display(),
        tokencensus::default_threads()
    );
    for (name, label) in [
        ("tokencensus", format!("tokencensus count ({engine}, warm)")),
        (
            "tokencensus_cold",
            format!("tokencensus count ({engine}, cold)"),
        ),
        (
            "tokencensus_reference",
            "tokencensus count (tokenizers-0.23)".to_string(),
        ),
        (
            "tokenizers_encode_batch",
            "tokenizers encode_batch_fast".to_string(),
        ),
    ] {
        if let Some(ns) = median(name) {
            let seconds = ns / 1e9;
            println!(
                "  {label:<40} {:>8.1} MB/s {:>12.0} tokens/s  {:>6.2}x encode_batch",
                bytes as f64 / seconds / 1e6,
                tokens as f64 / seconds,
                baseline / ns
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
