//! `tokencensus combine`: joins complete censuses of different corpora or collection windows
//! into the census of their union, each input read through the same integrity check as
//! `merge` (an altered input, or one without a digest, is refused by name). What it writes in
//! JSON is sealed anew.

use super::count::exit_status;
use super::merge::read_report;
use super::output::ReportOutputArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::report::integrity::Seal;
use tokencensus::{CensusInput, FatalError, combine_reports};

/// Arguments of `combine`.
#[derive(Debug, Args)]
pub struct CombineArgs {
    /// Complete censuses (`count`, `merge` or `combine` with `--format json`), in any order.
    #[arg(value_name = "CENSUS.json", required = true)]
    censuses: Vec<PathBuf>,
    #[command(flatten)]
    out: ReportOutputArgs,
}

/// Runs `combine` and returns the exit status (1 when the combined census lists input errors).
pub fn run(args: CombineArgs) -> Result<ExitCode, FatalError> {
    let inputs = args
        .censuses
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let (report, seal) = read_report(path)?;
            if seal == Seal::Missing {
                return Err(FatalError::Combine(format!(
                    "{name} carries no integrity digest (written before reports had one, or with it removed): combine takes only censuses as tokencensus wrote them"
                )));
            }
            Ok(CensusInput { name, report })
        })
        .collect::<Result<Vec<_>, FatalError>>()?;
    let combined = combine_reports(&inputs)?;
    args.out.write(&combined)?;
    Ok(exit_status(&combined))
}
