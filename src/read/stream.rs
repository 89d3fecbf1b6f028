//! Compressed inputs (gzip, zstd), streamed: decoded in blocks of whole lines so that memory
//! stays bounded and a corrupt stream still yields every complete line before the damage. A
//! stream is opened over any [`Storage`], and reports the stored bytes it reads to a [`Meter`].

use super::Problem;
use super::format::Compression;
use super::storage::Storage;
use crate::error::ErrorKind;
use std::io::{self, BufRead, BufReader, Read};

/// Told how many stored (compressed) bytes each read consumed: the progress of a stream.
pub type Meter<'m> = &'m (dyn Fn(u64) + Sync);

/// The decoded content of `storage`, streamed from its first byte; every stored byte read is
/// reported to `meter`.
pub fn open<'a>(
    storage: &'a dyn Storage,
    compression: Compression,
    meter: Meter<'a>,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    let stored = Metered {
        inner: storage.stream()?,
        meter,
    };
    decoder(stored, compression)
}

/// A reader that reports the bytes it reads to a [`Meter`].
struct Metered<'m, R> {
    inner: R,
    meter: Meter<'m>,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.meter)(n as u64);
        Ok(n)
    }
}

/// The problem of a compressed stream that broke (or would not start) with `error`: what was read
/// before it was kept.
pub fn broken(compression: Compression, error: &io::Error) -> Problem {
    let codec = match compression {
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
        Compression::None => "input",
    };
    Problem::new(
        ErrorKind::Decompress,
        format!(
            "truncated or corrupt {codec} stream: {error}; lines before this point were counted"
        ),
    )
}

/// Wraps `input` in the decoder for `compression` (multi-member gzip, multi-frame zstd).
pub fn decoder<'a>(
    input: impl Read + Send + 'a,
    compression: Compression,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    Ok(match compression {
        Compression::None => Box::new(input),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(input)?),
    })
}

/// A block of whole lines decoded from a stream.
#[derive(Debug)]
pub struct Block {
    /// Index (from 0) of the block's first line in the whole stream.
    pub first_line: u64,
    /// The lines, each ending in `\n` except possibly the stream's last.
    pub bytes: Vec<u8>,
    /// The lines (indexes from the block's first) that were longer than the limit: dropped as
    /// they were decoded, each an empty line in `bytes`.
    pub long_lines: Vec<u64>,
}

/// Reads a decoded stream as blocks of at least `target` bytes of whole lines.
pub struct LineBlocks<R> {
    reader: BufReader<R>,
    target: usize,
    max_line: u64,
    next_line: u64,
    pending: Option<io::Error>,
    done: bool,
}

impl<R: Read> LineBlocks<R> {
    /// Blocks of about `target` bytes (more when one line is longer) of lines of at most
    /// `max_line` bytes (without their `\n` or `\r\n`): a longer line is dropped as it is decoded
    /// (never held whole) and listed in its block's `long_lines`.
    pub fn new(reader: R, target: usize, max_line: u64) -> Self {
        Self {
            reader: BufReader::with_capacity(256 * 1024, reader),
            target,
            max_line,
            next_line: 0,
            pending: None,
            done: false,
        }
    }

    /// Appends the next line to `bytes` (an empty line in its place when it is longer than the
    /// limit); `Ok(None)` at the end of the stream, else whether the line was too long.
    fn read_line(&mut self, bytes: &mut Vec<u8>) -> io::Result<Option<bool>> {
        let start = bytes.len();
        let mut long = false;
        loop {
            let buf = self.reader.fill_buf()?;
            let (ended, used) = match memchr::memchr(b'\n', buf) {
                Some(i) => (true, i + 1),
                None => (false, buf.len()),
            };
            if used == 0 {
                // The end of the stream: a last line without a newline, or nothing more.
                if bytes.len() == start && !long {
                    return Ok(None);
                }
                return Ok(Some(self.settle(bytes, start, long)));
            }
            // Past the limit even without its `\r\n`: drop what was kept of it.
            if !long && (bytes.len() - start + used) as u64 > self.max_line.saturating_add(2) {
                long = true;
                bytes.truncate(start);
            }
            if !long {
                bytes.extend_from_slice(&buf[..used]);
            }
            self.reader.consume(used);
            if ended {
                return Ok(Some(self.settle(bytes, start, long)));
            }
        }
    }

