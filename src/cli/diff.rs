//! `tokencensus diff OLD.json NEW.json`: what changed between two censuses of a rolling
//! collection, each read through the same integrity check as `merge` and `report` (an altered
//! census is refused; one without a digest is compared with a warning).

use super::merge::read_report;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::report::integrity::Seal;
use tokencensus::report::render::printable;
use tokencensus::{DiffFormat, FatalError, diff_reports, render_diff};

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier census (`--format json` of count, merge or combine).
    #[arg(value_name = "OLD.json")]
    old: PathBuf,
    /// The later census.
    #[arg(value_name = "NEW.json")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the comparison to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The formats of `diff` as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Aligned columns
    Table,
    /// A JSON object
    Json,
    /// Markdown sections with pipe tables, for a changelog
    Markdown,
}

/// Runs `diff`: exit status 0 whether or not anything changed.
pub fn run(args: DiffArgs) -> Result<ExitCode, FatalError> {
    let read = |path: &PathBuf| -> Result<_, FatalError> {
        let (report, seal) = read_report(path)?;
        if seal == Seal::Missing {
            eprintln!(
                "tokencensus: warning: {} carries no integrity digest (written before reports had one, or with it removed): it is compared unverified",
                printable(&path.display().to_string())
            );
        }
        Ok(report)
    };
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let format = match args.format {
        Format::Table => DiffFormat::Table,
        Format::Json => DiffFormat::Json,
        Format::Markdown => DiffFormat::Markdown,
    };
    let text = render_diff(&diff_reports(&old, &new)?, format);
    let written = match &args.output {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    written.map_err(|e| FatalError::Io {
        path: args
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdout>")),
        message: e.to_string(),
    })?;
    Ok(ExitCode::SUCCESS)
}
