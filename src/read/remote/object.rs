//! An object in a store as a [`Storage`]: ranged GETs of whole blocks, cached a few at a time,
//! with the next blocks fetched ahead of the reader on the shared runtime (requests in flight
//! are bounded there). Every GET carries the ETag the plan saw (`If-Match`) and checks the one
//! it gets back, so that an object replaced during the count is an error, never a mix of two
//! versions; the storage then tells what changed ([`Storage::changes`]: the ETag moved, or the
//! object ended early), as a local file that changes does. Memory stays bounded whatever the
//! object's size.

use super::runtime::{self, Failed, retrying};
use super::settings::Settings;
use super::url::ObjectUrl;
use super::{clean, fingerprint};
use crate::read::storage::{Change, Storage};
use bytes::Bytes;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore};
use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// What the plan knows of an object: its size and ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// Its size in bytes.
    pub size: u64,
    /// Its ETag, when the store gives one.
    pub etag: Option<String>,
}

/// Opens the object at `url` whose size and ETag the plan saw (asked of the store when `None`).
pub fn open(url: &ObjectUrl, known: Option<Known>) -> io::Result<Arc<dyn Storage>> {
    let store =
        super::client::store_of(url).map_err(|e| io::Error::other(clean(&e.to_string())))?;
    let known = match known {
        Some(known) => known,
        None => {
            let listed = super::list::head(url).map_err(io::Error::other)?;
            Known {
                size: listed.size,
                etag: listed.etag,
            }
        }
    };
    Ok(Arc::new(RemoteObject::new(
        store,
        url,
        known,
        Settings::get(),
    )))
}

/// Why a block could not be read: the message (naming the URL's bytes), and what it says
/// changed in the object, if that is why.
#[derive(Debug, Clone)]
struct Failure {
    message: String,
    change: Option<Change>,
}

/// A body shorter than the range asked for: the object now ends before the planned size.
#[derive(Debug, thiserror::Error)]
#[error("got {got} bytes of {asked}")]
pub(super) struct ShortBody {
    got: u64,
    asked: u64,
}

/// One block: being fetched, fetched, or failed for good.
struct Slot {
    state: Mutex<Option<Result<Bytes, Failure>>>,
    ready: Condvar,
    used: AtomicU64,
    read: AtomicBool,
}

impl Slot {
    fn fill(&self, result: Result<Bytes, Failure>) {
        *lock(&self.state) = Some(result);
        self.ready.notify_all();
    }

