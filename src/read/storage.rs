//! Where a reader's bytes come from: one small trait, [`Storage`], over a local file read with
//! positioned reads, a memory-mapped local file, or bytes already in memory (and, later, an object
//! in a bucket). Readers see only a storage: its length, positioned reads, the bytes of a range
//! (borrowed when the storage holds them in memory) and a sequential stream. Nothing in a reader
//! opens a path; [`open`] is the one place a local path becomes a storage.
//!
//! A local file may change while it is read. Neither kind of local storage ends the process
//! then (a mapped file that shrinks is guarded: `fault_guard`), and both tell
//! afterwards what changed ([`Storage::changes`]): reads that ended early, a new length, a new
//! modification time.

use super::fault_guard::Guarded;
use bytes::Bytes;
use memmap2::Mmap;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What changed in an input while it was read, as [`Storage::changes`] tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Reading ended early, at this byte: the input is shorter than its length said (truncated
    /// while it was read, or a file whose contents are shorter than its stated size).
    EndedAt(u64),
    /// Its bytes may have changed in place: its modification time moved, its length did not.
    Modified,
    /// It grew, to this many bytes; the bytes it had are what was read.
    Grew(u64),
}

/// The bytes of one input (a file, an object), read from any thread at once.
pub trait Storage: Send + Sync {
    /// The length in bytes, as it was when the storage was opened.
    fn len(&self) -> u64;

    /// Reads bytes at `offset` into `buf`; returns how many were read (0 at the end).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize>;

    /// What identifies this version of the input (for a local file: size, modification time,
    /// inode and change time); `None` when the storage cannot tell.
    fn fingerprint(&self) -> Option<String>;

    /// All the bytes, when the storage holds them in memory (a map), so that readers borrow them.
    fn in_memory(&self) -> Option<&[u8]> {
        None
    }

    /// Tells the storage that the bytes `start..end` are no longer needed (a mapped file drops
    /// their pages, so that resident memory stays flat however large the file).
    fn release(&self, start: u64, end: u64) {
        let _ = (start, end);
    }

    /// What changed in the input since it was opened, as far as the storage can tell (`None`:
    /// nothing did, or it cannot tell). Asked once all its reading is done.
    fn changes(&self) -> Option<Change> {
        None
    }

    /// Whether the input is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `buf` with the bytes at `offset`; too few bytes left is an error.
    fn read_exact_at(&self, offset: u64, mut buf: &mut [u8]) -> io::Result<()> {
        let mut at = offset;
        while !buf.is_empty() {
            match self.read_at(at, buf) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "failed to fill whole buffer",
                    ));
                }
                Ok(n) => {
                    buf = &mut std::mem::take(&mut buf)[n..];
                    at += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The bytes `start..end`: borrowed when the storage holds them in memory, read into
    /// `scratch` otherwise.
    fn range<'a>(&'a self, start: u64, end: u64, scratch: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        if let Some(all) = self.in_memory() {
            return all.get(start as usize..end as usize).ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "failed to fill whole buffer")
            });
        }
        scratch.clear();
        scratch.resize((end - start) as usize, 0);
        self.read_exact_at(start, scratch)?;
        Ok(&scratch[..])
    }

    /// The whole input as a sequential stream, from its first byte.
    fn stream(&self) -> io::Result<Box<dyn Read + Send + '_>> {
        Ok(Box::new(Cursor {
            storage: self,
            at: 0,
        }))
    }
}

/// How a local file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Positioned reads (`pread`).
    Read,
    /// A read-only memory map, or positioned reads when the file is empty or mapping fails.
    Map,
}

/// Opens the local file at `path` for reading with `access`. Only a regular file is opened: a
/// FIFO is refused without waiting for a writer, a device without reading from it.
pub fn open(path: &Path, access: Access) -> io::Result<Arc<dyn Storage>> {
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        let kind = super::small_file::describe(&metadata.file_type());
        let message = format!("not a regular file but {kind}");
        return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
    }
    let (len, fingerprint) = (metadata.len(), fingerprint(&metadata));
    let opened = Stamp::of(&metadata);
    if access == Access::Map && len > 0 {
        // SAFETY: the map is read-only; a file truncated by another process while it is mapped
        // would fault, which the guard registered here turns into pages of zeros and a recorded
        // fault (the file is then reported as changed, and what was read from it dropped).
        if let Ok(map) = unsafe { Mmap::map(&file) }
            && let Some(guard) = Guarded::register(map.as_ptr(), map.len())
        {
            return Ok(Arc::new(MappedFile {
                map,
                guard,
                file,
                opened,
                fingerprint,
            }));
        }
    }
    Ok(Arc::new(LocalFile {
        file,
        len,
        opened,
        ended: AtomicU64::new(u64::MAX),
        fingerprint,
    }))
}

