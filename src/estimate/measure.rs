//! Counting the sample exactly: every slot (a drawn unit, a stream whose drawn documents alone are
//! counted, a source counted whole, a file whose size probe failed) is counted by the ordinary
//! engine as a source of its own, so that each unit's tokens, documents and text bytes come out
//! separately (a stream's documents are offered to the [`StreamDraw`] as they pass); slots go in batches, so that
//! memory stays bounded however many units are drawn. A drawn block's size is then measured as
//! the bytes of the lines that start in it (every byte of a file belongs to exactly one block's
//! lines, so these sizes add up to the file's size).

use super::sample::{Coverage, Slot, SlotKind, SourceSample};
use super::stream::{BatchDraw, StratumTally, StreamDraw, StreamTotals};
use super::{Population, Sample};
use crate::count::TokenizerList;
use crate::engine::{self, EngineOptions};
use crate::error::{ErrorKind, FatalError, InputError};
use crate::plan::{Plan, PlannedFile};
use crate::read::lines::owned_lines;
use crate::stats::SourceStats;
use rayon::prelude::*;
use std::sync::Arc;

/// Slots counted by one engine run.
const BATCH_SLOTS: usize = 512;

/// What one slot counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlotCounts {
    /// Tokens of every modality.
    pub tokens: u64,
    /// Text documents.
    pub documents: u64,
    /// UTF-8 bytes of text.
    pub bytes: u64,
}

/// Everything the sample counted.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Per slot, in slot order.
    pub slots: Vec<SlotCounts>,
    /// Per slot, its tokens of every modality under each tokenizer after the primary one
    /// (empty lists with one tokenizer).
    pub more_tokens: Vec<Vec<u64>>,
    /// Per stream of the sample (numbered as its slots number them), its strata in line order
    /// with their drawn documents.
    pub streams: Vec<Vec<StratumTally>>,
    /// The exact statistics of each source's sample (plan order).
    pub sources: Vec<SourceStats>,
    /// Input errors met in the sample (not yet sorted, discovery problems not included).
    pub errors: Vec<InputError>,
    /// Notes that are not input errors.
    pub warnings: Vec<String>,
    /// Notes on how files were read, for the report (also among the warnings).
    pub notes: Vec<String>,
}

