//! Starting a piece's BPE merge from whole characters instead of bytes, where that provably
//! gives the same tokens: a run of 20 Chinese characters is 60 byte symbols, most of which
//! only merge back into their characters; starting from the characters' own tokens leaves the
//! merge loop a third of the symbols and of the merge-table lookups.
//!
//! # Why it is exact
//!
//! The merge loop (as in `tokenizers`) repeatedly merges the adjacent pair of lowest rank, the
//! leftmost on ties. Take a character `c` of `k` bytes inside a piece, and run the loop on
//! `c`'s bytes alone: say it ends in one token `T`, through merges whose highest rank is `R`.
//! Its *left edge* is every symbol that stood first during that run (the first byte, ..., `T`),
//! its *right edge* every symbol that stood last. In a piece, the symbol just before `c` always
//! ends with the byte `p` just before `c` (symbols cover the bytes in order), and the symbol
//! just after `c` starts with the byte `q` just after it. Suppose that every merge `x e` with
//! `e` on the left edge and `x` ending with `p` has a rank above `R`, and every merge `e y`
//! with `e` on the right edge and `y` starting with `q` too (no condition on a side where `c`
//! ends the piece). Then the piece's loop started from `c`'s bytes (run A) and from `T` (run B)
//! end with the same number of symbols:
//!
//! 1. While `c` is not yet whole in A, its symbols are a state of the run alone, so the pair
//!    that run merges next is there, with a rank at most `R`; a pair joining one of `c`'s
//!    symbols to a neighbour has a rank above `R` (it is a merge `x e` or `e y` above), so A
//!    never merges across `c`'s edges before `c` is whole, and its merges inside `c` are those
//!    of the run alone, in the same order (the leftmost lowest pair inside `c` is the one the
//!    run alone takes).
//! 2. The merges of A outside `c` are those of B, in the same order. Let the outside be equal
//!    in both (it is at the start) and `c` not whole in A; let `ρ` be the rank of `c`'s next
//!    merge (at most `R`) and `μ` the lowest rank outside. If A merges outside, then `μ <= ρ`
//!    and the pair is the leftmost of rank `μ` outside `c`; in B the pairs joining `T` to its
//!    neighbours rank above `R >= ρ >= μ` (`T` is on both edges), so B merges the same pair.
//!    Otherwise A merges inside `c` and B waits. Once `c` is whole, A and B are in the same
//!    state.
//!
//! The condition involves only `c`, its neighbouring bytes and the merge table, so characters
//! are replaced one at a time, each step keeping the count. [`WholeChars::new`] finds every
//! character whose bytes merge into one token, and the two sets of neighbouring bytes for which
//! the condition fails; [`WholeChars::symbols`] starts a character from its token unless a
//! neighbouring byte is in its set. The sets count every merge in force whose two sides merges
//! can make from bytes (a merge no piece can reach is never a neighbour's).

mod build;

use super::compiled::{Reader, put_len};
use super::merges::Merges;
use ahash::AHashMap;

/// Code points per page of the start table.
const PAGE_BITS: u32 = 6;
const PAGE: usize = 1 << PAGE_BITS;
/// Pages of the whole code space.
const PAGES: usize = 0x11_0000 >> PAGE_BITS;
/// No token (a character that starts as its bytes).
const NONE: u32 = u32::MAX;

/// A set of bytes, one bit each.
type ByteSet = [u64; 4];

/// How one character starts: its token, and the indexes of its two byte sets (neighbouring
/// bytes before and after it that keep it from starting whole).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Start {
    token: u32,
    before: u16,
    after: u16,
}

/// A character that starts as bytes; set 0 holds every byte.
const BYTES: Start = Start {
    token: NONE,
    before: 0,
    after: 0,
};

/// The characters of one vocabulary that can start a merge as their own token, and where.
/// Built from the merges in about 10 ms, or read back from the compiled-route cache
/// ([`WholeChars::write`], [`WholeChars::read`]).
#[derive(Clone, PartialEq, Eq)]
pub struct WholeChars {
    /// The page of each block of [`PAGE`] code points (0: none, `k`: `starts[(k - 1) * PAGE..]`).
    pages: Vec<u16>,
    starts: Vec<Start>,
    /// The distinct byte sets, the full set first.
    sets: Vec<ByteSet>,
}

#[inline(always)]
fn holds(set: &ByteSet, byte: u8) -> bool {
    (set[usize::from(byte >> 6)] >> (byte & 63)) & 1 != 0
}

/// The code point and length of the well-formed UTF-8 character of 2 to 4 bytes at `i`.
#[inline(always)]
fn decode(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let lead = b[i];
    let (len, mut cp, min) = match lead {
        0xC2..=0xDF => (2, u32::from(lead & 0x1F), 0x80),
        0xE0..=0xEF => (3, u32::from(lead & 0x0F), 0x800),
        0xF0..=0xF4 => (4, u32::from(lead & 0x07), 0x1_0000),
        _ => return None,
    };
    for &c in b.get(i + 1..i + len)? {
        if c & 0xC0 != 0x80 {
            return None;
        }
        cp = (cp << 6) | u32::from(c & 0x3F);
    }
    let valid = cp >= min && cp <= 0x10_FFFF && !(0xD800..=0xDFFF).contains(&cp);
    valid.then_some((cp, len))
}

impl std::fmt::Debug for WholeChars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WholeChars")
            .field("pages", &(self.starts.len() / PAGE))
            .field("sets", &self.sets.len())
            .finish_non_exhaustive()
    }
}

