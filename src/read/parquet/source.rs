//! Where a Parquet file's bytes come from: any [`Storage`], read with positioned reads so that
//! threads reading different row groups of one file never share a file offset.

use crate::read::storage::Storage;
use bytes::Bytes;
use parquet::errors::{ParquetError, Result};
use parquet::file::reader::{ChunkReader, Length};
use std::io::{self, BufReader, Read};
use std::sync::Arc;

/// How much of a column chunk one buffered read fetches while page headers are parsed.
const HEADER_BUFFER: usize = 8 * 1024;

/// The bytes of one Parquet file.
pub(super) struct Source(pub Arc<dyn Storage>);

impl Length for Source {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl ChunkReader for Source {
    type T = BufReader<At>;

    fn get_read(&self, start: u64) -> Result<Self::T> {
        let end = self.0.len();
        Ok(BufReader::with_capacity(
            HEADER_BUFFER,
            At {
                storage: Arc::clone(&self.0),
                pos: start.min(end),
                end,
            },
        ))
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        let len = self.0.len();
        let end = start.checked_add(length as u64);
        if end.is_none_or(|end| end > len) {
            return Err(ParquetError::EOF(format!(
                "expected {length} bytes at offset {start}, but the file has {len}"
            )));
        }
        let mut buffer = vec![0; length];
        self.0.read_exact_at(start, &mut buffer)?;
        Ok(buffer.into())
    }
}

/// A reader at a position of a shared storage, reading with positioned reads up to `end`.
pub(super) struct At {
    storage: Arc<dyn Storage>,
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
        let n = self.storage.read_at(self.pos, &mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}
