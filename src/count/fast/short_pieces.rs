//! The cache's map for short pieces (2 to 15 bytes, nearly all pieces): each slot is one
//! 16-byte integer holding the piece's bytes, its length and its token count, in an
//! open-addressing table with linear probing kept at most half full. A lookup reads one slot,
//! one cache line, where a general hash map reads a control byte and then the entry (two
//! lines, both usually cold for a piece not seen lately), and the table takes half the memory.

use super::huge_pages::advise_huge_pages;
use super::prefetch::prefetch;

/// The top byte of a slot: the piece's length in the low half, its count in the high half.
const COUNT_SHIFT: u32 = 124;
/// The bits that identify a piece (all but the count).
const KEY_BITS: u128 = (1 << COUNT_SHIFT) - 1;
/// Counts up to this fit in a slot (a piece of at most 15 bytes has at most 15 tokens in any
/// supported model; a larger count is simply not cached).
const MAX_COUNT: u32 = 15;
/// The smallest table, in slots.
const MIN_SLOTS: usize = 1 << 12;

/// Short pieces (packed as by `cache::pack`) → token counts.
pub struct ShortPieces {
    /// Slots; 0 is empty (a packed piece has a non-zero length, so a slot's high half is
    /// non-zero). A map that has cached nothing yet has one empty slot, so that a lookup needs
    /// no test for a missing table.
    slots: Vec<u128>,
    len: usize,
    /// The table never grows beyond this many slots; when half full it is emptied.
    max_slots: usize,
}

impl ShortPieces {
    /// An empty map that holds at most `max_pieces` pieces before it is emptied.
    pub fn new(max_pieces: usize) -> Self {
        Self {
            slots: vec![0],
            len: 0,
            max_slots: (2 * max_pieces).next_power_of_two().max(MIN_SLOTS),
        }
    }

    /// An empty map that holds `pieces` pieces without growing (and at most that many).
    pub fn with_capacity(pieces: usize) -> Self {
        let mut map = Self::new(pieces);
        if pieces > 0 {
            map.grow_to(map.max_slots);
        }
        map
    }

    /// Forgets every piece.
    pub fn clear(&mut self) {
        if self.len == 0 {
            return;
        }
        self.slots.iter_mut().for_each(|s| *s = 0);
        self.len = 0;
    }

    /// The slot where probing for `key` starts: the top bits of a multiplicative hash, taken
    /// as the high half of its product with the number of slots (one multiplication, and the
    /// same slot as a shift for any power of two, one slot included).
    #[inline(always)]
    fn home(&self, key: u128) -> usize {
        let (low, high) = (key as u64, (key >> 64) as u64);
        let mixed =
            (low ^ high.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        ((u128::from(mixed) * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: u128) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if (slot >> 64) as u64 == 0 || slot & KEY_BITS == key {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks for the slot where probing for `key` starts to be loaded (only a hint).
    #[inline(always)]
    pub fn prefetch(&self, key: u128) {
        prefetch(&self.slots[self.home(key)]);
    }

    /// The count of the packed piece `key`, if cached.
    #[inline]
    pub fn get(&self, key: u128) -> Option<u32> {
        let slot = self.slots[self.find(key)];
        (slot != 0).then_some((slot >> COUNT_SHIFT) as u32)
    }

    /// Caches `count` for the packed piece `key` (not yet cached).
    pub fn insert(&mut self, key: u128, count: u32) {
        if count > MAX_COUNT {
            return;
        }
        if 2 * (self.len + 1) > self.slots.len() {
            if self.slots.len() >= self.max_slots {
                self.clear();
            } else {
                self.grow();
            }
        }
        let i = self.find(key);
        self.slots[i] = key | (u128::from(count) << COUNT_SHIFT);
        self.len += 1;
    }

    /// Doubles the table (or makes the first real one), placing every piece again.
    fn grow(&mut self) {
        self.grow_to((self.slots.len() * 2).max(MIN_SLOTS));
    }

    /// Makes the table `size` slots, placing every piece again.
    fn grow_to(&mut self, size: usize) {
        // Zeroed by writing, not by `vec![0; size]`: calloc's pages would first be mapped to
        // the shared zero page by lookups, and each first insert into such a page is then a
        // copy-on-write fault that interrupts every other core running this process to flush
        // its TLB (a few percent of the counting time on two threads).
        #[allow(clippy::slow_vector_initialization)] // the write is the point
        let mut fresh = Vec::with_capacity(size);
        advise_huge_pages(fresh.spare_capacity_mut());
        fresh.resize(size, 0);
        let old = std::mem::replace(&mut self.slots, fresh);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let i = self.find(slot & KEY_BITS);
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn agrees_with_a_hash_map_through_growth_and_clearing() {
        let mut map = ShortPieces::new(5_000);
        let mut reference = HashMap::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..40_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Keys like packed pieces: a few low bytes vary, the length byte is 2..=15.
            let key = u128::from(state % 20_000) | (u128::from(2 + state % 14) << 120);
            let count = (state >> 40) as u32 % 20;
            assert_eq!(map.get(key), reference.get(&key).copied());
            if map.get(key).is_none() {
                let before = map.len;
                map.insert(key, count);
                if map.len < before {
                    reference.clear(); // emptied when full
                }
                if count <= MAX_COUNT {
                    reference.insert(key, count);
                }
            }
            assert!(map.slots.len() <= map.max_slots);
        }
        assert!(map.len > 0);
    }
}
