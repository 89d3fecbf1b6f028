//! Tiny pieces merged in step: the merge loop of [`Merges`] for pieces of at most
//! [`TINY_PIECE`] symbols, one merge per piece in turn. A piece's next merge waits on the merge
//! table for the pairs its last merge made, and the table (megabytes of random accesses) is
//! mostly out of cache; so each merge asks for those pairs' slots to be loaded
//! ([`prefetch`](super::prefetch::prefetch)) and reads them on its next turn, after the other
//! pieces' merges. Memory waits of several pieces then overlap, where one piece at a time would
//! wait for each of its merges in turn (the piece cache misses a few percent of pieces, but on
//! a cold cache their merges were a third of the counting time).

use super::merges::{Merges, TINY_PIECE};

/// How many pieces are merged in step at most.
pub const IN_STEP: usize = 16;

/// One tiny piece being merged: its symbols, and the rank of each adjacent pair.
#[derive(Clone, Copy)]
pub struct TinyMerge {
    /// Twice as long as a piece can be, so that an entry is removed by moving a fixed number
    /// of entries down (see [`remove`]).
    symbols: [u32; 2 * TINY_PIECE],
    ranks: [u32; 2 * TINY_PIECE],
    /// Symbols left.
    n: usize,
    /// The pairs (bit `i`: symbols `i` and `i + 1`) whose merge is still to be read from the
    /// table, their slots asked for.
    stale: u32,
    done: bool,
}

impl TinyMerge {
    /// A finished piece of no symbols, to fill arrays of pieces with.
    pub const EMPTY: TinyMerge = TinyMerge {
        symbols: [0; 2 * TINY_PIECE],
        ranks: [u32::MAX; 2 * TINY_PIECE],
        n: 0,
        stale: 0,
        done: true,
    };

    /// A piece of `symbols` (at most [`TINY_PIECE`]) about to be merged by `merges`, the slots
    /// of its pairs asked for.
    pub fn new(symbols: &[u32], merges: &Merges) -> Self {
        let mut piece = Self::EMPTY;
        piece.start(symbols, merges);
        piece
    }

    /// Makes this the piece of `symbols` (at most [`TINY_PIECE`]) about to be merged by
    /// `merges`, the slots of its pairs asked for (in place: a piece is larger than a cache
    /// line, and built for every piece the cache misses).
    #[inline(always)]
    pub fn start(&mut self, symbols: &[u32], merges: &Merges) {
        let n = symbols.len();
        assert!(
            n <= TINY_PIECE,
            "a tiny piece has at most {TINY_PIECE} symbols"
        );
        self.symbols[..n].copy_from_slice(symbols);
        self.ranks[..TINY_PIECE].fill(u32::MAX);
        self.n = n;
        self.stale = 0;
        self.done = n <= 1;
        for i in 0..n.saturating_sub(1) {
            self.ask(merges, i);
        }
    }

    /// The number of tokens left once [`Merges::count_in_step`] is done.
    pub fn count(&self) -> u32 {
        debug_assert!(self.done);
        self.n as u32
    }

    /// Marks pair `i` for reading on the next turn and asks for its slot.
    #[inline(always)]
    fn ask(&mut self, merges: &Merges, i: usize) {
        self.stale |= 1 << i;
        merges.prefetch(self.symbols[i], self.symbols[i + 1]);
    }

    /// One turn: reads the pairs asked for, merges the leftmost lowest-rank pair (or finds the
    /// piece done) and asks for the pairs that merge made.
    #[inline(always)]
    fn step(&mut self, merges: &Merges) {
        while self.stale != 0 {
            let i = self.stale.trailing_zeros() as usize;
            self.ranks[i] = merges.rank_of(self.symbols[i], self.symbols[i + 1]);
            self.stale &= self.stale - 1;
        }
        let n = self.n;
        let mut best = 0;
        for i in 1..n - 1 {
            if self.ranks[i] < self.ranks[best] {
                best = i;
            }
        }
        if self.ranks[best] == u32::MAX {
            self.done = true;
            return;
        }
        self.symbols[best] = merges.merged(self.ranks[best]);
        remove(&mut self.symbols, best + 1);
        remove(&mut self.ranks, best + 1);
        self.n = n - 1;
        if best + 1 < self.n {
            self.ask(merges, best);
        } else {
            self.ranks[best] = u32::MAX;
        }
        if best > 0 {
            self.ask(merges, best - 1);
        }
        self.done = self.n == 1;
    }
}

