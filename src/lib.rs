//! tokencensus: an exact token census of training corpora.
//!
//! The data flow runs one way: a [`CountConfig`] becomes a [`plan::Plan`] (sources and files),
//! the [`engine`] counts the files on a rayon pool with a [`count::Counter`], and the merged
//! statistics become a [`report::Report`] that every output format renders.

pub mod bench;
pub mod checkpoint;
pub mod config;
pub mod count;
pub mod display;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod manifest;
pub mod media;
pub mod merge;
pub mod plan;
pub mod provenance;
pub mod read;
pub mod report;
pub mod signals;
pub mod stats;
pub mod verify;

pub use config::CountConfig;
pub use error::{ErrorKind, FatalError, InputError};
pub use report::Report;

use count::{Counter, load_tokenizer};
use engine::EngineOptions;
use manifest::Manifest;
use plan::Plan;
use report::{RunInfo, Settings, ShardRun, build_report};
use std::time::Instant;

/// The result of a count: the report and notes for the user that are not errors.
#[derive(Debug, Clone)]
pub struct Census {
    /// The complete report.
    pub report: Report,
    /// Notes such as a manifest pattern that matched nothing.
    pub warnings: Vec<String>,
}

/// A tokenizer ready to count, with its description; load it once to count many times.
pub struct PreparedCounter {
    route: count::Route,
    info: count::TokenizerInfo,
}

impl PreparedCounter {
    /// Loads the configured tokenizer and picks its counting route.
    pub fn new(config: &CountConfig) -> Result<Self, FatalError> {
        let loaded = load_tokenizer(&config.tokenizer, config.special_tokens)?;
        let info = loaded.info.clone();
        let route = count::choose_route(loaded, config.special_tokens, config.engine).map_err(
            |message| FatalError::Tokenizer {
                path: info.origin.clone(),
                message,
            },
        )?;
        Ok(Self { route, info })
    }

    /// The counter.
    pub fn counter(&self) -> &dyn Counter {
        self.route.counter.as_ref()
    }

    /// The tokenizer's description.
    pub fn info(&self) -> &count::TokenizerInfo {
        &self.info
    }

    /// Why the reference route counts although the fast one was allowed, if so.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.route.fallback_reason.as_deref()
    }
}

/// Runs a whole count: load the tokenizer, plan, tokenize on all threads, merge, report.
pub fn count(config: &CountConfig) -> Result<Census, FatalError> {
    config.validate()?;
    let (plan, signals) = plan_with_signals(config)?;
    count_plan(config, &plan, signals, &PreparedCounter::new(config)?)
}

/// Runs a count with an already loaded tokenizer (which must match `config`'s).
pub fn count_with(config: &CountConfig, prepared: &PreparedCounter) -> Result<Census, FatalError> {
    config.validate()?;
    let (plan, signals) = plan_with_signals(config)?;
    count_plan(config, &plan, signals, prepared)
}

pub(crate) fn make_plan(config: &CountConfig) -> Result<Plan, FatalError> {
    plan_with_signals(config).map(|(plan, _)| plan)
}

/// The plan, and the processing signals that the command line and the manifest ask for.
fn plan_with_signals(
    config: &CountConfig,
) -> Result<(Plan, Option<signals::SignalsConfig>), FatalError> {
    let manifest = config.manifest.as_deref().map(Manifest::load).transpose()?;
    let plan = match &manifest {
        Some(manifest) => Plan::from_manifest(manifest, &config.paths, &config.field_defaults())?,
        None => Plan::from_paths(&config.paths, &config.field_defaults())?,
    };
    let table = manifest.as_ref().and_then(|m| m.signals.as_ref());
    let signals = config.signals.resolve(table).map_err(FatalError::Usage)?;
    Ok((plan, signals))
}