    fn wait(&self) -> Result<Bytes, Failure> {
        let mut state = lock(&self.state);
        loop {
            match &*state {
                Some(Ok(bytes)) => return Ok(bytes.clone()),
                Some(Err(failure)) => return Err(failure.clone()),
                None => state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }

    fn pending(&self) -> bool {
        lock(&self.state).is_none()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

struct RemoteObject {
    store: Arc<dyn ObjectStore>,
    path: Path,
    url: ObjectUrl,
    len: u64,
    etag: Option<String>,
    block_bytes: u64,
    read_ahead: u64,
    blocks: Mutex<HashMap<u64, Arc<Slot>>>,
    tick: AtomicU64,
    /// What a read found changed (the earliest end when the object ended early).
    change: Mutex<Option<Change>>,
}

impl RemoteObject {
    /// The object at `url` in `store`, as the plan `known` it, read in `settings`' blocks.
    fn new(
        store: Arc<dyn ObjectStore>,
        url: &ObjectUrl,
        known: Known,
        settings: &Settings,
    ) -> Self {
        RemoteObject {
            store,
            path: Path::from(url.key.as_str()),
            url: url.clone(),
            len: known.size,
            etag: known.etag,
            block_bytes: settings.block_bytes,
            read_ahead: settings.read_ahead,
            blocks: Mutex::new(HashMap::new()),
            tick: AtomicU64::new(0),
            change: Mutex::new(None),
        }
    }

    /// Notes that a read found the object changed: an earlier end wins over a later one, and
    /// over a change in place.
    fn changed(&self, change: Change) {
        let mut seen = lock(&self.change);
        *seen = match (*seen, change) {
            (Some(Change::EndedAt(was)), Change::EndedAt(now)) => {
                Some(Change::EndedAt(was.min(now)))
            }
            (Some(Change::EndedAt(was)), _) => Some(Change::EndedAt(was)),
            (_, change) => Some(change),
        };
    }

    /// The most blocks kept: for each of two readers of the same object (the engine's workers
    /// take a split file's ranges from both ends), the block being read and those ahead of it;
    /// and one more.
    fn capacity(&self) -> usize {
        2 * (self.read_ahead as usize + 1) + 1
    }

    /// The bytes of block `index`, fetching it (and the next blocks in the direction the reader
    /// moves: backwards when the block after this one was read and the one before was not)
    /// when needed.
    fn block(&self, index: u64) -> io::Result<Bytes> {
        let slot = {
            let mut blocks = lock(&self.blocks);
            let last = (self.len - 1) / self.block_bytes;
            let read = |b: Option<u64>| {
                b.and_then(|b| blocks.get(&b))
                    .is_some_and(|s| s.read.load(Ordering::Relaxed))
            };
            let backwards = read(index.checked_add(1)) && !read(index.checked_sub(1));
            let slot = self.slot(&mut blocks, index);
            for step in 1..=self.read_ahead {
                let next = match backwards {
                    true => index.checked_sub(step),
                    false => Some(index + step).filter(|&b| b <= last),
                };
                if let Some(next) = next {
                    self.slot(&mut blocks, next);
                }
            }
            self.evict(&mut blocks, index);
            slot
        };
        slot.used
            .store(self.tick.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        let bytes = slot.wait();
        slot.read.store(true, Ordering::Relaxed);
        bytes.map_err(|failure| {
            if let Some(change) = failure.change {
                self.changed(change);
            }
            io::Error::other(failure.message)
        })
    }

    /// The slot of block `index`, its fetch started if it had none.
    fn slot(&self, blocks: &mut HashMap<u64, Arc<Slot>>, index: u64) -> Arc<Slot> {
        let slot = blocks.entry(index).or_insert_with(|| {
            let slot = Arc::new(Slot {
                state: Mutex::new(None),
                ready: Condvar::new(),
                used: AtomicU64::new(self.tick.fetch_add(1, Ordering::Relaxed)),
                read: AtomicBool::new(false),
            });
            let start = index * self.block_bytes;
            let end = (start + self.block_bytes).min(self.len);
            let fetch = Fetch {
                store: Arc::clone(&self.store),
                path: self.path.clone(),
                url: self.url.clone(),
                etag: self.etag.clone(),
                size: self.len,
            };
            let filled = Arc::clone(&slot);
            runtime::runtime().spawn(async move { filled.fill(fetch.range(start, end).await) });
            slot
        });
        Arc::clone(slot)
    }

    /// Drops the least recently used blocks beyond the capacity, never those within the
    /// read-ahead of `reading` either way, and fetched ones before those still arriving.
    fn evict(&self, blocks: &mut HashMap<u64, Arc<Slot>>, reading: u64) {
        while blocks.len() > self.capacity() {
            let keep = reading.saturating_sub(self.read_ahead)..=reading + self.read_ahead;
            let victim = blocks
                .iter()
                .filter(|(index, _)| !keep.contains(index))
                .min_by_key(|(_, slot)| (slot.pending(), slot.used.load(Ordering::Relaxed)))
                .map(|(&index, _)| index);
            match victim {
                Some(index) => blocks.remove(&index),
                None => break,
            };
        }
    }
}

/// What one ranged GET needs, owned so that it runs on the runtime.
struct Fetch {
    store: Arc<dyn ObjectStore>,
    path: Path,
    url: ObjectUrl,
    etag: Option<String>,
    /// The object's size as planned.
    size: u64,
}

impl Fetch {
    /// The bytes `start..end`, retried while failures are transient; an error message names
    /// the URL's bytes and says why (and what changed, when the object did).
    async fn range(&self, start: u64, end: u64) -> Result<Bytes, Failure> {
        let attempt = || async {
            let options = GetOptions {
                // A weak ETag never matches `If-Match`; it is still compared below.
                if_match: self.etag.clone().filter(|e| !e.starts_with("W/")),
                range: Some(GetRange::Bounded(start..end)),
                ..GetOptions::default()
            };
            let result = self.store.get_opts(&self.path, options).await?;
            if let (Some(expected), Some(now)) = (&self.etag, &result.meta.e_tag)
                && expected != now
            {
                return Err(changed(&self.path));
            }
            let bytes = result.bytes().await?;
            if bytes.len() as u64 != end - start {
                let short = ShortBody {
                    got: bytes.len() as u64,
                    asked: end - start,
                };
                return Err(object_store::Error::Generic {
                    store: "remote",
                    source: Box::new(short),
                });
            }
            Ok(bytes)
        };
        retrying(attempt)
            .await
            .map_err(|failed| self.explain(start, end, failed))
    }

    fn explain(&self, start: u64, end: u64, failed: Failed) -> Failure {
        let (why, change) = match &failed.error {
            object_store::Error::Precondition { .. } => (
                format!(
                    "the object changed while it was read (its ETag is no longer {}); not counted",
                    self.etag.as_deref().unwrap_or("the one listed")
                ),
                Some(Change::Modified),
            ),
            object_store::Error::NotFound { .. } => (
                "the object is gone".to_string(),
                Some(Change::EndedAt(start)),
            ),
            object_store::Error::Generic { source, .. } if source.is::<ShortBody>() => {
                let got = source.downcast_ref::<ShortBody>().map_or(0, |s| s.got);
                let why = format!(
                    "the object ends at byte {}, before its listed size {} (replaced while it \
                     was read); not counted",
                    start + got,
                    self.size
                );
                (why, Some(Change::EndedAt(start + got)))
            }
            error => (clean(&error.to_string()), None),
        };
        let tries = match failed.attempts {
            1 => String::new(),
            n => format!(" (after {n} attempts)"),
        };
        Failure {
            message: format!("{}: reading bytes {start}..{end}: {why}{tries}", self.url),
            change,
        }
    }
}

fn changed(path: &Path) -> object_store::Error {
    object_store::Error::Precondition {
        path: path.to_string(),
        source: "ETag changed".into(),
    }
}

impl Storage for RemoteObject {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let index = offset / self.block_bytes;
        let bytes = self.block(index)?;
        let within = (offset - index * self.block_bytes) as usize;
        let n = buf.len().min(bytes.len().saturating_sub(within));
        buf[..n].copy_from_slice(&bytes[within..within + n]);
        Ok(n)
    }

    fn fingerprint(&self) -> Option<String> {
        Some(fingerprint(self.len, self.etag.as_deref()))
    }

    fn release(&self, start: u64, end: u64) {
        let (first, last) = (start.div_ceil(self.block_bytes), end / self.block_bytes);
        let mut blocks = lock(&self.blocks);
        blocks.retain(|&index, slot| index < first || index >= last || slot.pending());
    }

    fn changes(&self) -> Option<Change> {
        *lock(&self.change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;
    use object_store::{ObjectStoreExt, PutPayload};

    /// An object of `bytes` in a store in memory, and what a plan would know of it.
    fn stored(bytes: &'static [u8]) -> (Arc<dyn ObjectStore>, ObjectUrl, Known) {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let url = ObjectUrl::parse("s3://corpus/a.jsonl").unwrap().unwrap();
        let path = Path::from(url.key.as_str());
        let put = runtime::block_on(store.put(&path, PutPayload::from_static(bytes))).unwrap();
        let known = Known {
            size: bytes.len() as u64,
            etag: put.e_tag,
        };
        (store, url, known)
    }

    fn settings() -> Settings {
        Settings {
            block_bytes: 4,
            read_ahead: 0,
            ..Settings::default()
        }
    }

    #[test]
    fn an_object_replaced_after_planning_is_an_error_and_a_change() {
        let (store, url, known) = stored(b"0123456789");
        let object = RemoteObject::new(Arc::clone(&store), &url, known.clone(), &settings());
        let mut buf = [0u8; 4];
        object.read_exact_at(0, &mut buf).unwrap();
        assert_eq!(&buf, b"0123");
        assert_eq!(object.changes(), None);
        let path = Path::from(url.key.as_str());
        let replaced = PutPayload::from_static(b"abcdefghij");
        runtime::block_on(store.put(&path, replaced)).unwrap();
        let err = object.read_exact_at(4, &mut buf).unwrap_err().to_string();
        assert!(
            err.starts_with("s3://corpus/a.jsonl: reading bytes 4..8: the object changed"),
            "{err}"
        );
        assert_eq!(object.changes(), Some(Change::Modified));
    }

    #[test]
    fn an_object_shorter_than_planned_ends_early_without_retries() {
        let (store, url, mut known) = stored(b"0123456789");
        known.size = 20;
        known.etag = None;
        let object = RemoteObject::new(store, &url, known, &settings());
        let mut buf = [0u8; 4];
        let err = object.read_exact_at(8, &mut buf).unwrap_err().to_string();
        assert_eq!(
            err,
            "s3://corpus/a.jsonl: reading bytes 8..12: the object ends at byte 10, before its \
             listed size 20 (replaced while it was read); not counted"
        );
        assert_eq!(object.changes(), Some(Change::EndedAt(10)));
    }
}
