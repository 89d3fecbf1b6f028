//! `tokencensus merge`: combines the JSON reports of every shard of a sharded count into the
//! report of the whole corpus, after checking each part's integrity digest: an altered part, or
//! one without a digest, is refused by name.

use super::count::exit_status;
use super::output::ReportOutputArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::read::small_file::{MAX_REPORT_BYTES, read_small_text};
use tokencensus::report::integrity::{self, Seal};
use tokencensus::{FatalError, Report};
use tokencensus::{Part, merge_parts};

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard reports (`count --shard I/N --format json`), one per shard, in any order.
    #[arg(value_name = "PART.json", required = true)]
    parts: Vec<PathBuf>,
    #[command(flatten)]
    out: ReportOutputArgs,
}

/// Runs `merge` and returns the exit status (1 when the merged census lists input errors).
pub fn run(args: MergeArgs) -> Result<ExitCode, FatalError> {
    let parts = args
        .parts
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let (report, seal) = read_report(path)?;
            if seal == Seal::Missing {
                return Err(FatalError::Merge(format!(
                    "{name} carries no integrity digest (written before reports had one, or with it removed): merge takes only parts as count wrote them; count that shard again"
                )));
            }
            Ok(Part { name, report })
        })
        .collect::<Result<Vec<_>, FatalError>>()?;
    let merged = merge_parts(&parts)?;
    args.out.write(&merged)?;
    Ok(exit_status(&merged))
}

/// Reads a saved JSON report and checks its integrity digest: the report and whether it carried
/// one; not a report, or altered, is fatal, naming the file.
pub(super) fn read_report(path: &std::path::Path) -> Result<(Report, Seal), FatalError> {
    let io = |message: String| FatalError::Io {
        path: path.to_path_buf(),
        message,
    };
    let text = read_small_text(path, MAX_REPORT_BYTES, "report").map_err(|e| io(e.to_string()))?;
    integrity::read(&text).map_err(|e| io(e.to_string()))
}
