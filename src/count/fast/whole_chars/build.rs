//! Building [`super::WholeChars`]: the bytes every token is made of, the characters whose bytes
//! merge alone into one token (with the highest rank on the way and the symbols on each edge),
//! and for each the neighbouring bytes of a merge ranked at or below that highest rank.

use super::super::merges::Merges;
use super::{ByteSet, NONE, decode};

/// Vocabularies with token ids beyond this are left to start from bytes (the largest real
/// ones have about 262,000; the tables here take 15 bytes per id).
pub(super) const MAX_TOKENS: usize = 1 << 21;

/// What is known of each token id that merges can make from bytes.
pub(super) struct Tokens {
    /// Length in bytes, capped at 5 (0: no merge makes it from bytes).
    len: Vec<u8>,
    first: Vec<u8>,
    last: Vec<u8>,
    /// The bytes of tokens of up to 4 bytes, little-endian.
    bytes: Vec<u32>,
}

/// The merges of one edge symbol with its neighbours: the neighbour's byte next to the symbol,
/// and the lowest rank of a merge with such a neighbour.
type Merged = Vec<(u8, u32)>;

/// A character that can start whole, and the neighbouring bytes that keep it from doing so.
pub(super) struct Found {
    pub cp: u32,
    pub token: u32,
    pub before: ByteSet,
    pub after: ByteSet,
}

/// A character's merge alone: its token, the highest rank merged and the edge symbols.
struct Alone {
    cp: u32,
    token: u32,
    highest: u32,
    left_edge: Vec<u32>,
    right_edge: Vec<u32>,
}

fn add(set: &mut ByteSet, byte: u8) {
    set[usize::from(byte >> 6)] |= 1 << (byte & 63);
}

impl Tokens {
    /// The tokens made from `byte_ids` by the merges `by_rank` (`[left, right, merged]` at
    /// their rank, `NONE` where no merge has that rank), or `None` for an oversized vocabulary
    /// or one with the id `NONE` itself (which the merge loops could not tell from a hole).
    pub(super) fn new(byte_ids: &[u32; 256], by_rank: &[[u32; 3]]) -> Option<Self> {
        let hole = [NONE; 3];
        if byte_ids.contains(&NONE) || by_rank.iter().any(|m| m.contains(&NONE) && *m != hole) {
            return None;
        }
        let ids = byte_ids.iter().chain(by_rank.iter().flatten());
        let n = ids
            .filter(|&&id| id != NONE)
            .max()
            .map_or(0, |&m| m as usize + 1);
        if n > MAX_TOKENS {
            return None;
        }
        let mut t = Tokens {
            len: vec![0; n],
            first: vec![0; n],
            last: vec![0; n],
            bytes: vec![0; n],
        };
        for (b, &id) in byte_ids.iter().enumerate() {
            let id = id as usize;
            (t.len[id], t.first[id], t.last[id], t.bytes[id]) = (1, b as u8, b as u8, b as u32);
        }
        // In rank order nearly every merge finds its sides made; a vocabulary that ranks a
        // use of a token before its making needs another pass.
        loop {
            let mut changed = false;
            for &[a, b, m] in by_rank.iter().filter(|m| m[0] != NONE) {
                let (a, b, m) = (a as usize, b as usize, m as usize);
                if t.len[m] != 0 || t.len[a] == 0 || t.len[b] == 0 {
                    continue;
                }
                let len = t.len[a] + t.len[b];
                t.len[m] = len.min(5);
                t.first[m] = t.first[a];
                t.last[m] = t.last[b];
                if len <= 4 {
                    t.bytes[m] = t.bytes[a] | (t.bytes[b] << (8 * t.len[a]));
                }
                changed = true;
            }
            if !changed {
                return Some(t);
            }
        }
    }

