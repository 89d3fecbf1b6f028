//! Documents and tokens per collection month: dated records per UTC month, records without
//! a usable date, and records of sources that declare a collection period instead. Merges
//! exactly with `+=` (month maps add; declared spans widen).

use crate::provenance::Month;
use crate::report::DocTokens;
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// Collection months of one source (or of several, merged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodStats {
    /// Dated records per month.
    pub months: BTreeMap<Month, DocTokens>,
    /// Records whose date was missing or unparseable, or that had no date field at all.
    pub undated: DocTokens,
    /// Records of sources with a declared period.
    pub declared: DocTokens,
    /// The widest declared period (first and last month) among the merged sources.
    pub declared_span: Option<(Month, Month)>,
}

/// How one record is dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dating {
    /// In this month.
    Month(Month),
    /// Not at all: no date field, or a missing or unparseable date.
    Undated,
    /// By its source's declared period.
    Declared,
}

impl PeriodStats {
    /// Records one document of `tokens` tokens dated by `dating`.
    #[inline]
    pub fn record(&mut self, dating: Dating, tokens: u64) {
        let one = DocTokens {
            documents: 1,
            tokens,
        };
        match dating {
            Dating::Month(month) => *self.months.entry(month).or_default() += one,
            Dating::Undated => self.undated += one,
            Dating::Declared => self.declared += one,
        }
    }

    /// The earliest and latest month of a dated record or of a declared period.
    pub fn span(&self) -> Option<(Month, Month)> {
        let dated = self
            .months
            .keys()
            .next()
            .zip(self.months.keys().next_back());
        let dated = dated.map(|(a, b)| (*a, *b));
        match (dated, self.declared_span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (one, other) => one.or(other),
        }
    }
}

impl AddAssign<&PeriodStats> for PeriodStats {
    fn add_assign(&mut self, other: &PeriodStats) {
        for (month, counts) in &other.months {
            *self.months.entry(*month).or_default() += *counts;
        }
        self.undated += other.undated;
        self.declared += other.declared;
        self.declared_span = match (self.declared_span, other.declared_span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (one, other) => one.or(other),
        };
    }
}