    /// Decides whether the whole line at `start..` of `bytes` is too long (`long`: known to be,
    /// and already dropped), leaving an empty line in its place if so.
    fn settle(&self, bytes: &mut Vec<u8>, start: usize, long: bool) -> bool {
        let line = &bytes[start..];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if long || line.len() as u64 > self.max_line {
            bytes.truncate(start);
            bytes.push(b'\n');
            return true;
        }
        false
    }

    /// Index (from 0) of the next line the stream will yield.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// The next block; `Ok(None)` at the end. After a decoding error the complete lines read
    /// before it come first, then the error, then the end.
    pub fn next_block(&mut self) -> io::Result<Option<Block>> {
        if let Some(e) = self.pending.take() {
            self.done = true;
            return Err(e);
        }
        if self.done {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(self.target + 4096);
        let mut long_lines = Vec::new();
        let mut lines = 0;
        while bytes.len() < self.target {
            let before = bytes.len();
            match self.read_line(&mut bytes) {
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Ok(Some(long)) => {
                    if long {
                        long_lines.push(lines);
                    }
                    lines += 1;
                }
                Err(e) => {
                    bytes.truncate(before); // a partial line is part of the damage
                    self.pending = Some(e);
                    break;
                }
            }
        }
        if bytes.is_empty() {
            return self.next_block();
        }
        let block = Block {
            first_line: self.next_line,
            bytes,
            long_lines,
        };
        self.next_line += super::lines::count_lines(&block.bytes);
        Ok(Some(block))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn blocks_hold_whole_lines_and_number_them() {
        let data = b"one\ntwo\nthree\nfour";
        let mut blocks = LineBlocks::new(&data[..], 5, 100);
        let mut seen = Vec::new();
        while let Some(b) = blocks.next_block().unwrap() {
            seen.push((b.first_line, String::from_utf8(b.bytes).unwrap()));
        }
        assert_eq!(
            seen,
            vec![
                (0, "one\ntwo\n".into()),
                (2, "three\n".into()),
                (3, "four".into())
            ]
        );
    }

    #[test]
    fn long_lines_are_dropped_as_they_are_decoded() {
        let long = "y".repeat(1 << 20);
        let data = format!("one\n{long}\nfour\r\nfive5\r\n{long}");
        // A small reader buffer would do too: lines are read through `fill_buf`.
        let mut blocks = LineBlocks::new(data.as_bytes(), 1 << 30, 4);
        let block = blocks.next_block().unwrap().unwrap();
        assert_eq!(block.bytes, b"one\n\nfour\r\n\n\n");
        assert_eq!(block.long_lines, [1, 3, 4]);
        assert!(blocks.next_block().unwrap().is_none());
        assert_eq!(blocks.next_line(), 5);
    }

    #[test]
    fn truncated_gzip_yields_good_lines_then_an_error() {
        let text: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let packed = gzip(text.as_bytes());
        let cut = &packed[..packed.len() / 2];
        let mut blocks = LineBlocks::new(decoder(cut, Compression::Gzip).unwrap(), 1024, 100);
        let mut lines = 0;
        let err = loop {
            match blocks.next_block() {
                Ok(Some(b)) => lines += super::super::lines::count_lines(&b.bytes),
                Ok(None) => panic!("a truncated stream must fail"),
                Err(e) => break e,
            }
        };
        assert!(lines > 1000, "good lines before the cut are kept ({lines})");
        assert!(!err.to_string().is_empty());
        assert!(blocks.next_block().unwrap().is_none());
    }
}
