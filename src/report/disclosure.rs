//! The report's disclosure fields: when records were collected (`by_month`, `undated`, ...),
//! which web domains they came from (`domains`), and, for `estimate`, the estimated totals
//! with their confidence interval. Every field has a serde default, so reports written
//! before these fields existed still read.

pub use crate::estimate::SizeSource;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Documents and tokens of one month, one year, one domain or one remainder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocTokens {
    /// Text documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
}

impl std::ops::AddAssign<DocTokens> for DocTokens {
    fn add_assign(&mut self, other: DocTokens) {
        self.documents += other.documents;
        self.tokens += other.tokens;
    }
}

/// When a tally's text records were collected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periods {
    /// Dated records per UTC month, keyed `YYYY-MM`, in order.
    #[serde(default)]
    pub by_month: BTreeMap<String, DocTokens>,
    /// The same per year, keyed `YYYY`.
    #[serde(default)]
    pub by_year: BTreeMap<String, DocTokens>,
    /// The earliest month (`YYYY-MM`) of a dated record or of a declared period.
    #[serde(default)]
    pub earliest_month: Option<String>,
    /// The latest month (`YYYY-MM`) of a dated record or of a declared period.
    #[serde(default)]
    pub latest_month: Option<String>,
    /// Records whose date field was missing or unparseable, or whose source names no date
    /// field and declares no period: counted, but in no month.
    #[serde(default)]
    pub undated: DocTokens,
    /// Records of sources that declare a collection period (`collected`) instead of a date
    /// field: counted in no month, but their period bounds `earliest_month`/`latest_month`.
    #[serde(default)]
    pub declared: DocTokens,
}

/// A collection period declared in the manifest, in whole months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM` (inclusive).
    pub to: String,
}

/// Documents and tokens of one registered domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCount {
    /// The registered domain (public-suffix aware: `news.bbc.co.uk` is `bbc.co.uk`).
    pub domain: String,
    /// Text documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
}

/// The domains not listed in `domains`, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherDomains {
    /// How many distinct domains were summed here (approximate when `domains_exact` is
    /// false: a domain summed in several merged parts is counted once per part, and past a
    /// thread's cap of distinct domains each further record counts as one domain).
    pub domains: u64,
    /// Their documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
}

/// Where a tally's text records came from on the web, by their URL field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domains {
    /// The largest domains by tokens (ties by name), at most the report's domain limit.
    #[serde(default)]
    pub domains: Vec<DomainCount>,
    /// Every other domain, summed.
    #[serde(default)]
    pub domains_other: OtherDomains,
    /// Records without a usable URL (missing field, unparseable URL, IP address host), or
    /// of a source that names no URL field.
    #[serde(default)]
    pub without_domain: DocTokens,
    /// False when memory bounds or merged partial lists made some per-domain figures
    /// approximate (the sums over all domains stay exact).
    #[serde(default = "yes")]
    pub domains_exact: bool,
}

fn yes() -> bool {
    true
}

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
    /// Sampling units (blocks, row groups, files) counted.
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
