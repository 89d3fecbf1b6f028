//! The Markdown format: a model-card section with a headline in words (rounded, labelled so),
//! then exact figures in tables: per source and per category with each one's share of tokens,
//! by modality, tokens per document, the time frame and the processing figures.

use super::{Render, Report, estimate_note, headline, periods, processing, words};
use super::{share, thousands, tokenizer_line};
use crate::report::Tally;
use std::io::{self, Write};

/// Markdown tables with exact numbers.
pub struct Markdown;

fn cells(t: &Tally, total_tokens: u64) -> String {
    let c = &t.counts;
    format!(
        "{} | {} | {} | {} | {} | {} | {} | {}",
        thousands(c.files),
        thousands(c.documents),
        thousands(c.bytes),
        thousands(c.input_bytes),
        thousands(c.tokens),
        share(c.tokens, total_tokens),
        t.bytes_per_token.map_or("-".into(), |b| format!("{b:.2}")),
        t.tokens_per_document
            .map_or("-".into(), |d| thousands(d.p50)),
    )
}

const COLUMNS: &str = "Files | Documents | Text bytes (UTF-8) | Input bytes | Tokens | Share of tokens | Bytes per token | Median tokens per document |";
const RULE: &str = "---:|---:|---:|---:|---:|---:|---:|---:|";

fn distribution(t: &Tally) -> String {
    match t.tokens_per_document {
        None => "- | - | - | - | - | -".into(),
        Some(d) => format!(
            "{} | {:.1} | {} | {} | {} | {}",
            thousands(d.min),
            d.mean,
            thousands(d.p50),
            thousands(d.p90),
            thousands(d.p99),
            thousands(d.max)
        ),
    }
}

impl Render for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let total = report.totals.tally.counts.tokens;
        let estimated = estimate_note::is_estimate(report);
        let kind = if estimated { "estimate" } else { "census" };
        writeln!(out, "## Training data: token {kind}\n")?;
        if let Some(partial) = super::partial_line(report) {
            writeln!(out, "> **{partial}**\n")?;
        }
        if let Some(notice) = estimate_note::notice(report) {
            writeln!(out, "> **{notice}**\n")?;
        }
        writeln!(
            out,
            "{} {}\n",
            escape(&headline::headline(report)),
            words::ROUNDED_NOTE
        )?;
        if estimated {
            writeln!(out, "Estimates from a sample:\n")?;
            table(out, &estimate_note::HEADER, 1, &estimate_note::rows(report))?;
            writeln!(out, "{}\n", super::estimate::SAMPLE_HEADING)?;
        }
        writeln!(out, "Counted with the {}.\n", tokenizer_line(report))?;
        writeln!(out, "| Source | Category | {COLUMNS}\n|---|---|{RULE}")?;
        for s in &report.sources {
            writeln!(
                out,
                "| {} | {} | {} |",
                escape(&s.name),
                s.category.name(),
                cells(&s.tally, total)
            )?;
        }
        writeln!(
            out,
            "| **Total** | | {} |\n",
            cells(&report.totals.tally, total)
        )?;
        writeln!(out, "| Category | Sources | {COLUMNS}\n|---|---:|{RULE}")?;
        for c in &report.categories {
            writeln!(
                out,
                "| {} | {} | {} |",
                c.category.name(),
                c.sources,
                cells(&c.tally, total)
            )?;
        }
        if super::modality::has_media(report) {
            writeln!(out)?;
            write!(out, "{}", super::modality::markdown(report))?;
        }
        writeln!(
            out,
            "\nTokens per text document (p50, p90 and p99 within 0.1%):\n"
        )?;
        writeln!(
            out,
            "| Source | Min | Mean | p50 | p90 | p99 | Max |\n|---|---:|---:|---:|---:|---:|---:|"
        )?;
        for s in &report.sources {
            writeln!(out, "| {} | {} |", escape(&s.name), distribution(&s.tally))?;
        }
        for c in &report.categories {
            writeln!(
                out,
                "| {} (category) | {} |",
                c.category.name(),
                distribution(&c.tally)
            )?;
        }
        writeln!(
            out,
            "| **Total** | {} |\n",
            distribution(&report.totals.tally)
        )?;
        write!(out, "{}", super::signals::markdown(report))?;
        time_frame(report, out)?;
        writeln!(out, "### Processing\n")?;
        table(
            out,
            &["Figure", "Exact value", "Meaning"],
            3,
            &processing::rows(report),
        )
    }
}

/// The time frame: a sentence, the years, and how each source's records are dated.
fn time_frame(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals.tally;
    writeln!(out, "### Time frame\n")?;
    writeln!(out, "{}\n", periods::time_frame_sentence(t))?;
    if !periods::has_periods(t) {
        return Ok(());
    }
    table(
        out,
        &["Year", "Documents", "Tokens", "Share of text tokens"],
        1,
        &periods::year_rows(t),
    )?;
    table(
        out,
        &[
            "Source",
            "Dated by",
            "Earliest (MM/YYYY)",
            "Latest (MM/YYYY)",
            "Undated documents",
        ],
        2,
        &periods::source_rows(report),
    )
}

/// A Markdown table of plain-text cells (escaped): the first `left` columns flush left, the
/// others flush right.
pub(super) fn table<const N: usize>(
    out: &mut dyn Write,
    header: &[&str; N],
    left: usize,
    rows: &[[String; N]],
) -> io::Result<()> {
    let escaped: Vec<[String; N]> = rows
        .iter()
        .map(|r| r.each_ref().map(|c| escape(c)))
        .collect();
    table_markup(out, header, left, &escaped)
}

/// A Markdown table whose cells are Markdown already (only pipes are escaped): for cells that
/// hold emphasis or fill-in fields and no user text.
pub(super) fn table_markup<const N: usize>(
    out: &mut dyn Write,
    header: &[&str; N],
    left: usize,
    rows: &[[String; N]],
) -> io::Result<()> {
    let rule: Vec<&str> = (0..N)
        .map(|i| if i < left { "---" } else { "---:" })
        .collect();
    writeln!(out, "| {} |\n|{}|", header.join(" | "), rule.join("|"))?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)
}

/// `s` as literal Markdown text: table pipes, HTML and emphasis characters backslash-escaped.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '|' | '<' | '>' | '*' | '_' | '`' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
