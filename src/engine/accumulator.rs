//! What one worker thread (or one file being counted) accumulates: statistics per source, input
//! errors with their line references, and how many lines each chunk of a split file owned (to
//! turn chunk-relative line numbers into file line numbers once everything is done). A file's
//! own accumulator holds its one source only, so that making one costs the same however many
//! sources the plan has.

use crate::error::{ErrorKind, InputError};
use crate::plan::{Plan, Source};
use crate::provenance::ProvenanceRule;
pub use crate::read::LineRef;
use crate::read::Problem;
use crate::read::storage::Access;
use crate::signals::{Observer, SignalsRun};
use crate::stats::SourceStats;
use std::collections::HashMap;
use std::sync::Arc;

/// An input error before its line number is final.
#[derive(Debug, Clone)]
struct PendingError {
    file: usize,
    line: LineRef,
    problem: Problem,
}

/// Per-thread (or per-file) partial results; merged once at the end of a run.
#[derive(Debug, Default)]
pub struct Accumulator {
    /// The index of the first source held: statistics of source `s` are `sources[s - first]`.
    first: usize,
    /// Statistics per source held.
    sources: Vec<SourceStats>,
    /// Computes the processing signals of each counted text, when they are on.
    pub signals: Option<Observer>,
    /// How each source held dates and places its records.
    rules: Vec<ProvenanceRule>,
    /// Reused buffers for decoding URLs and domains.
    pub scratch: (String, String),
    /// A reused buffer for a document's tokens under each tokenizer after the primary one.
    pub more_tokens: Vec<u64>,
    errors: Vec<PendingError>,
    chunk_lines: Vec<(usize, u32, u64)>,
}

impl Accumulator {
    /// An empty accumulator for the plan's `sources`.
    pub fn new(sources: &[Source]) -> Self {
        Self {
            sources: vec![SourceStats::default(); sources.len()],
            rules: sources.iter().map(Source::provenance_rule).collect(),
            ..Self::default()
        }
    }

    /// An accumulator that also computes the run's processing signals (`keep_keys`: keep the
    /// texts' hashes for a file's checkpoint).
    pub fn observing(
        sources: &[Source],
        signals: Option<&Arc<SignalsRun>>,
        keep_keys: bool,
    ) -> Self {
        Self {
            signals: signals.map(|run| run.observer(keep_keys)),
            ..Self::new(sources)
        }
    }

    /// An empty accumulator for the files of source `source` of the plan's `sources` alone,
    /// observing the processing signals when they are on (`keep_keys` as in
    /// [`Accumulator::observing`]).
    pub fn for_source(
        sources: &[Source],
        source: usize,
        signals: Option<&Arc<SignalsRun>>,
        keep_keys: bool,
    ) -> Self {
        Self {
            first: source,
            sources: vec![SourceStats::default()],
            rules: vec![sources[source].provenance_rule()],
            signals: signals.map(|run| run.observer(keep_keys)),
            ..Self::default()
        }
    }

    /// The statistics of source `source` (which this accumulator must hold).
    #[inline]
    pub fn stats(&mut self, source: usize) -> &mut SourceStats {
        &mut self.sources[source - self.first]
    }

    /// How source `source` dates and places its records.
    #[inline]
    pub fn rule(&self, source: usize) -> ProvenanceRule {
        self.rules[source - self.first]
    }

    /// The statistics of every source held, and the index of the first.
    pub fn all_stats(&self) -> (usize, &[SourceStats]) {
        (self.first, &self.sources)
    }

    /// Computes the processing signals (when they are on) of one counted text document of
    /// source `source` with `tokens` tokens.
    #[inline]
    pub fn observe_signals(&mut self, source: usize, text: &str, tokens: u64) {
        if let Some(observer) = &mut self.signals {
            let stats = &mut self.sources[source - self.first].signals;
            observer.observe(stats, source, text, tokens);
        }
    }

