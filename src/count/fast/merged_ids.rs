//! The merged id of each merge rank, read once per merge of every piece the cache misses. Kept
//! as an array (4 bytes a rank: 1.1 MB for Llama 3, mostly out of cache, so each read waited on
//! memory), or, where the merged ids never fall and rise by at most one from a rank to the next
//! (GPT-4o and Qwen3 rise by one at every rank; Llama 3, whose tokens are made by several merges
//! each, by zero or one), as steps: one bit a rank saying whether its id is one more than the
//! previous rank's, and the count of such bits before each block of 64 ranks. A read is then one
//! 16-byte block and a population count, from 70 KB for Llama 3's 280,147 merges, which stay in
//! a core's own cache.

/// Rank → merged id.
pub enum MergedIds {
    /// The merged id of each rank (`u32::MAX` where no merge has that rank).
    Listed(Vec<u32>),
    /// Ids that rise by zero or one from a rank to the next.
    Steps {
        /// The merged id of rank 0.
        first: u32,
        /// Per 64 ranks: bit `i` set when rank `64k + i` rises by one over the rank before,
        /// and how many ranks rose before the block.
        blocks: Vec<StepBlock>,
    },
}

/// 64 ranks of [`MergedIds::Steps`].
#[derive(Clone, Copy, Default)]
#[repr(C, align(16))]
pub struct StepBlock {
    rises: u64,
    before: u32,
}

impl MergedIds {
    /// The ids as steps where they fit, else as listed.
    pub fn compact(ids: Vec<u32>) -> Self {
        let fits = ids.first().is_some_and(|&first| first != u32::MAX)
            && ids
                .windows(2)
                .all(|w| w[1] != u32::MAX && (w[1] == w[0] || w[1] == w[0] + 1));
        if !fits {
            return MergedIds::Listed(ids);
        }
        let mut blocks = vec![StepBlock::default(); ids.len().div_ceil(64)];
        let mut rose = 0u32;
        for (k, block) in blocks.iter_mut().enumerate() {
            block.before = rose;
            for i in 0..64 {
                let rank = 64 * k + i;
                if rank > 0 && rank < ids.len() && ids[rank] != ids[rank - 1] {
                    block.rises |= 1 << i;
                    rose += 1;
                }
            }
        }
        MergedIds::Steps {
            first: ids[0],
            blocks,
        }
    }

    /// The merged id of the merge of rank `rank` (a rank of the table).
    #[inline(always)]
    pub fn get(&self, rank: u32) -> u32 {
        match self {
            MergedIds::Listed(ids) => ids[rank as usize],
            MergedIds::Steps { first, blocks } => {
                let block = blocks[(rank >> 6) as usize];
                // The rises of ranks up to and including `rank` in its block.
                let upto = (2u64 << (rank & 63)).wrapping_sub(1);
                first + block.before + (block.rises & upto).count_ones()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Ids that rise by zero or one are kept as steps and read back exactly; any other
        /// sequence is kept as listed.
        #[test]
        fn steps_read_back_every_id(
            first in 0u32..1_000_000,
            rises in proptest::collection::vec(0u32..=2, 0..700),
        ) {
            let mut ids = vec![first];
            for &r in &rises {
                ids.push(ids.last().unwrap() + r);
            }
            let merged = MergedIds::compact(ids.clone());
            prop_assert_eq!(
                matches!(merged, MergedIds::Steps { .. }),
                rises.iter().all(|&r| r <= 1)
            );
            for (rank, &id) in ids.iter().enumerate() {
                prop_assert_eq!(merged.get(rank as u32), id, "rank {}", rank);
            }
        }
    }

    #[test]
    fn holes_and_falls_stay_listed() {
        for ids in [vec![u32::MAX, 5], vec![5, u32::MAX], vec![5, 4], vec![]] {
            assert!(matches!(MergedIds::compact(ids), MergedIds::Listed(_)));
        }
    }
}
