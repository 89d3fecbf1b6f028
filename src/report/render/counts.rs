//! The counts tables of the human-readable formats: per source, per category and in total, the
//! files, documents, bytes and tokens of each tally and its tokens per text document. The table
//! format prints them as one table of human-readable figures; Markdown and HTML print exact
//! figures in a sources table, a categories table and a tokens-per-document table.

use super::grid::Grid;
use super::{Report, human_bytes, human_count, share, thousands};
use crate::stats::DistributionSummary;
use crate::stats::Tally;

/// One figure of a tally: a column of the counts tables.
#[derive(Debug, Clone, Copy)]
enum Figure {
    Files,
    Documents,
    TextBytes,
    InputBytes,
    Tokens,
    ShareOfTokens,
    BytesPerToken,
    Min,
    Mean,
    P50,
    P90,
    P99,
    Max,
}

/// How a figure is written: human-readable (`1.23 M`, `41.7 MB`) or exact (`1,234,567`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbers {
    Human,
    Exact,
}

impl Numbers {
    /// How a count is written.
    fn count(self) -> fn(u64) -> String {
        match self {
            Numbers::Human => human_count,
            Numbers::Exact => thousands,
        }
    }

    /// How a size in bytes is written.
    fn bytes(self) -> fn(u64) -> String {
        match self {
            Numbers::Human => human_bytes,
            Numbers::Exact => thousands,
        }
    }
}

impl Figure {
    /// The figure of `t` (`-` when it has none); shares are of `whole_tokens`.
    fn cell(self, t: &Tally, whole_tokens: u64, numbers: Numbers) -> String {
        let count = numbers.count();
        let bytes = numbers.bytes();
        let c = &t.counts;
        let d = t.tokens_per_document;
        let per_document = |pick: fn(&DistributionSummary) -> u64| {
            d.as_ref().map_or("-".into(), |d| count(pick(d)))
        };
        match self {
            Figure::Files => count(c.files),
            Figure::Documents => count(c.documents),
            Figure::TextBytes => bytes(c.bytes),
            Figure::InputBytes => bytes(c.input_bytes),
            Figure::Tokens => count(c.tokens),
            Figure::ShareOfTokens => share(c.tokens, whole_tokens),
            Figure::BytesPerToken => t.bytes_per_token.map_or("-".into(), |b| format!("{b:.2}")),
            Figure::Mean => d.map_or("-".into(), |d| format!("{:.1}", d.mean)),
            Figure::Min => per_document(|d| d.min),
            Figure::P50 => per_document(|d| d.p50),
            Figure::P90 => per_document(|d| d.p90),
            Figure::P99 => per_document(|d| d.p99),
            Figure::Max => per_document(|d| d.max),
        }
    }
}

/// The figure columns of the table format.
const HUMAN: [(&str, Figure); 12] = [
    ("files", Figure::Files),
    ("documents", Figure::Documents),
    ("bytes", Figure::TextBytes),
    ("input", Figure::InputBytes),
    ("tokens", Figure::Tokens),
    ("bytes/tok", Figure::BytesPerToken),
    ("min", Figure::Min),
    ("mean", Figure::Mean),
    ("p50", Figure::P50),
    ("p90", Figure::P90),
    ("p99", Figure::P99),
    ("max", Figure::Max),
];

/// The figure columns of the exact sources and categories tables (HTML leaves out the last).
const EXACT: [(&str, Figure); 8] = [
    ("Files", Figure::Files),
    ("Documents", Figure::Documents),
    ("Text bytes (UTF-8)", Figure::TextBytes),
    ("Input bytes", Figure::InputBytes),
    ("Tokens", Figure::Tokens),
    ("Share of tokens", Figure::ShareOfTokens),
    ("Bytes per token", Figure::BytesPerToken),
    ("Median tokens per document", Figure::P50),
];

/// The figure columns of the tokens-per-document table.
const DISTRIBUTION: [(&str, Figure); 6] = [
    ("Min", Figure::Min),
    ("Mean", Figure::Mean),
    ("p50", Figure::P50),
    ("p90", Figure::P90),
    ("p99", Figure::P99),
    ("Max", Figure::Max),
];

