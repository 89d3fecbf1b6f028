//! `estimate`: an honest estimate of a corpus's tokens and documents from an exactly counted
//! random sample, with confidence intervals. The corpus is discovered as for `count`
//! ([`Population::discover`]: the plan, and each file's size from what the file records,
//! see [`probe`]); each source is sampled ([`design`], [`sample`]) or, when small, counted whole;
//! the drawn units are counted exactly by the ordinary engine ([`measure`]), and compressed
//! streams too few to draw whole are read whole with their documents drawn as they pass
//! ([`stream`]); a stratified ratio estimator scales them to each source's known size
//! ([`estimator`], [`figures`]); and the report carries the sample's exact counts in its tallies
//! and the estimates in `estimate`.

pub mod design;
pub mod estimator;
pub mod figures;
pub mod measure;
pub mod probe;
pub mod sample;
pub mod stream;

use crate::census::Census;
use crate::config::CountConfig;
use crate::count::{Tokenizer, TokenizerList};
use crate::engine::EngineOptions;
use crate::error::{FatalError, sort_errors};
use crate::plan::Plan;
use crate::report::{
    ChatTemplateReport, EstimateRun, Report, RunInfo, Settings, TokenizerReport, build_report,
};
use crate::stats::{Estimate, Tally};
use figures::{Figures, UnitSize};
use probe::FileProbe;
use rayon::prelude::*;
use sample::{Coverage, Slot, SlotKind, SourceSample};
use std::time::Instant;

/// How much to sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleSize {
    /// This fraction of each source's bytes (0 < f ≤ 1).
    Fraction(f64),
    /// This many bytes in all, split across sources by size (the same fraction for each).
    Bytes(u64),
}

/// Everything `estimate` needs to know.
#[derive(Debug, Clone)]
pub struct EstimateConfig {
    /// What to read and how to count it (no shard, no checkpoint).
    pub count: CountConfig,
    /// How much to sample.
    pub sample: SampleSize,
    /// The seed of the draws.
    pub seed: u64,
    /// The intervals' confidence level (0 < c < 1).
    pub confidence: f64,
}

impl EstimateConfig {
    /// Checks that the options can be acted on.
    pub fn validate(&self) -> Result<(), FatalError> {
        self.count.validate()?;
        let usage = |m: &str| Err(FatalError::Usage(m.into()));
        if self.count.shard.is_some() || self.count.checkpoint.is_some() {
            return usage("estimate counts a sample: it takes neither shards nor checkpoints");
        }
        match self.sample {
            SampleSize::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return usage("--sample must be a fraction above 0 and at most 1, such as 0.05");
            }
            SampleSize::Bytes(0) => return usage("--sample-bytes must be at least 1"),
            _ => {}
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return usage("--confidence must be above 0 and below 1, such as 0.95");
        }
        Ok(())
    }
}

/// The corpus to estimate: its plan, and every planned file's size probe (same order).
#[derive(Debug, Clone)]
pub struct Population {
    /// Sources, files and discovery problems, as `count` plans them.
    pub plan: Plan,
    /// Per planned file, where its size comes from.
    pub probes: Vec<FileProbe>,
}

impl Population {
    /// Plans the corpus of `config` and probes every file's size (on `config.threads` threads).
    pub fn discover(config: &CountConfig) -> Result<Self, FatalError> {
        config.validate()?;
        let plan = crate::census::plan(config)?;
        let pool = crate::count::worker_pool(config.threads).map_err(FatalError::Usage)?;
        let probes = pool.install(|| {
            plan.files
                .par_iter()
                .map(|f| probe::probe(f, &plan.sources[f.source].text_field))
                .collect()
        });
        Ok(Population { plan, probes })
    }

    /// Input bytes of the whole corpus on disk.
    pub fn input_bytes(&self) -> u64 {
        self.plan.files.iter().map(|f| f.size).sum()
    }

    /// The corpus's content bytes: uncompressed sizes where known, compressed ones elsewhere.
    pub fn content_bytes(&self) -> u64 {
        self.probes.iter().map(|p| p.bytes).sum()
    }

