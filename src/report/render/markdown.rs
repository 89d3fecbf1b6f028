//! The Markdown format: a model-card section with a headline in words (rounded, labelled so),
//! then exact figures in tables: per source and per category with each one's share of tokens,
//! by modality, tokens per document, the time frame and the processing figures.

use super::counts::{self, Format};
use super::{
    Render, Report, chat, estimate_note, headline, modality, periods, processing, signals,
    tokenizers,
};
use super::{tokenizer_line, words};
use crate::display::printable;
use std::io::{self, Write};

/// Markdown tables with exact numbers.
pub struct Markdown;

impl Render for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
            estimate_note::grid(report).write_markdown(out)?;
            writeln!(out, "{}\n", super::estimate::SAMPLE_HEADING)?;
        }
        writeln!(out, "Counted with the {}.\n", tokenizer_line(report))?;
        counts::sources(report, Format::Markdown).write_markdown(out)?;
        counts::categories(report, Format::Markdown).write_markdown(out)?;
        if tokenizers::has_several(report) {
            writeln!(out, "{}:\n", tokenizers::HEADING)?;
            tokenizers::comparison(report, true).write_markdown(out)?;
            writeln!(out)?;
        }
        if modality::has_media(report) {
            writeln!(
                out,
                "Tokens by modality (images, sounds and videos counted from their headers under each source's token models, stated in the JSON report):\n"
            )?;
            modality::exact(report).write_markdown(out)?;
            writeln!(out)?;
        }
        if chat::has_chat(report) {
            writeln!(
                out,
                "Conversations (each one text document; turns are messages per conversation; template tokens are the rendered conversations' tokens minus their contents'):\n"
            )?;
            chat::conversations(report, true).write_markdown(out)?;
            writeln!(out, "\nMessages and content tokens by role:\n")?;
            chat::roles(report, true).write_markdown(out)?;
            writeln!(out)?;
        }
        writeln!(
            out,
            "Tokens per text document (p50, p90 and p99 within 0.1%):\n"
        )?;
        counts::distribution(report, Format::Markdown).write_markdown(out)?;
        signals::write_markdown(report, out)?;
        // The sections after the sample's heading are the sample's too.
        let sample = if estimated { " (the sample)" } else { "" };
        time_frame(report, sample, out)?;
        writeln!(out, "### Processing{sample}\n")?;
        processing::grid(report).write_markdown(out)
    }
}

/// The time frame (its heading ending in `suffix`): a sentence, the years, and how each
/// source's records are dated.
fn time_frame(report: &Report, suffix: &str, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals.tally;
    writeln!(out, "### Time frame{suffix}\n")?;
    writeln!(out, "{}\n", periods::time_frame_sentence(t))?;
    if !periods::has_periods(t) {
        return Ok(());
    }
    periods::years(t).write_markdown(out)?;
    periods::sources(report).write_markdown(out)
}

/// `s` as literal Markdown text on one line: control characters escaped by [`printable`]
/// (a line break in a name cannot end a table row), then table pipes, HTML and emphasis
/// characters backslash-escaped.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        if matches!(c, '\\' | '|' | '<' | '>' | '*' | '_' | '`' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
