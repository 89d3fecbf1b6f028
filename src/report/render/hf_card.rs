//! The hf-card format: a Hugging Face dataset card (`README.md`): YAML front matter with
//! `pretty_name`, `size_categories` from the document count, the detected languages, one
//! `configs` entry per source with its `data_files` (the source's folder patterns), and
//! `[FILL IN]` for what a census cannot know (licence, task categories, description); then the
//! census itself, the Markdown format. Every YAML scalar is written as a JSON string, which
//! YAML reads as the same double-quoted string.

use super::markdown::{Markdown, escape};
use super::{Render, Report};
use std::io::{self, Write};

/// A Hugging Face dataset card.
pub struct HfCard;

/// What the card asks its author to write.
pub const FILL_IN: &str = "[FILL IN]";

/// The Hugging Face `size_categories` value of `documents`: `n<1K`, `1K<n<10K`, ... `n>1T`;
/// a count on a boundary belongs to the band it starts (exactly 1,000 is `1K<n<10K`).
pub fn size_category(documents: u64) -> &'static str {
    const BANDS: [(u64, &str); 10] = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
        (100_000_000, "10M<n<100M"),
        (1_000_000_000, "100M<n<1B"),
        (10_000_000_000, "1B<n<10B"),
        (100_000_000_000, "10B<n<100B"),
        (1_000_000_000_000, "100B<n<1T"),
    ];
    BANDS
        .iter()
        .find(|(below, _)| documents < *below)
        .map_or("n>1T", |(_, name)| name)
}

/// `value` as a YAML double-quoted scalar.
fn quoted(value: &str) -> String {
    serde_json::to_string(value).expect("a string serializes")
}

impl Render for HfCard {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let name = super::croissant::dataset_name(report);
        writeln!(out, "---")?;
        writeln!(out, "pretty_name: {}", quoted(&name))?;
        writeln!(out, "license: {}", quoted(FILL_IN))?;
        writeln!(out, "task_categories:\n- {}", quoted(FILL_IN))?;
        let estimate = report.totals.tally.estimate.as_ref();
        let documents = estimate.map_or(report.totals.tally.counts.documents, |e| e.documents);
        writeln!(
            out,
            "size_categories:\n- {}",
            quoted(size_category(documents))
        )?;
        let lang = report
            .totals
            .tally
            .signals
            .as_ref()
            .and_then(|s| s.lang.as_ref());
        if let Some(lang) = lang.filter(|l| !l.languages.is_empty()) {
            writeln!(out, "language:")?;
            for language in &lang.languages {
                writeln!(out, "- {}", quoted(&language.language))?;
            }
        }
        writeln!(out, "tags:\n- \"tokencensus\"")?;
        if !report.sources.is_empty() {
            writeln!(out, "configs:")?;
        }
        for source in &report.sources {
            writeln!(out, "- config_name: {}", quoted(&source.name))?;
            writeln!(out, "  data_files:")?;
            let patterns = source.file_set.as_ref().map(|f| f.patterns.as_slice());
            match patterns.filter(|p| !p.is_empty()) {
                Some(patterns) => {
                    for pattern in patterns {
                        writeln!(out, "  - split: \"train\"\n    path: {}", quoted(pattern))?;
                    }
                }
                None => writeln!(out, "  - split: \"train\"\n    path: {}", quoted(FILL_IN))?,
            }
        }
        writeln!(out, "---\n")?;
        writeln!(out, "# {}\n", escape(&name))?;
        let kind = match estimate {
            Some(_) => "is estimated from a sample (each figure with its interval)",
            None => "is exact",
        };
        writeln!(
            out,
            "{FILL_IN}: what this dataset is for, who made it, its licence and the tasks it serves. The census below was written by tokencensus {} and {kind}; the `data_files` patterns are where the counted files lay.\n",
            report.tool.version
        )?;
        Markdown.render(report, out)
    }
}
