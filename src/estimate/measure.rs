//! Counting the sample exactly: every slot (a drawn unit, a source counted whole, a file whose
//! size probe failed) is counted by the ordinary engine as a source of its own, so that each
//! unit's tokens, documents and text bytes come out separately; slots go in batches, so that
//! memory stays bounded however many units are drawn. A drawn block's size is then measured as
//! the bytes of the lines that start in it (every byte of a file belongs to exactly one block's
//! lines, so these sizes add up to the file's size).

use super::sample::Slot;
use crate::count::TokenizerList;
use crate::engine::{self, EngineOptions};
use crate::error::{FatalError, InputError};
use crate::plan::{Plan, PlannedFile};
use crate::read::lines::owned_lines;
use crate::stats::SourceStats;
use rayon::prelude::*;

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
            sources: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Counts every slot of `slots` (sources from `plan`) with `tokenizers`.
pub fn count_slots(
    plan: &Plan,
    slots: &[Slot],
    tokenizers: &TokenizerList,
    options: &EngineOptions,
) -> Result<Measured, FatalError> {
    let mut measured = Measured {
        slots: Vec::with_capacity(slots.len()),
        more_tokens: Vec::with_capacity(slots.len()),
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
        let output = engine::run(&part, tokenizers, options, None)?;
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
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(|| blocks.par_iter().map(measure).collect()),
        Err(_) => blocks.iter().map(measure).collect(),
    }
}
