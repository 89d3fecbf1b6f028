//! BPE merges that only count: the merge table keyed by token-id pairs and the merge loop of
//! `tokenizers` (always the lowest-rank pair, the leftmost on ties), run without building
//! tokens. Four loops give the same result at different lengths: a scan for tiny pieces, a
//! tournament tree for short ones, a radix heap with a lookup memo for long ones, and a tree
//! over blocks of pair ranks in bounded memory for very long ones ([`super::lean_merge`]).

use super::bpe::Unsupported;
use super::lean_merge::count_lean;
use super::merge_in_step::TinyMerge;
use super::pair_map::PairMap;
use super::radix_heap::RadixHeap;
use ahash::AHashMap;

/// Pieces up to this many symbols merge with a scan for the lowest rank (quadratic, but
/// nothing to set up).
pub(super) const TINY_PIECE: usize = 16;
/// Pieces up to this many symbols merge through a tournament tree on the stack; longer ones
/// through a radix heap (n log n, memory access kept sequential).
const SHORT_PIECE: usize = 128;
/// Pieces up to this many symbols merge through the radix heap (8 bytes per pair and more per
/// merge, a few megabytes at most); longer ones in 4 bytes per symbol.
const LONG_PIECE: usize = 1 << 16;

/// BPE merges keyed by token-id pairs: `(left, right)` → `(rank, merged id)`.
pub struct Merges {
    map: PairMap,
}

