//! `bench`: measures how fast this machine counts a corpus's sample shards, with the fast route
//! and with the `tokenizers` crate route, and projects the wall time of a full count.
//!
//! For every thread count and route the whole count ([`crate::census::count_with`]) runs `runs` times
//! with the tokenizer loaded once per route; the median, min and max wall times become MB/s
//! (input bytes, decimal MB), documents/s and tokens/s. A sequential pass then times each
//! document's count ([`latency`]), on the same documents for both routes. Nothing here asserts speed: the figures are measurements.

pub mod latency;
pub mod render;
mod report;

use crate::config::CountConfig;
use crate::count::RouteChoice;
use crate::count::Tokenizer;
use crate::error::FatalError;
use std::time::Instant;

pub use latency::{LatencyLimits, LatencySummary};
pub use report::{BenchReport, Projection, Ratio, RouteBench, Sample, Throughput};

/// Everything `bench` needs to know.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// The corpus and tokenizer (its `threads` and `routes` are set per measurement).
    pub count: CountConfig,
    /// The thread counts to measure, in order.
    pub threads: Vec<usize>,
    /// Timed runs per thread count and route.
    pub runs: usize,
    /// The size of the full corpus to project to; default: the sizes of the benched files.
    pub corpus_bytes: Option<u64>,
    /// Machines of this kind the projection spreads the corpus over.
    pub machines: u64,
    /// Limits of the per-document latency pass.
    pub latency: LatencyLimits,
}

impl BenchConfig {
    /// A configuration for `count` with thread counts 1 and all cores, 3 runs, one machine.
    pub fn new(count: CountConfig) -> Self {
        let mut threads = vec![1, crate::config::default_threads()];
        threads.dedup();
        Self {
            count,
            threads,
            runs: 3,
            corpus_bytes: None,
            machines: 1,
            latency: LatencyLimits::default(),
        }
    }

    /// Checks that the options can be acted on.
    pub fn validate(&self) -> Result<(), FatalError> {
        let usage = |m: &str| Err(FatalError::Usage(m.into()));
        if self.threads.is_empty() || self.threads.contains(&0) {
            return usage("--threads takes thread counts of at least 1, such as 1,2,4");
        }
        if self.runs == 0 {
            return usage("--runs must be at least 1");
        }
        if self.machines == 0 {
            return usage("--machines must be at least 1");
        }
        self.count.validate()
    }
}

/// Runs the whole bench; the report says whether the routes agreed (check `tokens_agree`).
pub fn run_bench(config: &BenchConfig) -> Result<BenchReport, FatalError> {
    config.validate()?;
    let documents = latency::collect(&config.count, config.latency)?;
    let mut routes = Vec::new();
    let mut sample = None;
    let mut info = None;
    for (name, choice) in [
        ("fast", RouteChoice::Auto),
        ("reference", RouteChoice::Reference),
    ] {
        let mut base = config.count.clone();
        base.routes = choice;
        base.progress = false;
        let started = Instant::now();
        let prepared = base.load_tokenizer()?;
        let load_seconds = started.elapsed().as_secs_f64();
        let mut throughput = Vec::new();
        for &threads in &config.threads {
            let (point, counted) = time_counts(&base, threads, config.runs, &prepared)?;
            sample.get_or_insert(counted);
            throughput.push(point);
        }
        let latency = latency::measure(&documents, prepared.counter(), config.latency);
        routes.push(RouteBench {
            route: name.into(),
            engine: prepared.route().into(),
            fallback_reason: prepared.fallback_reason().map(String::from),
            load_seconds,
            throughput,
            latency,
        });
        info.get_or_insert_with(|| prepared.info().clone());
    }
    let sample: Sample = sample.expect("at least one thread count");
    let tokens_agree = routes
        .iter()
        .flat_map(|r| &r.throughput)
        .flat_map(|t| &t.tokens)
        .all(|&t| t == sample.tokens);
    let ratios = ratios(&routes[0], &routes[1]);
    let info: crate::count::TokenizerInfo = info.expect("two routes");
    let projection = project(config, &routes[0], sample.input_bytes);
    Ok(BenchReport {
        version: env!("CARGO_PKG_VERSION").into(),
        tokenizer: info.name,
        tokenizer_sha256: info.sha256,
        cores: crate::config::default_threads(),
        runs: config.runs,
        sample,
        routes,
        ratios,
        tokens_agree,
        peak_memory_bytes: peak_memory_bytes(),
        projection,
    })
}

/// Times `runs` whole counts with `threads` threads; returns the point and the first count.
fn time_counts(
    base: &CountConfig,
    threads: usize,
    runs: usize,
    prepared: &Tokenizer,
) -> Result<(Throughput, Sample), FatalError> {
    let mut config = base.clone();
    config.threads = threads;
    let mut seconds = Vec::with_capacity(runs);
    let mut tokens = Vec::with_capacity(runs);
    let mut sample = None;
    for _ in 0..runs {
        let started = Instant::now();
        let census = crate::census::count_with(&config, prepared)?;
        seconds.push(started.elapsed().as_secs_f64());
        let totals = &census.report.totals;
        tokens.push(totals.tally.counts.tokens);
        sample.get_or_insert(Sample {
            files: totals.tally.counts.files,
            documents: totals.tally.counts.documents,
            input_bytes: totals.tally.counts.input_bytes,
            tokens: totals.tally.counts.tokens,
            input_errors: totals.errors,
        });
    }
    let sample = sample.expect("runs >= 1");
    seconds.sort_by(f64::total_cmp);
    let median = median(&seconds).max(1e-9);
    let point = Throughput {
        threads,
        median_seconds: median,
        min_seconds: seconds[0],
        max_seconds: seconds[seconds.len() - 1],
        mb_per_second: sample.input_bytes as f64 / 1e6 / median,
        documents_per_second: sample.documents as f64 / median,
        tokens_per_second: sample.tokens as f64 / median,
        tokens,
    };
    Ok((point, sample))
}

/// The median of sorted values (the mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn ratios(fast: &RouteBench, reference: &RouteBench) -> Vec<Ratio> {
    fast.throughput
        .iter()
        .zip(&reference.throughput)
        .map(|(f, r)| Ratio {
            threads: f.threads,
            fast_over_reference: r.median_seconds / f.median_seconds,
        })
        .collect()
}

/// The projection at the best fast-route throughput.
fn project(config: &BenchConfig, fast: &RouteBench, sample_bytes: u64) -> Projection {
    let best = fast
        .throughput
        .iter()
        .max_by(|a, b| a.mb_per_second.total_cmp(&b.mb_per_second))
        .expect("at least one thread count");
    let (corpus_bytes, from) = match config.corpus_bytes {
        Some(n) => (n, "--corpus-bytes"),
        None => (sample_bytes, "sample files"),
    };
    let seconds = corpus_bytes as f64 / (best.mb_per_second * 1e6 * config.machines as f64);
    Projection {
        corpus_bytes,
        corpus_bytes_from: from.into(),
        machines: config.machines,
        threads: best.threads,
        mb_per_second: best.mb_per_second,
        seconds,
        assumption: format!(
            "assumes each machine counts at this machine's best fast-route rate ({:.1} MB/s with \
             {} threads), that machines scale linearly (each counts its own shard, nothing shared \
             is a bottleneck), and that the full corpus has the same mix of formats, compression, \
             languages and document lengths as the sample; storage slower than this run's \
             (often the page cache) lowers the rate",
            best.mb_per_second, best.threads
        ),
    }
}

/// The process's peak resident set size (VmHWM of /proc/self/status), where Linux reports it.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
