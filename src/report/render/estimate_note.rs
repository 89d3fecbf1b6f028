//! The estimate notice: when a report's figures were estimated from a sample (the `estimate`
//! of a tally), the Markdown, eu-summary and HTML formats say so first and give every interval.

use super::grid::Grid;
use super::{count_noun, percent, thousands};
use crate::report::Report;
use crate::stats::{Estimate, Tally};

/// The estimate of the totals, if the report is an estimate.
pub fn total_estimate(report: &Report) -> Option<&Estimate> {
    report.totals.tally.estimate.as_ref()
}

/// Whether any tally of the report carries an estimate.
pub fn is_estimate(report: &Report) -> bool {
    total_estimate(report).is_some() || report.sources.iter().any(|s| s.tally.estimate.is_some())
}

/// What a figure of an estimate that was counted in the sample rather than estimated for the
/// corpus says beside it (media items and hours, periods, domains, unsupported items).
pub const IN_THE_SAMPLE: &str = " (in the sample, not estimated)";

/// [`IN_THE_SAMPLE`] when `t` is an estimate's tally, else nothing.
pub fn sample_only(t: &Tally) -> &'static str {
    if t.estimate.is_some() {
        IN_THE_SAMPLE
    } else {
        ""
    }
}

/// `95%` for a confidence of 0.95.
pub fn confidence(e: &Estimate) -> String {
    let value = e.confidence * 100.0;
    let whole = (value - value.round()).abs() < 1e-9;
    percent(value, whole.then_some(0))
}

/// What an `estimate` that counted every source whole says instead of the estimate notice.
pub const ALL_COUNTED: &str = "EXACT: `estimate` counted every source whole (each was small enough, or the sample fraction is 1), so the figures are exact counts";

/// Whether the report is an `estimate` that counted every source whole (method `census`).
pub fn all_counted(report: &Report) -> bool {
    total_estimate(report).is_some_and(|e| e.method == "census")
}

/// The notice, in one paragraph, or `None` for a full count.
pub fn notice(report: &Report) -> Option<String> {
    if !is_estimate(report) {
        return None;
    }
    if all_counted(report) {
        return Some(format!("{ALL_COUNTED}."));
    }
    let mut out = String::from(
        "ESTIMATE, not a full count: the figures of this report were estimated from a sample",
    );
    if let Some(e) = total_estimate(report) {
        out += &format!(
            " of {} ({} read) by the method \"{}\": {} in all, {} interval {} to {}",
            count_noun(e.sampled_documents, "document", "documents"),
            count_noun(e.sampled_bytes, "input byte", "input bytes"),
            e.method,
            count_noun(e.tokens, "token", "tokens"),
            confidence(e),
            thousands(e.low),
            thousands(e.high)
        );
    }
    out += ". Each estimate and its interval is listed per source; the true figure may lie outside the interval.";
    Some(out)
}

/// The estimates table: a row per source with an estimate, then the totals (a plain row).
pub fn grid(report: &Report) -> Grid {
    let row = |name: &str, e: &Estimate| {
        // Reports written before `documents_low`/`documents_high` existed read them as 0.
        let documents_interval = if e.documents_high == 0 && e.documents > 0 {
            "-".to_string()
        } else {
            format!(
                "{} to {}",
                thousands(e.documents_low),
                thousands(e.documents_high)
            )
        };
        [
            name.to_string(),
            thousands(e.tokens),
            format!("{} to {}", thousands(e.low), thousands(e.high)),
            confidence(e),
            thousands(e.documents),
            documents_interval,
            thousands(e.sampled_documents),
            thousands(e.sampled_bytes),
            e.method.clone(),
        ]
    };
    let mut grid = Grid::new(&HEADER, 1);
    for s in &report.sources {
        if let Some(e) = &s.tally.estimate {
            grid.row(row(&s.name, e));
        }
    }
    if let Some(e) = total_estimate(report) {
        grid.row(row("total", e));
    }
    grid
}

/// The header of the estimates table.
const HEADER: [&str; 9] = [
    "Source",
    "Estimated tokens",
    "Interval",
    "Confidence",
    "Estimated documents",
    "Documents interval",
    "Sampled documents",
    "Sampled bytes",
    "Method",
];