/// Which exact format a table is for: Markdown and HTML differ in a few columns and rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown: the median tokens per document beside the counts, a category's number of
    /// sources without separators, the categories in the tokens-per-document table.
    Markdown,
    /// HTML: no median column (the distribution table has it), separators everywhere, sources
    /// and the total only in the tokens-per-document table.
    Html,
}

/// The rows of one counts table: labels (the first `left` flush left) then figure columns,
/// shares of the report's tokens.
struct Rows<'a> {
    grid: Grid,
    columns: &'a [(&'a str, Figure)],
    numbers: Numbers,
    whole_tokens: u64,
}

impl<'a> Rows<'a> {
    fn new(
        report: &Report,
        (labels, left): (&[&str], usize),
        columns: &'a [(&'a str, Figure)],
        numbers: Numbers,
    ) -> Self {
        let headers: Vec<&str> = (labels.iter().copied())
            .chain(columns.iter().map(|(header, _)| *header))
            .collect();
        Rows {
            grid: Grid::new(&headers, left),
            columns,
            numbers,
            whole_tokens: report.totals.tally.counts.tokens,
        }
    }

    fn cells(&self, labels: Vec<String>, t: &Tally) -> Vec<String> {
        let figures =
            (self.columns.iter()).map(|(_, f)| f.cell(t, self.whole_tokens, self.numbers));
        labels.into_iter().chain(figures).collect()
    }

    fn row(&mut self, labels: Vec<String>, t: &Tally) {
        let cells = self.cells(labels, t);
        self.grid.row(cells);
    }

    fn total(&mut self, labels: Vec<String>, t: &Tally) {
        let cells = self.cells(labels, t);
        self.grid.total(cells);
    }
}

/// The table format's one table, human-readable: every source, then (when there are several
/// sources or categories) every category, then the total.
pub fn human(report: &Report) -> Grid {
    let mut rows = Rows::new(report, (&["source", "category"], 2), &HUMAN, Numbers::Human);
    for s in &report.sources {
        rows.row(vec![s.name.clone(), s.category.name().into()], &s.tally);
    }
    if report.categories.len() > 1 || report.sources.len() > 1 {
        rows.grid.rule();
        for c in &report.categories {
            let plural = if c.sources == 1 { "" } else { "s" };
            let labels = vec![
                format!("[{}]", c.category.name()),
                format!("{} source{plural}", c.sources),
            ];
            rows.row(labels, &c.tally);
        }
    }
    rows.grid.rule();
    rows.total(vec!["total".into(), String::new()], &report.totals.tally);
    rows.grid
}

/// Every source with its category, then the total, exact.
pub fn sources(report: &Report, format: Format) -> Grid {
    let columns = exact_columns(format);
    let mut rows = Rows::new(
        report,
        (&["Source", "Category"], 2),
        columns,
        Numbers::Exact,
    );
    for s in &report.sources {
        rows.row(vec![s.name.clone(), s.category.name().into()], &s.tally);
    }
    rows.total(vec!["Total".into(), String::new()], &report.totals.tally);
    rows.grid
}

/// Every category with its number of sources, exact.
pub fn categories(report: &Report, format: Format) -> Grid {
    let columns = exact_columns(format);
    let mut rows = Rows::new(
        report,
        (&["Category", "Sources"], 1),
        columns,
        Numbers::Exact,
    );
    for c in &report.categories {
        let sources = match format {
            Format::Markdown => c.sources.to_string(),
            Format::Html => thousands(c.sources),
        };
        rows.row(vec![c.category.name().into(), sources], &c.tally);
    }
    rows.grid
}

fn exact_columns(format: Format) -> &'static [(&'static str, Figure)] {
    match format {
        Format::Markdown => &EXACT,
        Format::Html => &EXACT[..7],
    }
}

/// Tokens per text document of every source (and, in Markdown, every category), then the
/// total, exact.
pub fn distribution(report: &Report, format: Format) -> Grid {
    let mut rows = Rows::new(report, (&["Source"], 1), &DISTRIBUTION, Numbers::Exact);
    for s in &report.sources {
        rows.row(vec![s.name.clone()], &s.tally);
    }
    if format == Format::Markdown {
        for c in &report.categories {
            rows.row(vec![format!("{} (category)", c.category.name())], &c.tally);
        }
    }
    rows.total(vec!["Total".into()], &report.totals.tally);
    rows.grid
}
