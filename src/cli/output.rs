//! How a report leaves the program: the `--format` and `--output` arguments that `count`,
//! `estimate`, `merge`, `combine` and `report` share, and the writing of the rendered report.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use tokencensus::report::render::{OutputFormat, printable};
use tokencensus::{FatalError, Report};

/// Where and in which format a report is written.
#[derive(Debug, Args)]
pub(super) struct ReportOutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl ReportOutputArgs {
    /// Renders `report` in the chosen format to the chosen file (or stdout).
    pub(super) fn write(&self, report: &Report) -> Result<(), FatalError> {
        write_report(report, self.format.output(), self.output.as_ref())
    }
}

/// Output formats as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Aligned columns with human-readable numbers
    Table,
    /// The stable machine format (schema_version 1)
    Json,
    /// A model-card section: headline in words, exact tables, time frame, processing
    Markdown,
    /// The EU AI Act public summary of training content, quantitative parts (Markdown)
    EuSummary,
    /// One self-contained HTML page with charts and the exact tables
    Html,
    /// Croissant 1.1 JSON-LD with the Responsible AI (RAI) vocabulary
    Croissant,
    /// A Hugging Face dataset card (README.md): YAML metadata, then the census
    HfCard,
}

impl Format {
    /// The library's format.
    fn output(self) -> OutputFormat {
        match self {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Markdown => OutputFormat::Markdown,
            Format::EuSummary => OutputFormat::EuSummary,
            Format::Html => OutputFormat::Html,
            Format::Croissant => OutputFormat::Croissant,
            Format::HfCard => OutputFormat::HfCard,
        }
    }
}

/// Prints each warning on stderr (unless `quiet`), its names made printable.
pub(super) fn print_warnings(warnings: &[String], quiet: bool) {
    if quiet {
        return;
    }
    for warning in warnings {
        eprintln!("tokencensus: warning: {}", printable(warning));
    }
}

/// Renders `report` in `format` to `output` (or stdout).
fn write_report(
    report: &Report,
    format: OutputFormat,
    output: Option<&PathBuf>,
) -> Result<(), FatalError> {
    let mut rendered = Vec::new();
    format
        .renderer()
        .render(report, &mut rendered)
        .expect("rendering into memory cannot fail");
    let written = match output {
        Some(path) => std::fs::write(path, &rendered),
        None => std::io::stdout().lock().write_all(&rendered),
    };
    written.map_err(|e| FatalError::Io {
        path: output.cloned().unwrap_or_else(|| PathBuf::from("<stdout>")),
        message: e.to_string(),
    })
}
