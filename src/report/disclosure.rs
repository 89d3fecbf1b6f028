//! The report's declarations beside the counted figures: a source's declared collection
//! period, and how an estimate's sample was drawn.

use serde::{Deserialize, Serialize};

/// A collection period declared in the manifest, in whole months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM` (inclusive).
    pub to: String,
}

/// How an estimate's sample was drawn: the `run` section of an estimate report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateRun {
    /// The fraction of each source's bytes drawn (from `--sample`, or `--sample-bytes` divided
    /// by the corpus's size).
    pub sample_fraction: f64,
    /// The byte budget given with `--sample-bytes` (null with `--sample`).
    pub sample_bytes: Option<u64>,
    /// The seed of the draws: the same seed draws the same sample.
    pub seed: u64,
    /// The intervals' confidence level.
    pub confidence: f64,
    /// Input bytes the sample read (census sources whole).
    pub read_bytes: u64,
    /// Input bytes of the whole corpus on disk.
    pub corpus_bytes: u64,
}