    /// Whether a problem of `kind` was recorded.
    pub fn has_error(&self, kind: ErrorKind) -> bool {
        self.errors.iter().any(|e| e.problem.kind == kind)
    }

    /// Forgets everything counted and every problem recorded, but one problem of `kind` (the
    /// first by message, whatever order threads recorded them in), if one was recorded.
    pub fn discard(self, kind: ErrorKind) -> Option<Problem> {
        self.errors
            .into_iter()
            .filter(|e| e.problem.kind == kind)
            .map(|e| e.problem)
            .min_by(|a, b| a.message.cmp(&b.message))
    }

    /// Records a problem with file `file` at `line`.
    pub fn error(&mut self, file: usize, line: LineRef, problem: Problem) {
        self.errors.push(PendingError {
            file,
            line,
            problem,
        });
    }

    /// Records a problem of `kind` described by `message`.
    pub fn error_msg(
        &mut self,
        file: usize,
        line: LineRef,
        kind: ErrorKind,
        message: impl Into<String>,
    ) {
        self.error(file, line, Problem::new(kind, message));
    }

    /// Records that chunk `chunk` of file `file` owned `lines` lines.
    pub fn chunk_lines(&mut self, file: usize, chunk: u32, lines: u64) {
        self.chunk_lines.push((file, chunk, lines));
    }

    /// Merges another accumulator into this one, which must hold every source it holds.
    pub fn absorb(&mut self, other: Accumulator) {
        let mine = &mut self.sources[other.first - self.first..];
        for (mine, theirs) in mine.iter_mut().zip(&other.sources) {
            *mine += theirs;
        }
        match (&mut self.signals, other.signals) {
            (Some(mine), Some(theirs)) => mine.absorb(theirs),
            (mine @ None, theirs) => *mine = theirs,
            (Some(_), None) => {}
        }
        self.errors.extend(other.errors);
        self.chunk_lines.extend(other.chunk_lines);
    }

    /// The final input errors: chunk-relative lines resolved to file lines, paths from `plan`.
    pub fn into_errors(self, plan: &Plan) -> Vec<InputError> {
        let mut per_file: HashMap<usize, Vec<(u32, u64)>> = HashMap::new();
        for (file, chunk, lines) in self.chunk_lines {
            per_file.entry(file).or_default().push((chunk, lines));
        }
        let mut starts: HashMap<(usize, u32), u64> = HashMap::new();
        let mut unknown: HashMap<usize, String> = HashMap::new();
        for (file, mut chunks) in per_file {
            chunks.sort_unstable();
            // A shard's range of a file numbers its lines after those that start before it;
            // they are counted (by reading up to the range) only when an error needs them.
            let planned = &plan.files[file];
            let needed = self.errors.iter().any(|e| e.file == file);
            let mut before = match planned.span().0 {
                start if start > 0 && needed => {
                    let storage = planned.open(Access::Read);
                    match storage.and_then(|s| crate::read::lines::lines_before(&*s, start)) {
                        Ok(lines) => lines,
                        Err(e) => {
                            unknown.insert(file, e.to_string());
                            0
                        }
                    }
                }
                _ => 0,
            };
            for (chunk, lines) in chunks {
                starts.insert((file, chunk), before);
                before += lines;
            }
        }
        self.errors
            .into_iter()
            .map(|e| {
                let mut message = e.problem.message;
                let line = match e.line {
                    LineRef::None => None,
                    LineRef::Line(n) => Some(n),
                    LineRef::InChunk { .. } if unknown.contains_key(&e.file) => {
                        message += &format!(" (line number unknown: {})", unknown[&e.file]);
                        None
                    }
                    LineRef::InChunk { chunk, index } => {
                        Some(starts.get(&(e.file, chunk)).copied().unwrap_or(0) + index + 1)
                    }
                };
                InputError {
                    path: plan.files[e.file].path.display().to_string(),
                    line,
                    kind: e.problem.kind,
                    message,
                }
            })
            .collect()
    }
}