/// The length and modification time of a file when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: (i64, i64),
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Self {
        Self {
            len: metadata.len(),
            modified: (metadata.mtime(), metadata.mtime_nsec()),
        }
    }

    /// What changed in `file` since this stamp, given that reading it ended early at `ended`
    /// (`u64::MAX`: it did not).
    fn changes(self, file: &File, ended: u64) -> Option<Change> {
        let now = file.metadata().ok().map(|m| Stamp::of(&m));
        let shorter = now.map_or(u64::MAX, |now| now.len).min(ended);
        if shorter < self.len {
            return Some(Change::EndedAt(shorter));
        }
        let now = now?;
        if now.len > self.len {
            Some(Change::Grew(now.len))
        } else if now.modified != self.modified {
            Some(Change::Modified)
        } else {
            None
        }
    }
}

/// The fingerprint of the local file at `path` as [`Storage::fingerprint`] states it, without
/// opening it; `None` when its metadata cannot be read.
pub fn local_fingerprint(path: &Path) -> Option<String> {
    fingerprint(&std::fs::metadata(path).ok()?)
}

/// Size, modification time, inode and change time: an edited file (even one given its old
/// modification time back) or a replaced one has another fingerprint.
fn fingerprint(metadata: &std::fs::Metadata) -> Option<String> {
    let modified = metadata.modified().ok()?;
    let modified = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!(
        "{}\t{}\t{}\t{}.{}",
        metadata.len(),
        modified.as_nanos(),
        metadata.ino(),
        metadata.ctime(),
        metadata.ctime_nsec(),
    ))
}

/// A local file read with positioned reads, so that threads never share a file offset.
struct LocalFile {
    file: File,
    len: u64,
    opened: Stamp,
    /// The earliest offset below `len` where a read found the end of the file (`u64::MAX`:
    /// none did).
    ended: AtomicU64,
    fingerprint: Option<String>,
}

impl Storage for LocalFile {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, offset)?;
        if n == 0 && !buf.is_empty() && offset < self.len {
            self.ended.fetch_min(offset, Ordering::AcqRel);
        }
        Ok(n)
    }
    fn fingerprint(&self) -> Option<String> {
        self.fingerprint.clone()
    }
    fn changes(&self) -> Option<Change> {
        let ended = self.ended.load(Ordering::Acquire);
        self.opened.changes(&self.file, ended)
    }
}

/// A memory-mapped local file, guarded against its shrinking while it is read.
struct MappedFile {
    /// Unregistered before the map is unmapped (fields drop in order).
    guard: Guarded,
    map: Mmap,
    file: File,
    opened: Stamp,
    fingerprint: Option<String>,
}

impl Storage for MappedFile {
    fn len(&self) -> u64 {
        self.map.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        copy_at(&self.map, offset, buf)
    }
    fn fingerprint(&self) -> Option<String> {
        self.fingerprint.clone()
    }
    fn in_memory(&self) -> Option<&[u8]> {
        Some(&self.map)
    }
    fn changes(&self) -> Option<Change> {
        let faulted = self.guard.fault().unwrap_or(u64::MAX);
        self.opened.changes(&self.file, faulted)
    }
    fn release(&self, start: u64, end: u64) {
        let page = 4096u64;
        let (from, to) = (start.div_ceil(page) * page, end / page * page);
        if to > from {
            // SAFETY: the map is a read-only shared file mapping: dropped pages are read back
            // from the file on the next access, so any slice still borrowed stays valid and
            // sees the same bytes.
            let _ = unsafe {
                self.map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    from as usize,
                    (to - from) as usize,
                )
            };
        }
    }
}

/// Bytes already in memory (a test's input, a downloaded object).
pub struct InMemory(pub Bytes);

impl Storage for InMemory {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        copy_at(&self.0, offset, buf)
    }
    fn fingerprint(&self) -> Option<String> {
        None
    }
    fn in_memory(&self) -> Option<&[u8]> {
        Some(&self.0)
    }
}

