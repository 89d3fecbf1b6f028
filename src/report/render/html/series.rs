//! The data series the HTML charts draw that a report does not hold ready-made: the
//! tokens-per-document histogram of all sources together (decoded from each source's HDR
//! histogram, in 1-2-5 bins) and tokens per month on a continuous month axis.

use crate::report::Report;
use crate::stats::TokenDistribution;
use crate::stats::{DocTokens, Month, Tally, month_key, parse_month_key};
use std::collections::BTreeMap;

/// The distribution of tokens per text document over all sources, and a note for each source
/// whose histogram could not be read (those sources are left out of the chart, not the tables).
pub fn total_distribution(report: &Report) -> (TokenDistribution, Vec<String>) {
    let mut total = TokenDistribution::default();
    let mut problems = Vec::new();
    for s in &report.sources {
        let t = &s.tally;
        match (&s.tokens_per_document_hdr, &t.tokens_per_document) {
            (Some(hdr), Some(summary)) => match TokenDistribution::from_base64(
                hdr,
                summary.min,
                summary.max,
                t.by_modality.text.tokens,
            ) {
                Ok(d) => total += &d,
                Err(e) => problems.push(format!("{}: {e}", s.name)),
            },
            _ if t.by_modality.text.documents > 0 => {
                problems.push(format!("{}: the report holds no histogram", s.name))
            }
            _ => {}
        }
    }
    (total, problems)
}

/// The 1-2-5 series edge at or below `v` (0 for 0).
fn edge_below(v: u64) -> u64 {
    if v == 0 {
        return 0;
    }
    let power = 10u64.pow(v.ilog10());
    let lead = v / power;
    power * [1, 1, 2, 2, 2, 5, 5, 5, 5, 5][lead as usize]
}

/// The next 1-2-5 edge after `edge` (saturating).
fn edge_after(edge: u64) -> u64 {
    if edge == 0 {
        return 1;
    }
    let power = 10u64.pow(edge.ilog10());
    match edge / power {
        1 => power.saturating_mul(2),
        2 => power.saturating_mul(5),
        _ => power.saturating_mul(10),
    }
}

/// Bins `(from, to exclusive, documents)` in a 1-2-5 series from the bin of the smallest to the
/// bin of the largest value, empty bins in between included. Values are the histogram buckets'
/// (within 0.1%), so a document near a bin edge may fall in the neighbouring bin.
pub fn bins(d: &TokenDistribution) -> Vec<(u64, u64, u64)> {
    let buckets = d.buckets();
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return Vec::new();
    };
    let mut bins = Vec::new();
    let mut from = edge_below(first.0);
    let end = edge_below(last.0);
    loop {
        let to = edge_after(from);
        bins.push((from, to, 0));
        if from >= end || to == from {
            break;
        }
        from = to;
    }
    for (value, count) in buckets {
        let edge = edge_below(value);
        if let Some(bin) = bins.iter_mut().find(|b| b.0 == edge) {
            bin.2 += count;
        }
    }
    bins
}

/// Most months a chart draws (a hundred years); beyond that only the months present.
const MAX_MONTHS: i32 = 1200;

/// Dated documents and tokens per month from the first to the last month, months without
/// records included; keys that are not `YYYY-MM` are left out.
pub fn months(t: &Tally) -> Vec<(String, DocTokens)> {
    let present: BTreeMap<Month, DocTokens> = t
        .periods
        .by_month
        .iter()
        .filter_map(|(k, d)| parse_month_key(k).map(|m| (m, *d)))
        .collect();
    let (Some(first), Some(last)) = (present.keys().next(), present.keys().next_back()) else {
        return Vec::new();
    };
    if last - first >= MAX_MONTHS {
        return present.iter().map(|(m, d)| (month_key(*m), *d)).collect();
    }
    (*first..=*last)
        .map(|m| (month_key(m), present.get(&m).copied().unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_two_five_edges() {
        assert_eq!(edge_below(0), 0);
        assert_eq!(edge_below(1), 1);
        assert_eq!(edge_below(4), 2);
        assert_eq!(edge_below(5), 5);
        assert_eq!(edge_below(19), 10);
        assert_eq!(edge_below(4_999), 2_000);
        assert_eq!(edge_after(0), 1);
        assert_eq!(edge_after(5), 10);
        assert_eq!(edge_after(20_000), 50_000);
    }

    #[test]
    fn bins_hold_every_document() {
        let mut d = TokenDistribution::default();
        for v in [3u64, 4, 40, 41, 900, 12_000] {
            d.record(v);
        }
        let bins = bins(&d);
        assert_eq!(bins.first().unwrap().0, 2);
        assert_eq!(bins.last().unwrap().0, 10_000);
        assert_eq!(bins.iter().map(|b| b.2).sum::<u64>(), 6);
        assert_eq!(bins.iter().find(|b| b.0 == 20).unwrap().2, 2);
        assert!(bins.windows(2).all(|w| w[0].1 == w[1].0));
    }
}
