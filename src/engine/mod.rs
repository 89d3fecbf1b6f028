//! The engine: counts a plan's files on a rayon pool. Each worker thread owns an
//! [`Accumulator`] slot; large files are split into chunks and compressed streams into blocks
//! of lines so that one huge file keeps every core busy, and memory stays bounded by a small
//! multiple of threads × chunk size. Slots merge once at the end.

mod accumulator;
mod files;
mod progress;
pub mod scan;

pub use accumulator::{Accumulator, LineRef};
pub use progress::{Progress, ProgressReader};

use crate::count::Counter;
use crate::error::{FatalError, InputError};
use crate::plan::Plan;
use crate::stats::SourceStats;
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
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// What the engine counted.
#[derive(Debug, Clone)]
pub struct EngineOutput {
    /// Statistics per source (same order as the plan's sources).
    pub sources: Vec<SourceStats>,
    /// Input errors from discovery and counting, sorted by path and line.
    pub errors: Vec<InputError>,
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
}

impl Run<'_> {
    /// The calling worker's accumulator.
    fn slot(&self) -> std::sync::MutexGuard<'_, Accumulator> {
        let index = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        self.slots[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Counts every file of `plan` with `counter`.
pub fn run(
    plan: &Plan,
    counter: &dyn Counter,
    options: &EngineOptions,
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
            .map(|_| Mutex::new(Accumulator::new(plan.sources.len())))
            .collect(),
        progress: Progress::default(),
        blocks_in_flight: AtomicUsize::new(0),
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
                        scope.spawn(move |scope| files::count_file(run, index, scope));
                    }
                })
            })
        });
    let mut total = Accumulator::new(plan.sources.len());
    for slot in run.slots {
        total.absorb(
            slot.into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
    }
    let sources = total.sources.clone();
    let mut errors = total.into_errors(plan);
    errors.extend(plan.problems.iter().cloned());
    sort_errors(&mut errors);
    Ok(EngineOutput { sources, errors })
}

/// Puts input errors in report order: by path, line, kind and message.
pub fn sort_errors(errors: &mut [InputError]) {
    errors.sort_by(|a, b| {
        (&a.path, a.line, a.kind, &a.message).cmp(&(&b.path, b.line, b.kind, &b.message))
    });
}
