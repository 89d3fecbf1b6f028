//! Counting one planned file according to its format: uncompressed JSONL is mapped (or read)
//! and cut into chunks of whole lines; compressed JSONL is decoded into blocks of lines that
//! other workers count while decoding goes on; a plain-text file is one document.

use super::Run;
use super::accumulator::LineRef;
use super::progress::ProgressReader;
use super::scan::{LineBase, Target, count_document, scan_jsonl};
use crate::error::ErrorKind;
use crate::read::bytes::FileBytes;
use crate::read::format::{Compression, Layout};
use crate::read::stream::{LineBlocks, decoder};
use crate::read::{BINARY_SNIFF_BYTES, jsonl_looks_binary, text::document_text};
use std::fs::File;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Counts file `index` of the plan; may spawn chunk tasks on `scope`.
pub(super) fn count_file<'s>(run: &'s Run<'s>, index: usize, scope: &rayon::Scope<'s>) {
    let planned = &run.plan.files[index];
    let target = Target {
        file: index,
        source: planned.source,
    };
    match (planned.format.layout, planned.format.compression) {
        (Layout::Jsonl, Compression::None) => mapped_jsonl(run, target, scope),
        (Layout::Jsonl, compression) => streamed_jsonl(run, target, compression, scope),
        (Layout::Text, compression) => text_document(run, target, compression),
        (Layout::Media, _) => super::media::media_file(run, target),
        (Layout::Tar, compression) => super::media::tar_file(run, target, compression),
        (Layout::Parquet, _) => super::parquet::parquet_file(run, target, scope),
    }
}

/// An I/O error, naming the byte range when only part of the file was to be read.
fn range_error(planned: &crate::plan::PlannedFile, e: std::io::Error) -> std::io::Error {
    match planned.range {
        Some((start, end)) => {
            std::io::Error::new(e.kind(), format!("{e} (reading bytes {start}..{end})"))
        }
        None => e,
    }
}

/// Records that the file could not be read.
pub(super) fn io_error(run: &Run, target: Target, e: std::io::Error) {
    run.with_acc(target.file, |acc| {
        acc.error_msg(target.file, LineRef::None, ErrorKind::Io, e.to_string())
    });
}

fn binary_error(run: &Run, target: Target) {
    let message = format!(
        "NUL byte in the first {BINARY_SNIFF_BYTES} bytes: binary data where JSONL text is expected"
    );
    run.with_acc(target.file, |acc| {
        acc.error_msg(target.file, LineRef::None, ErrorKind::Binary, message)
    });
}

/// Marks a file (or a shard's range of it) as counted: `input_bytes` read from disk, and one
/// file unless the range does not start the file.
fn count_file_itself(run: &Run, target: Target, input_bytes: u64) {
    let owns_file = run.plan.files[target.file].owns_file();
    run.with_acc(target.file, |acc| {
        let counts = &mut acc.sources[target.source].counts;
        counts.files += u64::from(owns_file);
        counts.input_bytes += input_bytes;
    });
}

fn mapped_jsonl<'s>(run: &'s Run<'s>, target: Target, scope: &rayon::Scope<'s>) {
    let planned = &run.plan.files[target.file];
    // The content's verdict (binary) is reported by the range that starts the file, so that a
    // file split between shards is reported once; a failure to read is every range's own.
    let owner = planned.owns_file();
    let bytes = match FileBytes::open(&planned.path, run.options.mmap) {
        Ok(b) => b,
        Err(e) => return io_error(run, target, range_error(planned, e)),
    };
    let (first, last) = planned.span();
    let last = last.min(bytes.len());
    if first >= last {
        return count_file_itself(run, target, 0);
    }
    let mut scratch = Vec::new();
    match bytes.head(BINARY_SNIFF_BYTES, &mut scratch) {
        Ok(head) if jsonl_looks_binary(head) => {
            if owner {
                binary_error(run, target);
            }
            return;
        }
        Ok(_) => {}
        Err(e) => return io_error(run, target, range_error(planned, e)),
    }
    count_file_itself(run, target, last - first);
    let chunk = run.options.chunk_bytes.max(1) as u64;
    let bytes = Arc::new(bytes);
    let chunks = (last - first).div_ceil(chunk);
    for k in 0..chunks {
        let bytes = Arc::clone(&bytes);
        let (start, end) = (first + k * chunk, (first + (k + 1) * chunk).min(last));
        // Chunk 0 is the file's start (where a BOM may sit); a range that starts later
        // numbers its chunks from 1.
        let index = (k + u64::from(!owner)) as u32;
        let count_chunk = move || {
            let names = run.plan.sources[target.source].field_names();
            let mut scratch = Vec::new();
            run.with_acc(target.file, |acc| {
                match bytes.owned_lines(start, end, &mut scratch) {
                    Ok(region) => {
                        let base = LineBase::Chunk(index);
                        let scanned = scan_jsonl(run.counter, acc, target, &names, region, base);
                        acc.chunk_lines(target.file, index, scanned.lines);
                        run.progress.add_tokens(scanned.tokens);
                    }
                    Err(e) => {
                        acc.error_msg(target.file, LineRef::None, ErrorKind::Io, e.to_string())
                    }
                }
            });
            bytes.release(start, end);
            run.progress.add_bytes(end - start);
            run.task_done(target.file);
        };
        run.task_started(target.file);
        if chunks == 1 {
            count_chunk();
        } else {
            scope.spawn(move |_| count_chunk());
        }
    }
}

