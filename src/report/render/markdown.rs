//! The Markdown format: exact figures in tables ready for a model card.

use super::{Render, Report, thousands, tokenizer_line};
use crate::report::Tally;
use std::io::{self, Write};

/// Markdown tables with exact numbers.
pub struct Markdown;

fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

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
        writeln!(out, "## Training data: token census\n")?;
        if let Some(partial) = super::partial_line(report) {
            writeln!(out, "> **{partial}**\n")?;
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
        match report.errors.len() {
            0 => writeln!(out, "All inputs were read without errors.")?,
            n => writeln!(
                out,
                "{} input errors were reported (records or files not counted); see the JSON report.",
                thousands(n as u64)
            )?,
        }
        Ok(())
    }
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|")
}
