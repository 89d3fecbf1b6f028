//! Scheduling one planned file by its format: uncompressed JSONL is cut into chunks of whole
//! lines counted on every worker; compressed JSONL is decoded here into blocks of lines that
//! other workers count while decoding goes on (with a bound on blocks in flight); a plain-text
//! file is one document. The readers in [`crate::read`] turn bytes into items; [`Counting`]
//! counts them.

use super::Run;
use super::accumulator::LineRef;
use super::file_work::{FileWork, changed};
use super::scan::{Counting, Target};
use crate::error::ErrorKind;
use crate::plan::PlannedFile;
use crate::read::format::{Compression, Layout};
use crate::read::jsonl::{self, JsonlBlocks};
use crate::read::planned::PlannedSize;
use crate::read::storage::{Access, Change, Storage};
use crate::read::text::read_text;
use crate::read::{LineBase, Problem};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Counts the file of `work`; may spawn chunk tasks on `scope`.
pub(super) fn count_file<'s>(run: &'s Run<'s>, work: &Arc<FileWork>, scope: &rayon::Scope<'s>) {
    let planned = &run.plan.files[work.file];
    let target = Target {
        file: work.file,
        source: planned.source,
    };
    match (planned.format.layout, planned.format.compression) {
        (Layout::Jsonl, Compression::None) => mapped_jsonl(run, work, target, scope),
        (Layout::Jsonl, compression) => streamed_jsonl(run, work, target, compression, scope),
        (Layout::Text, compression) => text_document(run, work, target, compression),
        (Layout::Media, _) => super::media::media_file(run, work, target),
        (Layout::Tar, compression) => super::media::tar_file(run, work, target, compression),
        (Layout::Parquet, _) => super::parquet::parquet_file(run, work, target, scope),
    }
}

/// Opens the storage of `work`'s file with `access`, seen at its planned size; a failure is
/// recorded (its message extended by `explain`) and gives `None`, as does a file already
/// shorter than planned.
pub(super) fn open_storage(
    run: &Run,
    work: &FileWork,
    access: Access,
    explain: impl FnOnce(Problem) -> Problem,
) -> Option<Arc<dyn Storage>> {
    let planned = &run.plan.files[work.file];
    match planned.open(access) {
        Ok(storage) if storage.len() < planned.size => {
            let problem = changed(Change::EndedAt(storage.len()), planned);
            run.problem_at(work, LineRef::None, problem);
            None
        }
        Ok(storage) => {
            let storage: Arc<dyn Storage> = Arc::new(PlannedSize::new(storage, planned.size));
            work.opened(&storage);
            Some(storage)
        }
        Err(e) => {
            let problem = explain(Problem::new(ErrorKind::Io, e.to_string()));
            run.problem_at(work, LineRef::None, problem);
            None
        }
    }
}

/// A problem reading part of a file, naming the byte range when only part was to be read.
fn in_range(planned: &PlannedFile, mut problem: Problem) -> Problem {
    if let Some((start, end)) = planned.range {
        problem.message += &format!(" (reading bytes {start}..{end})");
    }
    problem
}

/// Marks a file (or a shard's range of it) as counted: `input_bytes` read from disk, and one
/// file unless the range does not start the file.
fn count_file_itself(run: &Run, work: &FileWork, target: Target, input_bytes: u64) {
    let owns_file = run.plan.files[target.file].owns_file();
    run.with_acc(work, |acc| {
        let counts = &mut acc.stats(target.source).counts;
        counts.files += u64::from(owns_file);
        counts.input_bytes += input_bytes;
    });
}

