//! The engine: counts a plan's files on a rayon pool (one per number of threads, kept for the
//! process's life: see [`worker_pool`]). Each worker thread owns an
//! [`Accumulator`] slot; large files are split into chunks and compressed streams into blocks
//! of lines so that one huge file keeps every core busy, and memory stays bounded by a small
//! multiple of threads × chunk size. Slots merge once at the end.

mod accumulator;
mod chunk;
mod draw;
mod file_work;
mod files;
mod media;
mod parquet;
mod progress;
pub mod scan;

pub use accumulator::Accumulator;
pub use draw::RecordDraw;
pub use progress::Progress;

use crate::checkpoint::Checkpoint;
use crate::count::{Counter, TokenizerList, worker_pool};
use crate::error::{FatalError, InputError, sort_errors};
use crate::plan::Plan;
use crate::stats::SourceStats;
use file_work::FileWork;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;

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
    /// The chat template conversations are rendered with, when one is given.
    pub chat_template: Option<std::sync::Arc<crate::count::ChatTemplate>>,
    /// Which documents of compressed JSONL files are counted, when not all are (an estimate's
    /// draw inside streams): every document is still read and offered to it.
    pub draw: Option<Arc<dyn RecordDraw>>,
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
    /// Notes on how files were read that the report carries (a file that grew while it was
    /// counted), sorted; they are warnings too.
    pub notes: Vec<String>,
}

/// What a checkpointed run keeps besides the per-thread slots.
struct Checkpointing<'a> {
    checkpoint: &'a Checkpoint<'a>,
    /// Finished files: statistics per source, final errors and notes.
    finished: Mutex<EngineOutput>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Shared context of one run.
struct Run<'a> {
    plan: &'a Plan,
    /// The primary tokenizer's counter.
    counter: &'a dyn Counter,
    /// The other tokenizers' counters, with their names (empty with one tokenizer).
    more: Vec<(&'a str, &'a dyn Counter)>,
    options: &'a EngineOptions,
    slots: Vec<Mutex<Accumulator>>,
    progress: Progress,
    /// Stream blocks handed to other workers and not yet counted (bounds memory).
    blocks_in_flight: AtomicUsize,
    checkpointing: Option<Checkpointing<'a>>,
    /// Notes on files for the report: a file that grew while it was counted.
    notes: Mutex<Vec<String>>,
}

/// Counts every file of `plan` with `tokenizers` (each document is read once and counted by
/// each). With `checkpoint`, each file's result is saved as soon as the file is done.
pub fn run(
    plan: &Plan,
    tokenizers: &TokenizerList,
    options: &EngineOptions,
    checkpoint: Option<&Checkpoint>,
) -> Result<EngineOutput, FatalError> {
    let threads = options.threads.max(1);
    let pool = worker_pool(threads).map_err(FatalError::Usage)?;
    // Small corpora are cut finer so that every thread has work; never coarser than asked.
    let balanced = (plan.total_bytes() / (threads as u64 * 8)).max(MIN_AUTO_CHUNK_BYTES) as usize;
    let options = &EngineOptions {
        chunk_bytes: options.chunk_bytes.min(balanced),
        ..options.clone()
    };
    let run = Run {
        plan,
        counter: tokenizers.primary().counter(),
        more: tokenizers.more_counters(),
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
            finished: Mutex::new(EngineOutput {
                sources: vec![SourceStats::default(); plan.sources.len()],
                errors: Vec::new(),
                warnings: Vec::new(),
                notes: Vec::new(),
            }),
        }),
        notes: Mutex::new(Vec::new()),
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
                            let work = Arc::new(FileWork::new(index));
                            files::count_file(run, &work, scope);
                            run.task_done(&work);
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
    let mut sources = total.all_stats().1.to_vec();
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
    let mut notes = run
        .notes
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    notes.sort();
    warnings.extend(notes.iter().cloned());
    Ok(EngineOutput {
        sources,
        errors,
        warnings,
        notes,
    })
}
