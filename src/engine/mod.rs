//! The engine: counts a plan's files on a rayon pool. Each worker thread owns an
//! [`Accumulator`] slot; large files are split into chunks and compressed streams into blocks
//! of lines so that one huge file keeps every core busy, and memory stays bounded by a small
//! multiple of threads × chunk size. Slots merge once at the end.

mod accumulator;
mod files;
mod media;
mod parquet;
mod progress;
pub mod scan;

pub use accumulator::Accumulator;
pub use progress::Progress;

use crate::checkpoint::{Checkpoint, FileResult};
use crate::count::Counter;
use crate::error::{FatalError, InputError, sort_errors};
use crate::plan::Plan;
use crate::stats::SourceStats;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Default size of the byte ranges a large uncompressed file is cut into.
pub const DEFAULT_CHUNK_BYTES: usize = 4 << 20;

/// The smallest chunk the engine picks by itself when it cuts a small corpus finer.
const MIN_AUTO_CHUNK_BYTES: u64 = 16 << 10;

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Worker threads.
    pub threads: usize,
    /// Memory-map uncompressed files (falling back to reads when mapping fails).
    pub mmap: bool,
    /// Largest size of the chunks large files are split into, and of decoded stream blocks.
    pub chunk_bytes: usize,
    /// The longest document read; a longer one is a `too_large` input error.
    pub max_document_bytes: u64,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// The processing signals to compute with each counted text, when they are on.
    pub signals: Option<std::sync::Arc<crate::signals::SignalsRun>>,
}

/// What the engine counted.
#[derive(Debug, Clone)]
pub struct EngineOutput {
    /// Statistics per source (same order as the plan's sources).
    pub sources: Vec<SourceStats>,
    /// Input errors from discovery and counting, sorted by path and line.
    pub errors: Vec<InputError>,
    /// Notes that are not input errors (a checkpoint that could not be saved).
    pub warnings: Vec<String>,
}

/// Per-file state when each finished file is checkpointed: its own accumulator (allocated at
/// first use) and the number of its tasks still running.
struct FileState {
    acc: Mutex<Option<Accumulator>>,
    pending: AtomicUsize,
}

/// What a checkpointed run keeps besides the per-thread slots.
struct Checkpointing<'a> {
    checkpoint: &'a Checkpoint<'a>,
    files: Vec<FileState>,
    /// Finished files: statistics per source, final errors and notes.
    finished: Mutex<EngineOutput>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Shared context of one run.
struct Run<'a> {
    plan: &'a Plan,
    counter: &'a dyn Counter,
    options: &'a EngineOptions,
    slots: Vec<Mutex<Accumulator>>,
    progress: Progress,
    /// Stream blocks handed to other workers and not yet counted (bounds memory).
    blocks_in_flight: AtomicUsize,
    checkpointing: Option<Checkpointing<'a>>,
}

