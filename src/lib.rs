//! tokencensus: an exact token census of training corpora.
//!
//! The data flow runs one way: a [`CountConfig`] becomes a [`plan::Plan`] (sources and files),
//! the [`engine`] counts the files on a rayon pool with a [`count::Counter`], and the merged
//! statistics become a [`report::Report`] that every output format renders.

pub mod config;
pub mod count;
pub mod engine;
pub mod error;
pub mod manifest;
pub mod plan;
pub mod read;
pub mod report;
pub mod stats;

pub use config::CountConfig;
pub use error::{ErrorKind, FatalError, InputError};
pub use report::Report;

use count::{Counter, ReferenceCounter, load_tokenizer};
use engine::EngineOptions;
use manifest::Manifest;
use plan::Plan;
use report::{RunInfo, Settings, build_report};
use std::time::Instant;

/// The result of a count: the report and notes for the user that are not errors.
#[derive(Debug, Clone)]
pub struct Census {
    /// The complete report.
    pub report: Report,
    /// Notes such as a manifest pattern that matched nothing.
    pub warnings: Vec<String>,
}

/// Runs a whole count: plan, tokenize on all threads, merge, report.
pub fn count(config: &CountConfig) -> Result<Census, FatalError> {
    config.validate()?;
    let plan = match &config.manifest {
        Some(path) => {
            Plan::from_manifest(&Manifest::load(path)?, &config.paths, &config.text_field)?
        }
        None => Plan::from_paths(&config.paths, &config.text_field)?,
    };
    let loaded = load_tokenizer(&config.tokenizer, config.special_tokens)?;
    let counter =
        ReferenceCounter::new(loaded.tokenizer, config.special_tokens).map_err(|message| {
            FatalError::Tokenizer {
                path: loaded.info.origin.clone(),
                message,
            }
        })?;
    let options = EngineOptions {
        threads: config.threads,
        mmap: config.mmap,
        chunk_bytes: config.chunk_bytes,
        progress: config.progress,
    };
    let started = Instant::now();
    let output = engine::run(&plan, &counter, &options)?;
    let settings = Settings {
        text_field: config.text_field.clone(),
        manifest: config.manifest.as_ref().map(|p| p.display().to_string()),
    };
    let run = RunInfo {
        threads: config.threads,
        mmap: config.mmap,
        elapsed_seconds: started.elapsed().as_secs_f64(),
    };
    let report = build_report(
        &plan,
        &output,
        &loaded.info,
        counter.engine(),
        settings,
        run,
    );
    Ok(Census {
        report,
        warnings: plan.warnings,
    })
}
