//! Processing signals: figures that back the "how the data was processed" sentences of a
//! training-data disclosure, computed in the same pass that counts the tokens. Each signal is
//! switched on by `--signals` or the manifest's `[signals]` table ([`config`]):
//!
//! - [`dedup`]: exact and normalized duplicate documents and their tokens, exact within a run
//!   through the shared [`index`] (up to a memory bound) and estimated across merged shards
//!   through bottom-k [`sketch`]es;
//! - [`pii`]: documents and matches of e-mail addresses, phone numbers, IP addresses, payment
//!   cards and IBANs (counts only);
//! - [`lang`]: documents and tokens per detected language;
//! - [`quality`]: empty, very short, mostly non-letter and repeated-line documents.
//!
//! Per-source figures live in [`SignalStats`], a plain value that merges with `+=` exactly and
//! associatively like the rest of [`crate::stats`]. Each accumulator owns an [`Observer`] (its
//! scratch space and a handle on the run's shared [`SignalsRun`]); after counting,
//! [`SignalsRun::finalize`] writes the index's exact duplicate figures into each source.

mod chars;
pub mod config;
pub mod dedup;
pub mod index;
pub mod lang;
pub mod pii;
pub mod quality;
mod swar;

pub use config::{
    SignalKind, SignalsConfig, SignalsError, SignalsRequest, SignalsTable, UnknownSignal,
};

use crate::stats::signals::{ExactState, SignalStats};
use crate::stats::{Category, SourceStats};
use index::{DedupIndex, FileKeys};
use std::sync::Arc;

/// What all accumulators of one run share: the settings and the exact de-duplication indexes.
pub struct SignalsRun {
    /// The settings.
    pub config: SignalsConfig,
    exact: DedupIndex,
    normalized: DedupIndex,
}

impl std::fmt::Debug for SignalsRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignalsRun")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SignalsRun {
    /// A run computing the signals of `config`.
    pub fn new(config: SignalsConfig) -> Arc<Self> {
        let limit = config.dedup_exact_limit;
        Arc::new(Self {
            config,
            exact: DedupIndex::new(limit),
            normalized: DedupIndex::new(limit),
        })
    }

    /// An observer for one accumulator; `keep_keys` keeps the hashes seen (for a file's
    /// checkpoint).
    pub fn observer(self: &Arc<Self>, keep_keys: bool) -> Observer {
        Observer {
            run: Arc::clone(self),
            normalized: Vec::new(),
            lines: Vec::new(),
            keys: keep_keys.then(FileKeys::default),
        }
    }

    /// Puts a checkpointed file's texts (of `source`) back into the indexes.
    pub fn restore(&self, source: usize, keys: &FileKeys) {
        if self.config.has(SignalKind::Dedup) {
            keys.replay(source as u32, &self.exact, &self.normalized);
        }
    }

    /// Writes the exact duplicate figures into each source's statistics (`categories`: each
    /// source's category); without them (the index overflowed) the report uses the sketches.
    pub fn finalize(&self, categories: &[Category], sources: &mut [SourceStats]) {
        if !self.config.has(SignalKind::Dedup) {
            return;
        }
        let exact = self.exact.attribute(categories);
        let normalized = self.normalized.attribute(categories);
        for (i, stats) in sources.iter_mut().enumerate() {
            stats.signals.dedup.exact = match (&exact, &normalized) {
                (Some(e), Some(n)) => ExactState::Known {
                    exact: e[i],
                    normalized: n[i],
                },
                _ => ExactState::Unknown,
            };
        }
    }
}

/// One accumulator's view of the run: scratch space, and the keys of a checkpointed file.
#[derive(Debug)]
pub struct Observer {
    run: Arc<SignalsRun>,
    normalized: Vec<u8>,
    lines: Vec<u64>,
    keys: Option<FileKeys>,
}

impl Observer {
    /// Computes every enabled signal of one counted document of `source`.
    pub fn observe(&mut self, stats: &mut SignalStats, source: usize, text: &str, tokens: u64) {
        let config = &self.run.config;
        if config.has(SignalKind::Dedup) {
            let hashes = dedup::hash_text(text, &mut self.normalized);
            stats
                .dedup
                .record(hashes.exact as u64, hashes.normalized as u64, tokens);
            self.run.exact.insert(hashes.exact, source as u32, tokens);
            self.run
                .normalized
                .insert(hashes.normalized, source as u32, tokens);
            if let Some(keys) = &mut self.keys {
                keys.record(hashes, tokens, config.dedup_exact_limit);
            }
        }
        if config.has(SignalKind::Pii) {
            stats.pii.record(&pii::scan(text));
        }
        if config.has(SignalKind::Lang) {
            let language = lang::detect(text, config.lang_prefix_bytes);
            stats.lang.record(language, tokens);
        }
        if config.has(SignalKind::Quality) {
            let verdict = quality::assess(text, &config.quality, &mut self.lines);
            stats.quality.record(verdict, tokens);
        }
    }

    /// Takes over another observer's kept keys (both observe parts of the same file).
    pub fn absorb(&mut self, other: Observer) {
        if let (Some(mine), Some(theirs)) = (&mut self.keys, other.keys) {
            mine.absorb(theirs, self.run.config.dedup_exact_limit);
        }
    }

    /// The keys kept for a file's checkpoint.
    pub fn take_keys(&mut self) -> Option<FileKeys> {
        self.keys.take()
    }
}
