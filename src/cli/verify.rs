//! `tokencensus verify`: compare the fast route with the `tokenizers` crate on a random sample.

use super::corpus::{CorpusArgs, ThreadsArg};
use clap::Args;
use std::process::ExitCode;
use tokencensus::FatalError;
use tokencensus::report::render::{plural, printable, thousands};

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    threads: ThreadsArg,
    /// How many documents to sample uniformly from the whole corpus.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    sample: usize,
    /// Seed of the random sample (the same seed picks the same documents).
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
}

/// Runs `verify`: exit 0 when every sampled document counts the same, 1 on any difference.
pub fn run(args: VerifyArgs) -> Result<ExitCode, FatalError> {
    let mut config = args.corpus.config();
    args.threads.apply(&mut config);
    let v = tokencensus::verify(&config, args.sample, args.seed)?;
    let Some(engine) = &v.fast_engine else {
        println!(
            "no fast route for this tokenizer ({}); `count` uses the tokenizers crate itself, so there is nothing to verify",
            v.fallback_reason.as_deref().unwrap_or("unknown reason")
        );
        return Ok(ExitCode::SUCCESS);
    };
    println!(
        "compared {} of {} {} ({} {}) between {engine} and tokenizers-0.23 (seed {})",
        thousands(v.sampled),
        thousands(v.documents_seen),
        plural(v.documents_seen, "document", "documents"),
        thousands(v.sampled_tokens),
        plural(v.sampled_tokens, "token", "tokens"),
        args.seed
    );
    if v.unreadable > 0 {
        println!(
            "{} unreadable records or files were skipped (`count` lists them)",
            thousands(v.unreadable)
        );
    }
    let Some(first) = v.mismatches.first() else {
        println!("all counts are identical");
        return Ok(ExitCode::SUCCESS);
    };
    let d = &first.document;
    let path = printable(&d.path);
    let place = d.line.map_or(path.to_string(), |l| format!("{path}:{l}"));
    println!(
        "MISMATCH in {} of {} {}; first at {place}: {engine} counts {}, tokenizers-0.23 counts {}",
        v.mismatches.len(),
        v.sampled,
        plural(v.sampled, "document", "documents"),
        first.fast,
        first.reference
    );
    let preview: String = d.text.chars().take(200).collect();
    println!("text begins: {preview:?}");
    Ok(ExitCode::from(1))
}