impl Run<'_> {
    /// A fresh accumulator for counting work (observing the signals when they are on).
    fn accumulator(&self) -> Accumulator {
        let signals = self.options.signals.as_ref();
        Accumulator::observing(&self.plan.sources, signals, self.checkpointing.is_some())
    }

    /// Runs `f` on the accumulator for work on `file`: the calling worker's slot, or, when
    /// files are checkpointed, a fresh one merged into the file's own afterwards (so that
    /// workers counting chunks of one file never wait for each other).
    fn with_acc<R>(&self, file: usize, f: impl FnOnce(&mut Accumulator) -> R) -> R {
        let Some(checkpointing) = &self.checkpointing else {
            let index = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
            return f(&mut lock(&self.slots[index]));
        };
        let mut local = self.accumulator();
        let result = f(&mut local);
        let mut slot = lock(&checkpointing.files[file].acc);
        match slot.as_mut() {
            Some(acc) => acc.absorb(local),
            None => *slot = Some(local),
        }
        result
    }

    /// Notes a task on `file` about to run (only counted when checkpointing).
    fn task_started(&self, file: usize) {
        if let Some(c) = &self.checkpointing {
            c.files[file].pending.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Notes a task on `file` done; the last one saves the file's result.
    fn task_done(&self, file: usize) {
        let Some(c) = &self.checkpointing else {
            return;
        };
        if c.files[file].pending.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let mut acc = lock(&c.files[file].acc)
            .take()
            .unwrap_or_else(|| self.accumulator());
        let source = self.plan.files[file].source;
        let stats = acc.sources[source].clone();
        let keys = acc.signals.as_mut().and_then(|s| s.take_keys());
        let errors = acc.into_errors(self.plan);
        let mut warning = None;
        // A file that could not be read is not saved: the next run tries it again.
        let unread = errors.iter().any(|e| e.kind == crate::error::ErrorKind::Io);
        if let (Some(key), false) = (&c.checkpoint.keys[file], unread) {
            let config = self.options.signals.as_ref().map(|s| &s.config);
            let limit = config.map(|c| c.dedup_exact_limit);
            let result =
                FileResult::new(&stats, errors.clone(), config).with_keys(keys.as_ref(), limit);
            if let Err(e) = c.checkpoint.store.save(key, &result) {
                warning = Some(format!(
                    "{}: checkpoint not saved ({e}); a re-run counts this file again",
                    self.plan.files[file].path.display()
                ));
            }
        }
        let mut finished = lock(&c.finished);
        finished.sources[source] += &stats;
        finished.errors.extend(errors);
        finished.warnings.extend(warning);
    }
}

/// Counts every file of `plan` with `counter`.
/// With `checkpoint`, each file's result is saved as soon as the file is done.
pub fn run(
    plan: &Plan,
    counter: &dyn Counter,
    options: &EngineOptions,
    checkpoint: Option<&Checkpoint>,
) -> Result<EngineOutput, FatalError> {
    let threads = options.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("tokencensus-{i}"))
        .build()
        .map_err(|e| FatalError::Usage(format!("cannot start {threads} threads: {e}")))?;
    // Small corpora are cut finer so that every thread has work; never coarser than asked.
    let balanced = (plan.total_bytes() / (threads as u64 * 8)).max(MIN_AUTO_CHUNK_BYTES) as usize;
    let options = &EngineOptions {
        chunk_bytes: options.chunk_bytes.min(balanced),
        ..options.clone()
    };
    let run = Run {
        plan,
        counter,
        options,
        slots: (0..threads)
            .map(|_| {
                let signals = options.signals.as_ref();
                Mutex::new(Accumulator::observing(&plan.sources, signals, false))
            })
            .collect(),
        progress: Progress::default(),
        blocks_in_flight: AtomicUsize::new(0),
        checkpointing: checkpoint.map(|checkpoint| Checkpointing {
            checkpoint,
            files: (0..plan.files.len())
                .map(|_| FileState {
                    acc: Mutex::new(None),
                    pending: AtomicUsize::new(1),
                })
                .collect(),
            finished: Mutex::new(EngineOutput {
                sources: vec![SourceStats::default(); plan.sources.len()],
                errors: Vec::new(),
                warnings: Vec::new(),
            }),
        }),
    };
    run.progress
        .show_while(plan.total_bytes(), options.progress, || {
            pool.install(|| {
                rayon::scope(|scope| {
                    // Largest files first, so that the last tasks to finish are small ones.
                    let mut order: Vec<usize> = (0..plan.files.len()).collect();
                    order.sort_by_key(|&i| std::cmp::Reverse(plan.files[i].size));
                    for index in order {
                        let run = &run;
                        scope.spawn(move |scope| {
                            files::count_file(run, index, scope);
                            run.task_done(index);
                        });
                    }
                })
            })
        });
    let mut total = Accumulator::new(&plan.sources);
    for slot in run.slots {
        total.absorb(
            slot.into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
    }
    let mut sources = total.sources.clone();
    let mut errors = total.into_errors(plan);
    let mut warnings = Vec::new();
    if let Some(c) = run.checkpointing {
        let finished = c
            .finished
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (mine, theirs) in sources.iter_mut().zip(&finished.sources) {
            *mine += theirs;
        }
        errors.extend(finished.errors);
        warnings = finished.warnings;
    }
    errors.extend(plan.problems.iter().cloned());
    sort_errors(&mut errors);
    Ok(EngineOutput {
        sources,
        errors,
        warnings,
    })
}
