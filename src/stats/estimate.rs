//! An estimated figure from a sample, with its confidence interval and where the population's
//! sizes came from: values that `estimate` puts into every tally of its report.

use serde::{Deserialize, Serialize};

/// An estimated census figure from a sample, with its confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate of tokens.
    pub tokens: u64,
    /// The interval's lower bound of tokens.
    pub low: u64,
    /// The interval's upper bound of tokens.
    pub high: u64,
    /// The interval's confidence level, such as 0.95.
    pub confidence: f64,
    /// The point estimate of documents (exact when the format records it).
    pub documents: u64,
    /// Documents counted in the sample.
    pub sampled_documents: u64,
    /// Input bytes read for the sample.
    pub sampled_bytes: u64,
    /// The estimator, named as in the README.
    pub method: String,
    /// The interval's lower bound of documents.
    #[serde(default)]
    pub documents_low: u64,
    /// The interval's upper bound of documents.
    #[serde(default)]
    pub documents_high: u64,
    /// The point estimate of UTF-8 text bytes.
    #[serde(default)]
    pub bytes: u64,
    /// Tokens counted in the sample.
    #[serde(default)]
    pub sampled_tokens: u64,
    /// Sampling units (blocks, row groups, files, documents of streams read whole) counted.
    #[serde(default)]
    pub sampled_units: u64,
    /// Sampling units in the population.
    #[serde(default)]
    pub units: u64,
    /// Degrees of freedom of the interval's t quantile (null: exact, or the normal quantile).
    #[serde(default)]
    pub degrees_of_freedom: Option<f64>,
    /// Where the total sizes the sample is scaled to come from.
    #[serde(default)]
    pub size_sources: Vec<SizeCount>,
    /// A plain-language note: why a source was counted whole, how many units and strata, or
    /// that few units make the interval wide.
    #[serde(default)]
    pub note: String,
}

/// Files whose sizes came from one size source, and their total size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeCount {
    /// Where the sizes came from.
    pub size_source: SizeSource,
    /// How many files.
    pub files: u64,
    /// Their uncompressed bytes (compressed bytes for `compression_ratio`).
    pub bytes: u64,
}

/// Where a file's size comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeSource {
    /// The size on disk of an uncompressed file.
    FileSize,
    /// A single gzip member's trailer (ISIZE).
    GzipTrailer,
    /// The content sizes in every zstd frame header.
    ZstdFrameHeaders,
    /// The row groups' uncompressed sizes in a Parquet footer.
    ParquetMetadata,
    /// Nothing records it: the compressed size, scaled by the sample's compression ratio.
    CompressionRatio,
    /// A compressed stream read whole, its documents drawn as they passed: its documents and
    /// text bytes are counted exactly (the bytes are text bytes).
    StreamRecords,
    /// The probe failed (damaged or unreadable file): the file is counted whole.
    CountedWhole,
}

impl SizeSource {
    /// How the README and the reports name it.
    pub fn name(self) -> &'static str {
        match self {
            SizeSource::FileSize => "file sizes",
            SizeSource::GzipTrailer => "gzip trailers",
            SizeSource::ZstdFrameHeaders => "zstd frame headers",
            SizeSource::ParquetMetadata => "Parquet metadata",
            SizeSource::CompressionRatio => "sample compression ratio",
            SizeSource::StreamRecords => "every record read",
            SizeSource::CountedWhole => "counted whole",
        }
    }
}
