//! `tokencensus bench`: arguments, their conversion into a [`BenchConfig`], and output.

use super::corpus::CorpusArgs;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::FatalError;
use tokencensus::{BenchConfig, run_bench};
use tokencensus::{BenchFormat, render_bench as render};

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// Thread counts to measure, comma-separated [default: 1 and all cores].
    #[arg(long, short = 'j', value_name = "N,N,...", value_delimiter = ',')]
    threads: Vec<usize>,
    /// Timed runs of the whole count per thread count and route (the median is reported).
    #[arg(long, value_name = "N", default_value_t = 3)]
    runs: usize,
    /// Size of the full corpus to project to, in bytes [default: the sizes of the benched files].
    #[arg(long, value_name = "N")]
    corpus_bytes: Option<u64>,
    /// Machines of this kind the projection spreads the corpus over.
    #[arg(long, value_name = "M", default_value_t = 1)]
    machines: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the results to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Output formats as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

impl BenchArgs {
    fn config(&self) -> BenchConfig {
        let mut config = BenchConfig::new(self.corpus.config());
        if !self.threads.is_empty() {
            config.threads = self.threads.clone();
        }
        config.runs = self.runs;
        config.corpus_bytes = self.corpus_bytes;
        config.machines = self.machines;
        config
    }
}

/// Runs `bench`: exit 0, or 1 when the two routes (or two runs) counted different totals.
pub fn run(args: BenchArgs) -> Result<ExitCode, FatalError> {
    let report = run_bench(&args.config())?;
    let format = match args.format {
        Format::Table => BenchFormat::Table,
        Format::Json => BenchFormat::Json,
    };
    let rendered = render(&report, format);
    let written = match &args.output {
        Some(path) => std::fs::write(path, &rendered),
        None => std::io::stdout().lock().write_all(rendered.as_bytes()),
    };
    written.map_err(|e| FatalError::Io {
        path: args.output.unwrap_or_else(|| PathBuf::from("<stdout>")),
        message: e.to_string(),
    })?;
    if !report.tokens_agree {
        let totals: Vec<String> = report
            .routes
            .iter()
            .flat_map(|r| {
                r.throughput
                    .iter()
                    .map(move |t| format!("{} {}t {:?}", r.route, t.threads, t.tokens))
            })
            .collect();
        eprintln!(
            "tokencensus: error: TOKEN TOTALS DIFFER between routes or runs ({}); this is a bug, please report it with `verify`'s output",
            totals.join("; ")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