    /// The fraction that `size` asks for: a byte budget becomes budget / content bytes.
    pub fn fraction(&self, size: SampleSize) -> f64 {
        match size {
            SampleSize::Fraction(f) => f,
            SampleSize::Bytes(budget) => {
                (budget as f64 / self.content_bytes().max(1) as f64).min(1.0)
            }
        }
    }

    /// Designs and draws the sample of every source.
    pub fn draw(&self, size: SampleSize, seed: u64) -> Sample {
        let fraction = self.fraction(size);
        let sources = (0..self.plan.sources.len())
            .map(|s| self.sample_source(s, fraction, seed))
            .collect();
        Sample {
            size,
            fraction,
            seed,
            sources,
        }
    }
}

/// A drawn sample of a population, ready to count.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// How much was asked for.
    pub size: SampleSize,
    /// The fraction drawn from each source.
    pub fraction: f64,
    /// The seed.
    pub seed: u64,
    /// Per source (plan order).
    pub sources: Vec<SourceSample>,
}

impl Sample {
    /// Input bytes the sample will read.
    pub fn planned_bytes(&self) -> u64 {
        self.sources.iter().map(|s| s.planned_bytes).sum()
    }

    /// How many compressed streams are read whole, their documents drawn as they pass.
    pub fn streams_read(&self) -> usize {
        let sampled = self
            .sources
            .iter()
            .filter(|s| s.coverage == Coverage::Sampled);
        sampled.map(|s| s.streams.len()).sum()
    }

    /// How many sources are counted whole.
    pub fn census_sources(&self) -> usize {
        let whole = |s: &&SourceSample| s.coverage != sample::Coverage::Sampled;
        self.sources.iter().filter(whole).count()
    }
}

/// Runs a whole estimate: discover, draw, count the sample, estimate, report.
pub fn estimate(config: &EstimateConfig) -> Result<Census, FatalError> {
    config.validate()?;
    let config = &EstimateConfig {
        count: config.count.with_manifest_tokenizers()?,
        ..config.clone()
    };
    let population = Population::discover(&config.count)?;
    let sample = population.draw(config.sample, config.seed);
    let prepared = config.count.load_tokenizer()?;
    estimate_sample(config, &population, &sample, &prepared)
}

/// Counts `sample` of `population` with an already loaded tokenizer and builds the report.
pub fn estimate_sample(
    config: &EstimateConfig,
    population: &Population,
    sample: &Sample,
    prepared: &Tokenizer,
) -> Result<Census, FatalError> {
    config.validate()?;
    let with = |list: &TokenizerList| estimate_with(config, population, sample, list);
    config.count.with_tokenizers(prepared, with)
}

