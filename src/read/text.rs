//! Plain-text files: a whole file (maybe gzip- or zstd-compressed) is one document. A leading
//! UTF-8 byte-order mark is dropped; NUL bytes mean a binary file; invalid UTF-8 is reported
//! with its line.

use super::format::Compression;
use super::item::{Document, LineRef, Visitor};
use super::sniff::UTF8_BOM;
use super::storage::Storage;
use super::stream::{self, Meter};
use super::{Problem, lines};
use crate::error::ErrorKind;
use std::io::Read;

/// Reads the file in `storage` (decoding `compression`, reporting stored bytes read to `meter`)
/// and hands `visitor` its one document, or the problem that prevents it; returns whether the
/// document was handed out. A document longer than `max` bytes (as decompressed) is a
/// [`ErrorKind::TooLarge`] problem, and no more than `max + 1` bytes of it are ever held.
pub fn read_text<V: Visitor + ?Sized>(
    storage: &dyn Storage,
    compression: Compression,
    max: u64,
    meter: Meter<'_>,
    visitor: &mut V,
) -> bool {
    let mut scratch = Vec::new();
    let content = if compression == Compression::None {
        let len = storage.len();
        if len > max {
            let problem = Problem::too_large(&format!("a document of {len} bytes"), max);
            return fail(visitor, LineRef::None, problem);
        }
        match storage.range(0, len, &mut scratch) {
            Ok(content) => content,
            Err(e) => return fail(visitor, LineRef::None, io_problem(&e)),
        }
    } else {
        let decoded = stream::open(storage, compression, meter)
            .and_then(|d| read_at_most(d, max.saturating_add(1), &mut scratch));
        match decoded {
            Ok(n) if n > max => {
                let problem = Problem::too_large("the decompressed document", max);
                return fail(visitor, LineRef::None, problem);
            }
            Ok(_) => &scratch[..],
            Err(e) => return fail(visitor, LineRef::None, stream::broken(compression, &e)),
        }
    };
    match document_text(content) {
        Ok(text) => {
            let fields = Default::default();
            let at = LineRef::None;
            visitor.document(Document { text, fields, at });
            true
        }
        Err((problem, line)) => fail(visitor, line.map_or(LineRef::None, LineRef::Line), problem),
    }
}

