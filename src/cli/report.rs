//! `tokencensus report`: renders a saved JSON report (from `count`, `merge` or a shard) in any
//! output format (table, json, markdown, eu-summary, html), so that one census can be published
//! in several forms without counting again. A report whose integrity digest does not match is
//! refused; one without a digest (older, or stripped) is rendered with a warning.

use super::count::exit_status;
use super::merge::read_report;
use super::output::ReportOutputArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::FatalError;
use tokencensus::report::integrity::Seal;
use tokencensus::report::render::printable;

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A JSON report written by `count --format json` or `merge --format json`.
    #[arg(value_name = "REPORT.json")]
    report: PathBuf,
    #[command(flatten)]
    out: ReportOutputArgs,
}

/// Runs `report` and returns the exit status: like `count` and `merge`, 1 when the census it
/// renders lists input errors (with the one-line summary on stderr), else 0.
pub fn run(args: ReportArgs) -> Result<ExitCode, FatalError> {
    let (report, seal) = read_report(&args.report)?;
    if seal == Seal::Missing {
        eprintln!(
            "tokencensus: warning: {} carries no integrity digest (written before reports had one, or with it removed): its figures are rendered unverified",
            printable(&args.report.display().to_string())
        );
    }
    args.out.write(&report)?;
    Ok(exit_status(&report))
}
