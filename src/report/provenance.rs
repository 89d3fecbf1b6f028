//! Turning collection months and domains into their report form and back: the report keeps
//! months as `YYYY-MM` keys with a yearly roll-up, and domains as a list cut at the settings'
//! limit with the rest summed. The way back (for `merge` and checkpoints) checks that the
//! figures add up to the tally's documents and tokens.

use super::{DocTokens, DomainCount, Domains, OtherDomains, Periods};
use crate::provenance::{month_key, parse_month_key};
use crate::stats::{Counts, DomainStats, PeriodStats};
use std::collections::BTreeMap;

/// The report form of collection months.
pub(crate) fn periods_report(stats: &PeriodStats) -> Periods {
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

/// The statistics a report's months stand for (declared spans come from the sources).
pub(crate) fn periods_stats(periods: &Periods, counts: &Counts) -> Result<PeriodStats, String> {
    let mut stats = PeriodStats {
        undated: periods.undated,
        declared: periods.declared,
        ..PeriodStats::default()
    };
    for (key, c) in &periods.by_month {
        let month = parse_month_key(key).ok_or_else(|| format!("bad month key {key:?}"))?;
        stats.months.insert(month, *c);
    }
    let mut sum = stats.undated;
    sum += stats.declared;
    stats.months.values().for_each(|c| sum += *c);
    if sum == DocTokens::default() && counts.documents > 0 {
        // A report written before months were counted: every document is undated.
        stats.undated = text_total(counts);
    } else if sum != text_total(counts) {
        return Err(format!(
            "months, undated and declared records add up to {} documents and {} tokens, not {} and {}",
            sum.documents, sum.tokens, counts.documents, counts.tokens
        ));
    }
    Ok(stats)
}

/// The report form of domains: the `limit` largest by tokens, the rest summed.
pub(crate) fn domains_report(stats: &DomainStats, limit: usize) -> Domains {
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

/// The statistics a report's domains stand for; domains summed in `domains_other` stay
/// summed, and make the per-domain figures of anything merged from them approximate.
pub(crate) fn domains_stats(domains: &Domains, counts: &Counts) -> Result<DomainStats, String> {
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
            return Err(format!("domain {:?} is listed twice", d.domain));
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
        stats.without = text_total(counts);
    } else if sum != text_total(counts) {
        return Err(format!(
            "domains and records without one add up to {} documents and {} tokens, not {} and {}",
            sum.documents, sum.tokens, counts.documents, counts.tokens
        ));
    }
    Ok(stats)
}

/// The text documents and tokens of `counts` (whose `tokens` are text tokens here).
fn text_total(counts: &Counts) -> DocTokens {
    DocTokens {
        documents: counts.documents,
        tokens: counts.tokens,
    }
}
