//! Byte-level BPE that only counts: the vocabulary keyed by raw bytes, each piece's bytes turned
//! into byte tokens and merged by [`Merges`], without building tokens, strings or offsets.

use super::cache::{MAX_PACKED, pack};
use super::merge_in_step;
pub use super::merges::Merges;
use super::piece_list::PieceList;
use super::short_pieces::ShortPieces;
use super::whole_chars::WholeChars;
use ahash::AHashMap;
use std::sync::OnceLock;

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

/// A vocabulary of the 256 byte tokens alone (ids 0 to 255, in byte order), written as
/// byte-level characters: where test vocabularies start.
#[cfg(test)]
pub(crate) fn byte_level_vocab() -> AHashMap<String, u32> {
    byte_level_chars()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.to_string(), i as u32))
        .collect()
}

/// A byte-level BPE model reduced to what counting needs.
pub struct BytePairModel {
    byte_ids: [u32; 256],
    merges: Merges,
    /// With `ignore_merges`, the vocabulary's tokens of 2 to 15 bytes, packed as the piece
    /// cache packs them (one slot read per lookup, where a set of boxed bytes reads a control
    /// group, an entry and the bytes it points to), with count 1.
    short_whole_pieces: ShortPieces,
    /// With `ignore_merges`, the vocabulary's longer tokens.
    whole_pieces: ahash::AHashSet<Box<[u8]>>,
    ignore_merges: bool,
    /// The characters a merge may start from whole: from the compiled parts (the compiled-route
    /// cache keeps them), else built when the first piece with a non-ASCII byte comes (about
    /// 10 ms that text in ASCII never pays).
    whole_chars: OnceLock<WholeChars>,
}

/// What a [`BytePairModel`] is built from, read from a vocabulary and its merges once: plain
/// ids and bytes, which the compiled-tokenizer cache stores (see `count::compiled_cache`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteLevelParts {
    /// The token of each byte.
    pub byte_ids: [u32; 256],
    /// The merges as `[left, right, merged]`, in rank order.
    pub merges: Vec<[u32; 3]>,
    /// With `ignore_merges`: the bytes of every vocabulary token (one token whole), in byte
    /// order, else empty.
    pub whole_pieces: PieceList,
    /// Whether a piece that is a vocabulary token counts as one without merging.
    pub ignore_merges: bool,
    /// The characters a merge may start from whole, where already built (the compiled-route
    /// cache keeps them; without them a model builds them when its first piece with a
    /// non-ASCII byte comes).
    pub whole_chars: Option<WholeChars>,
}

impl ByteLevelParts {
    /// Reads the parts from the vocabulary (byte-level strings to ids) and the ordered merges.
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
        let merges = Merges::triples(vocab, merges)?;
        let mut whole_pieces: Vec<Vec<u8>> = if ignore_merges {
            vocab
                .keys()
                .filter_map(|token| {
                    token
                        .chars()
                        .map(|c| byte_of.get(&c).copied())
                        .collect::<Option<Vec<u8>>>()
                })
                .collect()
        } else {
            Vec::new()
        };
        whole_pieces.sort_unstable();
        let whole_pieces = whole_pieces.iter().map(Vec::as_slice).collect();
        Ok(Self {
            byte_ids,
            merges,
            whole_pieces,
            ignore_merges,
            whole_chars: None,
        })
    }
}

