//! Output formats: one module per format behind the small [`Render`] trait; each reads only
//! the [`Report`].

mod chat;
mod counts;
pub mod croissant;
mod croissant_rai;
mod estimate;
mod estimate_note;
pub(crate) mod eu_sizes;
mod eu_sources;
mod eu_summary;
pub(crate) mod grid;
mod headline;
pub mod hf_card;
mod html;
mod json;
mod markdown;
mod modality;
mod periods;
mod processing;
mod provenance;
pub mod signals;
mod table;
mod tokenizers;
pub mod words;

pub use crate::display::{
    count_noun, hours, human_bytes, human_count, human_duration, percent, plural, printable,
    printable_lines, share, thousands,
};

use super::Report;
use std::io::{self, Write};

/// Writes a report in one format.
pub trait Render {
    /// Writes `report` to `out`.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats of `count`, `estimate`, `merge`, `combine` and `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// An aligned table with human-readable numbers.
    #[default]
    Table,
    /// The stable machine format.
    Json,
    /// A Markdown model-card section: headline in words, exact tables, time frame, processing.
    Markdown,
    /// The quantitative parts of the EU AI Act public summary of training content (Markdown).
    EuSummary,
    /// One self-contained HTML page with charts and the exact tables.
    Html,
    /// A Croissant 1.1 JSON-LD description with the Responsible AI vocabulary.
    Croissant,
    /// A Hugging Face dataset card: YAML metadata, then the Markdown census.
    HfCard,
}

impl OutputFormat {
    /// The renderer of this format. Every format but JSON and Croissant (which escape in their own way) is
    /// written through [`printable_lines`]: no control character of a name reaches a terminal
    /// raw.
    pub fn renderer(self) -> Box<dyn Render> {
        match self {
            OutputFormat::Table => Box::new(Printable(table::Table)),
            OutputFormat::Json => Box::new(json::Json),
            OutputFormat::Markdown => Box::new(Printable(markdown::Markdown)),
            OutputFormat::EuSummary => Box::new(Printable(eu_summary::EuSummary)),
            OutputFormat::Html => Box::new(Printable(html::Html)),
            OutputFormat::Croissant => Box::new(croissant::Croissant),
            OutputFormat::HfCard => Box::new(Printable(hf_card::HfCard)),
        }
    }
}

/// A renderer whose output keeps its line breaks but has every other control character (and
/// bidirectional formatting character) escaped by [`printable_lines`]: a file or source name
/// cannot clear the screen or fake a line, whichever part of a format prints it.
struct Printable<R>(R);

impl<R: Render> Render for Printable<R> {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut written = Vec::new();
        self.0.render(report, &mut written)?;
        let text = String::from_utf8_lossy(&written);
        out.write_all(printable_lines(&text).as_bytes())
    }
}

/// A warning line for reports that do not cover the whole corpus (a shard), else `None`.
fn partial_line(report: &Report) -> Option<String> {
    report.run.shard.as_ref().map(|s| {
        format!(
            "PARTIAL COUNT: shard {}/{} of the corpus (from {}); merge all shards with `tokencensus merge` for the whole census",
            s.index, s.count, s.origin
        )
    })
}

/// One line describing the tokenizer, shared by the human-readable formats.
fn tokenizer_line(report: &Report) -> String {
    let t = &report.tokenizer;
    format!(
        "{} tokenizer (sha256 {}, {} tokens in vocabulary, special tokens {}; counted by {})",
        t.name,
        &t.sha256[..t.sha256.len().min(12)],
        thousands(t.vocab_size),
        if t.special_tokens {
            "added"
        } else {
            "not added"
        },
        t.engine
    )
}
