//! JSONL: one JSON object per line, whose text field (and date and URL fields) make a document.
//! An uncompressed input is read as byte ranges of whole lines ([`read_range`], any number of
//! ranges on any threads); a compressed one is decoded into blocks of lines ([`JsonlBlocks`]) that
//! may be read on other threads ([`read_block`]). Either way every line goes through
//! [`read_lines`], where the byte-order mark and the record rules apply.

mod fast;
mod record;

pub use record::{FieldNames, extract_record, extract_text};

use super::format::Compression;
use super::item::{Conversation, Document, LineBase, LineRef, Visitor};
use super::sniff::{BINARY_SNIFF_BYTES, jsonl_binary_problem, jsonl_looks_binary, strip_bom};
use super::storage::Storage;
use super::stream::{self, Block, LineBlocks, Meter};
use super::{Problem, lines};
use crate::error::ErrorKind;
use std::io::Read;

/// Reads every record of `buf` (whole lines, numbered from `base`), handing documents and
/// problems to `visitor`; returns how many lines there were (blank ones included). A line longer
/// than `max` bytes is an [`ErrorKind::TooLarge`] problem.
#[inline]
pub fn read_lines<V: Visitor + ?Sized>(
    buf: &[u8],
    base: LineBase,
    names: &FieldNames<'_>,
    max: u64,
    visitor: &mut V,
) -> u64 {
    let mut count = 0;
    let mut unescaped = String::new();
    for (index, line) in lines::lines(buf) {
        count += 1;
        if line.len() as u64 > max {
            visitor.problem(base.at(index), long_record(max));
            continue;
        }
        let line = if index == 0 && base.starts_file() {
            strip_bom(line)
        } else {
            line
        };
        match extract_record(line, names, &mut unescaped) {
            Ok(None) => {}
            Ok(Some((messages_json, fields))) if names.chat => visitor.conversation(Conversation {
                messages_json,
                fields,
                at: base.at(index),
            }),
            Ok(Some((text, fields))) => visitor.document(Document {
                text,
                fields,
                at: base.at(index),
            }),
            Err(problem) => visitor.problem(base.at(index), problem),
        }
    }
    count
}

/// The problem of a record (line) longer than `max` bytes.
pub fn long_record(max: u64) -> Problem {
    Problem::too_large("a record (line)", max)
}

/// Whether an uncompressed JSONL input can be read as text: its head is sniffed for binary data
/// ([`ErrorKind::Binary`]), or cannot be read ([`ErrorKind::Io`]).
pub fn sniff(storage: &dyn Storage) -> Result<(), Problem> {
    let mut scratch = Vec::new();
    let head_len = (BINARY_SNIFF_BYTES as u64).min(storage.len());
    match storage.range(0, head_len, &mut scratch) {
        Ok(head) if jsonl_looks_binary(head) => Err(jsonl_binary_problem()),
        Ok(_) => Ok(()),
        Err(e) => Err(Problem::new(ErrorKind::Io, e.to_string())),
    }
}

/// Reads the records of the lines that start in `start..end` of an uncompressed input (`end` at
/// most its length), numbered from `base`; returns how many lines there were, or `None` when the
/// range could not be read (the [`ErrorKind::Io`] problem is handed to `visitor`). A line longer
/// than `max` bytes is a problem, and is never read whole.
pub fn read_range<V: Visitor + ?Sized>(
    storage: &dyn Storage,
    (start, end): (u64, u64),
    base: LineBase,
    names: &FieldNames<'_>,
    max: u64,
    visitor: &mut V,
) -> Option<u64> {
    let mut scratch = Vec::new();
    match lines::owned_lines(storage, start, end, max, &mut scratch) {
        Ok(owned) => {
            let mut count = read_lines(owned.lines, base, names, max, visitor);
            if owned.long_line {
                visitor.problem(base.at(count), long_record(max));
                count += 1;
            }
            Some(count)
        }
        Err(e) => {
            visitor.problem(LineRef::None, Problem::new(ErrorKind::Io, e.to_string()));
            None
        }
    }
}

/// Reads the records of a block decoded by [`JsonlBlocks`] (whose lines were cut at `max` bytes:
/// the longer ones are problems).
pub fn read_block<V: Visitor + ?Sized>(
    block: &Block,
    names: &FieldNames<'_>,
    max: u64,
    visitor: &mut V,
) -> u64 {
    let base = LineBase::Absolute(block.first_line);
    for &index in &block.long_lines {
        visitor.problem(base.at(index), long_record(max));
    }
    read_lines(&block.bytes, base, names, max, visitor)
}

/// A compressed (or any streamed) JSONL input, decoded into blocks of whole lines.
pub struct JsonlBlocks<'a> {
    blocks: LineBlocks<Box<dyn Read + Send + 'a>>,
    compression: Compression,
    sniffed: bool,
    /// The input was judged binary: nothing more is read.
    ended: bool,
}

