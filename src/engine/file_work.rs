//! One file being counted, on however many tasks: the file's own accumulator (each task counts
//! into a fresh one, merged into the file's when it is done, so that the tasks of one file never
//! wait for each other), its storage, and the number of its tasks still running. When the last
//! task is done the file is finished: its storage says whether it changed while it was counted.
//! A file that shrank, ended early or changed in place (an object in a store: whose ETag moved,
//! or which ended early) counts nothing but one `io` error naming the bytes concerned, as does
//! a file any of whose reads failed; a file that grew was counted at its planned size, which a
//! note says. Then its result goes to the checkpoint (when there is one) and into the finishing
//! worker's slot.

use super::{Accumulator, Run, lock};
use crate::checkpoint::FileResult;
use crate::error::ErrorKind;
use crate::plan::PlannedFile;
use crate::read::storage::{Change, Storage};
use crate::read::{LineRef, Problem};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// One planned file while it is counted.
pub(super) struct FileWork {
    /// Its index in the plan.
    pub file: usize,
    /// Its accumulator, made by the first task done.
    acc: Mutex<Option<Accumulator>>,
    /// Tasks still running (the one that opened the file among them).
    pending: AtomicUsize,
    /// Its storage, once opened: asked at the end what changed.
    storage: OnceLock<Arc<dyn Storage>>,
}

impl FileWork {
    /// File `file` of the plan, with the task that opens it running.
    pub fn new(file: usize) -> Self {
        Self {
            file,
            acc: Mutex::new(None),
            pending: AtomicUsize::new(1),
            storage: OnceLock::new(),
        }
    }

    /// Keeps the file's storage, to be asked at the end what changed.
    pub fn opened(&self, storage: &Arc<dyn Storage>) {
        let _ = self.storage.set(Arc::clone(storage));
    }
}

/// The `io` problem of a file (or an object in a store) that changed while it was counted.
pub(super) fn changed(change: Change, planned: &PlannedFile) -> Problem {
    let size = planned.size;
    let (what, shorter, moved) = match planned.url() {
        Some(_) => (
            "object",
            "replaced by a shorter one while it was counted",
            "its ETag is no longer the one listed",
        ),
        None => (
            "file",
            "truncated while it was counted, or shorter than its stated size",
            "its modification time moved",
        ),
    };
    let message = match change {
        Change::EndedAt(at) => format!(
            "bytes {at}..{size} could not be read: the {what} ended early ({shorter}); nothing \
             of it is counted"
        ),
        Change::Modified | Change::Grew(_) => format!(
            "changed while it was counted ({moved}): bytes 0..{size} may differ from what was \
             read; nothing of it is counted"
        ),
    };
    Problem::new(ErrorKind::Io, message)
}

impl Run<'_> {
    /// A fresh accumulator for work on file `file` (its source alone, observing the signals
    /// when they are on).
    pub(super) fn accumulator(&self, file: usize) -> Accumulator {
        let signals = self.options.signals.as_ref();
        let source = self.plan.files[file].source;
        let keep_keys = self.checkpointing.is_some();
        Accumulator::for_source(&self.plan.sources, source, signals, keep_keys)
    }

    /// Runs `f` on a fresh accumulator for work on `work`'s file, merged into the file's own
    /// afterwards.
    pub(super) fn with_acc<R>(&self, work: &FileWork, f: impl FnOnce(&mut Accumulator) -> R) -> R {
        let mut local = self.accumulator(work.file);
        let result = f(&mut local);
        let mut slot = lock(&work.acc);
        match slot.as_mut() {
            Some(acc) => acc.absorb(local),
            None => *slot = Some(local),
        }
        result
    }

    /// Records `problem` of `work`'s file at `at`.
    pub(super) fn problem_at(&self, work: &FileWork, at: LineRef, problem: Problem) {
        self.with_acc(work, |acc| acc.error(work.file, at, problem));
    }

    /// Notes a task on `work`'s file about to run.
    pub(super) fn task_started(&self, work: &FileWork) {
        work.pending.fetch_add(1, Ordering::AcqRel);
    }

    /// Notes a task on `work`'s file done; the last one finishes the file.
    pub(super) fn task_done(&self, work: &FileWork) {
        if work.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.finish(work);
        }
    }

    /// Finishes a file whose tasks are all done: checks what changed, then keeps its result.
    fn finish(&self, work: &FileWork) {
        let file = work.file;
        let planned = &self.plan.files[file];
        let acc = lock(&work.acc)
            .take()
            .unwrap_or_else(|| self.accumulator(file));
        let change = work.storage.get().and_then(|storage| storage.changes());
        let problem = match change {
            Some(Change::Grew(now)) => {
                lock(&self.notes).push(format!(
                    "{}: grew from {} to {now} bytes while it was counted; the {} bytes it had \
                     when planned were counted",
                    planned.path.display(),
                    planned.size,
                    planned.size,
                ));
                None
            }
            Some(change) => Some(changed(change, planned)),
            None => None,
        };
        let acc = match problem {
            Some(problem) => self.only(file, problem),
            // A read that failed leaves part of the file uncounted: none of it is kept but the
            // error.
            None if acc.has_error(ErrorKind::Io) => match acc.discard(ErrorKind::Io) {
                Some(problem) => self.only(file, problem),
                None => self.accumulator(file),
            },
            None => acc,
        };
        self.keep(file, acc);
    }

    /// The result of file `file` that counts nothing but `problem`.
    fn only(&self, file: usize, problem: Problem) -> Accumulator {
        let mut only = self.accumulator(file);
        only.error(file, LineRef::None, problem);
        only
    }

    /// Keeps the result of finished file `file`: saved to the checkpoint (unless it could not
    /// be read) and added to the finished files, or added to the calling worker's slot.
    fn keep(&self, file: usize, mut acc: Accumulator) {
        let Some(c) = &self.checkpointing else {
            let index = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
            return lock(&self.slots[index]).absorb(acc);
        };
        let source = self.plan.files[file].source;
        let stats = acc.stats(source).clone();
        let keys = acc.signals.as_mut().and_then(|s| s.take_keys());
        let errors = acc.into_errors(self.plan);
        let mut warning = None;
        // A file that could not be read is not saved: the next run tries it again.
        let unread = errors.iter().any(|e| e.kind == ErrorKind::Io);
        if let (Some(key), false) = (&c.checkpoint.keys[file], unread) {
            let config = self.options.signals.as_ref().map(|s| &s.config);
            let limit = config.map(|c| c.dedup_exact_limit);
            let names = c.checkpoint.store.names();
            let result = FileResult::new(&stats, errors.clone(), config, names)
                .with_keys(keys.as_ref(), limit);
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
