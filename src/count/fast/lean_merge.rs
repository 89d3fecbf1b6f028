//! The BPE merge loop for very long pieces (a megabyte-long run of one letter is one pre-token)
//! in bounded memory: 4 bytes per symbol besides the symbols themselves, where a priority queue
//! of pairs costs 8 bytes per pair and more for every merge pushed.
//!
//! It is the same loop as every other (merge the current pair of lowest rank, the leftmost on
//! ties, until none is left); only the way the lowest pair is found differs. Each position holds
//! the rank of the pair it starts (the symbol there and the next live one), always up to date,
//! so there are no stale entries; positions are grouped in blocks of [`BLOCK`], and a tree over
//! the blocks holds the lowest rank below each node. The lowest pair is found by walking down
//! the tree to the leftmost block holding the lowest rank and scanning that block from the left:
//! the leftmost position of the lowest rank, exactly the pair `tokenizers` would pop next (its
//! heap orders pairs by rank, then position, and never pops a pair that is no longer current).

use super::merges::Merges;

/// Positions per block: one block's ranks are scanned for its lowest one after each change.
const BLOCK: usize = 32;
/// No pair (no merge, a merged-away position, the last symbol), and a merged-away symbol.
const NONE: u32 = u32::MAX;

/// The lowest rank of every block and of every node above them.
struct BlockTree {
    leaves: usize,
    low: Vec<u32>,
}

impl BlockTree {
    /// The tree over the blocks of `ranks`.
    fn new(ranks: &[u32]) -> Self {
        let blocks = ranks.len().div_ceil(BLOCK).max(1);
        let leaves = blocks.next_power_of_two();
        let mut low = vec![NONE; 2 * leaves];
        for (b, block) in ranks.chunks(BLOCK).enumerate() {
            low[leaves + b] = block.iter().copied().min().unwrap_or(NONE);
        }
        for k in (1..leaves).rev() {
            low[k] = low[2 * k].min(low[2 * k + 1]);
        }
        Self { leaves, low }
    }

    /// The lowest rank of all, and the leftmost block that holds it.
    #[inline]
    fn lowest(&self) -> (u32, usize) {
        let rank = self.low[1];
        let mut k = 1;
        while k < self.leaves {
            k = if self.low[2 * k] == rank {
                2 * k
            } else {
                2 * k + 1
            };
        }
        (rank, k - self.leaves)
    }

    /// Takes in a change to block `b` of `ranks`.
    #[inline]
    fn update(&mut self, ranks: &[u32], b: usize) {
        let start = b * BLOCK;
        let end = (start + BLOCK).min(ranks.len());
        let mut k = self.leaves + b;
        self.low[k] = ranks[start..end].iter().copied().min().unwrap_or(NONE);
        while k > 1 {
            k /= 2;
            let lowest = self.low[2 * k].min(self.low[2 * k + 1]);
            if self.low[k] == lowest {
                break;
            }
            self.low[k] = lowest;
        }
    }
}

/// Applies every merge to `symbol` (token ids, in order) and returns how many remain.
pub fn count_lean(merges: &Merges, symbol: &mut [u32]) -> u32 {
    let n = symbol.len();
    if n < 2 {
        return n as u32;
    }
    let mut rank: Vec<u32> = (0..n)
        .map(|i| match symbol.get(i + 1) {
            Some(&next) => merges.rank_of(symbol[i], next),
            None => NONE,
        })
        .collect();
    let mut tree = BlockTree::new(&rank);
    // A merged-away symbol is `NONE`; live neighbours are found by scanning over them (never
    // more than one token's width).
    let next_of = |symbol: &[u32], i: usize| (i + 1..n).find(|&k| symbol[k] != NONE);
    let prev_of = |symbol: &[u32], i: usize| (0..i).rev().find(|&k| symbol[k] != NONE);
    let mut count = n as u32;
    loop {
        let (lowest, block) = tree.lowest();
        if lowest == NONE {
            return count;
        }
        let start = block * BLOCK;
        let i = start
            + rank[start..]
                .iter()
                .position(|&r| r == lowest)
                .expect("the block holds its lowest rank");
        let j = next_of(symbol, i).expect("a pair has a right symbol");
        let id = merges.merged(lowest);
        symbol[i] = id;
        symbol[j] = NONE;
        rank[j] = NONE;
        count -= 1;
        rank[i] = match next_of(symbol, j) {
            Some(k) => merges.rank_of(id, symbol[k]),
            None => NONE,
        };
        let prev = prev_of(symbol, i);
        if let Some(p) = prev {
            rank[p] = merges.rank_of(symbol[p], id);
        }
        // The blocks of `p <= i < j`, each taken in once.
        let (bi, bj) = (i / BLOCK, j / BLOCK);
        tree.update(&rank, bi);
        if bj != bi {
            tree.update(&rank, bj);
        }
        if let Some(bp) = prev.map(|p| p / BLOCK).filter(|&bp| bp != bi) {
            tree.update(&rank, bp);
        }
    }
}
