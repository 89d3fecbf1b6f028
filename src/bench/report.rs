//! The serde model of a bench's results: what the JSON format prints and the table reads.

use super::LatencySummary;
use serde::{Deserialize, Serialize};

/// What `bench` measured; serialized as the JSON format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// The program version.
    pub version: String,
    /// The tokenizer's short name.
    pub tokenizer: String,
    /// SHA-256 of the tokenizer.json bytes.
    pub tokenizer_sha256: String,
    /// Cores available to this process.
    pub cores: usize,
    /// Timed runs per point.
    pub runs: usize,
    /// What one count of the sample reads and counts (identical for every run).
    pub sample: Sample,
    /// The two routes, fast first.
    pub routes: Vec<RouteBench>,
    /// Fast over reference throughput (median wall times), per thread count.
    pub ratios: Vec<Ratio>,
    /// Whether every run of both routes counted the same tokens.
    pub tokens_agree: bool,
    /// The process's peak resident memory over the whole bench (VmHWM), in bytes.
    pub peak_memory_bytes: Option<u64>,
    /// The projected wall time of a full count.
    pub projection: Projection,
}

/// The benched input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Files.
    pub files: u64,
    /// Documents.
    pub documents: u64,
    /// Bytes read (file sizes; compressed sizes for compressed files).
    pub input_bytes: u64,
    /// Tokens (the fast route's first run).
    pub tokens: u64,
    /// Input errors of one count (records or files that could not be read).
    pub input_errors: u64,
}

/// One route's measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteBench {
    /// `fast` (engine auto) or `reference` (the tokenizers crate).
    pub route: String,
    /// The counter that ran, as reports name it (`fast-bpe`, `tokenizers-0.23`).
    pub engine: String,
    /// Why `auto` fell back to the tokenizers crate, if it did.
    pub fallback_reason: Option<String>,
    /// Seconds to load the tokenizer and build the route.
    pub load_seconds: f64,
    /// Throughput per thread count.
    pub throughput: Vec<Throughput>,
    /// Per-document latency of the sequential pass.
    pub latency: LatencySummary,
}

/// One thread count's timed runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Worker threads.
    pub threads: usize,
    /// Median wall time of a whole count, in seconds.
    pub median_seconds: f64,
    /// Fastest run.
    pub min_seconds: f64,
    /// Slowest run.
    pub max_seconds: f64,
    /// Input megabytes (10^6 bytes) per second at the median.
    pub mb_per_second: f64,
    /// Documents per second at the median.
    pub documents_per_second: f64,
    /// Tokens per second at the median.
    pub tokens_per_second: f64,
    /// Tokens counted by each run.
    pub tokens: Vec<u64>,
}

/// Fast over reference, for one thread count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// Worker threads.
    pub threads: usize,
    /// Reference median wall time over fast median wall time.
    pub fast_over_reference: f64,
}

/// The projected wall time of a full count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// The corpus size projected to.
    pub corpus_bytes: u64,
    /// `--corpus-bytes`, or `sample files` (the sizes of the benched files).
    pub corpus_bytes_from: String,
    /// Machines.
    pub machines: u64,
    /// The thread count of the best fast-route throughput.
    pub threads: usize,
    /// That throughput, MB/s per machine.
    pub mb_per_second: f64,
    /// corpus_bytes / (MB/s x machines), in seconds.
    pub seconds: f64,
    /// The assumption behind the figure.
    pub assumption: String,
}