/// [`estimate_sample`] with every tokenizer of the count.
fn estimate_with(
    config: &EstimateConfig,
    population: &Population,
    sample: &Sample,
    tokenizers: &TokenizerList,
) -> Result<Census, FatalError> {
    let started = Instant::now();
    let count = &config.count;
    let options = EngineOptions {
        threads: count.threads,
        mmap: count.mmap,
        chunk_bytes: count.chunk_bytes,
        max_document_bytes: count.max_document_bytes,
        progress: false,
        signals: None, // an estimate reads a sample: processing signals are a count's
        chat_template: count.load_chat_template()?,
        draw: None,
    };
    let (mut slots, mut measured) =
        measure::count_sample(population, sample, tokenizers, &options)?;
    // A source whose streams turned out to hold too few documents to draw two is counted whole:
    // the sample is counted again with it (rare: a source of a few huge documents).
    let mut sample = std::borrow::Cow::Borrowed(sample);
    let few = measure::few_drawn(&sample.sources, &slots, &measured);
    if !few.is_empty() {
        let sample = sample.to_mut();
        for &s in &few {
            let input = population.plan.files.iter().filter(|f| f.source == s);
            sample.sources[s].coverage = Coverage::FewDrawn;
            sample.sources[s].planned_bytes = input.map(|f| f.size).sum();
        }
        (slots, measured) = measure::count_sample(population, sample, tokenizers, &options)?;
    }
    let sample = &*sample;
    let sizes = unit_sizes(population, sample, &slots, count);
    // Every tokenizer's figures from the same draw: the primary's, then each other's.
    let figures_of = |measured: &measure::Measured| -> Vec<Figures> {
        (0..population.plan.sources.len())
            .map(|s| population.source_figures(s, &sample.sources[s], &slots, measured, &sizes))
            .collect()
    };
    let figures = figures_of(&measured);
    let more_figures: Vec<Vec<Figures>> = (1..tokenizers.members().len())
        .map(|k| figures_of(&measured.under_tokenizer(k - 1)))
        .collect();
    // The sample's tallies: files touched and input bytes read, as the sample took them.
    for (s, stats) in measured.sources.iter_mut().enumerate() {
        let mut touched: Vec<&std::path::Path> = slots
            .iter()
            .filter(|slot| slot.source == s)
            .flat_map(|slot| slot.files.iter().map(|f| f.path.as_path()))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        stats.counts.files = touched.len() as u64;
        stats.counts.input_bytes = figures[s].sampled_bytes;
    }
    let mut errors = std::mem::take(&mut measured.errors);
    errors.extend(population.plan.problems.iter().cloned());
    sort_errors(&mut errors);
    let settings = Settings {
        text_field: count.text_field.clone(),
        manifest: count.manifest.as_ref().map(|p| p.display().to_string()),
        domains_listed: count.domains_listed,
        signals: None,
        chat_template: options
            .chat_template
            .as_deref()
            .map(|t| ChatTemplateReport::of(&count.chat_template_origin(), t)),
    };
    let run = RunInfo {
        threads: count.threads,
        mmap: count.mmap,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        shard: None,
        merged_parts: None,
        combined_inputs: None,
        resumed_files: None,
        plan_seconds: None,
        notes: std::mem::take(&mut measured.notes),
        estimate: Some(EstimateRun {
            sample_fraction: sample.fraction,
            sample_bytes: match sample.size {
                SampleSize::Bytes(n) => Some(n),
                SampleSize::Fraction(_) => None,
            },
            seed: sample.seed,
            confidence: config.confidence,
            read_bytes: figures.iter().map(|f| f.sampled_bytes).sum(),
            corpus_bytes: population.input_bytes(),
        }),
        from_memory: false,
    };
    let described = TokenizerReport::of_list(tokenizers);
    let mut report = build_report(
        &population.plan.sources,
        &measured.sources,
        errors,
        described,
        settings,
        run,
    );
    attach_estimates(&mut report, &figures, config.confidence);
    for (name, figures) in tokenizers.names().iter().skip(1).zip(&more_figures) {
        attach_tokenizer_estimates(&mut report, name, figures, config.confidence);
    }
    if tokenizers.members().len() > 1 {
        copy_primary_estimates(&mut report, &tokenizers.names()[0]);
    }
    crate::census::attach_file_sets(&mut report, &population.plan);
    let mut warnings = population.plan.warnings.clone();
    warnings.extend(tokenizers.warnings());
    warnings.extend(measured.warnings);
    Ok(Census { report, warnings })
}

/// The sizes of every slot: measured for blocks, known for other units, unused for slots
/// counted exactly (their read bytes only).
fn unit_sizes(
    population: &Population,
    sample: &Sample,
    slots: &[Slot],
    count: &CountConfig,
) -> Vec<UnitSize> {
    let unit_of = |slot: &Slot| match slot.kind {
        SlotKind::Unit {
            group,
            stratum,
            position,
        } => {
            let source = &sample.sources[slot.source];
            let g = &source.groups[group];
            Some((g.unit, g.strata[stratum].drawn[position], source.block))
        }
        _ => None,
    };
    let blocks: Vec<&crate::plan::PlannedFile> = slots
        .iter()
        .filter(|s| matches!(unit_of(s), Some((design::UnitType::Blocks, _, _))))
        .map(|s| &s.files[0])
        .collect();
    let mut measured = measure::block_sizes(&blocks, count).into_iter();
    slots
        .iter()
        .map(|slot| match unit_of(slot) {
            // Tokens scale with the bytes of the lines a block owns; documents with the block's
            // own length (a block owning one huge record holds one document, not many). The
            // bytes the sample is said to read are the block's length: the figure announced
            // before counting (`Sample::planned_bytes`), so that stderr and the report agree.
            Some((design::UnitType::Blocks, _, _)) => {
                let owned = measured.next().unwrap_or(0);
                let (start, end) = slot.files[0].span();
                UnitSize {
                    bytes: owned as f64,
                    documents: (end - start) as f64,
                    read: end - start,
                }
            }
            Some((unit, at, block)) => population.known_unit_size(unit, at, block),
            None => UnitSize {
                bytes: 0.0,
                documents: 0.0,
                read: slot.files.iter().map(|f| f.size).sum(),
            },
        })
        .collect()
}

