//! The BPE merge table: token-id pair → (rank, merged id), looked up several times per symbol
//! of every piece the cache misses. An open-addressing table with linear probing and a
//! multiplicative hash, each slot one 8-byte integer holding the pair and its rank (the merged
//! id is read by rank only when a pair merges, from [`MergedIds`]), at most two thirds full: a
//! lookup is one multiplication and nearly always one cache line. Its size is what matters: the
//! lookups are random, and on a shared machine only a few megabytes of the processor's cache
//! are ours (a random read in a table of 4 MiB took about 20 ns here, in one of 16 MiB about
//! 140 ns); Llama 3's 280,147 merges take 4 MiB (16 MiB with pair and value in 16 bytes).
//! The table asks for huge pages ([`advise_huge_pages`]).

use super::huge_pages::advise_huge_pages;
use super::merged_ids::MergedIds;
use super::prefetch::prefetch;

/// The bit that marks a used slot (an all-zero slot is empty, so a fresh table is zeroed
/// memory the allocator gets from the kernel untouched).
const USED: u64 = 1 << 63;

/// The largest number of bits a slot spends on a pair and its rank.
pub const MAX_SLOT_BITS: u32 = 63;

/// Token-id pairs to `(rank, merged id)`.
pub struct PairMap {
    /// `USED | left << (id_bits + rank_bits) | right << rank_bits | rank`, or 0.
    slots: Box<[u64]>,
    /// The merged id of each rank (listed while the table is filled, see
    /// [`PairMap::compact`]).
    merged: MergedIds,
    shift: u32,
    /// Bits of a token id in a slot: every id in a pair is below `1 << id_bits`.
    id_bits: u32,
    /// Bits of a rank in a slot.
    rank_bits: u32,
    len: usize,
}

/// The bits needed for every number below `n`.
fn bits_below(n: u64) -> u32 {
    64 - n.saturating_sub(1).leading_zeros()
}

impl PairMap {
    /// An empty table for up to `capacity` pairs (ranks below `capacity`) of token ids below
    /// `ids`, or `None` when a pair and its rank would not fit a slot's [`MAX_SLOT_BITS`] bits
    /// (a vocabulary of millions of tokens).
    pub fn with_capacity(capacity: usize, ids: u64) -> Option<Self> {
        let id_bits = bits_below(ids).max(1);
        let rank_bits = bits_below(capacity as u64).max(1);
        if 2 * id_bits + rank_bits > MAX_SLOT_BITS {
            return None;
        }
        let slots = (capacity + capacity / 2).max(16).next_power_of_two();
        // Zeroed: large tables come straight from the kernel (no writes until inserts).
        let table = vec![0u64; slots].into_boxed_slice();
        advise_huge_pages(&table);
        Some(PairMap {
            slots: table,
            merged: MergedIds::Listed(vec![u32::MAX; capacity]),
            shift: 64 - slots.trailing_zeros(),
            id_bits,
            rank_bits,
            len: 0,
        })
    }

    /// The pair `left right` packed as in a slot (without the rank), or `None` if one of its
    /// ids is too large to be in any pair of the table.
    #[inline(always)]
    fn packed(&self, left: u32, right: u32) -> Option<u64> {
        let (left, right) = (u64::from(left), u64::from(right));
        ((left | right) >> self.id_bits == 0).then_some((left << self.id_bits) | right)
    }

