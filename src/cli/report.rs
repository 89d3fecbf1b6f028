//! `tokencensus report`: renders a saved JSON report (from `count`, `merge` or a shard) in any
//! output format (table, json, markdown, eu-summary, html), so that one census can be published
//! in several forms without counting again.

use super::merge::read_report;
use super::output::ReportOutputArgs;
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
    #[command(flatten)]
    out: ReportOutputArgs,
}

/// Runs `report`: 0 when the report was rendered.
pub fn run(args: ReportArgs) -> Result<ExitCode, FatalError> {
    let report = read_report(&args.report)?;
    args.out.write(&report)?;
    Ok(ExitCode::SUCCESS)
}
