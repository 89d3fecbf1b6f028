//! Lines: `\n` ends a line, a trailing `\r` is dropped, and a missing final newline is fine.
//! Splitting a buffer of whole lines, and cutting an input into byte ranges of whole lines: each
//! range owns the lines that *start* inside it, so any cut gives every line to exactly one range.

use super::storage::Storage;
use std::io::{self, Read};

/// How many bytes a range that is read (not borrowed) fetches at a time when it looks for the
/// end of its last line.
const EXTEND_STEP: usize = 64 * 1024;

/// Iterates the lines of `buf` as `(index, line)`, index counting from 0 and lines without
/// their `\n` or `\r\n` ending.
pub fn lines(buf: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut rest = buf;
    let mut index = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let item = (index, line);
        index += 1;
        Some(item)
    })
}

/// The number of lines that [`lines`] yields for `buf`.
pub fn count_lines(buf: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', buf).count() as u64;
    newlines + u64::from(!buf.is_empty() && !buf.ends_with(b"\n"))
}

/// The number of lines of `storage` that start before byte `offset`: what a range starting at
/// `offset` adds to its own line numbers. Reads the input up to `offset`.
pub fn lines_before(storage: &dyn Storage, offset: u64) -> io::Result<u64> {
    if offset == 0 {
        return Ok(0);
    }
    // Line starts before `offset`: byte 0, and the byte after each `\n` in `0..offset - 1`.
    let mut rest = storage.stream()?.take(offset - 1);
    let mut block = vec![0u8; 1 << 20];
    let mut starts = 1;
    loop {
        let n = rest.read(&mut block)?;
        if n == 0 {
            return Ok(starts);
        }
        starts += memchr::memchr_iter(b'\n', &block[..n]).count() as u64;
    }
}

/// The lines a byte range owns, as [`owned_lines`] gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnedLines<'a> {
    /// Whole lines, each up to and including its `\n` (or the end of the input).
    pub lines: &'a [u8],
    /// Whether one more owned line follows them that is longer than the limit: it was not read.
    pub long_line: bool,
}

/// The lines owned by the byte range `start..end` of `storage`: every line whose first byte lies
/// in the range, each up to and including its `\n` (or the end of the input). Any cut of an input
/// into ranges gives every line to exactly one range. Borrowed from a storage held in memory,
/// read into `scratch` otherwise (up to the end of the last owned line, unless that line runs on
/// past `max_line` bytes: then it is left unread and said to be there).
pub fn owned_lines<'a>(
    storage: &'a dyn Storage,
    start: u64,
    end: u64,
    max_line: u64,
    scratch: &'a mut Vec<u8>,
) -> io::Result<OwnedLines<'a>> {
    let whole = |lines| OwnedLines {
        lines,
        long_line: false,
    };
    if let Some(all) = storage.in_memory() {
        let (s, e) = owned_span(all, 0, start, end, true);
        return Ok(whole(&all[s..e]));
    }
    let len = storage.len();
    let lo = start.saturating_sub(1);
    scratch.clear();
    scratch.resize((end - lo) as usize, 0);
    storage.read_exact_at(lo, scratch)?;
    let before_last = (end - 1 - lo) as usize;
    // A range inside one long line owns nothing: stop before reading on to its end.
    if start > 0 && memchr::memchr(b'\n', &scratch[..before_last]).is_none() {
        return Ok(whole(&scratch[..0]));
    }
    // The last owned line starts after the last newline before byte `end - 1`.
    let tail = memchr::memrchr(b'\n', &scratch[..before_last]).map_or(0, |i| i + 1);
    let mut at_eof = end >= len;
    // Extend until the last owned line's newline is in the buffer.
    while !at_eof && memchr::memchr(b'\n', &scratch[before_last..]).is_none() {
        // Past the limit even without a `\r` before its newline.
        if (scratch.len() - tail) as u64 > max_line.saturating_add(1) {
            let first = if start == 0 {
                0
            } else {
                memchr::memchr(b'\n', &scratch[..before_last]).map_or(0, |i| i + 1)
            };
            return Ok(OwnedLines {
                lines: &scratch[first..tail],
                long_line: true,
            });
        }
        let held = scratch.len();
        let from = lo + held as u64;
        let to = (from + EXTEND_STEP as u64).min(len);
        scratch.resize(held + (to - from) as usize, 0);
        storage.read_exact_at(from, &mut scratch[held..])?;
        at_eof = to >= len;
    }
    let (s, e) = owned_span(scratch, lo, start, end, at_eof);
    Ok(whole(&scratch[s..e]))
}

