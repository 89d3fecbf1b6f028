//! Documents and tokens per registered web domain, with memory bounded by a cap on distinct
//! domains per accumulator: past the cap, records of domains not yet seen are summed into
//! an overflow and the per-domain figures are marked approximate (the totals stay exact).
//! Merges with `+=` (maps add; a merge past the cap keeps every domain, so nothing is lost).

use crate::report::DocTokens;
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
