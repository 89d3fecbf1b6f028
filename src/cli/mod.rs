//! Command-line parsing (clap) and dispatch. Nothing below this module sees clap: each
//! subcommand's arguments are turned into a library configuration first.

mod bench;
mod combine;
mod corpus;
mod count;
mod diff;
mod estimate;
mod merge;
mod output;
mod report;
mod shard;
mod signals;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use tokencensus::FatalError;

/// Exact token census of training corpora: documents, bytes and tokens per source.
#[derive(Debug, Parser)]
#[command(name = "tokencensus", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Count documents, bytes and tokens of a corpus, per source and category.
    Count(count::CountArgs),
    /// Estimate tokens and documents per source from an exactly counted random sample, with confidence intervals.
    Estimate(estimate::EstimateArgs),
    /// Merge the JSON reports of every shard of a sharded count into the report of the whole corpus.
    Merge(merge::MergeArgs),
    /// Combine complete censuses of different corpora or collection windows (same tokenizer and settings) into the census of their union.
    Combine(combine::CombineArgs),
    /// Show what changed between two censuses: per source, category, modality and month, appeared and vanished sources, EU size bands.
    Diff(diff::DiffArgs),
    /// Render a saved JSON report in any format (table, json, markdown, eu-summary, html) without counting again.
    Report(report::ReportArgs),
    /// Re-count a random sample of documents with the tokenizers crate and compare with the fast route.
    Verify(verify::VerifyArgs),
    /// Measure counting speed on sample shards (fast route vs tokenizers crate) and project a full count.
    Bench(bench::BenchArgs),
}

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> Result<ExitCode, FatalError> {
    match Cli::parse().command {
        Command::Count(args) => count::run(args),
        Command::Estimate(args) => estimate::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Combine(args) => combine::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Report(args) => report::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