/// Reads `reader` into `buf` until its end or `limit` bytes, whichever comes first, and returns
/// how many bytes were read. The buffer doubles as it fills but never past `limit`, so a stream
/// cut at the limit holds at most `limit` bytes (half as much again while it grows).
fn read_at_most(mut reader: impl Read, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<u64> {
    loop {
        let held = buf.len() as u64;
        if held >= limit {
            return Ok(held);
        }
        let room = (buf.capacity().max(64 << 10) as u64 * 2).min(limit);
        buf.reserve_exact((room - held) as usize);
        let free = (buf.capacity() - buf.len()) as u64;
        if (&mut reader).take(free).read_to_end(buf)? == 0 {
            return Ok(buf.len() as u64);
        }
    }
}

/// Hands `problem` at `at` to `visitor`; the document was not read.
fn fail<V: Visitor + ?Sized>(visitor: &mut V, at: LineRef, problem: Problem) -> bool {
    visitor.problem(at, problem);
    false
}

/// An [`ErrorKind::Io`] problem.
pub fn io_problem(e: &std::io::Error) -> Problem {
    Problem::new(ErrorKind::Io, e.to_string())
}

/// The document text of a plain-text file, or the problem and (1-based) line that prevent it.
pub fn document_text(bytes: &[u8]) -> Result<&str, (Problem, Option<u64>)> {
    let skipped = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let text = &bytes[skipped..];
    if let Some(at) = memchr::memchr(0, text) {
        let problem = Problem::new(
            ErrorKind::Binary,
            format!(
                "NUL byte at offset {}: binary data where text is expected",
                at + skipped
            ),
        );
        return Err((problem, None));
    }
    std::str::from_utf8(text).map_err(|e| {
        let at = e.valid_up_to();
        let line =
            lines::count_lines(&text[..at]) + u64::from(text[..at].ends_with(b"\n") || at == 0);
        let problem = Problem::new(
            ErrorKind::InvalidUnicode,
            format!("invalid UTF-8 at byte offset {}", at + skipped),
        );
        (problem, Some(line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::item::collect::Collect;
    use crate::read::storage::InMemory;

    #[test]
    fn bom_is_dropped_and_bad_bytes_are_located() {
        assert_eq!(document_text(b"\xEF\xBB\xBFhello").unwrap(), "hello");
        let (p, _) = document_text(b"\xEF\xBB\xBFab\xff").unwrap_err();
        assert_eq!(
            p.message, "invalid UTF-8 at byte offset 5",
            "offsets count from the file start"
        );
        let (p, line) = document_text(b"ok\nfine\nbad \xff here").unwrap_err();
        assert_eq!((p.kind, line), (ErrorKind::InvalidUnicode, Some(3)));
        let (p, line) = document_text(b"\xffx").unwrap_err();
        assert_eq!((p.kind, line), (ErrorKind::InvalidUnicode, Some(1)));
        let (p, _) = document_text(b"PK\x03\x04\x00\x00").unwrap_err();
        assert_eq!(p.kind, ErrorKind::Binary);
    }

    fn read(stored: &[u8], compression: Compression) -> (bool, Vec<String>) {
        let mut seen = Collect::default();
        let input = InMemory(stored.to_vec().into());
        let read = read_text(&input, compression, 20, &|_| {}, &mut seen);
        (read, seen.0)
    }

    #[test]
    fn a_file_is_one_document_or_one_problem() {
        assert_eq!(
            read(b"\xEF\xBB\xBFtwo\nlines", Compression::None),
            (true, vec!["doc None two\nlines".to_string()])
        );
        let (read_ok, seen) = read(b"one\n\xfe", Compression::None);
        assert!(!read_ok);
        assert!(seen[0].starts_with("problem Line(2) invalid_unicode"));
        let packed = zstd::bulk::compress(b"packed text", 3).unwrap();
        assert_eq!(
            read(&packed, Compression::Zstd),
            (true, vec!["doc None packed text".to_string()])
        );
        let (read_ok, seen) = read(&packed[..packed.len() - 3], Compression::Zstd);
        assert!(!read_ok);
        assert!(seen[0].starts_with("problem None decompress: truncated or corrupt zstd stream"));
    }

    #[test]
    fn a_stream_is_read_up_to_its_limit_in_a_buffer_no_larger() {
        let long = vec![b'z'; 300_000];
        for limit in [1, 65_536, 100_000, 299_999, 300_000, 300_001, 1 << 30] {
            let mut buf = Vec::new();
            let n = read_at_most(&long[..], limit, &mut buf).unwrap();
            assert_eq!(n, limit.min(300_000), "{limit}");
            assert_eq!(buf.len() as u64, n);
            assert!(
                buf.capacity() as u64 <= limit.max(131_072),
                "{limit}: {}",
                buf.capacity()
            );
        }
    }

    #[test]
    fn a_document_over_the_limit_is_too_large_stored_or_packed() {
        let long = "x".repeat(21);
        let (read_ok, seen) = read(long.as_bytes(), Compression::None);
        assert!(!read_ok);
        assert_eq!(
            seen,
            [
                "problem None too_large: a document of 21 bytes is over the 20-byte limit for one \
              document (--max-document-bytes); not counted"
            ]
        );
        let packed = zstd::bulk::compress(long.as_bytes(), 3).unwrap();
        let (read_ok, seen) = read(&packed, Compression::Zstd);
        assert!(!read_ok);
        assert!(
            seen[0].starts_with(
                "problem None too_large: the decompressed document is over the 20-byte limit"
            ),
            "{seen:?}"
        );
        assert!(
            read(&long.as_bytes()[1..], Compression::None).0,
            "20 bytes are fine"
        );
    }
}