/// Span (relative to `buf`, which starts at offset `base`) of the lines owned by `start..end`;
/// `buf` must hold `base..end` and, unless `complete`, a newline at or after `end - 1`.
fn owned_span(buf: &[u8], base: u64, start: u64, end: u64, complete: bool) -> (usize, usize) {
    let rel = |off: u64| (off - base) as usize;
    let first = if start == 0 {
        0
    } else {
        match memchr::memchr(b'\n', &buf[rel(start - 1)..rel(end - 1)]) {
            Some(i) => rel(start - 1) + i + 1,
            None => return (0, 0),
        }
    };
    let last = match memchr::memchr(b'\n', &buf[rel(end - 1)..]) {
        Some(i) => rel(end - 1) + i + 1,
        None => {
            debug_assert!(complete, "an incomplete buffer must hold the final newline");
            buf.len()
        }
    };
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::storage::{Access, InMemory, open};
    use proptest::prelude::*;

    #[test]
    fn lines_before_an_offset_are_the_line_starts_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"ab\ncd\n\nef").unwrap();
        let storage = open(&path, Access::Read).unwrap();
        let expected = [0, 1, 1, 1, 2, 2, 2, 3, 4, 4, 4];
        for (offset, want) in expected.iter().enumerate() {
            assert_eq!(
                lines_before(&*storage, offset as u64).unwrap(),
                *want,
                "{offset}"
            );
        }
    }

    #[test]
    fn a_line_past_the_limit_is_left_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let long = "x".repeat(200_000);
        std::fs::write(&path, format!("ab\n{long}\nk\n")).unwrap();
        let storage = open(&path, Access::Read).unwrap();
        let mut scratch = Vec::new();
        let owned = owned_lines(&*storage, 0, 5, 1000, &mut scratch).unwrap();
        assert_eq!((owned.lines, owned.long_line), (&b"ab\n"[..], true));
        assert!(scratch.len() < 100_000, "the long line was not read whole");
        let mut scratch = Vec::new();
        let owned = owned_lines(&*storage, 0, 5, u64::MAX, &mut scratch).unwrap();
        assert_eq!(owned.lines.len(), 3 + 200_001);
        assert!(!owned.long_line);
        let mapped = open(&path, Access::Map).unwrap();
        let owned = owned_lines(&*mapped, 0, 5, 1000, &mut scratch).unwrap();
        assert_eq!((owned.lines.len(), owned.long_line), (3 + 200_001, false));
    }

    #[test]
    fn endings_and_counts_agree() {
        for buf in [&b""[..], b"a", b"a\n", b"a\r\nb", b"\n\n", b"x\ny\n\nz"] {
            assert_eq!(lines(buf).count() as u64, count_lines(buf), "{buf:?}");
        }
        let got: Vec<_> = lines(b"a\r\n\nb").map(|(_, l)| l).collect();
        assert_eq!(got, vec![&b"a"[..], b"", b"b"]);
    }

    proptest! {
        #[test]
        fn any_cut_gives_every_line_to_one_range_in_every_storage(
            content in "[a\n\r]{0,200}",
            cuts in prop::collection::vec(1u64..200, 0..6),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f.jsonl");
            std::fs::write(&path, &content).unwrap();
            let len = content.len() as u64;
            let mut bounds: Vec<u64> = cuts.into_iter().filter(|&c| c < len).collect();
            bounds.push(0);
            bounds.push(len);
            bounds.sort();
            bounds.dedup();
            let storages: [std::sync::Arc<dyn Storage>; 3] = [
                open(&path, Access::Read).unwrap(),
                open(&path, Access::Map).unwrap(),
                std::sync::Arc::new(InMemory(content.clone().into_bytes().into())),
            ];
            for storage in storages {
                let mut joined = Vec::new();
                for w in bounds.windows(2) {
                    let mut scratch = Vec::new();
                    let owned = owned_lines(&*storage, w[0], w[1], u64::MAX, &mut scratch).unwrap();
                    joined.extend_from_slice(owned.lines);
                }
                prop_assert_eq!(&joined, content.as_bytes());
            }
        }
    }
}
