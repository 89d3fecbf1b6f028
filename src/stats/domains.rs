//! Documents and tokens per registered web domain, with memory bounded by a cap on distinct
//! domains per accumulator: past the cap, records of domains not yet seen are summed into
//! an overflow and the per-domain figures are marked approximate (the totals stay exact).
//! Merges with `+=` (maps add; a merge past the cap keeps every domain, so nothing is lost).

use super::{Counts, DocTokens, FormError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::AddAssign;

/// Distinct domains one accumulator keeps before it starts summing new ones into the
/// overflow: about 100 MB per source and thread at the cap.
pub const DOMAIN_CAP: usize = 1 << 20;

/// Registered domains of one source (or of several, merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainStats {
    /// Documents and tokens per domain.
    pub domains: HashMap<Box<str>, DocTokens>,
    /// Records of domains that arrived after the cap was reached.
    pub overflow: DocTokens,
    /// How many records went to the overflow: their domains are not kept, so this stands in
    /// for the distinct domains summed there, an upper bound of them.
    pub overflow_domains: u64,
    /// Records without a usable URL, or of sources that name no URL field.
    pub without: DocTokens,
    /// False once any per-domain figure may be short (cap reached, or merged from cut lists).
    pub exact: bool,
    cap: usize,
}

impl Default for DomainStats {
    fn default() -> Self {
        Self::with_cap(DOMAIN_CAP)
    }
}

impl DomainStats {
    /// Empty statistics that keep at most `cap` distinct domains.
    pub fn with_cap(cap: usize) -> Self {
        Self {
            domains: HashMap::new(),
            overflow: DocTokens::default(),
            overflow_domains: 0,
            without: DocTokens::default(),
            exact: true,
            cap,
        }
    }

    /// Records one document of `tokens` tokens from `domain` (`None`: no usable URL).
    #[inline]
    pub fn record(&mut self, domain: Option<&str>, tokens: u64) {
        let one = DocTokens {
            documents: 1,
            tokens,
        };
        let Some(domain) = domain else {
            self.without += one;
            return;
        };
        if let Some(counts) = self.domains.get_mut(domain) {
            *counts += one;
        } else if self.domains.len() < self.cap {
            self.domains.insert(domain.into(), one);
        } else {
            self.overflow += one;
            self.overflow_domains += 1;
            self.exact = false;
        }
    }

    /// Documents and tokens of every record that had a domain.
    pub fn with_domain(&self) -> DocTokens {
        let mut sum = self.overflow;
        for counts in self.domains.values() {
            sum += *counts;
        }
        sum
    }

    /// The domains sorted by tokens, then documents (both descending), then name.
    pub fn ranked(&self) -> Vec<(&str, DocTokens)> {
        let mut all: Vec<(&str, DocTokens)> =
            self.domains.iter().map(|(d, c)| (&**d, *c)).collect();
        all.sort_unstable_by(|a, b| {
            (b.1.tokens, b.1.documents)
                .cmp(&(a.1.tokens, a.1.documents))
                .then_with(|| a.0.cmp(b.0))
        });
        all
    }
}

impl AddAssign<&DomainStats> for DomainStats {
    fn add_assign(&mut self, other: &DomainStats) {
        for (domain, counts) in &other.domains {
            match self.domains.get_mut(domain) {
                Some(mine) => *mine += *counts,
                None => {
                    self.domains.insert(domain.clone(), *counts);
                }
            }
        }
        self.overflow += other.overflow;
        self.overflow_domains += other.overflow_domains;
        self.without += other.without;
        self.exact &= other.exact;
    }
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

impl DomainStats {
    /// The serialised form: the `limit` largest domains by tokens, the rest summed.
    pub fn to_form(&self, limit: usize) -> Domains {
        let stats = self;
        let ranked = stats.ranked();
        let listed = ranked.len().min(limit);
        let mut other = OtherDomains {
            domains: (ranked.len() - listed) as u64 + stats.overflow_domains,
            documents: stats.overflow.documents,
            tokens: stats.overflow.tokens,
        };
        for (_, c) in &ranked[listed..] {
            other.documents += c.documents;
            other.tokens += c.tokens;
        }
        Domains {
            domains: ranked[..listed]
                .iter()
                .map(|(domain, c)| DomainCount {
                    domain: domain.to_string(),
                    documents: c.documents,
                    tokens: c.tokens,
                })
                .collect(),
            domains_other: other,
            without_domain: stats.without,
            domains_exact: stats.exact,
        }
    }
}

impl Domains {
    /// The statistics these domains stand for, checked against the tally's text `counts`;
    /// domains summed in `domains_other` stay summed, and make the per-domain figures of
    /// anything merged from them approximate.
    pub fn to_stats(&self, counts: &Counts) -> Result<DomainStats, FormError> {
        let domains = self;
        let mut stats = DomainStats::default();
        for d in &domains.domains {
            let one = DocTokens {
                documents: d.documents,
                tokens: d.tokens,
            };
            if stats
                .domains
                .insert(d.domain.as_str().into(), one)
                .is_some()
            {
                return Err(FormError::Disagrees(format!(
                    "domain {:?} is listed twice",
                    d.domain
                )));
            }
        }
        let other = &domains.domains_other;
        stats.overflow = DocTokens {
            documents: other.documents,
            tokens: other.tokens,
        };
        stats.overflow_domains = other.domains;
        stats.without = domains.without_domain;
        stats.exact = domains.domains_exact && other.domains == 0;
        let sum = {
            let mut sum = stats.with_domain();
            sum += stats.without;
            sum
        };
        if sum == DocTokens::default() && counts.documents > 0 {
            // A report written before domains were counted.
            stats.without = counts.text();
        } else if sum != counts.text() {
            return Err(FormError::Disagrees(format!(
                "domains and records without one add up to {} documents and {} tokens, not {} and {}",
                sum.documents, sum.tokens, counts.documents, counts.tokens
            )));
        }
        Ok(stats)
    }
}
