//! Running a census: a validated [`CountConfig`] becomes a plan (sources and files, the
//! processing signals asked for, the shard to count), the engine counts it (resuming from a
//! checkpoint folder when one is given) and the statistics become the [`Report`].

mod files;
mod resume;

use crate::config::CountConfig;
use crate::count::{Tokenizer, TokenizerList};
use crate::engine::{self, EngineOptions};
use crate::error::FatalError;
use crate::manifest::Manifest;
use crate::plan::{Discovery, Plan};
use crate::report::{
    ChatTemplateReport, Report, RunInfo, Settings, ShardRun, TokenizerReport, build_report,
};
use crate::signals::{SignalsConfig, SignalsRun};
use std::borrow::Cow;
use std::time::Instant;

/// The result of a count: the report and notes for the user that are not errors.
#[derive(Debug, Clone)]
pub struct Census {
    /// The complete report.
    pub report: Report,
    /// Notes such as a manifest pattern that matched nothing.
    pub warnings: Vec<String>,
}

/// Runs a whole count: load the tokenizer, plan, tokenize on all threads, merge, report.
pub fn count(config: &CountConfig) -> Result<Census, FatalError> {
    config.validate()?;
    let config = &config.with_manifest_tokenizers()?;
    let planned = Planned::of(config)?;
    let tokenizer = config.load_tokenizer()?;
    config.with_tokenizers(&tokenizer, |list| count_plan(config, planned, list))
}

/// Runs a count with an already loaded tokenizer (which must match `config`'s primary one;
/// the configuration's other tokenizers are loaded here, on every call: a caller that counts
/// several times with several tokenizers loads them once and calls [`count_with_tokenizers`]).
pub fn count_with(config: &CountConfig, tokenizer: &Tokenizer) -> Result<Census, FatalError> {
    config.validate()?;
    let planned = Planned::of(config)?;
    config.with_tokenizers(tokenizer, |list| count_plan(config, planned, list))
}

/// Runs a count with every tokenizer already loaded: `tokenizers` are `config`'s primary
/// tokenizer and then its other tokenizers, in order, so nothing is loaded here. A list of
/// another length than the configuration's is a usage error.
pub fn count_with_tokenizers(
    config: &CountConfig,
    tokenizers: &[&Tokenizer],
) -> Result<Census, FatalError> {
    config.validate()?;
    let configured = 1 + config.more_tokenizers.len();
    if tokenizers.len() != configured {
        return Err(FatalError::Usage(format!(
            "the configuration names {configured} tokenizer(s), {} were given loaded",
            tokenizers.len()
        )));
    }
    let planned = Planned::of(config)?;
    let list = TokenizerList::new(tokenizers.to_vec())?;
    count_plan(config, planned, &list)
}

/// The plan of `config`'s corpus (sources and files), without counting anything.
pub fn plan(config: &CountConfig) -> Result<Plan, FatalError> {
    plan_with_signals(config).map(|(plan, _)| plan)
}

/// The plan, and the processing signals that the command line and the manifest ask for.
fn plan_with_signals(config: &CountConfig) -> Result<(Plan, Option<SignalsConfig>), FatalError> {
    let manifest = config.manifest.as_deref().map(Manifest::load).transpose()?;
    let discovery = Discovery::shown(config.progress);
    let plan = match &manifest {
        Some(manifest) => Plan::from_manifest(
            manifest,
            &config.paths,
            config.files_from.as_deref(),
            &config.field_defaults(),
            &discovery,
        )?,
        None => Plan::from_paths(
            &config.paths,
            config.files_from.as_deref(),
            &config.field_defaults(),
            &discovery,
        )?,
    };
    let table = manifest.as_ref().and_then(|m| m.signals.as_ref());
    let signals = config
        .signals
        .resolve(table)
        .map_err(|e| FatalError::Usage(e.to_string()))?;
    Ok((plan, signals))
}

/// A plan, the signals to compute, and how long planning took.
struct Planned {
    plan: Plan,
    signals: Option<SignalsConfig>,
    seconds: f64,
}

impl Planned {
    fn of(config: &CountConfig) -> Result<Self, FatalError> {
        let started = Instant::now();
        let (plan, signals) = plan_with_signals(config)?;
        Ok(Self {
            plan,
            signals,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// Counts the plan (or the configured shard of it) and builds the report.
fn count_plan(
    config: &CountConfig,
    planned: Planned,
    tokenizers: &TokenizerList,
) -> Result<Census, FatalError> {
    let Planned {
        plan,
        signals,
        seconds: plan_seconds,
    } = planned;
    let plan = &plan;
    let chat_template = config.load_chat_template()?;
    let options = EngineOptions {
        threads: config.threads,
        mmap: config.mmap,
        chunk_bytes: config.chunk_bytes,
        max_document_bytes: config.max_document_bytes,
        progress: config.progress,
        signals: signals.clone().map(SignalsRun::new),
        chat_template: chat_template.clone(),
        draw: None,
    };
    let started = Instant::now();
    let (plan, shard) = match &config.shard {
        Some(choice) => {
            let (part, plan_sha256) = plan.shard(choice.spec);
            let shard = ShardRun {
                index: choice.spec.index,
                count: choice.spec.count,
                plan_sha256,
                origin: choice.origin.clone(),
            };
            (Cow::Owned(part), Some(shard))
        }
        None => (Cow::Borrowed(plan), None),
    };
    let (mut output, resumed_files) = match &config.checkpoint {
        Some(dir) => {
            let resumed = resume::count_resuming(dir, &plan, tokenizers, &options)?;
            (resumed.output, Some(resumed.files))
        }
        None => (engine::run(&plan, tokenizers, &options, None)?, None),
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
        chat_template: chat_template
            .as_deref()
            .map(|t| ChatTemplateReport::of(&config.chat_template_origin(), t)),
    };
    let run = RunInfo {
        threads: config.threads,
        mmap: config.mmap,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        shard,
        merged_parts: None,
        combined_inputs: None,
        resumed_files,
        plan_seconds: Some(plan_seconds),
        estimate: None,
        from_memory: false,
        notes: std::mem::take(&mut output.notes),
    };
    let described = TokenizerReport::of_list(tokenizers);
    let mut report = build_report(
        &plan.sources,
        &output.sources,
        output.errors,
        described,
        settings,
        run,
    );
    attach_file_sets(&mut report, &plan);
    let mut warnings = plan.warnings.clone();
    warnings.extend(tokenizers.warnings());
    warnings.extend(output.warnings);
    Ok(Census { report, warnings })
}

/// Gives each source of `report` (built from `plan`, same order) the `file_set` of the files
/// `plan` gave it: for a count or shard, the files it counted; for an estimate, every planned
/// file of the corpus it estimates, sampled or not.
pub(crate) fn attach_file_sets(report: &mut Report, plan: &Plan) {
    for (source, files) in report.sources.iter_mut().zip(files::file_sets(plan)) {
        source.file_set = Some(files);
    }
}

#[cfg(test)]
mod tests;
