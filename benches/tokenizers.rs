//! Several tokenizers in one pass against one pass per tokenizer.
//!
//! `cargo bench --bench tokenizers` measures, on the same JSONL file and with all cores, the
//! whole `count` pipeline with Llama 3, with Gemma 3 and with Qwen3 alone, and with the three in
//! one pass (`--tokenizer` three times: each document read and parsed once, counted by each),
//! every tokenizer loaded beforehand (so that a run times counting, not loading). At the end it prints the medians, the sum of the three single
//! runs and the one pass's share of that sum. Set `TOKENCENSUS_BENCH_CORPUS=/path/file.jsonl`
//! to measure a large corpus (such as the one from `../shared/corpus/make-sample-corpus.sh`); the
//! default is the committed sample `fixtures/sample/linux-doc.jsonl`.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokencensus::count::TokenizerSource;
use tokencensus::{CountConfig, Tokenizer};

/// The three tokenizers, in the order of the one pass (the first is its primary).
const TOKENIZERS: [&str; 3] = ["llama3", "gemma3", "qwen3"];

fn corpus() -> PathBuf {
    std::env::var_os("TOKENCENSUS_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/linux-doc.jsonl")
        })
}

fn fixture(name: &str) -> TokenizerSource {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    TokenizerSource::File(root.join(format!("fixtures/tokenizers/{name}.tokenizer.json.zst")))
}

/// The tokens of each tokenizer of a whole `count` run, primary first.
fn tokens_of(config: &CountConfig, prepared: &[Tokenizer]) -> Vec<u64> {
    let loaded: Vec<&Tokenizer> = prepared.iter().collect();
    let report = tokencensus::count_with_tokenizers(config, &loaded)
        .unwrap()
        .report;
    let totals = &report.totals.tally;
    match totals.tokens_by_tokenizer.is_empty() {
        true => vec![totals.counts.tokens],
        false => report
            .tokenizer_names()
            .iter()
            .map(|name| totals.tokens_by_tokenizer[name].tokens)
            .collect(),
    }
}

fn bench(c: &mut Criterion) {
    let path = corpus();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let single = |name: &str| {
        let mut config = CountConfig::new(vec![path.clone()]);
        config.tokenizer = fixture(name);
        config
    };
    let mut all = single(TOKENIZERS[0]);
    all.more_tokenizers = TOKENIZERS[1..].iter().map(|n| fixture(n)).collect();
    let mut runs: Vec<(String, CountConfig)> = TOKENIZERS
        .iter()
        .map(|name| (name.to_string(), single(name)))
        .collect();
    runs.push(("one_pass".into(), all));
    // Every tokenizer of every run loaded once, before timing: a run times counting only.
    let prepared: Vec<Vec<Tokenizer>> = runs
        .iter()
        .map(|(_, config)| {
            let mut all = vec![config.load_tokenizer().unwrap()];
            all.extend(config.load_more_tokenizers().unwrap());
            all
        })
        .collect();
    let alone: Vec<u64> = (0..3)
        .map(|i| tokens_of(&runs[i].1, &prepared[i])[0])
        .collect();
    let together = tokens_of(&runs[3].1, &prepared[3]);
    assert_eq!(
        alone, together,
        "one pass counts what each tokenizer counts alone"
    );

    let mut group = c.benchmark_group("tokenizers");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for ((name, config), prepared) in runs.iter().zip(&prepared) {
        group.bench_function(name.as_str(), |b| b.iter(|| tokens_of(config, prepared)));
    }
    group.finish();
    print_summary(bytes, &together);
}

/// Reads criterion's saved median estimates and prints them, the sum of the single runs and
/// the one pass's share of it.
fn print_summary(bytes: u64, tokens: &[u64]) {
    let median = |name: &str| common::median_ns("tokenizers", name).map(|ns| ns / 1e9);
    println!(
        "\nmedians on {} ({bytes} bytes, {} threads):",
        corpus().display(),
        tokencensus::default_threads()
    );
    let mut sum = 0.0;
    for (name, tokens) in TOKENIZERS.iter().zip(tokens) {
        let Some(seconds) = median(name) else { return };
        sum += seconds;
        println!(
            "  {name:<28} {seconds:>8.3} s {:>8.1} MB/s {tokens:>12} tokens",
            bytes as f64 / seconds / 1e6
        );
    }
    let Some(one_pass) = median("one_pass") else {
        return;
    };
    println!("  {:<28} {sum:>8.3} s", "sum of the three");
    println!(
        "  {:<28} {one_pass:>8.3} s {:>8.1} MB/s  ({:.0}% of the sum)",
        "one pass, three tokenizers",
        bytes as f64 / one_pass / 1e6,
        100.0 * one_pass / sum
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