    #[inline(always)]
    fn home(&self, packed: u64) -> usize {
        (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The slot holding `packed`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, packed: u64) -> usize {
        let mask = self.slots.len() - 1;
        let want = USED | (packed << self.rank_bits);
        let rank_mask = (1u64 << self.rank_bits) - 1;
        let mut i = self.home(packed);
        loop {
            let slot = self.slots[i];
            if slot & !rank_mask == want || slot == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Sets the merge of `left right` at `rank` (a later insert of the same pair replaces the
    /// earlier one). Panics if `rank` or an id is beyond what the table was made for.
    #[inline]
    pub fn insert(&mut self, left: u32, right: u32, rank: u32, id: u32) {
        let packed = self
            .packed(left, right)
            .expect("ids within the table's bits");
        let i = self.find(packed);
        let MergedIds::Listed(merged) = &mut self.merged else {
            panic!("a compacted table is not filled again");
        };
        assert!((rank as usize) < merged.len(), "rank within capacity");
        merged[rank as usize] = id;
        if self.slots[i] == 0 {
            assert!(self.len < self.slots.len() * 2 / 3, "capacity exceeded");
            self.len += 1;
        }
        self.slots[i] = USED | (packed << self.rank_bits) | u64::from(rank);
    }

    /// Whether the merged ids are kept as steps.
    #[cfg(test)]
    pub fn merged_as_steps(&self) -> bool {
        matches!(self.merged, MergedIds::Steps { .. })
    }

    /// Keeps the merged ids as steps where they fit (see `merged_ids`), once every merge is
    /// in.
    pub fn compact(&mut self) {
        if let MergedIds::Listed(ids) = &mut self.merged {
            self.merged = MergedIds::compact(std::mem::take(ids));
        }
    }

    /// Asks for the slot where probing for `left right` starts to be loaded (only a hint).
    #[inline(always)]
    pub fn prefetch(&self, left: u32, right: u32) {
        if let Some(packed) = self.packed(left, right) {
            prefetch(&self.slots[self.home(packed)]);
        }
    }

    /// The rank of `left right`, `u32::MAX` if the pair does not merge.
    #[inline]
    pub fn rank(&self, left: u32, right: u32) -> u32 {
        let Some(packed) = self.packed(left, right) else {
            return u32::MAX;
        };
        match self.slots[self.find(packed)] {
            0 => u32::MAX,
            slot => (slot & ((1u64 << self.rank_bits) - 1)) as u32,
        }
    }

    /// The merged id of the pair of rank `rank` (a rank [`PairMap::rank`] gave).
    #[inline]
    pub fn merged(&self, rank: u32) -> u32 {
        self.merged.get(rank)
    }

    /// The `(rank, merged id)` of `left right`, if the pair merges.
    #[inline]
    pub fn get(&self, left: u32, right: u32) -> Option<(u32, u32)> {
        let rank = self.rank(left, right);
        (rank != u32::MAX).then(|| (rank, self.merged(rank)))
    }

    /// Every pair in the table as `[left, right, rank, merged id]`, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = [u32; 4]> + '_ {
        let id_mask = (1u64 << self.id_bits) - 1;
        self.slots.iter().filter(|&&s| s != 0).map(move |&s| {
            let rank = (s & ((1u64 << self.rank_bits) - 1)) as u32;
            let packed = (s & !USED) >> self.rank_bits;
            let (left, right) = (packed >> self.id_bits, packed & id_mask);
            [left as u32, right as u32, rank, self.merged(rank)]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ahash::AHashMap;

    #[test]
    fn agrees_with_a_hash_map() {
        let mut map = PairMap::with_capacity(5000, 100).unwrap();
        let mut reference = AHashMap::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for rank in 0..5000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Few distinct ids, so some pairs repeat and are replaced.
            let (a, b) = ((state % 97) as u32, ((state >> 40) % 89) as u32);
            map.insert(a, b, rank, rank + 1);
            reference.insert((a, b), (rank, rank + 1));
        }
        assert_eq!(map.len, reference.len());
        // Ranks with ids one apart: kept as steps, read back the same.
        map.compact();
        assert!(map.merged_as_steps());
        // Ids past those of any pair (up to and beyond the table's 7 bits) merge with nothing.
        for a in (0..300).chain([u32::MAX - 1]) {
            for b in (0..300).chain([u32::MAX - 1]) {
                assert_eq!(map.get(a, b), reference.get(&(a, b)).copied(), "{a} {b}");
            }
        }
        let mut entries: Vec<_> = map.entries().collect();
        let mut want: Vec<_> = reference
            .iter()
            .map(|(&(a, b), &(r, m))| [a, b, r, m])
            .collect();
        entries.sort_unstable();
        want.sort_unstable();
        assert_eq!(entries, want);
    }

    #[test]
    fn the_largest_pairs_and_ranks_that_fit_are_kept_exactly() {
        // 2 × 21 id bits and 21 rank bits: the most a slot holds.
        let ids = 1 << 21;
        let mut map = PairMap::with_capacity(1 << 21, ids).unwrap();
        let last = (1 << 21) - 1;
        map.insert(last, last, last, 7);
        map.insert(0, last, 0, 8);
        map.insert(last, 0, 1, 9);
        assert_eq!(map.get(last, last), Some((last, 7)));
        assert_eq!(map.get(0, last), Some((0, 8)));
        assert_eq!(map.get(last, 0), Some((1, 9)));
        assert_eq!(map.get(0, 0), None);
        assert_eq!(map.get(1 << 21, 0), None, "an id past the table's bits");
        assert!(
            PairMap::with_capacity(1 << 21, ids + 1).is_none(),
            "one bit too many"
        );
    }
}
