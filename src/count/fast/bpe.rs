//! Byte-level BPE that only counts: the vocabulary keyed by raw bytes, merges keyed by token-id
//! pairs, and the merge loop of `tokenizers` (always the lowest-rank pair, the leftmost on ties),
//! without building tokens, strings or offsets.

use super::radix_heap::RadixHeap;
use ahash::AHashMap;

/// Pieces up to this many bytes merge with a simple scan; longer ones use a heap (n log n).
const SHORT_PIECE: usize = 128;

/// GPT-2's map from bytes to the printable characters byte-level vocabularies are written in.
pub fn byte_level_chars() -> [char; 256] {
    let mut chars = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        chars[b as usize] = if printable {
            b as char
        } else {
            next += 1;
            char::from_u32(next - 1).expect("valid code point")
        };
    }
    chars
}

/// BPE merges keyed by token-id pairs: `(left, right)` → `(rank, merged id)`.
pub struct Merges {
    map: AHashMap<u64, (u32, u32)>,
}

/// A byte-level BPE model reduced to what counting needs.
pub struct BytePairModel {
    byte_ids: [u32; 256],
    merges: Merges,
    whole_pieces: ahash::AHashSet<Box<[u8]>>,
    ignore_merges: bool,
}

/// Why a vocabulary cannot be served by [`BytePairModel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

