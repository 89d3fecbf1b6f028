//! `tokencensus report`: renders a saved JSON report (from `count`, `merge` or a shard) in any
//! output format (table, json, markdown, eu-summary, html), so that one census can be published
//! in several forms without counting again.

use super::count::{Format, write_report};
use super::merge::read_report;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::FatalError;

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A JSON report written by `count --format json` or `merge --format json`.
    #[arg(value_name = "REPORT.json")]
    report: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the rendering to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `report`: 0 when the report was rendered.
pub fn run(args: ReportArgs) -> Result<ExitCode, FatalError> {
    let report = read_report(&args.report)?;
    write_report(&report, args.format.output(), args.output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}
