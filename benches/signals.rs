//! The cost of the processing signals: the whole `count` pipeline with and without
//! `--signals all`, on the same corpus, tokenizer loaded once beforehand.
//!
//! `cargo bench --bench signals` measures `signals/count` and `signals/count_signals_all` on
//! `fixtures/sample/linux-doc.jsonl` (or `TOKENCENSUS_BENCH_CORPUS=/path/to/file-or-folder`, such
//! as the folder of `../shared/corpus/make-sample-corpus.sh`) with all cores, then prints both
//! medians as MB/s and their ratio (the target is at most 1.5x).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokencensus::SignalKind;
use tokencensus::{CountConfig, Tokenizer};

fn corpus() -> PathBuf {
    std::env::var_os("TOKENCENSUS_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/linux-doc.jsonl")
        })
}

fn tokens_of(config: &CountConfig, prepared: &Tokenizer) -> u64 {
    let census = tokencensus::count_with(config, prepared).unwrap();
    census.report.totals.tally.counts.tokens
}

fn bench(c: &mut Criterion) {
    let path = corpus();
    let plain = CountConfig::new(vec![path.clone()]);
    let prepared = plain.load_tokenizer().unwrap();
    let bytes = (tokencensus::count_with(&plain, &prepared).unwrap())
        .report
        .totals
        .tally
        .counts
        .input_bytes;
    let mut signals = plain.clone();
    signals.signals.enabled = SignalKind::ALL.to_vec();
    assert_eq!(tokens_of(&plain, &prepared), tokens_of(&signals, &prepared));

    let mut group = c.benchmark_group("signals");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function("count", |b| b.iter(|| tokens_of(&plain, &prepared)));
    group.bench_function("count_signals_all", |b| {
        b.iter(|| tokens_of(&signals, &prepared))
    });
    group.finish();
    print_summary(bytes);
}

/// Reads criterion's saved medians and prints MB/s and the slowdown of `--signals all`.
fn print_summary(bytes: u64) {
    let median = |name: &str| -> Option<f64> {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        let file = target
            .join("criterion/signals")
            .join(name)
            .join("new/estimates.json");
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
        v["median"]["point_estimate"].as_f64()
    };
    let (Some(plain), Some(signals)) = (median("count"), median("count_signals_all")) else {
        return;
    };
    let rate = |ns: f64| bytes as f64 / ns * 1e3;
    println!(
        "\nmedians on {} ({bytes} bytes, {} threads): count {:.1} ms ({:.1} MB/s), with --signals all {:.1} ms ({:.1} MB/s): {:.2}x",
        corpus().display(),
        tokencensus::default_threads(),
        plain / 1e6,
        rate(plain),
        signals / 1e6,
        rate(signals),
        signals / plain
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