#[inline]
fn pair(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

impl BytePairModel {
    /// Builds the model from the vocabulary (byte-level strings to ids) and the ordered merges.
    pub fn new(
        vocab: &AHashMap<String, u32>,
        merges: &[(String, String)],
        ignore_merges: bool,
    ) -> Result<Self, Unsupported> {
        let chars = byte_level_chars();
        let mut byte_of = AHashMap::with_capacity(256);
        for (b, c) in chars.iter().enumerate() {
            byte_of.insert(*c, b as u8);
        }
        let mut byte_ids = [0u32; 256];
        for (b, c) in chars.iter().enumerate() {
            byte_ids[b] = *vocab
                .get(c.to_string().as_str())
                .ok_or_else(|| Unsupported(format!("byte {b:#04x} has no token of its own")))?;
        }
        let merge_map = Merges::new(vocab, merges)?;
        let whole_pieces = if ignore_merges {
            vocab
                .keys()
                .filter_map(|token| {
                    token
                        .chars()
                        .map(|c| byte_of.get(&c).copied())
                        .collect::<Option<Vec<u8>>>()
                })
                .map(Vec::into_boxed_slice)
                .collect()
        } else {
            Default::default()
        };
        Ok(Self {
            byte_ids,
            merges: merge_map,
            whole_pieces,
            ignore_merges,
        })
    }

    /// The number of tokens `piece` (raw bytes of one pre-token) encodes to.
    pub fn count(&self, piece: &[u8], scratch: &mut Vec<u32>) -> u32 {
        if piece.len() <= 1 {
            return piece.len() as u32;
        }
        if self.ignore_merges && self.whole_pieces.contains(piece) {
            return 1;
        }
        scratch.clear();
        scratch.extend(piece.iter().map(|&b| self.byte_ids[b as usize]));
        self.merges.count(scratch)
    }
}

impl Merges {
    /// Merges from the ordered `(left, right)` list; every part and result must be in `vocab`.
    pub fn new(
        vocab: &AHashMap<String, u32>,
        merges: &[(String, String)],
    ) -> Result<Self, Unsupported> {
        let mut map = AHashMap::with_capacity(merges.len());
        let mut merged = String::new();
        for (rank, (a, b)) in merges.iter().enumerate() {
            let id = |s: &str| {
                vocab.get(s).copied().ok_or_else(|| {
                    Unsupported(format!("merge part {s:?} is not in the vocabulary"))
                })
            };
            merged.clear();
            merged.push_str(a);
            merged.push_str(b);
            // Later duplicates overwrite earlier ones, as in `tokenizers`.
            map.insert(pair(id(a)?, id(b)?), (rank as u32, id(&merged)?));
        }
        Ok(Self { map })
    }

    /// Whether any merge has one of `ids` on either side.
    pub fn involves_any(&self, ids: &[u32]) -> bool {
        let ids: ahash::AHashSet<u32> = ids.iter().copied().collect();
        self.map
            .keys()
            .any(|&k| ids.contains(&((k >> 32) as u32)) || ids.contains(&(k as u32)))
    }

    /// Applies every merge to `symbols` (token ids, in order) and returns how many remain.
    pub fn count(&self, symbols: &mut [u32]) -> u32 {
        match symbols.len() {
            0 | 1 => symbols.len() as u32,
            n if n <= SHORT_PIECE => self.count_short(symbols),
            _ => self.count_long(symbols),
        }
    }

    #[inline]
    fn merge_of(&self, a: u32, b: u32) -> (u32, u32) {
        self.map.get(&pair(a, b)).copied().unwrap_or((u32::MAX, 0))
    }

    /// Repeatedly merges the leftmost lowest-rank pair; quadratic, for short pieces.
    fn count_short(&self, symbols: &mut [u32]) -> u32 {
        let mut ranks: [(u32, u32); SHORT_PIECE] = [(u32::MAX, 0); SHORT_PIECE];
        for i in 0..symbols.len() - 1 {
            ranks[i] = self.merge_of(symbols[i], symbols[i + 1]);
        }
        let mut n = symbols.len();
        loop {
            let mut best = 0;
            for i in 1..n - 1 {
                if ranks[i].0 < ranks[best].0 {
                    best = i;
                }
            }
            if ranks[best].0 == u32::MAX {
                return n as u32;
            }
            symbols[best] = ranks[best].1;
            symbols.copy_within(best + 2..n, best + 1);
            if best + 2 < n - 1 {
                ranks.copy_within(best + 2..n - 1, best + 1);
            }
            n -= 1;
            if best + 1 < n {
                ranks[best] = self.merge_of(symbols[best], symbols[best + 1]);
            } else {
                ranks[best] = (u32::MAX, 0);
            }
            if best > 0 {
                ranks[best - 1] = self.merge_of(symbols[best - 1], symbols[best]);
            }
            if n == 1 {
                return 1;
            }
        }
    }

    /// The same merges with a priority queue and a linked list of symbols: O(n log n) for long
    /// pieces (a radix heap keeps memory access sequential). Entries are `rank << 32 | position` in one integer; a pair's merge is looked up
    /// again when its entry comes out (stale entries no longer match), through a small memo,
    /// since long pieces repeat the same pairs.
    fn count_long(&self, symbol: &mut [u32]) -> u32 {
        let n = symbol.len();
        let mut memo = vec![(u64::MAX, (u32::MAX, 0u32)); 1 << 12];
        let mut merge_of = |a: u32, b: u32| {
            let key = pair(a, b);
            let slot = &mut memo[(key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize];
            if slot.0 != key {
                *slot = (key, self.merge_of(a, b));
            }
            slot.1
        };
        const NONE: u32 = u32::MAX;
        // Merged-away symbols are marked `NONE` in place; live neighbours are found by
        // scanning over them. A scan never passes more than one token's width, and it reads
        // the cache lines the merge touches anyway, where `prev`/`next` arrays would add two
        // more misses per merge (pops come in rank order, all over a long piece).
        let next_of = |symbol: &[u32], i: usize| (i + 1..n).find(|&k| symbol[k] != NONE);
        let prev_of = |symbol: &[u32], i: usize| (0..i).rev().find(|&k| symbol[k] != NONE);
        let entry = |rank: u32, pos: usize| ((rank as u64) << 32) | pos as u64;
        let initial: Vec<_> = (0..n - 1)
            .filter_map(|i| {
                let (rank, _) = merge_of(symbol[i], symbol[i + 1]);
                (rank != NONE).then(|| entry(rank, i))
            })
            .collect();
        let mut heap = RadixHeap::from(initial);
        let mut count = n as u32;
        while let Some(top) = heap.pop() {
            let (rank, i) = ((top >> 32) as u32, top as u32 as usize);
            // Stale entries: the left symbol was merged away, or the pair is no longer the
            // one that had this rank.
            if symbol[i] == NONE {
                continue;
            }
            let Some(j) = next_of(symbol, i) else {
                continue;
            };
            let (r, id) = merge_of(symbol[i], symbol[j]);
            if r != rank {
                continue;
            }
            symbol[i] = id;
            symbol[j] = NONE;
            count -= 1;
            if let Some(p) = prev_of(symbol, i) {
                let (r, _) = merge_of(symbol[p], id);
                if r != NONE {
                    heap.push(entry(r, p));
                }
            }
            if let Some(k) = next_of(symbol, j) {
                let (r, _) = merge_of(id, symbol[k]);
                if r != NONE {
                    heap.push(entry(r, i));
                }
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> BytePairModel {
        let chars = byte_level_chars();
        let mut vocab: AHashMap<String, u32> = chars
            .iter()
            .enumerate()
            .map(|(i, c)| (c.to_string(), i as u32))
            .collect();
        for (i, t) in ["ab", "aa", "aaaa", "abab", "ba"].iter().enumerate() {
            vocab.insert(t.to_string(), 256 + i as u32);
        }
        let merges = [
            ("a", "b"),
            ("a", "a"),
            ("aa", "aa"),
            ("ab", "ab"),
            ("b", "a"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()));
        BytePairModel::new(&vocab, &merges, false).unwrap()
    }

    #[test]
    fn short_and_long_paths_agree() {
        let model = toy();
        let mut scratch = Vec::new();
        for text in [
            "a",
            "ab",
            "aaa",
            "aaaaa",
            "abababa",
            "baaab",
            "abba",
            "xyz",
            "aaaaaaaaab",
        ] {
            let ids = |t: &str| {
                t.bytes()
                    .map(|b| model.byte_ids[b as usize])
                    .collect::<Vec<u32>>()
            };
            let short = model.merges.count_short(&mut ids(text));
            assert_eq!(short, model.merges.count_long(&mut ids(text)), "{text}");
        }
        assert_eq!(model.count(b"aaaaa", &mut scratch), 2); // (aaaa)(a)
        assert_eq!(model.count(b"abab", &mut scratch), 1);
        assert_eq!(model.count(b"aaa", &mut scratch), 2); // leftmost first: (aa)(a)
    }

    #[test]
    fn long_pieces_are_not_quadratic_and_agree() {
        let model = toy();
        let mut scratch = Vec::new();
        let ids: Vec<u32> = "ab"
            .repeat(64)
            .bytes()
            .map(|b| model.byte_ids[b as usize])
            .collect();
        assert_eq!(
            model.merges.count_short(&mut ids.clone()),
            model.merges.count_long(&mut ids.clone())
        );
        let huge = "a".repeat(1 << 20);
        assert_eq!(model.count(huge.as_bytes(), &mut scratch), 1 << 18);
    }
}
