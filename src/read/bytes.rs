//! Access to an uncompressed file's bytes: memory-mapped (memmap2) or, when mapping is off or
//! fails, positioned reads. Large JSONL files are cut into byte ranges, and each range owns the
//! lines that *start* inside it, so any cut gives every line to exactly one range.

use memmap2::Mmap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// How many bytes a read-mode range fetches at a time when it looks for the end of its last line.
const EXTEND_STEP: usize = 64 * 1024;

/// The bytes of one uncompressed file.
pub enum FileBytes {
    /// A read-only memory map.
    Mapped(Mmap),
    /// An open file read with positioned reads.
    Read {
        /// The open file.
        file: File,
        /// Its length when opened.
        len: u64,
    },
}

impl FileBytes {
    /// Opens `path`, mapping it when `mmap` is true and mapping works, reading it otherwise.
    pub fn open(path: &Path, mmap: bool) -> io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if mmap && len > 0 {
            // SAFETY: the map is read-only; a file truncated by another process while mapped can
            // fault, the same documented risk ripgrep accepts for its mmap searcher.
            if let Ok(map) = unsafe { Mmap::map(&file) } {
                return Ok(FileBytes::Mapped(map));
            }
        }
        Ok(FileBytes::Read { file, len })
    }

    /// The file length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            FileBytes::Mapped(m) => m.len() as u64,
            FileBytes::Read { len, .. } => *len,
        }
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole file (borrowed from the map, or read into `scratch`).
    pub fn all<'a>(&'a self, scratch: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        match self {
            FileBytes::Mapped(m) => Ok(&m[..]),
            FileBytes::Read { file, len } => {
                read_range(file, 0, *len, scratch)?;
                Ok(&scratch[..])
            }
        }
    }

    /// Tells the kernel that the pages wholly inside `start..end` are no longer needed, so that a
    /// mapped file's resident memory stays flat however large the file; a no-op when reading.
    pub fn release(&self, start: u64, end: u64) {
        if let FileBytes::Mapped(map) = self {
            let page = 4096u64;
            let (from, to) = (start.div_ceil(page) * page, end / page * page);
            if to > from {
                // SAFETY: the map is a read-only shared file mapping: dropped pages are read back
                // from the file on the next access, so any slice still borrowed stays valid and
                // sees the same bytes.
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        from as usize,
                        (to - from) as usize,
                    )
                };
            }
        }
    }

    /// The first `n` bytes (fewer for a shorter file).
    pub fn head<'a>(&'a self, n: usize, scratch: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        let n = (n as u64).min(self.len());
        match self {
            FileBytes::Mapped(m) => Ok(&m[..n as usize]),
            FileBytes::Read { file, .. } => {
                read_range(file, 0, n, scratch)?;
                Ok(&scratch[..])
            }
        }
    }

    /// The lines owned by the byte range `start..end`: every line whose first byte lies in the
    /// range, each up to and including its `\n` (or the end of the file).
    pub fn owned_lines<'a>(
        &'a self,
        start: u64,
        end: u64,
        scratch: &'a mut Vec<u8>,
    ) -> io::Result<&'a [u8]> {
        match self {
            FileBytes::Mapped(m) => {
                let (s, e) = owned_span(m, 0, start, end, true);
                Ok(&m[s..e])
            }
            FileBytes::Read { file, len } => {
                let lo = start.saturating_sub(1);
                read_range(file, lo, end, scratch)?;
                // A range inside one long line owns nothing: stop before reading on to its end.
                if start > 0 && memchr::memchr(b'\n', &scratch[..(end - 1 - lo) as usize]).is_none()
                {
                    return Ok(&scratch[..0]);
                }
                let mut at_eof = end >= *len;
                // Extend until the last owned line's newline is in the buffer.
                while !at_eof
                    && memchr::memchr(b'\n', &scratch[(end - 1 - lo) as usize..]).is_none()
                {
                    let from = lo + scratch.len() as u64;
                    let to = (from + EXTEND_STEP as u64).min(*len);
                    let mut more = Vec::new();
                    read_range(file, from, to, &mut more)?;
                    scratch.extend_from_slice(&more);
                    at_eof = to >= *len;
                }
                let (s, e) = owned_span(scratch, lo, start, end, at_eof);
                Ok(&scratch[s..e])
            }
        }
    }
}

/// Span (relative to `buf`, which starts at file offset `base`) of the lines owned by
/// `start..end`; `buf` must hold `base..end` and, unless `complete`, a newline at or after `end - 1`.
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

fn read_range(file: &File, from: u64, to: u64, out: &mut Vec<u8>) -> io::Result<()> {
    out.clear();
    out.resize((to - from) as usize, 0);
    file.read_exact_at(out, from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_cut_gives_every_line_to_one_range_in_both_modes(
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
            for mmap in [true, false] {
                let bytes = FileBytes::open(&path, mmap).unwrap();
                let mut joined = Vec::new();
                for w in bounds.windows(2) {
                    let mut scratch = Vec::new();
                    joined.extend_from_slice(bytes.owned_lines(w[0], w[1], &mut scratch).unwrap());
                }
                prop_assert_eq!(&joined, content.as_bytes());
            }
        }
    }
}