fn streamed_jsonl<'s>(
    run: &'s Run<'s>,
    target: Target,
    compression: Compression,
    scope: &rayon::Scope<'s>,
) {
    let planned = &run.plan.files[target.file];
    let file = match File::open(&planned.path) {
        Ok(f) => f,
        Err(e) => return io_error(run, target, e),
    };
    let decoded = match decoder(ProgressReader::new(file, &run.progress), compression) {
        Ok(d) => d,
        Err(e) => return decompress_error(run, target, LineRef::None, &e),
    };
    let names = run.plan.sources[target.source].field_names();
    // Blocks hold at least the sniffed head, so the binary test sees the same bytes whatever
    // the chunk size.
    let block_bytes = run.options.chunk_bytes.clamp(BINARY_SNIFF_BYTES, 1 << 20);
    let mut blocks = LineBlocks::new(decoded, block_bytes);
    let max_in_flight = 2 * run.options.threads.max(1);
    let mut first = true;
    loop {
        let block = match blocks.next_block() {
            Ok(Some(block)) => block,
            Ok(None) => break,
            Err(e) => {
                // A stream that breaks before its first line counts only as an error.
                let line = LineRef::Line(blocks.next_line() + 1);
                return decompress_error(run, target, line, &e);
            }
        };
        if first {
            if jsonl_looks_binary(&block.bytes) {
                return binary_error(run, target);
            }
            count_file_itself(run, target, planned.size);
            first = false;
        }
        let count_block = move || {
            let base = LineBase::Absolute(block.first_line);
            let scanned = run.with_acc(target.file, |acc| {
                scan_jsonl(run.counter, acc, target, &names, &block.bytes, base)
            });
            run.progress.add_tokens(scanned.tokens);
            run.task_done(target.file);
        };
        run.task_started(target.file);
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
        count_file_itself(run, target, planned.size); // an empty stream is a counted, empty file
    }
}

fn decompress_error(run: &Run, target: Target, line: LineRef, e: &std::io::Error) {
    let what = match run.plan.files[target.file].format.compression {
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
        Compression::None => "input",
    };
    let message =
        format!("truncated or corrupt {what} stream: {e}; lines before this point were counted");
    run.with_acc(target.file, |acc| {
        acc.error_msg(target.file, line, ErrorKind::Decompress, message)
    });
}

fn text_document(run: &Run, target: Target, compression: Compression) {
    let planned = &run.plan.files[target.file];
    let mut scratch = Vec::new();
    if compression == Compression::None {
        let bytes = match FileBytes::open(&planned.path, run.options.mmap) {
            Ok(b) => b,
            Err(e) => return io_error(run, target, e),
        };
        match bytes.all(&mut scratch) {
            Ok(content) => count_text(run, target, content, bytes.len()),
            Err(e) => io_error(run, target, e),
        }
        run.progress.add_bytes(bytes.len());
        return;
    }
    let file = match File::open(&planned.path) {
        Ok(f) => f,
        Err(e) => return io_error(run, target, e),
    };
    let decoded = decoder(ProgressReader::new(file, &run.progress), compression)
        .and_then(|mut d| d.read_to_end(&mut scratch));
    match decoded {
        Ok(_) => count_text(run, target, &scratch, planned.size),
        Err(e) => decompress_error(run, target, LineRef::None, &e),
    }
}

/// Counts a whole plain-text file as one document.
fn count_text(run: &Run, target: Target, content: &[u8], input_bytes: u64) {
    match document_text(content) {
        Ok(text) => {
            count_file_itself(run, target, input_bytes);
            let tokens = run.with_acc(target.file, |acc| {
                count_document(
                    run.counter,
                    acc,
                    target,
                    text,
                    Default::default(),
                    LineRef::None,
                )
            });
            run.progress.add_tokens(tokens);
        }
        Err((problem, line)) => run.with_acc(target.file, |acc| {
            acc.error(
                target.file,
                line.map_or(LineRef::None, LineRef::Line),
                problem,
            )
        }),
    }
}