/// Removes `a[at]` (`at` below [`TINY_PIECE`]), moving the [`TINY_PIECE`] entries after it down
/// by one: a move of fixed length, a few vector loads and stores, where moving only the
/// piece's entries (a length that varies) calls `memmove` (2% of a first count).
#[inline(always)]
fn remove(a: &mut [u32; 2 * TINY_PIECE], at: usize) {
    debug_assert!(at < TINY_PIECE, "an entry of the piece");
    let at = at.min(TINY_PIECE - 1); // never changes `at`; lets the move's bounds check go
    a.copy_within(at + 1..at + 1 + TINY_PIECE - 1, at);
}

/// The counts of several short pieces (at most [`IN_STEP`], each of at most 15 bytes and so
/// at most [`TINY_PIECE`] symbols) merged in step by `merges`: `counts[k]` is the count of
/// `pieces[k]`. `symbols` gives a piece's count where it needs no merging, else writes the
/// symbols it merges from into its buffer (and returns `None`).
#[inline]
pub fn count_pieces(
    merges: &Merges,
    pieces: &[&[u8]],
    counts: &mut [u32],
    scratch: &mut Vec<u32>,
    mut symbols: impl FnMut(&[u8], &mut Vec<u32>) -> Option<u32>,
) {
    assert!(pieces.len() <= IN_STEP && counts.len() == pieces.len());
    MERGING.with_borrow_mut(|merging| {
        let mut of = [0usize; IN_STEP];
        let mut n = 0;
        for (k, piece) in pieces.iter().enumerate() {
            scratch.clear();
            if let Some(count) = symbols(piece, scratch) {
                counts[k] = count;
            } else {
                merging[n].start(scratch, merges);
                of[n] = k;
                n += 1;
            }
        }
        merges.count_in_step(&mut merging[..n]);
        for (piece, &k) in merging[..n].iter().zip(&of) {
            counts[k] = piece.count();
        }
    });
}

thread_local! {
    /// The pieces [`count_pieces`] merges in step on this thread: kept, so that a batch does
    /// not fill 2 KiB of pieces anew (a `memcpy` that was 1.2% of Gemma 3's instructions).
    static MERGING: std::cell::RefCell<[TinyMerge; IN_STEP]> =
        const { std::cell::RefCell::new([TinyMerge::EMPTY; IN_STEP]) };
}

impl Merges {
    /// Merges every piece of `pieces` to the end, one merge of each in turn (see the module
    /// documentation); each piece's [`TinyMerge::count`] is then what [`Merges::count`] gives
    /// its symbols.
    pub fn count_in_step(&self, pieces: &mut [TinyMerge]) {
        let mut left = pieces.iter().filter(|p| !p.done).count();
        while left > 0 {
            for piece in pieces.iter_mut().filter(|p| !p.done) {
                piece.step(self);
                left -= usize::from(piece.done);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::count::fast::merges::tests::{naive, toy};
    use proptest::prelude::*;

    #[test]
    fn remove_takes_out_one_entry_of_a_piece_anywhere() {
        for at in 0..TINY_PIECE {
            let mut a: [u32; 2 * TINY_PIECE] = std::array::from_fn(|k| k as u32);
            remove(&mut a, at);
            let want: Vec<u32> = (0..TINY_PIECE as u32)
                .filter(|&k| k as usize != at)
                .collect();
            assert_eq!(a[..TINY_PIECE - 1], want[..], "at {at}");
        }
    }

    proptest! {
        /// Pieces merged in step, any number of them at once, each count what the textbook
        /// loop counts for that piece alone.
        #[test]
        fn pieces_in_step_count_as_alone(
            pieces in proptest::collection::vec(
                proptest::collection::vec(0u32..4, 0..=TINY_PIECE),
                1..=IN_STEP,
            ),
        ) {
            let (table, by_rank) = toy();
            let mut merging = [TinyMerge::EMPTY; IN_STEP];
            for (slot, symbols) in merging.iter_mut().zip(&pieces) {
                slot.start(symbols, &table);
            }
            table.count_in_step(&mut merging[..pieces.len()]);
            for (piece, symbols) in merging.iter().zip(&pieces) {
                let want = naive(&by_rank, symbols.clone());
                prop_assert_eq!(piece.count(), want, "{:?}", symbols);
            }
        }
    }
}
