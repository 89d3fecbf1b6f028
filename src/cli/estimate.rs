//! `tokencensus estimate`: arguments, their conversion into an [`EstimateConfig`], what the
//! sample will read (said on stderr before counting), and output.

use super::corpus::{CorpusArgs, ThreadsArg};
use super::count::exit_status;
use super::output::{ReportOutputArgs, print_warnings};
use clap::Args;
use std::process::ExitCode;
use tokencensus::FatalError;
use tokencensus::report::render::{count_noun, human_bytes};
use tokencensus::{EstimateConfig, Population, SampleSize, estimate_sample};

/// Arguments of `estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    threads: ThreadsArg,
    /// Fraction of each source's (uncompressed) bytes to sample, above 0 and at most 1 [default: 0.01].
    #[arg(long, value_name = "FRACTION", conflicts_with = "sample_bytes")]
    sample: Option<f64>,
    /// Total bytes to sample instead, split across sources by size.
    #[arg(long, value_name = "N")]
    sample_bytes: Option<u64>,
    /// Seed of the random sample (the same seed draws the same sample).
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Confidence level of the intervals.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    confidence: f64,
    #[command(flatten)]
    out: ReportOutputArgs,
    /// Say nothing on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Read files instead of memory-mapping them (same results).
    #[arg(long)]
    no_mmap: bool,
}

impl EstimateArgs {
    fn config(&self) -> EstimateConfig {
        let mut count = self.corpus.config();
        self.threads.apply(&mut count);
        count.mmap = !self.no_mmap;
        let sample = match (self.sample, self.sample_bytes) {
            (_, Some(bytes)) => SampleSize::Bytes(bytes),
            (Some(fraction), None) => SampleSize::Fraction(fraction),
            (None, None) => SampleSize::Fraction(0.01),
        };
        EstimateConfig {
            count,
            sample,
            seed: self.seed,
            confidence: self.confidence,
        }
    }
}

/// Runs `estimate` and returns the exit status (1 when the sample met input errors).
pub fn run(args: EstimateArgs) -> Result<ExitCode, FatalError> {
    let config = args.config();
    config.validate()?;
    let config = EstimateConfig {
        count: config.count.with_manifest_tokenizers()?,
        ..config
    };
    let population = Population::discover(&config.count)?;
    let sample = population.draw(config.sample, config.seed);
    if !args.quiet {
        let streams = match sample.streams_read() {
            0 => String::new(),
            1 => "1 compressed stream read whole, its documents drawn as they pass; ".into(),
            n => format!("{n} compressed streams read whole, their documents drawn as they pass; "),
        };
        eprintln!(
            "tokencensus: estimate: reading {} of {} on disk ({:.2}% of each source's bytes sampled, seed {}; {streams}{} of {} counted whole)",
            human_bytes(sample.planned_bytes()),
            human_bytes(population.input_bytes()),
            100.0 * sample.fraction,
            sample.seed,
            sample.census_sources(),
            count_noun(sample.sources.len() as u64, "source", "sources")
        );
    }
    let prepared = config.count.load_tokenizer()?;
    let census = estimate_sample(&config, &population, &sample, &prepared)?;
    print_warnings(&census.warnings, args.quiet);
    args.out.write(&census.report)?;
    Ok(exit_status(&census.report))
}
