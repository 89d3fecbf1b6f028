//! The run's exact de-duplication index: every distinct text hash (128 bits) with its tokens
//! and the set of sources that hold it, shared by all worker threads (sharded by hash behind
//! mutexes). A set is order-free, so what the index holds at the end does not depend on the
//! thread count or on the order documents were counted in. Memory is bounded: once it holds
//! more than `limit` distinct texts it is emptied and marked overflowed, which happens exactly
//! when the corpus has more than `limit` distinct texts; the report then takes its duplicate
//! figures from the sketches. Each distinct text takes 32 bytes plus the hash table's slack
//! (hashbrown: one control byte, at most 7/8 full, so 37 to 75 bytes).
//!
//! For `--checkpoint`, [`FileKeys`] keeps a file's own hashes so that a resumed run can put
//! a saved file's texts back into the index.

use super::dedup::TextHashes;
use crate::stats::Category;
use crate::stats::signals::Attribution;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Shards of the index (a power of two).
const SHARDS: usize = 64;

/// A 128-bit text hash as two halves: `lo` feeds the hash table, `hi` picks the shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    lo: u64,
    hi: u64,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.lo);
    }
}

/// The key is already a uniform hash: the table uses it as is.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type Table<V> = HashMap<Key, V, BuildHasherDefault<PassThrough>>;

/// A distinct text: the lowest source that holds it and its tokens there. Copies of one
/// normalized text may differ in tokens (case, spacing): each source keeps the fewest, so the
/// copy a de-duplication keeps is the shortest one.
#[derive(Debug, Clone, Copy)]
struct Slot {
    tokens: u64,
    first: u32,
    /// Whether more sources hold it (listed in `Shard::sources`).
    shared: bool,
}

#[derive(Default)]
struct Shard {
    texts: Table<Slot>,
    /// Every (source, fewest tokens) of the texts held by more than one source, by source.
    sources: Table<Vec<(u32, u64)>>,
}

/// One exact index (the run keeps one for exact and one for normalized hashes).
pub struct DedupIndex {
    shards: Vec<Mutex<Shard>>,
    distinct: AtomicU64,
    limit: u64,
    overflowed: AtomicBool,
}

fn lock(m: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl DedupIndex {
    /// An empty index that holds at most `limit` distinct texts.
    pub fn new(limit: u64) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            distinct: AtomicU64::new(0),
            limit,
            overflowed: AtomicBool::new(false),
        }
    }

    /// Whether the corpus had more distinct texts than the index may hold.
    pub fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::Acquire)
    }

    /// Marks the index overflowed and frees its memory.
    pub fn overflow(&self) {
        self.overflowed.store(true, Ordering::Release);
        for shard in &self.shards {
            *lock(shard) = Shard::default();
        }
    }

    /// Adds a text of `source` with `tokens` tokens.
    pub fn insert(&self, hash: u128, source: u32, tokens: u64) {
        if self.overflowed() {
            return;
        }
        let key = Key {
            lo: hash as u64,
            hi: (hash >> 64) as u64,
        };
        let mut guard = lock(&self.shards[key.hi as usize % SHARDS]);
        let shard = &mut *guard;
        match shard.texts.entry(key) {
            Entry::Vacant(vacant) => {
                vacant.insert(Slot {
                    tokens,
                    first: source,
                    shared: false,
                });
            }
            Entry::Occupied(mut occupied) => {
                let slot = occupied.get_mut();
                if !slot.shared && slot.first == source {
                    slot.tokens = slot.tokens.min(tokens);
                    return;
                }
                let list =
                    (shard.sources.entry(key)).or_insert_with(|| vec![(slot.first, slot.tokens)]);
                match list.binary_search_by_key(&source, |e| e.0) {
                    Ok(at) => list[at].1 = list[at].1.min(tokens),
                    Err(at) => list.insert(at, (source, tokens)),
                }
                (slot.first, slot.tokens, slot.shared) = (list[0].0, list[0].1, true);
                return;
            }
        }
        if self.distinct.fetch_add(1, Ordering::AcqRel) + 1 > self.limit {
            drop(guard);
            self.overflow();
        }
    }

    /// The exact figures of each source (see [`Attribution`]), given each source's category;
    /// `None` when the index overflowed.
    pub fn attribute(&self, categories: &[Category]) -> Option<Vec<Attribution>> {
        let mut out = vec![Attribution::default(); categories.len()];
        for shard in &self.shards {
            if self.overflowed() {
                return None;
            }
            let shard = lock(shard);
            for (key, slot) in &shard.texts {
                let one = [(slot.first, slot.tokens)];
                let sources: &[(u32, u64)] = match slot.shared {
                    true => &shard.sources[key],
                    false => &one,
                };
                let once = |tokens| crate::stats::DocTokens {
                    documents: 1,
                    tokens,
                };
                let fewest = sources.iter().map(|e| e.1).min().unwrap_or(0);
                out[sources[0].0 as usize].first_overall += once(fewest);
                // per category: credited to its first source, with the category's fewest tokens
                let mut seen: Vec<(Category, usize, u64)> = Vec::new();
                for &(s, tokens) in sources {
                    out[s as usize].in_source += once(tokens);
                    let category = categories[s as usize];
                    match seen.iter_mut().find(|e| e.0 == category) {
                        Some(e) => e.2 = e.2.min(tokens),
                        None => seen.push((category, s as usize, tokens)),
                    }
                }
                for (_, first, tokens) in seen {
                    out[first].first_in_category += once(tokens);
                }
            }
        }
        (!self.overflowed()).then_some(out)
    }
}

