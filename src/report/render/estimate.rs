//! The estimate section of the table format: for a report made by `estimate`, the estimated
//! tokens and documents with their intervals, said plainly to be estimates, before the usual
//! tables (which then count only the sample); and the heading the Markdown format puts over the
//! sample's own counts. Nothing for a count's report. (The Markdown, eu-summary and HTML
//! formats' notice and estimate table are in `estimate_note`.)

use super::estimate_note;
use super::grid::Grid;
use super::{Report, human_bytes, human_count, percent};
use crate::stats::{Estimate, Tally};
use std::io::{self, Write};

/// The Markdown heading over an estimate's exact tables, which count the sample only.
pub(super) const SAMPLE_HEADING: &str = "### The sample, counted exactly (not the corpus)";

/// The estimates of a report's tallies: (name, category, estimate) for each source, each
/// category and the total; `None` for a count's report.
fn rows(report: &Report) -> Option<Vec<(String, String, &Estimate)>> {
    report.totals.tally.estimate.as_ref()?;
    let mut rows: Vec<(String, String, &Tally)> = report
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.category.name().to_string(), &s.tally))
        .collect();
    if report.sources.len() > 1 {
        for c in &report.categories {
            rows.push((format!("[{}]", c.category.name()), String::new(), &c.tally));
        }
    }
    rows.push(("total".into(), String::new(), &report.totals.tally));
    Some(
        rows.into_iter()
            .filter_map(|(name, category, t)| Some((name, category, t.estimate.as_ref()?)))
            .collect(),
    )
}

/// The sentence that says what the figures are.
fn headline(report: &Report) -> String {
    let confidence =
        estimate_note::total_estimate(report).map_or("95%".into(), estimate_note::confidence);
    let how = match &report.run.estimate {
        Some(run) => format!(
            "a random sample ({} of each source's bytes, seed {}; {} read of {} on disk)",
            percent(100.0 * run.sample_fraction, Some(2)),
            run.seed,
            human_bytes(run.read_bytes),
            human_bytes(run.corpus_bytes)
        ),
        None => "a random sample".into(),
    };
    if estimate_note::all_counted(report) {
        return estimate_note::ALL_COUNTED.into();
    }
    format!(
        "ESTIMATE, not a full count: tokens and documents are estimated from {how}, each with its {confidence} confidence interval; sources marked census were counted whole"
    )
}

fn interval(low: u64, high: u64, format: fn(u64) -> String) -> String {
    if low == high {
        "exact".into()
    } else {
        format!("{} - {}", format(low), format(high))
    }
}

/// Writes the estimate section of the table format; nothing for a count's report.
pub(super) fn write_text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let Some(rows) = rows(report) else {
        return Ok(());
    };
    let header = [
        "source",
        "category",
        "tokens",
        "interval",
        "documents",
        "interval",
        "sampled",
        "method",
    ];
    let mut grid = Grid::new(&header, 2);
    let total_row = rows.len() - 1;
    for (i, (name, category, e)) in rows.into_iter().enumerate() {
        if i == total_row {
            grid.rule();
        }
        grid.row([
            name,
            category,
            human_count(e.tokens),
            interval(e.low, e.high, human_count),
            human_count(e.documents),
            interval(e.documents_low, e.documents_high, human_count),
            format!("{}/{} units", e.sampled_units, e.units),
            e.method.clone(),
        ]);
    }
    writeln!(out, "{}\n", headline(report))?;
    grid.write_text(out)?;
    writeln!(out, "\nthe sample, counted exactly (not the corpus):\n")
}