/// Copies the bytes of `all` at `offset` into `buf`.
fn copy_at(all: &[u8], offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    let rest = all.get(offset as usize..).unwrap_or_default();
    let n = rest.len().min(buf.len());
    buf[..n].copy_from_slice(&rest[..n]);
    Ok(n)
}

/// A sequential reader over a storage's positioned reads.
struct Cursor<'s, S: ?Sized> {
    storage: &'s S,
    at: u64,
}

impl<S: Storage + ?Sized> Read for Cursor<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.storage.read_at(self.at, buf)?;
        self.at += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_storage_reads_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let content: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let storages = [
            open(&path, Access::Read).unwrap(),
            open(&path, Access::Map).unwrap(),
            Arc::new(InMemory(content.clone().into())),
        ];
        for storage in storages {
            assert_eq!(storage.len(), 10_000);
            let mut scratch = Vec::new();
            assert_eq!(
                storage.range(100, 5000, &mut scratch).unwrap(),
                &content[100..5000]
            );
            assert!(storage.range(9000, 10_001, &mut scratch).is_err());
            let mut streamed = Vec::new();
            storage
                .stream()
                .unwrap()
                .read_to_end(&mut streamed)
                .unwrap();
            assert_eq!(streamed, content);
            storage.release(0, 10_000);
            assert_eq!(storage.range(0, 3, &mut scratch).unwrap(), &content[..3]);
        }
    }

    #[test]
    fn mapping_borrows_and_reading_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (full, empty) = (dir.path().join("full"), dir.path().join("empty"));
        std::fs::write(&full, b"abc").unwrap();
        std::fs::write(&empty, b"").unwrap();
        assert!(open(&full, Access::Map).unwrap().in_memory().is_some());
        assert!(open(&full, Access::Read).unwrap().in_memory().is_none());
        let nothing = open(&empty, Access::Map).unwrap();
        assert!(nothing.is_empty() && nothing.in_memory().is_none());
        assert!(open(&dir.path().join("absent"), Access::Read).is_err());
    }

    #[test]
    fn a_mapped_file_that_shrinks_while_it_is_read_reads_zeros_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        // Several pages, whatever the page size.
        std::fs::write(&path, vec![b'x'; 4 << 16]).unwrap();
        let storage = open(&path, Access::Map).unwrap();
        assert_eq!(storage.changes(), None);
        let file = File::options().write(true).open(&path).unwrap();
        file.set_len(100).unwrap();
        // Every page past the new end faults; the guard turns them into zeros.
        let all = storage.in_memory().unwrap();
        let sum: u64 = all.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(sum, 100 * u64::from(b'x'));
        assert_eq!(storage.changes(), Some(Change::EndedAt(100)));
        drop(storage);
        // A new map of the same address range is not taken for the old one.
        std::fs::write(&path, vec![b'y'; 4 << 16]).unwrap();
        let again = open(&path, Access::Map).unwrap();
        assert_eq!(again.in_memory().unwrap()[(3 << 16) + 5], b'y');
        assert_eq!(again.changes(), None);
    }

    #[test]
    fn a_file_read_while_it_changes_says_how() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        for access in [Access::Read, Access::Map] {
            std::fs::write(&path, b"0123456789").unwrap();
            let storage = open(&path, access).unwrap();
            std::fs::write(&path, b"0123456789 and more").unwrap();
            assert_eq!(storage.changes(), Some(Change::Grew(19)), "{access:?}");
            std::fs::write(&path, b"0123456789").unwrap();
            let storage = open(&path, access).unwrap();
            let file = File::options().write(true).open(&path).unwrap();
            let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
            file.set_modified(later).unwrap();
            assert_eq!(storage.changes(), Some(Change::Modified), "{access:?}");
        }
        assert!(
            open(Path::new("/dev/null"), Access::Read).is_err(),
            "a device is refused"
        );
    }

    #[test]
    fn an_edited_file_has_another_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"one").unwrap();
        let before = open(&path, Access::Read).unwrap().fingerprint().unwrap();
        assert_eq!(
            open(&path, Access::Map).unwrap().fingerprint().unwrap(),
            before
        );
        std::fs::write(&path, b"three").unwrap();
        assert_ne!(
            open(&path, Access::Read).unwrap().fingerprint().unwrap(),
            before
        );
    }
}