fn count_plan(
    config: &CountConfig,
    plan: &Plan,
    signals: Option<signals::SignalsConfig>,
    prepared: &PreparedCounter,
) -> Result<Census, FatalError> {
    let options = EngineOptions {
        threads: config.threads,
        mmap: config.mmap,
        chunk_bytes: config.chunk_bytes,
        progress: config.progress,
        signals: signals.clone().map(signals::SignalsRun::new),
    };
    let started = Instant::now();
    let (plan, shard) = match &config.shard {
        Some((spec, origin)) => {
            let (part, plan_sha256) = plan.shard(*spec);
            let shard = ShardRun {
                index: spec.index,
                count: spec.count,
                plan_sha256,
                origin: origin.clone(),
            };
            (std::borrow::Cow::Owned(part), Some(shard))
        }
        None => (std::borrow::Cow::Borrowed(plan), None),
    };
    let (mut output, resumed_files) = match &config.checkpoint {
        Some(dir) => resume(dir, &plan, prepared, &options)?,
        None => (
            engine::run(&plan, prepared.counter(), &options, None)?,
            None,
        ),
    };
    if let Some(run) = &options.signals {
        let categories: Vec<_> = plan.sources.iter().map(|s| s.category).collect();
        run.finalize(&categories, &mut output.sources);
    }
    let settings = Settings {
        text_field: config.text_field.clone(),
        manifest: config.manifest.as_ref().map(|p| p.display().to_string()),
        signals,
        domains_listed: config.domains_listed,
    };
    let run = RunInfo {
        threads: config.threads,
        mmap: config.mmap,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        shard,
        merged_parts: None,
        resumed_files,
        estimate: None,
    };
    let engine = (prepared.counter().engine(), prepared.fallback_reason());
    let report = build_report(
        &plan.sources,
        &output,
        prepared.info(),
        engine,
        settings,
        run,
    );
    let mut warnings = plan.warnings.clone();
    warnings.extend(output.warnings);
    Ok(Census { report, warnings })
}

/// Counts `plan` with the checkpoint folder `dir`: files saved by earlier runs are taken from
/// there, the others counted (and saved as each finishes). Returns the output of the whole
/// plan and how many files were resumed.
fn resume(
    dir: &std::path::Path,
    plan: &Plan,
    prepared: &PreparedCounter,
    options: &EngineOptions,
) -> Result<(engine::EngineOutput, Option<u64>), FatalError> {
    let info = prepared.info();
    let mut context = format!(
        "tokencensus {} checkpoint v1\ntokenizer {}\tspecial tokens {}",
        env!("CARGO_PKG_VERSION"),
        info.sha256,
        info.special_tokens
    );
    // results saved with other signal settings (or none) are not taken
    if let Some(signals) = &options.signals {
        context += &format!("\tsignals {}", signals.config.fingerprint());
    }
    let store = checkpoint::CheckpointStore::open(dir, context)?;
    let mut restored = vec![stats::SourceStats::default(); plan.sources.len()];
    let mut restored_errors = Vec::new();
    let mut remaining = Plan {
        files: Vec::new(),
        ..plan.clone()
    };
    let mut keys = Vec::new();
    let mut resumed = 0;
    for file in &plan.files {
        let key = store.key(plan, file);
        match key.as_deref().and_then(|k| store.load(k)) {
            Some(saved) => {
                restored[file.source] += &saved.stats;
                restored_errors.extend(saved.errors);
                if let Some(run) = &options.signals {
                    run.restore(file.source, &saved.keys);
                }
                resumed += 1;
            }
            None => {
                remaining.files.push(file.clone());
                keys.push(key);
            }
        }
    }
    let checkpoint = checkpoint::Checkpoint {
        store: &store,
        keys,
    };
    let mut output = engine::run(&remaining, prepared.counter(), options, Some(&checkpoint))?;
    for (mine, theirs) in output.sources.iter_mut().zip(&restored) {
        *mine += theirs;
    }
    output.errors.extend(restored_errors);
    engine::sort_errors(&mut output.errors);
    Ok((output, Some(resumed)))
}
