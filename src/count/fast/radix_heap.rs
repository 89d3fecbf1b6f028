//! A radix heap: a min-priority queue of `u64` keys built for nearly monotone use. Keys live in
//! 65 buckets by the highest bit in which they differ from the last minimum, so pushes append
//! to a vector and each key moves down at most 64 times; unlike a binary heap of a million
//! entries, nearly every memory access is sequential. BPE merge loops are monotone except
//! where a vocabulary ranks a merge before one that makes its input (Llama 3 has such merges),
//! so keys below the last minimum go to a small binary heap that is always served first: the
//! queue is exact for any order of pushes and pops.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A min-queue of `u64` keys; see the module documentation.
pub struct RadixHeap {
    last: u64,
    buckets: Vec<Vec<u64>>,
    /// Keys pushed below `last`: each is smaller than every key in `buckets`.
    below: BinaryHeap<Reverse<u64>>,
}

impl From<Vec<u64>> for RadixHeap {
    fn from(keys: Vec<u64>) -> Self {
        let mut heap = Self {
            last: 0,
            buckets: (0..65).map(|_| Vec::new()).collect(),
            below: BinaryHeap::new(),
        };
        keys.into_iter().for_each(|k| heap.push(k));
        heap
    }
}

impl RadixHeap {
    #[inline]
    fn bucket(&self, key: u64) -> usize {
        (64 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Adds `key`.
    #[inline]
    pub fn push(&mut self, key: u64) {
        if key < self.last {
            self.below.push(Reverse(key));
        } else {
            let b = self.bucket(key);
            self.buckets[b].push(key);
        }
    }

    /// Removes and returns the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<u64> {
        if let Some(Reverse(key)) = self.below.pop() {
            return Some(key);
        }
        if self.buckets[0].is_empty() {
            let i = (1..65).find(|&i| !self.buckets[i].is_empty())?;
            let mut moved = std::mem::take(&mut self.buckets[i]);
            self.last = *moved.iter().min().expect("non-empty bucket");
            for &key in &moved {
                let b = self.bucket(key);
                self.buckets[b].push(key);
            }
            // Give the emptied vector back so that its capacity is reused.
            moved.clear();
            self.buckets[i] = moved;
        }
        self.buckets[0].pop()
    }
}

#[cfg(test)]
mod tests {
    use super::RadixHeap;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    proptest! {
        /// Interleaved pushes (mostly above the last pop, some below) and pops come out exactly
        /// as from a binary heap.
        #[test]
        fn pops_in_order_like_a_binary_heap(
            initial in proptest::collection::vec(0u64..1 << 40, 0..200),
            steps in proptest::collection::vec((-64i64..1 << 20, 0usize..3), 0..400),
        ) {
            let mut radix = RadixHeap::from(initial.clone());
            let mut reference: BinaryHeap<_> = initial.iter().map(|&k| Reverse(k)).collect();
            let mut last = 0u64;
            for (delta, pushes) in steps {
                let got = radix.pop();
                prop_assert_eq!(got, reference.pop().map(|r| r.0));
                if let Some(k) = got {
                    last = k;
                }
                for p in 0..pushes {
                    let key = last.saturating_add_signed(delta) + p as u64;
                    radix.push(key);
                    reference.push(Reverse(key));
                }
            }
            while let Some(r) = reference.pop() {
                prop_assert_eq!(radix.pop(), Some(r.0));
            }
            prop_assert_eq!(radix.pop(), None);
        }
    }
}
