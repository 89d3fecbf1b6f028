//! Documents and tokens per collection month: dated records per UTC month, records without
//! a usable date, and records of sources that declare a collection period instead. Merges
//! exactly with `+=` (month maps add; declared spans widen).

use super::{Counts, DocTokens, FormError, Month, month_key, parse_month_key};
use serde::{Deserialize, Serialize};
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

impl PeriodStats {
    /// The serialised form (months as `YYYY-MM` keys with a yearly roll-up).
    pub fn to_form(&self) -> Periods {
        let stats = self;
        let mut by_year: BTreeMap<String, DocTokens> = BTreeMap::new();
        for (month, counts) in &stats.months {
            *by_year
                .entry(format!("{:04}", month.div_euclid(12)))
                .or_default() += *counts;
        }
        let span = stats.span();
        Periods {
            by_month: stats
                .months
                .iter()
                .map(|(m, c)| (month_key(*m), *c))
                .collect(),
            by_year,
            earliest_month: span.map(|(first, _)| month_key(first)),
            latest_month: span.map(|(_, last)| month_key(last)),
            undated: stats.undated,
            declared: stats.declared,
        }
    }
}

impl Periods {
    /// The statistics these months stand for, checked against the tally's text `counts`
    /// (declared spans come from the sources).
    pub fn to_stats(&self, counts: &Counts) -> Result<PeriodStats, FormError> {
        let periods = self;
        let mut stats = PeriodStats {
            undated: periods.undated,
            declared: periods.declared,
            ..PeriodStats::default()
        };
        for (key, c) in &periods.by_month {
            let month = parse_month_key(key)
                .ok_or_else(|| FormError::Undecodable(format!("bad month key {key:?}")))?;
            stats.months.insert(month, *c);
        }
        let mut sum = stats.undated;
        sum += stats.declared;
        stats.months.values().for_each(|c| sum += *c);
        if sum == DocTokens::default() && counts.documents > 0 {
            // A report written before months were counted: every document is undated.
            stats.undated = counts.text();
        } else if sum != counts.text() {
            return Err(FormError::Disagrees(format!(
                "months, undated and declared records add up to {} documents and {} tokens, not {} and {}",
                sum.documents, sum.tokens, counts.documents, counts.tokens
            )));
        }
        Ok(stats)
    }
}