/// Why a vocabulary cannot be served by [`BytePairModel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl BytePairModel {
    /// Builds the model from its compiled parts (or says why its merges do not fit the
    /// merge table).
    pub fn from_parts(parts: &ByteLevelParts) -> Result<Self, Unsupported> {
        let (short, long): (Vec<&[u8]>, Vec<&[u8]>) = parts
            .whole_pieces
            .iter()
            .filter(|piece| piece.len() >= 2)
            .partition(|piece| piece.len() <= MAX_PACKED);
        let mut short_whole_pieces = ShortPieces::with_capacity(short.len());
        for piece in short {
            let key = pack(piece);
            if short_whole_pieces.get(key).is_none() {
                short_whole_pieces.insert(key, 1);
            }
        }
        Ok(Self {
            byte_ids: parts.byte_ids,
            merges: Merges::from_triples(&parts.merges)?,
            short_whole_pieces,
            whole_pieces: long.into_iter().map(Box::from).collect(),
            ignore_merges: parts.ignore_merges,
            whole_chars: parts
                .whole_chars
                .clone()
                .map_or_else(OnceLock::new, OnceLock::from),
        })
    }

    /// The characters a merge may start from whole (built now if not yet).
    pub fn whole_chars(&self) -> &WholeChars {
        self.whole_chars
            .get_or_init(|| WholeChars::new(&self.byte_ids, &self.merges))
    }

    /// The count of a piece that needs no merging: empty or one byte, or (with
    /// `ignore_merges`) a token of the vocabulary as a whole.
    #[inline]
    fn unmerged(&self, piece: &[u8]) -> Option<u32> {
        if piece.len() <= 1 {
            return Some(piece.len() as u32);
        }
        if !self.ignore_merges {
            return None;
        }
        let whole = match piece.len() {
            ..=MAX_PACKED => self.short_whole_pieces.get(pack(piece)).is_some(),
            _ => self.whole_pieces.contains(piece),
        };
        whole.then_some(1)
    }

    /// The number of tokens `piece` (raw bytes of one pre-token) encodes to.
    pub fn count(&self, piece: &[u8], scratch: &mut Vec<u32>) -> u32 {
        if let Some(count) = self.unmerged(piece) {
            return count;
        }
        scratch.clear();
        self.symbols(piece, scratch);
        self.merges.count(scratch)
    }

    /// The counts of several short pieces (at most
    /// [`IN_STEP`](super::merge_in_step::IN_STEP), of 2 to [`MAX_PACKED`] bytes), each what
    /// [`BytePairModel::count`] gives it, merged in step (see `merge_in_step`): `counts[k]` is
    /// the count of `pieces[k]`.
    pub fn count_pieces(&self, pieces: &[&[u8]], counts: &mut [u32], scratch: &mut Vec<u32>) {
        if self.ignore_merges {
            for piece in pieces {
                self.short_whole_pieces.prefetch(pack(piece));
            }
        }
        merge_in_step::count_pieces(&self.merges, pieces, counts, scratch, |piece, out| {
            self.unmerged(piece).or_else(|| {
                self.symbols(piece, out);
                None
            })
        });
    }

    /// The symbols `piece` is merged from: its bytes' tokens, or fewer where whole characters
    /// can stand for their bytes (see `whole_chars`).
    #[inline]
    fn symbols(&self, piece: &[u8], scratch: &mut Vec<u32>) {
        if piece.is_ascii() {
            scratch.extend(piece.iter().map(|&b| self.byte_ids[b as usize]));
        } else {
            self.whole_chars().symbols(piece, &self.byte_ids, scratch);
        }
    }

    /// The count of `piece` merged from its bytes, every character included: what
    /// [`BytePairModel::count`] must equal.
    #[cfg(test)]
    pub(super) fn count_from_bytes(&self, piece: &[u8], scratch: &mut Vec<u32>) -> u32 {
        if let Some(count) = self.unmerged(piece) {
            return count;
        }
        scratch.clear();
        scratch.extend(piece.iter().map(|&b| self.byte_ids[b as usize]));
        self.merges.count(scratch)
    }

    /// The characters that can start a merge whole (built on first use).
    #[cfg(test)]
    pub(super) fn whole_chars_for_tests(&self) -> &WholeChars {
        self.whole_chars()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> BytePairModel {
        let mut vocab = byte_level_vocab();
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
        BytePairModel::from_parts(&ByteLevelParts::new(&vocab, &merges, false).unwrap()).unwrap()
    }

    #[test]
    fn counts_leftmost_lowest_rank_first() {
        let model = toy();
        let mut scratch = Vec::new();
        assert_eq!(model.count(b"aaaaa", &mut scratch), 2); // (aaaa)(a)
        assert_eq!(model.count(b"abab", &mut scratch), 1);
        assert_eq!(model.count(b"aaa", &mut scratch), 2); // leftmost first: (aa)(a)
        assert_eq!(model.count(b"x", &mut scratch), 1);
        let huge = "a".repeat(1 << 20);
        assert_eq!(model.count(huge.as_bytes(), &mut scratch), 1 << 18);
    }
}
