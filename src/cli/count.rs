//! `tokencensus count`: arguments, their conversion into a [`CountConfig`], and output.

use super::corpus::{CorpusArgs, ProvenanceArgs, ThreadsArg};
use super::output::{ReportOutputArgs, print_warnings};
use super::shard::ShardArgs;
use super::signals::SignalsArgs;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::count::RouteChoice;
use tokencensus::{CountConfig, FatalError, Report};

/// Arguments of `count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    threads: ThreadsArg,
    #[command(flatten)]
    provenance: ProvenanceArgs,
    #[command(flatten)]
    shard: ShardArgs,
    #[command(flatten)]
    signals: SignalsArgs,
    /// Counting route: the exact fast route where it applies (auto), or always the tokenizers crate.
    #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
    engine: EngineArg,
    #[command(flatten)]
    out: ReportOutputArgs,
    /// No progress bar and no warnings on stderr; errors are still said (a fatal error, or the one-line summary of input errors, which exit status 1 also signals).
    #[arg(long, short)]
    quiet: bool,
    /// Read files instead of memory-mapping them (same results; for file systems where mmap fails).
    #[arg(long)]
    no_mmap: bool,
    /// Save each finished file's result in DIR and skip files already saved there (resume after a crash).
    #[arg(long, value_name = "DIR")]
    checkpoint: Option<PathBuf>,
    /// Split large uncompressed files into ranges of this many bytes [default: 4 MiB].
    #[arg(long, value_name = "BYTES")]
    chunk_size: Option<usize>,
}

/// Counting routes as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineArg {
    Auto,
    Reference,
}

impl CountArgs {
    fn config(&self) -> Result<CountConfig, FatalError> {
        let mut config = self.corpus.config();
        self.threads.apply(&mut config);
        self.provenance.apply(&mut config);
        config.shard = self.shard.resolve()?;
        self.signals.apply(&mut config);
        config.routes = match self.engine {
            EngineArg::Auto => RouteChoice::Auto,
            EngineArg::Reference => RouteChoice::Reference,
        };
        config.mmap = !self.no_mmap;
        config.checkpoint = self.checkpoint.clone();
        if let Some(chunk) = self.chunk_size {
            config.chunk_bytes = chunk;
        }
        config.progress = !self.quiet && std::io::stderr().is_terminal();
        Ok(config)
    }
}

/// Runs `count` and returns the exit status.
pub fn run(args: CountArgs) -> Result<ExitCode, FatalError> {
    let config = args.config()?;
    if let (Some(shard), false) = (&config.shard, args.quiet) {
        eprintln!(
            "tokencensus: counting shard {}/{} (from {})",
            shard.spec.index, shard.spec.count, shard.origin
        );
    }
    let census = tokencensus::count(&config)?;
    // When nothing at all was counted, the warnings are the explanation: never hide them.
    let nothing_counted = census.report.totals.tally.counts.files == 0;
    print_warnings(&census.warnings, args.quiet && !nothing_counted);
    args.out.write(&census.report)?;
    Ok(exit_status(&census.report))
}

/// 1 when the report lists input errors (a one-line summary goes to stderr, with or without
/// `--quiet`: an error is never silent), else 0. `count`, `estimate`, `merge` and `report` all
/// exit by this one rule.
pub(super) fn exit_status(report: &Report) -> ExitCode {
    let errors = &report.errors;
    if let Some(first) = errors.first() {
        eprintln!(
            "tokencensus: {} input error{} (first: {first}); everything else was counted",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