    /// The merge of the character token `token`'s bytes alone, if it ends in `token`.
    fn alone(&self, token: u32, byte_ids: &[u32; 256], merges: &Merges) -> Option<Alone> {
        let len = usize::from(self.len[token as usize]);
        if !(2..=4).contains(&len) {
            return None;
        }
        let bytes = self.bytes[token as usize].to_le_bytes();
        let (cp, char_len) = decode(&bytes[..len], 0)?;
        if char_len != len {
            return None;
        }
        let mut symbols: Vec<u32> = bytes[..len].iter().map(|&b| byte_ids[b as usize]).collect();
        let (mut left_edge, mut right_edge) = (vec![symbols[0]], vec![symbols[len - 1]]);
        let mut highest = 0;
        while symbols.len() > 1 {
            let (rank, i) = (0..symbols.len() - 1)
                .map(|i| (merges.merge_of(symbols[i], symbols[i + 1]).0, i))
                .min()
                .expect("two symbols make a pair");
            if rank == NONE {
                return None;
            }
            highest = highest.max(rank);
            symbols[i] = merges.merge_of(symbols[i], symbols[i + 1]).1;
            symbols.remove(i + 1);
            left_edge.push(symbols[0]);
            right_edge.push(symbols[symbols.len() - 1]);
        }
        (symbols[0] == token).then_some(Alone {
            cp,
            token,
            highest,
            left_edge,
            right_edge,
        })
    }

    /// Every character whose bytes merge alone into one token, with its byte sets.
    pub(super) fn characters(
        &self,
        byte_ids: &[u32; 256],
        merges: &Merges,
        by_rank: &[[u32; 3]],
    ) -> Vec<Found> {
        let n = self.len.len();
        let alone: Vec<Alone> = (0..n as u32)
            .filter_map(|token| self.alone(token, byte_ids, merges))
            .collect();
        // For every edge symbol: the lowest rank of a merge joining it to a neighbour, per
        // byte of that neighbour next to it (its last byte on the left, first on the right).
        let (mut left_of, mut right_of) = (vec![NONE; n], vec![NONE; n]);
        let (mut lefts, mut rights): (Vec<Merged>, Vec<Merged>) = (vec![], vec![]);
        for a in &alone {
            for &e in &a.left_edge {
                if left_of[e as usize] == NONE {
                    left_of[e as usize] = lefts.len() as u32;
                    lefts.push(Vec::new());
                }
            }
            for &e in &a.right_edge {
                if right_of[e as usize] == NONE {
                    right_of[e as usize] = rights.len() as u32;
                    rights.push(Vec::new());
                }
            }
        }
        for (rank, &[x, y, _]) in by_rank.iter().enumerate() {
            if x == NONE || self.len[x as usize] == 0 || self.len[y as usize] == 0 {
                continue; // no such merge, or one that no piece can reach
            }
            if let Some(list) = lefts.get_mut(left_of[y as usize] as usize) {
                list.push((self.last[x as usize], rank as u32));
            }
            if let Some(list) = rights.get_mut(right_of[x as usize] as usize) {
                list.push((self.first[y as usize], rank as u32));
            }
        }
        for list in lefts.iter_mut().chain(rights.iter_mut()) {
            list.sort_unstable();
            list.dedup_by_key(|(byte, _)| *byte); // the lowest rank per byte stays
        }
        let set = |edge: &[u32], index: &[u32], lists: &[Merged], highest: u32| {
            let mut set = [0u64; 4];
            for &e in edge {
                for &(byte, rank) in &lists[index[e as usize] as usize] {
                    if rank <= highest {
                        add(&mut set, byte);
                    }
                }
            }
            set
        };
        alone
            .iter()
            .map(|a| Found {
                cp: a.cp,
                token: a.token,
                before: set(&a.left_edge, &left_of, &lefts, a.highest),
                after: set(&a.right_edge, &right_of, &rights, a.highest),
            })
            .filter(|f| f.before != [u64::MAX; 4] || f.after != [u64::MAX; 4])
            .collect()
    }
}