fn mapped_jsonl<'s>(
    run: &'s Run<'s>,
    work: &Arc<FileWork>,
    target: Target,
    scope: &rayon::Scope<'s>,
) {
    let planned = &run.plan.files[target.file];
    // The content's verdict (binary) is reported by the range that starts the file, so that a
    // file split between shards is reported once; a failure to read is every range's own.
    let owner = planned.owns_file();
    let access = planned.format.access(run.options.mmap);
    let explain = |problem| in_range(planned, problem);
    let Some(storage) = open_storage(run, work, access, explain) else {
        return;
    };
    let (first, last) = planned.span();
    let last = last.min(storage.len());
    if first >= last {
        return count_file_itself(run, work, target, 0);
    }
    match jsonl::sniff(&*storage) {
        Ok(()) => {}
        Err(problem) if problem.kind == ErrorKind::Binary => {
            if owner {
                run.problem_at(work, LineRef::None, problem);
            }
            return;
        }
        Err(problem) => return run.problem_at(work, LineRef::None, explain(problem)),
    }
    count_file_itself(run, work, target, last - first);
    let chunk = run.options.chunk_bytes.max(1) as u64;
    let chunks = (last - first).div_ceil(chunk);
    for k in 0..chunks {
        let storage = Arc::clone(&storage);
        let work = Arc::clone(work);
        run.task_started(&work);
        let (start, end) = (first + k * chunk, (first + (k + 1) * chunk).min(last));
        // Chunk 0 is the file's start (where a BOM may sit); a range that starts later
        // numbers its chunks from 1.
        let index = (k + u64::from(!owner)) as u32;
        let count_chunk = move || {
            let names = run.plan.sources[target.source].field_names();
            run.with_acc(&work, |acc| {
                let mut counting = Counting::batched(run, acc, target);
                let base = LineBase::Chunk(index);
                let max = run.options.max_document_bytes;
                let range = (start, end);
                let lines = jsonl::read_range(&*storage, range, base, &names, max, &mut counting);
                let tokens = counting.finish();
                if let Some(lines) = lines {
                    acc.chunk_lines(target.file, index, lines);
                    run.progress.add_tokens(tokens);
                }
            });
            storage.release(start, end);
            run.progress.add_bytes(end - start);
            run.task_done(&work);
        };
        if chunks == 1 {
            count_chunk();
        } else {
            scope.spawn(move |_| count_chunk());
        }
    }
}

fn streamed_jsonl<'s>(
    run: &'s Run<'s>,
    work: &Arc<FileWork>,
    target: Target,
    compression: Compression,
    scope: &rayon::Scope<'s>,
) {
    let planned = &run.plan.files[target.file];
    let Some(storage) = open_storage(run, work, Access::Read, |p| p) else {
        return;
    };
    let meter = |n| run.progress.add_bytes(n);
    let block_bytes = run.options.chunk_bytes.min(1 << 20);
    let max = run.options.max_document_bytes;
    let mut blocks = match JsonlBlocks::open(&*storage, compression, block_bytes, max, &meter) {
        Ok(blocks) => blocks,
        Err(problem) => return run.problem_at(work, LineRef::None, problem),
    };
    let names = run.plan.sources[target.source].field_names();
    let draw = run.options.draw.as_deref().filter(|d| d.draws(target.file));
    let max_in_flight = 2 * run.options.threads.max(1);
    let mut first = true;
    loop {
        let block = match blocks.next_block() {
            Ok(Some(block)) => block,
            Ok(None) => break,
            // A stream that breaks (or looks binary) before its first line counts only as an
            // error.
            Err((at, problem)) => return run.problem_at(work, at, problem),
        };
        if first {
            count_file_itself(run, work, target, planned.size);
            first = false;
        }
        let work = Arc::clone(work);
        run.task_started(&work);
        let count_block = move || {
            let tokens = run.with_acc(&work, |acc| {
                let mut counting = Counting::batched(run, acc, target).drawn_by(draw);
                jsonl::read_block(&block, &names, max, &mut counting);
                counting.finish()
            });
            run.progress.add_tokens(tokens);
            run.task_done(&work);
        };
        // Hand the block to another worker while the budget allows; count it here otherwise,
        // which also throttles decoding to the pace of counting.
        if run.blocks_in_flight.fetch_add(1, Ordering::AcqRel) < max_in_flight {
            scope.spawn(move |_| {
                count_block();
                run.blocks_in_flight.fetch_sub(1, Ordering::AcqRel);
            });
        } else {
            run.blocks_in_flight.fetch_sub(1, Ordering::AcqRel);
            count_block();
        }
    }
    if first {
        count_file_itself(run, work, target, planned.size); // an empty stream: a counted, empty file
    }
}

/// Counts a whole plain-text file as one document.
fn text_document(run: &Run, work: &FileWork, target: Target, compression: Compression) {
    let planned = &run.plan.files[target.file];
    let access = planned.format.access(run.options.mmap);
    let Some(storage) = open_storage(run, work, access, |p| p) else {
        return;
    };
    let meter = |n| run.progress.add_bytes(n);
    let read = run.with_acc(work, |acc| {
        read_text(
            &*storage,
            compression,
            run.options.max_document_bytes,
            &meter,
            &mut Counting::new(run, acc, target),
        )
    });
    let stored = compression == Compression::None;
    if read {
        count_file_itself(
            run,
            work,
            target,
            if stored { storage.len() } else { planned.size },
        );
    }
    if stored {
        run.progress.add_bytes(storage.len());
    }
}
