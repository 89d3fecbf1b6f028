//! One thread's memo of piece → token count, per counter. Pieces of up to 15 bytes (nearly all
//! of them) are packed into an integer, kept with their count in one slot of [`ShortPieces`];
//! pieces up to 256 bytes are keyed by their bytes (ruler lines such as `=====` repeat a lot);
//! longer ones are counted every time. Each map is emptied when full, so memory stays bounded.
//! A count with several tokenizers counts each document with each in turn: the memos of up to
//! [`MAX_PARKED`] other counters are kept aside, so that taking turns does not empty them.

use super::merge_in_step::IN_STEP;
use super::short_pieces::ShortPieces;
use ahash::AHashMap;
use std::cell::RefCell;

/// Pieces longer than this are not cached (they are rare and would bloat the cache).
const MAX_CACHED_PIECE: usize = 256;
/// The short-piece map is emptied when it holds this many pieces (32 MiB).
const MAX_CACHED_PIECES: usize = 1 << 20;
/// The long-piece map is emptied when its keys hold this many bytes.
const MAX_CACHED_BYTES: usize = 32 << 20;
/// The merge scratch buffer is let go after a piece leaves it larger than this many symbols
/// (4 MiB), so a thread does not keep a very long piece's memory.
const MAX_KEPT_SCRATCH: usize = 1 << 20;

/// How many other counters' memos a thread keeps aside besides the current one (a count with
/// up to four tokenizers keeps every memo; with more, the current one is emptied when another
/// counter claims the cache).
const MAX_PARKED: usize = 3;

/// A counter's identity in the threads' caches (never 0, the identity of none). Worker
/// threads outlive counts (see `count::worker_pool`), so when the counter is dropped its memos
/// are let go on every thread of the kept pools, where they would otherwise stay until other
/// counters' memos pushed them out.
pub struct CacheOwner(u64);

impl CacheOwner {
    /// A new identity.
    pub fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    /// The identity [`ThreadCache::claim`] takes.
    pub fn id(&self) -> u64 {
        self.0
    }
}