impl<'a> JsonlBlocks<'a> {
    /// Opens the decoded stream of `storage`, to be read in blocks of about `block_bytes` (never
    /// less than the sniffed head, so that the binary verdict does not depend on the block size)
    /// with lines of at most `max` bytes (longer ones are dropped as they are decoded, and their
    /// places listed). Stored bytes read are reported to `meter`.
    pub fn open(
        storage: &'a dyn Storage,
        compression: Compression,
        block_bytes: usize,
        max: u64,
        meter: Meter<'a>,
    ) -> Result<Self, Problem> {
        let decoded = stream::open(storage, compression, meter)
            .map_err(|e| stream::broken(compression, &e))?;
        let target = block_bytes.max(BINARY_SNIFF_BYTES);
        Ok(JsonlBlocks {
            blocks: LineBlocks::new(decoded, target, max),
            compression,
            sniffed: false,
            ended: false,
        })
    }

    /// The next block, `Ok(None)` at the end. An error ends the input: a first block that looks
    /// binary, or a stream that broke (placed at the line after the last complete one; the
    /// blocks before it stand).
    pub fn next_block(&mut self) -> Result<Option<Block>, (LineRef, Problem)> {
        if self.ended {
            return Ok(None);
        }
        let block = match self.blocks.next_block() {
            Ok(block) => block,
            Err(e) => {
                let at = LineRef::Line(self.blocks.next_line() + 1);
                return Err((at, stream::broken(self.compression, &e)));
            }
        };
        if let Some(block) = &block
            && !std::mem::replace(&mut self.sniffed, true)
            && jsonl_looks_binary(&block.bytes)
        {
            self.ended = true;
            return Err((LineRef::None, jsonl_binary_problem()));
        }
        Ok(block)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::item::collect::Collect;
    use crate::read::storage::InMemory;
    use std::io::Write;

    const TEXT: FieldNames = FieldNames::only_text("text");

    fn memory(bytes: &[u8]) -> InMemory {
        InMemory(bytes.to_vec().into())
    }

    #[test]
    fn lines_are_placed_and_the_bom_is_dropped_only_at_the_file_start() {
        let buf = b"\xEF\xBB\xBF{\"text\":\"a\"}\n\n{\"body\":1}\r\n{\"text\":\"b\"}";
        let mut seen = Collect::default();
        assert_eq!(
            read_lines(buf, LineBase::Absolute(0), &TEXT, 99, &mut seen),
            4
        );
        assert_eq!(
            seen.0,
            [
                "doc Line(1) a",
                "problem Line(3) missing_field: record has no \"text\" field",
                "doc Line(4) b",
            ]
        );
        let mut later = Collect::default();
        read_lines(buf, LineBase::Chunk(1), &TEXT, 99, &mut later);
        assert!(later.0[0].starts_with("problem InChunk { chunk: 1, index: 0 } json:"));
    }

    #[test]
    fn ranges_read_the_lines_that_start_in_them() {
        let input = memory(b"{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"three\"}\n");
        let mut seen = Collect::default();
        let lines = read_range(&input, (1, 20), LineBase::Chunk(1), &TEXT, 99, &mut seen);
        assert_eq!(lines, Some(1));
        assert_eq!(seen.0, ["doc InChunk { chunk: 1, index: 0 } two"]);
        assert!(sniff(&input).is_ok());
        let binary = memory(b"\x00\x01\x02 not json\n");
        assert_eq!(sniff(&binary).unwrap_err().kind, ErrorKind::Binary);
    }

    fn blocks_of(stored: &[u8], compression: Compression) -> Vec<String> {
        let input = memory(stored);
        let mut seen = Collect::default();
        let mut blocks = JsonlBlocks::open(&input, compression, 1, 99, &|_| {}).unwrap();
        loop {
            match blocks.next_block() {
                Ok(Some(block)) => _ = read_block(&block, &TEXT, 99, &mut seen),
                Ok(None) => break,
                Err((at, problem)) => break seen.problem(at, problem),
            }
        }
        seen.0
    }

    #[test]
    fn streams_are_read_in_blocks_and_their_damage_is_placed() {
        let text: String = (0..3000)
            .map(|i| format!("{{\"text\":\"{i}\"}}\n"))
            .collect();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let whole = blocks_of(&gz, Compression::Gzip);
        assert_eq!(
            (whole.len(), whole[2999].as_str()),
            (3000, "doc Line(3000) 2999")
        );
        let cut = blocks_of(&gz[..gz.len() / 2], Compression::Gzip);
        let last = cut.last().unwrap();
        assert!(
            last.contains("decompress: truncated or corrupt gzip stream"),
            "{last}"
        );
        let at = format!("problem Line({}) ", cut.len());
        assert!(
            last.starts_with(&at),
            "{last} follows {} lines",
            cut.len() - 1
        );
        let binary = memory(b"\x00\x00\x00\n{\"text\":\"a\"}\n");
        let mut blocks = JsonlBlocks::open(&binary, Compression::None, 1, 99, &|_| {}).unwrap();
        let (at, problem) = blocks.next_block().unwrap_err();
        assert_eq!((at, problem.kind), (LineRef::None, ErrorKind::Binary));
        assert!(
            blocks.next_block().unwrap().is_none(),
            "nothing follows the verdict"
        );
    }
}
