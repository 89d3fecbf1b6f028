//! Counting over slices: a buffer of JSONL lines or one plain-text document goes in, documents
//! and errors go into an accumulator. Nothing here knows about files or threads.

use super::accumulator::{Accumulator, LineRef};
use crate::count::Counter;
use crate::error::ErrorKind;
use crate::provenance::RecordFields;
use crate::read::jsonl::FieldNames;
use crate::read::{UTF8_BOM, jsonl, lines};

/// Where a buffer's lines are numbered from.
#[derive(Debug, Clone, Copy)]
pub enum LineBase {
    /// The buffer's first line is line `first` (from 0) of its file.
    Absolute(u64),
    /// The buffer is chunk `n` of a split file; lines are resolved later.
    Chunk(u32),
}

impl LineBase {
    fn at(self, index: u64) -> LineRef {
        match self {
            LineBase::Absolute(first) => LineRef::Line(first + index + 1),
            LineBase::Chunk(chunk) => LineRef::InChunk { chunk, index },
        }
    }

    fn starts_file(self) -> bool {
        matches!(self, LineBase::Absolute(0) | LineBase::Chunk(0))
    }
}

/// What a scan counted, for progress reporting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scanned {
    /// Lines seen (blank lines included).
    pub lines: u64,
    /// Tokens counted.
    pub tokens: u64,
}

/// Where scanned documents are recorded: the file (for errors) and its source.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Index of the file in the plan.
    pub file: usize,
    /// Index of its source.
    pub source: usize,
}

/// Counts every JSONL record in `buf` (whole lines), reading the fields `names`.
pub fn scan_jsonl(
    counter: &dyn Counter,
    acc: &mut Accumulator,
    target: Target,
    names: &FieldNames<'_>,
    buf: &[u8],
    base: LineBase,
) -> Scanned {
    let mut scanned = Scanned::default();
    let mut unescaped = String::new();
    for (index, line) in lines::lines(buf) {
        scanned.lines += 1;
        let line = if index == 0 && base.starts_file() {
            line.strip_prefix(UTF8_BOM).unwrap_or(line)
        } else {
            line
        };
        match jsonl::extract_record(line, names, &mut unescaped) {
            Ok(None) => {}
            Ok(Some((text, fields))) => {
                let line = base.at(index);
                scanned.tokens += count_document(counter, acc, target, text, fields, line)
            }
            Err(problem) => acc.error(target.file, base.at(index), problem),
        }
    }
    scanned
}

/// Counts one document, with its date and URL `fields`, and returns its tokens (0 when the
/// tokenizer refused it, which is recorded as an error).
pub fn count_document(
    counter: &dyn Counter,
    acc: &mut Accumulator,
    target: Target,
    text: &str,
    fields: RecordFields<'_>,
    line: LineRef,
) -> u64 {
    match counter.count(text) {
        Ok(tokens) => {
            let rule = acc.rules[target.source];
            let (mut buf, mut scratch) = std::mem::take(&mut acc.scratch);
            let stats = &mut acc.sources[target.source];
            stats.record_document(text.len() as u64, tokens);
            let domain = rule.domain(&fields, &mut buf, &mut scratch);
            stats.record_provenance(rule.dating(&fields), domain, tokens);
            acc.scratch = (buf, scratch);
            acc.observe_signals(target.source, text, tokens);
            tokens
        }
        Err(message) => {
            acc.error_msg(target.file, line, ErrorKind::Tokenizer, message);
            0
        }
    }
}