impl Default for CacheOwner {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for CacheOwner {
    fn drop(&mut self) {
        let id = self.0;
        crate::count::workers::on_every_kept_thread(move || {
            CACHE.with(|cell| {
                // A thread in the middle of a count (never the case between tasks) keeps the
                // memo until another counter claims its cache.
                if let Ok(mut cache) = cell.try_borrow_mut() {
                    cache.let_go(id);
                }
            });
        });
    }
}

thread_local! {
    /// The calling thread's cache.
    pub static CACHE: RefCell<ThreadCache> = RefCell::new(ThreadCache {
        memo: Memo::new(),
        parked: Vec::new(),
        scratch: Vec::new(),
        deferred: Vec::with_capacity(IN_STEP),
    });
}

/// A per-thread piece cache: the memo of the counter that claimed it last, and those of a few
/// others.
pub struct ThreadCache {
    memo: Memo,
    parked: Vec<Memo>,
    scratch: Vec<u32>,
    /// Short pieces the memo missed, waiting to be counted together (see
    /// [`ThreadCache::count_or_defer`]), each once.
    deferred: Vec<Deferred>,
}

/// A short piece waiting to be counted.
#[derive(Clone, Copy)]
struct Deferred {
    /// Where the piece's first occurrence starts and ends in the text.
    start: usize,
    end: usize,
    /// The piece packed (see [`pack`]).
    key: u128,
    /// How many times it occurred while waiting (a `u64`: a text of a few distinct pieces
    /// repeated billions of times keeps them waiting until it ends).
    times: u64,
}

/// One counter's pieces and their token counts.
struct Memo {
    /// The counter (0: none).
    owner: u64,
    short: ShortPieces,
    long: AHashMap<Box<[u8]>, u32>,
    long_bytes: usize,
}

impl Memo {
    /// An empty memo of no counter (it allocates when the first piece comes).
    fn new() -> Self {
        Memo {
            owner: 0,
            short: ShortPieces::new(MAX_CACHED_PIECES),
            long: AHashMap::new(),
            long_bytes: 0,
        }
    }
}

/// The longest piece [`pack`] takes.
pub(super) const MAX_PACKED: usize = 15;

/// The bytes of a piece of 2 to 15 bytes, zero-padded, with its length in the top byte
/// (little-endian). Read as two overlapping words, so that no byte-wise copy is needed.
#[inline]
pub(super) fn pack(piece: &[u8]) -> u128 {
    let n = piece.len();
    debug_assert!((2..=MAX_PACKED).contains(&n));
    let u64_at = |i: usize| u64::from_le_bytes(piece[i..i + 8].try_into().expect("8 bytes"));
    let u32_at = |i: usize| u32::from_le_bytes(piece[i..i + 4].try_into().expect("4 bytes"));
    let bytes = if n >= 8 {
        // The word ending at `n` holds bytes 8..n in its top `n - 8` bytes.
        let high = if n > 8 {
            u64_at(n - 8) >> (8 * (16 - n))
        } else {
            0
        };
        u128::from(u64_at(0)) | (u128::from(high) << 64)
    } else if n >= 4 {
        let high = if n > 4 {
            u32_at(n - 4) >> (8 * (8 - n))
        } else {
            0
        };
        u128::from(u32_at(0) as u64 | (u64::from(high) << 32))
    } else {
        let last = if n == 3 { u32::from(piece[2]) << 16 } else { 0 };
        u128::from(u32::from(piece[0]) | (u32::from(piece[1]) << 8) | last)
    };
    bytes | ((n as u128) << 120)
}

/// The low `n` bytes of a word, for `n` up to 15.
const LOW_BYTES: [u128; 16] = {
    let mut masks = [0u128; 16];
    let mut n = 0;
    while n < 16 {
        masks[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

/// [`pack`] of the piece `text[start..start + n]` (2 to 15 bytes), read as one 16-byte word
/// where the text goes on that far: the bytes past the piece masked off (a mask from a table,
/// where a shift of a 128-bit word by a variable amount takes a dozen instructions), without
/// branching on the length.
#[inline(always)]
pub(super) fn pack_in(text: &[u8], start: usize, n: usize) -> u128 {
    debug_assert!((2..=MAX_PACKED).contains(&n));
    match text.get(start..start + 16) {
        Some(word) => {
            let word = u128::from_le_bytes(word.try_into().expect("16 bytes"));
            (word & LOW_BYTES[n & 15]) | (u128::from(n as u8) << 120)
        }
        None => pack(&text[start..start + n]),
    }
}

impl ThreadCache {
    /// Makes the cache count for counter `id`: its own memo again if the thread kept it, else
    /// a new one (keeping the current counter's aside while there is room, else forgetting it).
    pub fn claim(&mut self, id: u64) {
        debug_assert!(
            self.deferred.is_empty(),
            "pieces kept aside are counted first"
        );
        if self.memo.owner == id {
            return;
        }
        if let Some(i) = self.parked.iter().position(|m| m.owner == id) {
            std::mem::swap(&mut self.memo, &mut self.parked[i]);
            return;
        }
        // A new counter starts small, as on a new thread; the old memo is kept aside while
        // there is room, else let go.
        let old = std::mem::replace(&mut self.memo, Memo::new());
        if old.owner != 0 && self.parked.len() < MAX_PARKED {
            self.parked.push(old);
        }
        self.memo.owner = id;
    }

    /// Lets go of the memos of counter `id` (dropped).
    pub fn let_go(&mut self, id: u64) {
        self.parked.retain(|memo| memo.owner != id);
        if self.memo.owner == id {
            self.memo = Memo::new();
        }
    }

    /// Forgets the current counter's pieces (after a piece failed, so that no count of it is
    /// kept).
    pub fn forget(&mut self) {
        self.memo = Memo::new();
    }

    /// [`ThreadCache::count_in`] of the piece `text[start..end]`, except that a short piece the
    /// memo misses is kept aside (once, however often it comes while it waits), to be counted
    /// with others by `count_many` (the pieces, their counts to fill in, a scratch buffer) once
    /// [`IN_STEP`] of them wait: the tokens of this piece, or of the pieces counted now (0
    /// while this one waits). The caller runs [`ThreadCache::count_deferred`] before it lets
    /// go of `text`.
    #[inline(always)]
    pub fn count_or_defer(
        &mut self,
        text: &[u8],
        start: usize,
        end: usize,
        compute: impl FnOnce(&[u8], &mut Vec<u32>) -> u32,
        count_many: impl FnOnce(&[&[u8]], &mut [u32], &mut Vec<u32>),
    ) -> u64 {
        let n = end - start;
        if !(2..=MAX_PACKED).contains(&n) {
            return u64::from(self.count_in(text, start, end, compute));
        }
        let key = pack_in(text, start, n);
        if let Some(count) = self.memo.short.get(key) {
            return u64::from(count);
        }
        self.defer(start, end, key);
        if self.deferred.len() < IN_STEP {
            return 0;
        }
        self.count_deferred(text, count_many)
    }

    /// Keeps the piece `key` at `start..end` aside, or counts it once more if it already
    /// waits: a name repeated within a few lines (code, tables) misses the memo each time
    /// until its batch is counted, and was merged once for each (a quarter of the merges of
    /// a first count of Linux's documentation).
    #[inline]
    fn defer(&mut self, start: usize, end: usize, key: u128) {
        match self.deferred.iter_mut().find(|d| d.key == key) {
            Some(waiting) => waiting.times += 1,
            None => self.deferred.push(Deferred {
                start,
                end,
                key,
                times: 1,
            }),
        }
    }

    /// Counts the short pieces of `text` kept aside by [`ThreadCache::count_or_defer`] (at
    /// most [`IN_STEP`] of 2 to [`MAX_PACKED`] bytes) with `count_many`, caches them and
    /// returns their total.
    #[inline(never)] // the rare path, kept out of the piece loop
    pub fn count_deferred(
        &mut self,
        text: &[u8],
        count_many: impl FnOnce(&[&[u8]], &mut [u32], &mut Vec<u32>),
    ) -> u64 {
        let n = self.deferred.len();
        if n == 0 {
            return 0;
        }
        let mut pieces: [&[u8]; IN_STEP] = [&[]; IN_STEP];
        for (piece, waiting) in pieces.iter_mut().zip(&self.deferred) {
            *piece = &text[waiting.start..waiting.end];
        }
        let mut counts = [0u32; IN_STEP];
        count_many(&pieces[..n], &mut counts[..n], &mut self.scratch);
        let mut tokens = 0;
        // Each piece waits once, and the memo missed it: it is not cached yet.
        for (waiting, &count) in self.deferred.iter().zip(&counts) {
            self.memo.short.insert(waiting.key, count);
            tokens += u64::from(count) * waiting.times;
        }
        self.deferred.clear();
        tokens
    }

    /// The token count of `piece`, from the cache or from `compute` (given a scratch buffer).
    /// A piece of one byte is always one token (a byte or single-character token).
    #[inline]
    pub fn count(
        &mut self,
        piece: &[u8],
        compute: impl FnOnce(&[u8], &mut Vec<u32>) -> u32,
    ) -> u32 {
        self.count_in(piece, 0, piece.len(), compute)
    }

    /// [`ThreadCache::count`] of the piece `text[start..end]`: the same count, with a short
    /// piece packed from the bytes around it (see [`pack_in`]).
    #[inline]
    pub fn count_in(
        &mut self,
        text: &[u8],
        start: usize,
        end: usize,
        compute: impl FnOnce(&[u8], &mut Vec<u32>) -> u32,
    ) -> u32 {
        let piece = &text[start..end];
        match piece.len() {
            0 | 1 => piece.len() as u32,
            2..=MAX_PACKED => {
                let key = pack_in(text, start, piece.len());
                if let Some(n) = self.memo.short.get(key) {
                    return n;
                }
                let n = compute(piece, &mut self.scratch);
                self.memo.short.insert(key, n);
                n
            }
            16..=MAX_CACHED_PIECE => {
                let memo = &mut self.memo;
                if let Some(&n) = memo.long.get(piece) {
                    return n;
                }
                let n = compute(piece, &mut self.scratch);
                if memo.long_bytes + piece.len() > MAX_CACHED_BYTES {
                    memo.long.clear();
                    memo.long_bytes = 0;
                }
                memo.long_bytes += piece.len();
                memo.long.insert(piece.into(), n);
                n
            }
            _ => {
                let n = compute(piece, &mut self.scratch);
                if self.scratch.capacity() > MAX_KEPT_SCRATCH {
                    self.scratch = Vec::new();
                }
                n
            }
        }
    }
}

#[cfg(test)]
mod tests;