impl WholeChars {
    /// The start of code point `cp`.
    #[inline(always)]
    fn start(&self, cp: u32) -> Start {
        match self.pages.get((cp >> PAGE_BITS) as usize) {
            Some(&page) if page != 0 => {
                self.starts[(usize::from(page) - 1) * PAGE + (cp as usize & (PAGE - 1))]
            }
            _ => BYTES,
        }
    }

    /// Appends the symbols `piece` starts its merge from to `out`: each byte's token, except
    /// characters that provably merge alone before their neighbours, which start as their
    /// token.
    #[inline]
    pub fn symbols(&self, piece: &[u8], byte_ids: &[u32; 256], out: &mut Vec<u32>) {
        let n = piece.len();
        let mut i = 0;
        while i < n {
            let b = piece[i];
            if b < 0x80 {
                out.push(byte_ids[usize::from(b)]);
                i += 1;
                continue;
            }
            let Some((cp, len)) = decode(piece, i) else {
                out.push(byte_ids[usize::from(b)]);
                i += 1;
                continue;
            };
            let start = self.start(cp);
            let whole = start.token != NONE
                && (i == 0 || !holds(&self.sets[usize::from(start.before)], piece[i - 1]))
                && (i + len == n || !holds(&self.sets[usize::from(start.after)], piece[i + len]));
            if whole {
                out.push(start.token);
            } else {
                out.extend(piece[i..i + len].iter().map(|&b| byte_ids[usize::from(b)]));
            }
            i += len;
        }
    }

    /// Appends the tables to a compiled route's encoding (see `compiled`).
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        put_len(out, self.pages.len());
        self.pages
            .iter()
            .for_each(|page| out.extend_from_slice(&page.to_le_bytes()));
        put_len(out, self.starts.len());
        for start in &self.starts {
            out.extend_from_slice(&start.token.to_le_bytes());
            out.extend_from_slice(&start.before.to_le_bytes());
            out.extend_from_slice(&start.after.to_le_bytes());
        }
        put_len(out, self.sets.len());
        self.sets
            .iter()
            .flatten()
            .for_each(|word| out.extend_from_slice(&word.to_le_bytes()));
    }

    /// Reads what [`WholeChars::write`] wrote; `None` unless every page and byte set it names
    /// is there (so a lookup can never fall outside the tables) and every token is one the
    /// builder could have written. That the tables are the builder's own for this tokenizer
    /// rests on the entry's checksum and format version.
    pub(super) fn read(r: &mut Reader<'_>) -> Option<Self> {
        let pages = (0..r.len()?)
            .map(|_| r.u16())
            .collect::<Option<Vec<u16>>>()?;
        let starts = (0..r.len()?)
            .map(|_| {
                Some(Start {
                    token: r.u32()?,
                    before: r.u16()?,
                    after: r.u16()?,
                })
            })
            .collect::<Option<Vec<Start>>>()?;
        let sets = (0..r.len()?)
            .map(|_| Some([r.u64()?, r.u64()?, r.u64()?, r.u64()?]))
            .collect::<Option<Vec<ByteSet>>>()?;
        let whole_pages = starts.len() / PAGE;
        let fits = pages.len() == PAGES
            && starts.len() % PAGE == 0
            && pages.iter().all(|&page| usize::from(page) <= whole_pages)
            && sets.first() == Some(&[u64::MAX; 4])
            && starts.iter().all(|start| {
                usize::from(start.before) < sets.len()
                    && usize::from(start.after) < sets.len()
                    && (start.token == NONE || (start.token as usize) < build::MAX_TOKENS)
            });
        fits.then_some(Self {
            pages,
            starts,
            sets,
        })
    }

    /// How many characters can start whole (in some neighbourhood).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.starts.iter().filter(|s| s.token != NONE).count()
    }

    /// The table of a vocabulary (its byte tokens and merges); see the module docs.
    pub fn new(byte_ids: &[u32; 256], merges: &Merges) -> Self {
        let mut table = Self {
            pages: vec![0; PAGES],
            starts: Vec::new(),
            sets: vec![[u64::MAX; 4]],
        };
        let by_rank = merges.by_rank();
        let Some(tokens) = build::Tokens::new(byte_ids, &by_rank) else {
            return table;
        };
        let mut set_ids: AHashMap<ByteSet, u16> = AHashMap::new();
        set_ids.insert([u64::MAX; 4], 0);
        // The index of `set` in `sets`, added when new.
        let mut id = |set: ByteSet, sets: &mut Vec<ByteSet>| {
            let next = sets.len();
            let id = *set_ids.entry(set).or_insert(next as u16);
            if usize::from(id) == next {
                sets.push(set);
            }
            id
        };
        for found in tokens.characters(byte_ids, merges, &by_rank) {
            if table.sets.len() >= usize::from(u16::MAX) - 1 {
                break; // never for real vocabularies; the rest start as bytes
            }
            let before = id(found.before, &mut table.sets);
            let after = id(found.after, &mut table.sets);
            let page = &mut table.pages[(found.cp >> PAGE_BITS) as usize];
            if *page == 0 {
                table.starts.extend([BYTES; PAGE]);
                *page = (table.starts.len() / PAGE) as u16;
            }
            table.starts[(usize::from(*page) - 1) * PAGE + (found.cp as usize & (PAGE - 1))] =
                Start {
                    token: found.token,
                    before,
                    after,
                };
        }
        table
    }
}

#[cfg(test)]
mod tests;