/// Which tokenizer's estimates are filled in: the primary's (each tally's `estimate`) or a
/// named one's (its entry of `tokens_by_tokenizer`).
#[derive(Clone, Copy)]
enum EstimateOf<'a> {
    Primary,
    Tokenizer(&'a str),
}

impl EstimateOf<'_> {
    /// Where `tally`'s estimate of this tokenizer goes, with the tokens and documents its
    /// sample counted exactly.
    fn place(self, tally: &mut Tally) -> Option<(&mut Option<Estimate>, u64, u64)> {
        let documents = tally.counts.documents;
        match self {
            EstimateOf::Primary => Some((&mut tally.estimate, tally.counts.tokens, documents)),
            EstimateOf::Tokenizer(name) => {
                let entry = tally.tokens_by_tokenizer.get_mut(name)?;
                Some((&mut entry.estimate, entry.tokens, documents))
            }
        }
    }

    /// Sets `tally`'s estimate of this tokenizer from `figures`.
    fn attach(self, tally: &mut Tally, figures: &Figures, confidence: f64) {
        if let Some((slot, tokens, documents)) = self.place(tally) {
            *slot = Some(figures::estimate(figures, confidence, tokens, documents));
        }
    }
}

/// Fills every tally's `estimate`: sources from their figures, categories and totals from
/// the sums of their sources'.
fn attach_estimates(report: &mut Report, figures: &[Figures], confidence: f64) {
    attach_estimates_of(report, EstimateOf::Primary, figures, confidence);
}

/// Fills every tally's estimate of the tokenizer `name` (after the primary one) from its
/// `figures`, as [`attach_estimates`] does for the primary.
fn attach_tokenizer_estimates(
    report: &mut Report,
    name: &str,
    figures: &[Figures],
    confidence: f64,
) {
    attach_estimates_of(report, EstimateOf::Tokenizer(name), figures, confidence);
}

/// Fills the estimates of `which` tokenizer: sources from their figures, categories and
/// totals from the sums of their sources'.
fn attach_estimates_of(
    report: &mut Report,
    which: EstimateOf,
    figures: &[Figures],
    confidence: f64,
) {
    let mut by_category: Vec<(crate::stats::Category, Vec<&Figures>)> = Vec::new();
    for (source, f) in report.sources.iter_mut().zip(figures) {
        which.attach(&mut source.tally, f, confidence);
        match by_category.iter_mut().find(|(k, _)| *k == source.category) {
            Some((_, members)) => members.push(f),
            None => by_category.push((source.category, vec![f])),
        }
    }
    for category in &mut report.categories {
        if let Some((_, members)) = by_category.iter().find(|(k, _)| *k == category.category) {
            which.attach(&mut category.tally, &figures::sum(members), confidence);
        }
    }
    let all: Vec<&Figures> = figures.iter().collect();
    which.attach(&mut report.totals.tally, &figures::sum(&all), confidence);
}

/// Gives the primary tokenizer's entry of every `tokens_by_tokenizer` (named `primary`) the
/// tally's own estimate, so that each tokenizer's entry carries its estimate.
fn copy_primary_estimates(report: &mut Report, primary: &str) {
    let sources = report.sources.iter_mut().map(|s| &mut s.tally);
    let categories = report.categories.iter_mut().map(|c| &mut c.tally);
    for tally in sources.chain(categories).chain([&mut report.totals.tally]) {
        if let Some(entry) = tally.tokens_by_tokenizer.get_mut(primary) {
            entry.estimate = tally.estimate.clone();
        }
    }
}