/// The distinct texts of one file, kept for its checkpoint: (exact hash, normalized hash,
/// tokens), at most `limit` of them (beyond, the file alone overflows the index).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileKeys {
    entries: Vec<(u128, u128, u64)>,
    compacted: usize,
    /// Whether the file alone had more distinct texts than the limit.
    pub overflowed: bool,
}

/// Bytes of one saved entry.
const ENTRY_BYTES: usize = 40;

impl FileKeys {
    /// Records one document.
    pub fn record(&mut self, hashes: TextHashes, tokens: u64, limit: u64) {
        if self.overflowed {
            return;
        }
        self.entries.push((hashes.exact, hashes.normalized, tokens));
        if self.entries.len() >= 2 * self.compacted.max(4096) {
            self.compact(limit);
        }
    }

    fn compact(&mut self, limit: u64) {
        self.entries.sort_unstable_by_key(|e| e.0);
        self.entries.dedup_by_key(|e| e.0);
        self.compacted = self.entries.len();
        if self.compacted as u64 > limit {
            self.overflowed = true;
            self.entries = Vec::new();
        }
    }

    /// Adds another part of the same file.
    pub fn absorb(&mut self, other: FileKeys, limit: u64) {
        self.overflowed |= other.overflowed;
        self.entries.extend(other.entries);
        self.compact(limit);
    }

    /// Puts the file's texts, as texts of `source`, into the exact and normalized indexes.
    pub fn replay(&self, source: u32, exact: &DedupIndex, normalized: &DedupIndex) {
        if self.overflowed {
            exact.overflow();
            normalized.overflow();
            return;
        }
        for &(e, n, tokens) in &self.entries {
            exact.insert(e, source, tokens);
            normalized.insert(n, source, tokens);
        }
    }

    /// The keys as base64 (40 little-endian bytes per text), or `None` when overflowed.
    pub fn to_base64(&self, limit: u64) -> Option<String> {
        let mut copy = self.clone();
        copy.compact(limit);
        if copy.overflowed {
            return None;
        }
        let mut bytes = Vec::with_capacity(copy.entries.len() * ENTRY_BYTES);
        for (e, n, t) in &copy.entries {
            bytes.extend_from_slice(&e.to_le_bytes());
            bytes.extend_from_slice(&n.to_le_bytes());
            bytes.extend_from_slice(&t.to_le_bytes());
        }
        Some(STANDARD.encode(bytes))
    }

