//! The count-only fast route for byte-level BPE tokenizers (Llama 3 and cl100k, GPT-4o and
//! o200k, Qwen 2/3): added tokens are split out with a leftmost-longest automaton as in
//! `tokenizers`, the rest is NFC-normalized where the tokenizer says so, split by a hand-written
//! scanner equal to the `Split` regex, and each piece's token count comes from a per-thread cache
//! or, on a miss, from BPE merges. No `Encoding`, token string or offset is ever built.

pub mod bpe;
pub mod pretokenize;
pub mod spec;
pub mod unicode;
mod unicode_table;

use super::Counter;
use ahash::AHashMap;
use aho_corasick::{AhoCorasick, MatchKind};
use bpe::{BytePairModel, Unsupported};
use pretokenize::Pattern;
use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use unicode_normalization_alignments::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Pieces longer than this are not cached (they are rare and would bloat the cache).
const MAX_CACHED_PIECE: usize = 64;
/// A thread's cache is emptied when it holds this many pieces (bounded memory).
const MAX_CACHED_PIECES: usize = 1 << 20;

/// Counts exactly like the reference route for the byte-level BPE tokenizers it accepts.
pub struct FastBpeCounter {
    id: u64,
    model: BytePairModel,
    pattern: Pattern,
    nfc: bool,
    added: Option<AhoCorasick>,
    special_tokens: u64,
}

impl FastBpeCounter {
    /// Builds the fast counter from a parsed `tokenizer.json`, adding `special_tokens` per
    /// document (what the post-processor adds when special tokens are counted).
    pub fn new(json: &serde_json::Value, special_tokens: u64) -> Result<Self, Unsupported> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let spec = spec::read_spec(json)?;
        let added = if spec.added_tokens.is_empty() {
            None
        } else {
            let automaton = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&spec.added_tokens)
                .map_err(|e| Unsupported(format!("added tokens: {e}")))?;
            Some(automaton)
        };
        Ok(Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            model: spec.model,
            pattern: spec.pattern,
            nfc: spec.nfc,
            added,
            special_tokens,
        })
    }

    /// Tokens of a stretch of text without added tokens.
    fn count_segment(&self, text: &str, cache: &mut ThreadCache) -> u64 {
        let text: Cow<str> =
            if self.nfc && !text.is_ascii() && is_nfc_quick(text.chars()) != IsNormalized::Yes {
                Cow::Owned(text.nfc().map(|(c, _)| c).collect())
            } else {
                Cow::Borrowed(text)
            };
        let mut tokens = 0u64;
        self.pattern.for_each_piece(&text, |piece| {
            tokens += u64::from(cache.count(piece.as_bytes(), &self.model));
        });
        tokens
    }
}

impl Counter for FastBpeCounter {
    fn count(&self, text: &str) -> Result<u64, String> {
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.id);
            let mut tokens = self.special_tokens;
            match &self.added {
                None => tokens += self.count_segment(text, &mut cache),
                Some(added) => {
                    let mut start = 0;
                    for m in added.find_iter(text) {
                        tokens += self.count_segment(&text[start..m.start()], &mut cache) + 1;
                        start = m.end();
                    }
                    tokens += self.count_segment(&text[start..], &mut cache);
                }
            }
            Ok(tokens)
        })
    }

    fn engine(&self) -> &'static str {
        "fast-bpe"
    }
}

thread_local! {
    static CACHE: RefCell<ThreadCache> = RefCell::new(ThreadCache::default());
}

/// One thread's memo of piece → token count, for one counter at a time. Pieces of up to 15
/// bytes (nearly all of them) are keyed by a packed integer, so a lookup is one hash of 16
/// bytes and an integer comparison.
#[derive(Default)]
struct ThreadCache {
    owner: u64,
    short: AHashMap<u128, u32>,
    long: AHashMap<Box<[u8]>, u32>,
    scratch: Vec<u32>,
}

/// The bytes of a piece of at most 15 bytes with its length in the top byte.
#[inline]
fn pack(piece: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    bytes[..piece.len()].copy_from_slice(piece);
    bytes[15] = piece.len() as u8;
    u128::from_le_bytes(bytes)
}

impl ThreadCache {
    /// Makes the cache belong to counter `id`, forgetting another counter's pieces.
    fn claim(&mut self, id: u64) {
        if self.owner != id {
            self.short.clear();
            self.long.clear();
            self.owner = id;
        }
    }

    #[inline]
    fn count(&mut self, piece: &[u8], model: &BytePairModel) -> u32 {
        match piece.len() {
            0 | 1 => piece.len() as u32,
            2..=15 => {
                let key = pack(piece);
                if let Some(&n) = self.short.get(&key) {
                    return n;
                }
                let n = model.count(piece, &mut self.scratch);
                if self.short.len() >= MAX_CACHED_PIECES {
                    self.short.clear();
                }
                self.short.insert(key, n);
                n
            }
            16..=MAX_CACHED_PIECE => {
                if let Some(&n) = self.long.get(piece) {
                    return n;
                }
                let n = model.count(piece, &mut self.scratch);
                if self.long.len() >= MAX_CACHED_PIECES {
                    self.long.clear();
                }
                self.long.insert(piece.into(), n);
                n
            }
            _ => model.count(piece, &mut self.scratch),
        }
    }
}