impl Measured {
    /// The slots' counts with the tokens of tokenizer `k` after the primary one (from 0) in
    /// place of the primary's: what the sample measured under that tokenizer.
    pub fn under_tokenizer(&self, k: usize) -> Measured {
        let slots = self.slots.iter().zip(&self.more_tokens);
        Measured {
            slots: slots
                .map(|(counts, more)| SlotCounts {
                    tokens: more[k],
                    ..*counts
                })
                .collect(),
            more_tokens: Vec::new(),
            streams: (self.streams.iter())
                .map(|strata| strata.iter().map(|s| s.under_tokenizer(k)).collect())
                .collect(),
            sources: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Counts every slot of `slots` (sources from `plan`) with `tokenizers`, the documents of
/// streams as `draw` draws them (one draw for every tokenizer).
pub fn count_slots(
    plan: &Plan,
    slots: &[Slot],
    tokenizers: &TokenizerList,
    options: &EngineOptions,
    draw: &Arc<StreamDraw>,
) -> Result<Measured, FatalError> {
    let mut measured = Measured {
        slots: Vec::with_capacity(slots.len()),
        more_tokens: Vec::with_capacity(slots.len()),
        streams: Vec::new(),
        sources: vec![SourceStats::default(); plan.sources.len()],
        errors: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    for batch in slots.chunks(BATCH_SLOTS) {
        let part = Plan {
            sources: batch
                .iter()
                .map(|slot| plan.sources[slot.source].clone())
                .collect(),
            files: batch
                .iter()
                .enumerate()
                .flat_map(|(i, slot)| {
                    slot.files.iter().map(move |f| PlannedFile {
                        source: i,
                        ..f.clone()
                    })
                })
                .collect(),
            ..Plan::default()
        };
        let streams = batch.iter().flat_map(|slot| {
            let stream = match slot.kind {
                SlotKind::Stream { stream } => Some(stream),
                _ => None,
            };
            slot.files.iter().map(move |_| stream)
        });
        let options = EngineOptions {
            draw: Some(Arc::new(BatchDraw {
                draw: Arc::clone(draw),
                streams: streams.collect(),
            })),
            ..options.clone()
        };
        let output = engine::run(&part, tokenizers, &options, None)?;
        let more = tokenizers.members().len() - 1;
        for (slot, stats) in batch.iter().zip(&output.sources) {
            let media = stats.media.tokens();
            let under = |k: usize| stats.by_tokenizer.get(k).map_or(0, |t| t.tokens) + media;
            measured.more_tokens.push((0..more).map(under).collect());
            measured.slots.push(SlotCounts {
                tokens: stats.counts.tokens + stats.media.tokens(),
                documents: stats.counts.documents,
                bytes: stats.counts.bytes,
            });
            measured.sources[slot.source] += stats;
        }
        measured.errors.extend(output.errors);
        measured.warnings.extend(output.warnings);
        measured.notes.extend(output.notes);
    }
    Ok(measured)
}

/// Counts the slots of `sample` with `tokenizers`, drawing inside its streams, and keeps what
/// each stream held; a stream the count kept nothing of (it could not be read, or changed) holds
/// nothing.
pub fn count_sample(
    population: &Population,
    sample: &Sample,
    tokenizers: &TokenizerList,
    options: &EngineOptions,
) -> Result<(Vec<Slot>, Measured), FatalError> {
    let slots = population.slots(&sample.sources);
    let streams = population.streams(&sample.sources);
    let draw = Arc::new(StreamDraw::new(sample.fraction.min(1.0), &streams));
    let mut measured = count_slots(&population.plan, &slots, tokenizers, options, &draw)?;
    for slot in &slots {
        if let SlotKind::Stream { stream } = slot.kind {
            let path = slot.files[0].path.display().to_string();
            let errors = measured.errors.iter();
            if errors
                .filter(|e| e.kind == ErrorKind::Io)
                .any(|e| e.path == path)
            {
                draw.forget(stream);
            }
        }
    }
    measured.streams = (0..streams.len()).map(|s| draw.strata(s)).collect();
    Ok((slots, measured))
}

/// The sampled sources whose streams held too few documents to draw two (of more).
pub fn few_drawn(sources: &[SourceSample], slots: &[Slot], measured: &Measured) -> Vec<usize> {
    (0..sources.len())
        .filter(|&s| sources[s].coverage == Coverage::Sampled && !sources[s].streams.is_empty())
        .filter(|&s| {
            let strata = (slots.iter())
                .filter(|slot| slot.source == s)
                .filter_map(|slot| match slot.kind {
                    SlotKind::Stream { stream } => Some(&measured.streams[stream]),
                    _ => None,
                })
                .flatten();
            StreamTotals::of(strata).too_few()
        })
        .collect()
}

/// The bytes of the lines that start in each block range of `blocks` (read as `count` says:
/// mapped or with positioned reads, on its threads); a block that cannot be read, or that owns a
/// line over the limit for one document (never read whole), measures its nominal length (the
/// error is already in the report).
pub fn block_sizes(blocks: &[&PlannedFile], count: &crate::config::CountConfig) -> Vec<u64> {
    let (mmap, threads, max) = (count.mmap, count.threads, count.max_document_bytes);
    let measure = |file: &&PlannedFile| {
        let (start, end) = file.span();
        let owned = file.open(file.format.access(mmap)).and_then(|storage| {
            let mut scratch = Vec::new();
            let end = end.min(storage.len());
            if start >= end {
                return Ok(Some(0));
            }
            let owned = owned_lines(&*storage, start, end, max, &mut scratch)?;
            Ok((!owned.long_line).then_some(owned.lines.len() as u64))
        });
        owned.ok().flatten().unwrap_or(end - start)
    };
    match crate::count::worker_pool(threads) {
        Ok(pool) => pool.install(|| blocks.par_iter().map(measure).collect()),
        Err(_) => blocks.iter().map(measure).collect(),
    }
}