    /// Reads keys written by [`FileKeys::to_base64`]; `None` stands for an overflowed file.
    pub fn from_base64(text: Option<&str>) -> Result<FileKeys, String> {
        let Some(text) = text else {
            return Ok(FileKeys {
                overflowed: true,
                ..FileKeys::default()
            });
        };
        let bytes = STANDARD.decode(text).map_err(|e| e.to_string())?;
        if bytes.len() % ENTRY_BYTES != 0 {
            return Err("dedup keys are cut short".into());
        }
        let entries: Vec<_> = bytes
            .chunks_exact(ENTRY_BYTES)
            .map(|c| {
                let wide = |at: usize| u128::from_le_bytes(c[at..at + 16].try_into().unwrap());
                let tokens = u64::from_le_bytes(c[32..40].try_into().unwrap());
                (wide(0), wide(16), tokens)
            })
            .collect();
        Ok(FileKeys {
            compacted: entries.len(),
            entries,
            overflowed: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<Category> {
        vec![Category::Public, Category::Licensed, Category::Public]
    }

    #[test]
    fn attribution_is_order_free_and_counts_each_scope() {
        // (hash, source, tokens): text 1 in sources 0 and 2 (same category), text 2 in 1 and
        // 2, text 3 twice in source 1.
        let docs = [
            (1u128, 0u32, 10u64),
            (1, 2, 10),
            (2, 1, 5),
            (2, 2, 5),
            (3, 1, 7),
            (3, 1, 7),
        ];
        let forward = DedupIndex::new(100);
        let backward = DedupIndex::new(100);
        for &(h, s, t) in &docs {
            forward.insert(h, s, t);
        }
        for &(h, s, t) in docs.iter().rev() {
            backward.insert(h, s, t);
        }
        let a = forward.attribute(&categories()).unwrap();
        assert_eq!(a, backward.attribute(&categories()).unwrap());
        let docs_of = |c: crate::stats::DocTokens| c.documents;
        assert_eq!(
            a.iter().map(|x| docs_of(x.in_source)).collect::<Vec<_>>(),
            [1, 2, 2]
        );
        assert_eq!(a.iter().map(|x| docs_of(x.first_overall)).sum::<u64>(), 3);
        // public = sources 0 and 2: texts 1 and 2 → 2 distinct
        assert_eq!(
            docs_of(a[0].first_in_category) + docs_of(a[2].first_in_category),
            2
        );
        assert_eq!(docs_of(a[1].first_in_category), 2);
        assert_eq!(a[0].first_overall.tokens, 10);
    }

    #[test]
    fn more_distinct_texts_than_the_limit_overflow() {
        let index = DedupIndex::new(3);
        for h in 0..3u128 {
            index.insert(h << 70 | h, 0, 1);
            index.insert(h << 70 | h, 0, 1);
        }
        assert!(!index.overflowed());
        index.insert(99, 0, 1);
        assert!(index.overflowed());
        assert_eq!(index.attribute(&[Category::Other]), None);
    }

    #[test]
    fn file_keys_round_trip_and_replay() {
        let mut keys = FileKeys::default();
        for i in 0..10_000u128 {
            let hashes = TextHashes {
                exact: i % 5000,
                normalized: i % 100,
            };
            keys.record(hashes, (i % 5000) as u64, 1_000_000);
        }
        let text = keys.to_base64(1_000_000).unwrap();
        let back = FileKeys::from_base64(Some(&text)).unwrap();
        let (a, b) = (DedupIndex::new(1 << 20), DedupIndex::new(1 << 20));
        back.replay(0, &a, &b);
        let found = a.attribute(&[Category::Other]).unwrap();
        assert_eq!(found[0].in_source.documents, 5000);
        assert_eq!(
            b.attribute(&[Category::Other]).unwrap()[0]
                .in_source
                .documents,
            100
        );
        assert_eq!(keys.to_base64(10), None);
        assert!(FileKeys::from_base64(None).unwrap().overflowed);
    }
}