#[inline]
fn pair(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

impl Merges {
    /// The merges as `[left, right, merged]` token ids, in rank order: the compiled form that
    /// [`Merges::from_triples`] builds the table from without looking up a single string.
    pub fn triples(
        vocab: &AHashMap<String, u32>,
        merges: &[(String, String)],
    ) -> Result<Vec<[u32; 3]>, Unsupported> {
        let mut merged = String::new();
        let id = |s: &str| {
            vocab
                .get(s)
                .copied()
                .ok_or_else(|| Unsupported(format!("merge part {s:?} is not in the vocabulary")))
        };
        merges
            .iter()
            .map(|(a, b)| {
                merged.clear();
                merged.push_str(a);
                merged.push_str(b);
                Ok([id(a)?, id(b)?, id(&merged)?])
            })
            .collect()
    }

    /// The table of `triples` (`[left, right, merged]`, the rank being the position), or why
    /// it cannot be built (more token ids and merges than a table slot holds).
    pub fn from_triples(triples: &[[u32; 3]]) -> Result<Self, Unsupported> {
        let ids = triples
            .iter()
            .map(|&[a, b, _]| a.max(b))
            .max()
            .map_or(0, |id| u64::from(id) + 1);
        let mut map = PairMap::with_capacity(triples.len(), ids).ok_or_else(|| {
            Unsupported(format!(
                "{} merges of token ids up to {ids} do not fit the merge table's {} bits",
                triples.len(),
                super::pair_map::MAX_SLOT_BITS
            ))
        })?;
        for (rank, &[a, b, merged]) in triples.iter().enumerate() {
            // Later duplicates overwrite earlier ones, as in `tokenizers`.
            map.insert(a, b, rank as u32, merged);
        }
        map.compact();
        Ok(Self { map })
    }

    /// Whether the merged ids are kept as steps (see `merged_ids`).
    #[cfg(test)]
    pub(super) fn merged_as_steps(&self) -> bool {
        self.map.merged_as_steps()
    }

    /// Whether any merge has one of `ids` on either side.
    pub fn involves_any(&self, ids: &[u32]) -> bool {
        let ids: ahash::AHashSet<u32> = ids.iter().copied().collect();
        self.map
            .entries()
            .any(|[a, b, _, _]| ids.contains(&a) || ids.contains(&b))
    }

    /// The merges in force as `[left, right, merged]` at their rank (`u32::MAX` in all three
    /// where no merge has that rank, as where a later duplicate replaced one).
    pub(super) fn by_rank(&self) -> Vec<[u32; 3]> {
        let ranks = self.map.entries().map(|[_, _, rank, _]| rank as usize + 1);
        let mut out = vec![[u32::MAX; 3]; ranks.max().unwrap_or(0)];
        for [a, b, rank, merged] in self.map.entries() {
            out[rank as usize] = [a, b, merged];
        }
        out
    }

    /// Applies every merge to `symbols` (token ids, in order) and returns how many remain.
    pub fn count(&self, symbols: &mut [u32]) -> u32 {
        match symbols.len() {
            0 | 1 => symbols.len() as u32,
            n if n <= TINY_PIECE => self.count_tiny(symbols),
            n if n <= SHORT_PIECE => self.count_short(symbols),
            n if n <= LONG_PIECE => self.count_long(symbols),
            _ => count_lean(self, symbols),
        }
    }

    /// The rank and merged id of the pair `a b` (rank `u32::MAX`: no merge).
    #[inline]
    pub(super) fn merge_of(&self, a: u32, b: u32) -> (u32, u32) {
        self.map.get(a, b).unwrap_or((u32::MAX, 0))
    }

    /// Repeatedly merges the leftmost lowest-rank pair, found by a scan over a pair array
    /// kept as long as the piece: quadratic, for tiny pieces (nothing to set up). The loop of
    /// [`Merges::count_in_step`] for one piece.
    #[inline(never)] // kept apart: each loop shows up on its own in profiles
    fn count_tiny(&self, symbols: &mut [u32]) -> u32 {
        let mut piece = [TinyMerge::new(symbols, self)];
        self.count_in_step(&mut piece);
        piece[0].count()
    }

    /// The rank of the pair `a b` (`u32::MAX`: no merge), without its merged id.
    #[inline]
    pub(super) fn rank_of(&self, a: u32, b: u32) -> u32 {
        self.map.rank(a, b)
    }

    /// The merged id of the merge of rank `rank` (one [`Merges::rank_of`] gave).
    #[inline]
    pub(super) fn merged(&self, rank: u32) -> u32 {
        self.map.merged(rank)
    }

    /// Asks for the table slot of the pair `a b` to be loaded (only a hint).
    #[inline(always)]
    pub(super) fn prefetch(&self, a: u32, b: u32) {
        self.map.prefetch(a, b);
    }

    /// The same merges for short pieces, the leftmost lowest-rank pair found at the root of a
    /// tournament tree over positions: each pair is one integer, `rank << 32 | position`
    /// (`u64::MAX` for none), every inner node holds the minimum of its two children, and a
    /// merge updates three leaves and their paths to the root (log n each) instead of a scan.
    /// Merged-away symbols are marked `NONE` in place, so positions never move.
    #[inline(never)] // kept apart: each loop shows up on its own in profiles
    fn count_short(&self, symbol: &mut [u32]) -> u32 {
        const NONE: u32 = u32::MAX;
        let n = symbol.len();
        let leaves = (n - 1).next_power_of_two();
        let mut tree = [u64::MAX; 2 * SHORT_PIECE];
        let pair_key = |rank: u32, i: usize| match rank {
            NONE => u64::MAX,
            _ => ((rank as u64) << 32) | i as u64,
        };
        // Every pair's slot asked for first, so that their loads (mostly out of cache)
        // overlap instead of each waiting for the one before.
        for pair in symbol.windows(2) {
            self.prefetch(pair[0], pair[1]);
        }
        for i in 0..n - 1 {
            tree[leaves + i] = pair_key(self.rank_of(symbol[i], symbol[i + 1]), i);
        }
        for k in (1..leaves).rev() {
            tree[k] = tree[2 * k].min(tree[2 * k + 1]);
        }
        let set = |tree: &mut [u64; 2 * SHORT_PIECE], i: usize, key: u64| {
            let mut k = leaves + i;
            tree[k] = key;
            while k > 1 {
                k /= 2;
                let least = tree[2 * k].min(tree[2 * k + 1]);
                if tree[k] == least {
                    break; // the ancestors are unchanged too
                }
                tree[k] = least;
            }
        };
        let mut count = n as u32;
        while tree[1] != u64::MAX {
            let i = tree[1] as u32 as usize;
            let j = (i + 1..n)
                .find(|&k| symbol[k] != NONE)
                .expect("a pair has a right symbol");
            // The merged id is read only here, once per merge (see `PairMap`).
            symbol[i] = self.merged((tree[1] >> 32) as u32);
            symbol[j] = NONE;
            count -= 1;
            if j < n - 1 {
                set(&mut tree, j, u64::MAX);
            }
            let key = match (j + 1..n).find(|&k| symbol[k] != NONE) {
                Some(k) => pair_key(self.rank_of(symbol[i], symbol[k]), i),
                None => u64::MAX,
            };
            set(&mut tree, i, key);
            if let Some(p) = (0..i).rev().find(|&k| symbol[k] != NONE) {
                set(
                    &mut tree,
                    p,
                    pair_key(self.rank_of(symbol[p], symbol[i]), p),
                );
            }
        }
        count
    }

    /// The same merges with a priority queue over one array of symbols: O(n log n) for long
    /// pieces (a radix heap keeps memory access sequential). Entries are `rank << 32 |
    /// position` in one integer; a pair's merge is looked up again when its entry comes out
    /// (stale entries no longer match), through a small memo, since long pieces repeat the
    /// same pairs.
    #[inline(never)] // kept apart: each shows up on its own in profiles
    fn count_long(&self, symbol: &mut [u32]) -> u32 {
        let n = symbol.len();
        let mut memo = vec![(u64::MAX, u32::MAX); 1 << 12];
        let mut rank_of = |a: u32, b: u32| {
            let key = pair(a, b);
            let slot = &mut memo[(key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize];
            if slot.0 != key {
                *slot = (key, self.rank_of(a, b));
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
                let rank = rank_of(symbol[i], symbol[i + 1]);
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
            if rank_of(symbol[i], symbol[j]) != rank {
                continue;
            }
            let id = self.merged(rank);
            symbol[i] = id;
            symbol[j] = NONE;
            count -= 1;
            if let Some(p) = prev_of(symbol, i) {
                let r = rank_of(symbol[p], id);
                if r != NONE {
                    heap.push(entry(r, p));
                }
            }
            if let Some(k) = next_of(symbol, j) {
                let r = rank_of(id, symbol[k]);
                if r != NONE {
                    heap.push(entry(r, i));
                }
            }
        }
        count
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Letters `a`-`d` (ids 0-3) and merges among them, some ranked before the merge that
    /// makes their input (as in Llama 3), some whose result can merge again.
    pub(in crate::count::fast) fn toy() -> (Merges, Vec<(u32, u32, u32)>) {
        let list = [
            ("ab", "c"),
            ("a", "b"),
            ("b", "a"),
            ("a", "a"),
            ("aa", "aa"),
            ("c", "d"),
            ("cd", "cd"),
            ("d", "a"),
            ("abc", "d"),
            ("ba", "ba"),
            ("b", "b"),
            ("a", "b"),
        ];
        let mut vocab: AHashMap<String, u32> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), i as u32))
            .collect();
        for (a, b) in list {
            let next = vocab.len() as u32;
            vocab.entry(format!("{a}{b}")).or_insert(next);
        }
        let merges: Vec<(String, String)> = list
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let table = Merges::from_triples(&Merges::triples(&vocab, &merges).unwrap()).unwrap();
        // (left, right, merged) by rank, later duplicates taking over as in the table.
        let mut by_rank: Vec<(u32, u32, u32)> = merges
            .iter()
            .map(|(a, b)| (vocab[a], vocab[b], vocab[&format!("{a}{b}")]))
            .collect();
        for rank in 0..by_rank.len() {
            if by_rank[rank + 1..]
                .iter()
                .any(|m| m.0 == by_rank[rank].0 && m.1 == by_rank[rank].1)
            {
                by_rank[rank] = (u32::MAX, u32::MAX, 0);
            }
        }
        (table, by_rank)
    }

    /// The textbook loop: merge the leftmost pair of lowest rank until none is left.
    pub(in crate::count::fast) fn naive(by_rank: &[(u32, u32, u32)], mut symbols: Vec<u32>) -> u32 {
        loop {
            let best = (0..symbols.len().saturating_sub(1))
                .filter_map(|i| {
                    by_rank
                        .iter()
                        .position(|m| (m.0, m.1) == (symbols[i], symbols[i + 1]))
                        .map(|rank| (rank, i))
                })
                .min();
            match best {
                Some((rank, i)) => {
                    symbols[i] = by_rank[rank].2;
                    symbols.remove(i + 1);
                }
                None => return symbols.len() as u32,
            }
        }
    }

    #[test]
    fn known_counts() {
        let (table, by_rank) = toy();
        for (symbols, want) in [
            (vec![0, 0, 0], 2),       // leftmost first: (aa)(a)
            (vec![0, 0, 0, 0, 0], 2), // (aaaa)(a)
            (vec![0, 1, 2, 3], 2),    // cd (rank 5) before ab (11): (ab)(cd)
            (vec![0, 1, 2], 1),       // ab, then abc, ranked before it
            (vec![2, 3, 2, 3], 1),    // cd, cd, cdcd
            (vec![3], 1),
        ] {
            assert_eq!(naive(&by_rank, symbols.clone()), want, "{symbols:?}");
            assert_eq!(table.count(&mut symbols.clone()), want, "{symbols:?}");
        }
    }

    #[test]
    fn ids_too_large_for_the_table_are_refused() {
        let refused = Merges::from_triples(&[[3, u32::MAX, 7]]);
        assert!(refused.is_err_and(|e| e.0.contains("do not fit")));
        assert!(Merges::from_triples(&[[3, (1 << 21) - 1, 7]]).is_ok());
    }

    proptest! {
        /// Every loop that can take a piece counts what the textbook loop counts.
        #[test]
        fn all_loops_agree_with_the_textbook_loop(
            symbols in proptest::collection::vec(0u32..4, 2..400),
        ) {
            let (table, by_rank) = toy();
            let want = naive(&by_rank, symbols.clone());
            let n = symbols.len();
            if n <= TINY_PIECE {
                prop_assert_eq!(table.count_tiny(&mut symbols.clone()), want);
            }
            if n <= SHORT_PIECE {
                prop_assert_eq!(table.count_short(&mut symbols.clone()), want);
            }
            prop_assert_eq!(table.count_long(&mut symbols.clone()), want);
            prop_assert_eq!(count_lean(&table, &mut symbols.clone()), want);
            prop_assert_eq!(table.count(&mut symbols.clone()), want);
        }
    }
}
