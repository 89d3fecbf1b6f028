//! The table format: aligned columns with human-readable numbers, for a terminal.

use super::{
    Render, Report, chat, count_noun, counts, modality, signals, tokenizer_line, tokenizers,
};
use std::io::{self, Write};

/// An aligned plain-text table.
pub struct Table;

/// How many errors the table lists before pointing to the JSON format.
const ERRORS_SHOWN: usize = 10;

impl Render for Table {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if let Some(partial) = super::partial_line(report) {
            writeln!(out, "{partial}")?;
        }
        super::estimate::write_text(report, out)?;
        writeln!(out, "{}", tokenizer_line(report))?;
        writeln!(
            out,
            "tokens per document: min, mean, median (p50), p90, p99, max\n"
        )?;
        counts::human(report).write_text(out)?;
        if tokenizers::has_several(report) {
            writeln!(out, "\n{}:\n", tokenizers::HEADING)?;
            tokenizers::comparison(report, false).write_text(out)?;
        }
        if modality::has_media(report) {
            writeln!(
                out,
                "\nby modality (tokens of images, sounds and videos under each source's token models):\n"
            )?;
            modality::human(report).write_text(out)?;
        }
        if chat::has_chat(report) {
            writeln!(
                out,
                "\nconversations (turns are messages per conversation):\n"
            )?;
            chat::conversations(report, false).write_text(out)?;
            writeln!(out, "\nby role (tokens of the messages' text contents):\n")?;
            chat::roles(report, false).write_text(out)?;
        }
        for (title, grid) in signals::human(report) {
            writeln!(out, "\n{title}:\n")?;
            grid.write_text(out)?;
        }
        if super::provenance::has_provenance(report) {
            super::provenance::write_lines(report, out)?;
        }
        if !report.errors.is_empty() {
            let n = report.errors.len() as u64;
            writeln!(out, "\n{}:", count_noun(n, "input error", "input errors"))?;
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
