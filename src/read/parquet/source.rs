//! Where a Parquet file's bytes come from: positioned reads (`pread`) on an open file, so that
//! threads reading different row groups of one file never share a file offset, or bytes that are
//! already in memory.

use bytes::Bytes;
use parquet::errors::{ParquetError, Result};
use parquet::file::reader::{ChunkReader, Length};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// How much of a column chunk one buffered read fetches while page headers are parsed.
const HEADER_BUFFER: usize = 8 * 1024;

/// The bytes of one Parquet file.
pub(super) enum Source {
    /// An open file and its length when opened.
    File { file: Arc<File>, len: u64 },
    /// The whole file in memory.
    Memory(Bytes),
}

impl Length for Source {
    fn len(&self) -> u64 {
        match self {
            Source::File { len, .. } => *len,
            Source::Memory(bytes) => bytes.len() as u64,
        }
    }
}

impl ChunkReader for Source {
    type T = Box<dyn Read + Send>;

    fn get_read(&self, start: u64) -> Result<Self::T> {
        match self {
            Source::File { file, len } => Ok(Box::new(BufReader::with_capacity(
                HEADER_BUFFER,
                At {
                    file: Arc::clone(file),
                    pos: start.min(*len),
                    end: *len,
                },
            ))),
            Source::Memory(bytes) => Ok(Box::new(bytes.get_read(start)?)),
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        match self {
            Source::File { file, len } => {
                let end = start.checked_add(length as u64);
                if end.is_none_or(|end| end > *len) {
                    return Err(ParquetError::EOF(format!(
                        "expected {length} bytes at offset {start}, but the file has {len}"
                    )));
                }
                let mut buffer = vec![0; length];
                file.read_exact_at(&mut buffer, start)?;
                Ok(buffer.into())
            }
            Source::Memory(bytes) => bytes.get_bytes(start, length),
        }
    }
}

/// A reader at a position of a shared file, reading with `pread` up to `end`.
struct At {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end - self.pos).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}
