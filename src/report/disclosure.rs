//! The report's disclosure fields: when records were collected (`by_month`, `undated`, ...),
//! which web domains they came from (`domains`), and, for `estimate`, the estimated totals
//! with their confidence interval. Every field has a serde default, so reports written
//! before these fields existed still read.

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
    /// false: a domain summed in several merged parts is counted once per part).
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
}
