//! The table format: aligned columns with human-readable numbers, for a terminal.

use super::{Render, Report, human_bytes, human_count, tokenizer_line};
use crate::report::Tally;
use std::io::{self, Write};

/// An aligned plain-text table.
pub struct Table;

/// How many errors the table lists before pointing to the JSON format.
const ERRORS_SHOWN: usize = 10;

const HEADER: [&str; 14] = [
    "source",
    "category",
    "files",
    "documents",
    "bytes",
    "input",
    "tokens",
    "bytes/tok",
    "min",
    "mean",
    "p50",
    "p90",
    "p99",
    "max",
];

fn row(name: &str, category: &str, t: &Tally) -> Vec<String> {
    let c = &t.counts;
    let dist = t.tokens_per_document;
    let opt = |v: Option<u64>| v.map_or("-".to_string(), human_count);
    vec![
        name.to_string(),
        category.to_string(),
        human_count(c.files),
        human_count(c.documents),
        human_bytes(c.bytes),
        human_bytes(c.input_bytes),
        human_count(c.tokens),
        t.bytes_per_token.map_or("-".into(), |b| format!("{b:.2}")),
        opt(dist.map(|d| d.min)),
        dist.map_or("-".into(), |d| format!("{:.1}", d.mean)),
        opt(dist.map(|d| d.p50)),
        opt(dist.map(|d| d.p90)),
        opt(dist.map(|d| d.p99)),
        opt(dist.map(|d| d.max)),
    ]
}

impl Render for Table {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut rows: Vec<Option<Vec<String>>> =
            vec![Some(HEADER.iter().map(|s| s.to_string()).collect()), None];
        for s in &report.sources {
            rows.push(Some(row(&s.name, s.category.name(), &s.tally)));
        }
        if report.categories.len() > 1 || report.sources.len() > 1 {
            rows.push(None);
            for c in &report.categories {
                rows.push(Some(row(
                    &format!("[{}]", c.category.name()),
                    &format!(
                        "{} source{}",
                        c.sources,
                        if c.sources == 1 { "" } else { "s" }
                    ),
                    &c.tally,
                )));
            }
        }
        rows.push(None);
        rows.push(Some(row("total", "", &report.totals.tally)));
        if let Some(partial) = super::partial_line(report) {
            writeln!(out, "{partial}")?;
        }
        if let Some(estimate) = super::estimate::table(report) {
            writeln!(out, "{estimate}")?;
        }
        writeln!(out, "{}", tokenizer_line(report))?;
        writeln!(
            out,
            "tokens per document: min, mean, median (p50), p90, p99, max\n"
        )?;
        write_aligned(out, &rows, 2)?;
        if super::modality::has_media(report) {
            writeln!(
                out,
                "\nby modality (tokens of images, sounds and videos under each source's token models):\n"
            )?;
            write_aligned(out, &super::modality::table_rows(report), 1)?;
        }
        for (title, rows) in super::signals::table_sections(report) {
            writeln!(out, "\n{title}:\n")?;
            write_aligned(out, &rows, 1)?;
        }
        if super::provenance::has_provenance(report) {
            super::provenance::write_lines(report, out)?;
        }
        if !report.errors.is_empty() {
            writeln!(out, "\n{} input errors:", report.errors.len())?;
            for e in report.errors.iter().take(ERRORS_SHOWN) {
                writeln!(out, "  {e}")?;
            }
            if report.errors.len() > ERRORS_SHOWN {
                writeln!(
                    out,
                    "  … and {} more (see --format json)",
                    report.errors.len() - ERRORS_SHOWN
                )?;
            }
        }
        Ok(())
    }
}

/// Writes `rows` (`None`: a rule) in aligned columns: the first `left` columns flush left, the
/// others flush right.
pub(super) fn write_aligned(
    out: &mut dyn Write,
    rows: &[Option<Vec<String>>],
    left: usize,
) -> io::Result<()> {
    let columns = rows.iter().flatten().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .flatten()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line_width = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
    for r in rows {
        match r {
            None => writeln!(out, "{}", "-".repeat(line_width))?,
            Some(cells) => {
                let mut line = String::new();
                for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                    let pad = width - cell.chars().count();
                    if i > 0 {
                        line.push_str("  ");
                    }
                    if i < left {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad));
                    } else {
                        line.push_str(&" ".repeat(pad));
                        line.push_str(cell);
                    }
                }
                writeln!(out, "{}", line.trim_end())?;
            }
        }
    }
    Ok(())
}
