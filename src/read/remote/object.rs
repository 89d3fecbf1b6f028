//! An object in a store as a [`Storage`]: ranged GETs of whole blocks, cached a few at a time,
//! with the next blocks fetched ahead of the reader on the shared runtime (requests in flight
//! are bounded there). Every GET carries the ETag the plan saw (`If-Match`) and checks the one
//! it gets back, so that an object replaced during the count is an error, never a mix of two
//! versions. Memory stays bounded whatever the object's size.

use super::runtime::{self, Failed, retrying};
use super::settings::Settings;
use super::url::ObjectUrl;
use super::{clean, fingerprint};
use crate::read::storage::Storage;
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
    let settings = Settings::get();
    Ok(Arc::new(RemoteObject {
        store,
        path: Path::from(url.key.as_str()),
        url: url.clone(),
        len: known.size,
        etag: known.etag,
        block_bytes: settings.block_bytes,
        read_ahead: settings.read_ahead,
        blocks: Mutex::new(HashMap::new()),
        tick: AtomicU64::new(0),
    }))
}

/// One block: being fetched, fetched, or failed for good.
struct Slot {
    state: Mutex<Option<Result<Bytes, String>>>,
    ready: Condvar,
    used: AtomicU64,
    read: AtomicBool,
}

impl Slot {
    fn fill(&self, result: Result<Bytes, String>) {
        *lock(&self.state) = Some(result);
        self.ready.notify_all();
    }

    fn wait(&self) -> io::Result<Bytes> {
        let mut state = lock(&self.state);
        loop {
            match &*state {
                Some(Ok(bytes)) => return Ok(bytes.clone()),
                Some(Err(message)) => return Err(io::Error::other(message.clone())),
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
}

impl RemoteObject {
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
        bytes
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
}

impl Fetch {
    /// The bytes `start..end`, retried while failures are transient; an error message names
    /// the URL's bytes and says why.
    async fn range(&self, start: u64, end: u64) -> Result<Bytes, String> {
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
                return Err(object_store::Error::Generic {
                    store: "remote",
                    source: format!("got {} bytes of {}", bytes.len(), end - start).into(),
                });
            }
            Ok(bytes)
        };
        retrying(attempt)
            .await
            .map_err(|failed| self.explain(start, end, failed))
    }

    fn explain(&self, start: u64, end: u64, failed: Failed) -> String {
        let why = match &failed.error {
            object_store::Error::Precondition { .. } => format!(
                "the object changed while it was read (its ETag is no longer {}); not counted",
                self.etag.as_deref().unwrap_or("the one listed")
            ),
            object_store::Error::NotFound { .. } => "the object is gone".to_string(),
            error => clean(&error.to_string()),
        };
        let tries = match failed.attempts {
            1 => String::new(),
            n => format!(" (after {n} attempts)"),
        };
        format!("{}: reading bytes {start}..{end}: {why}{tries}", self.url)
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
}
