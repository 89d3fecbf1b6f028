//! An input seen at the size it had when the count was planned: a file that grew since is read
//! up to that size only (whatever was appended is for the next count), and its growth is told as
//! a change, as is a file that is now shorter than planned.

use super::storage::{Change, Storage};
use std::io;
use std::sync::Arc;

/// The first `len` bytes of a storage (all of it when it is shorter).
pub struct PlannedSize {
    inner: Arc<dyn Storage>,
    len: u64,
}

impl PlannedSize {
    /// `inner` seen at its planned size `planned`.
    pub fn new(inner: Arc<dyn Storage>, planned: u64) -> Self {
        let len = planned.min(inner.len());
        Self { inner, len }
    }
}

impl Storage for PlannedSize {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.len.saturating_sub(offset).min(buf.len() as u64) as usize;
        match room {
            0 => Ok(0),
            _ => self.inner.read_at(offset, &mut buf[..room]),
        }
    }

    fn fingerprint(&self) -> Option<String> {
        self.inner.fingerprint()
    }

    fn in_memory(&self) -> Option<&[u8]> {
        self.inner.in_memory().map(|all| &all[..self.len as usize])
    }

    fn release(&self, start: u64, end: u64) {
        self.inner.release(start, end);
    }

    fn changes(&self) -> Option<Change> {
        match self.inner.changes() {
            // Shorter than when it was opened, but not than what was read: whatever happened to
            // it, the bytes read may not be the ones planned.
            Some(Change::EndedAt(at)) if at >= self.len => Some(Change::Modified),
            Some(change) => Some(change),
            None if self.inner.len() > self.len => Some(Change::Grew(self.inner.len())),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::storage::{Access, InMemory, open};

    #[test]
    fn a_storage_is_read_at_its_planned_size_and_its_growth_told() {
        let whole: Arc<dyn Storage> = Arc::new(InMemory(b"0123456789"[..].into()));
        let planned = PlannedSize::new(Arc::clone(&whole), 4);
        let mut scratch = Vec::new();
        assert_eq!(planned.len(), 4);
        assert_eq!(planned.range(0, 4, &mut scratch).unwrap(), b"0123");
        let mut streamed = Vec::new();
        io::Read::read_to_end(&mut planned.stream().unwrap(), &mut streamed).unwrap();
        assert_eq!(streamed, b"0123");
        assert_eq!(planned.changes(), Some(Change::Grew(10)));
        assert_eq!(PlannedSize::new(whole, 10).changes(), None);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        for access in [Access::Read, Access::Map] {
            let file = PlannedSize::new(open(&path, access).unwrap(), 10);
            std::fs::write(&path, b"0123").unwrap();
            let mut buf = [0u8; 10];
            let read = file.read_exact_at(0, &mut buf);
            assert_eq!(file.changes(), Some(Change::EndedAt(4)), "{access:?}");
            assert!(access == Access::Map || read.is_err());
            std::fs::write(&path, b"0123456789").unwrap();
        }
    }
}
