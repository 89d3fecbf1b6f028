//! SentencePiece-style BPE (Gemma 3): spaces become `▁`, the whole text is one pre-token for
//! `tokenizers`, and BPE merges characters (unknown characters fall back to byte tokens).
//!
//! Counting the whole text as one piece would defeat caching, so the text is cut where no
//! merge can ever cross: before a `▁` whose preceding character is not `▁` and never precedes
//! `▁` inside any vocabulary token. A merge across such a cut would create a token containing
//! that character pair, which the vocabulary does not have; merges on either side never
//! interact, so the counts add up exactly. The set of such characters is computed from the
//! vocabulary when the tokenizer is loaded.

use super::bpe::{Merges, Unsupported};
use super::merge_in_step;
use super::spec::vocab_and_merges;
use ahash::{AHashMap, AHashSet};
use serde_json::{Value, json};

/// The character spaces are replaced with.
const SPACE: char = '\u{2581}';
/// Its UTF-8 bytes.
const SPACE_UTF8: [u8; 3] = [0xE2, 0x96, 0x81];

/// A SentencePiece-style BPE model reduced to what counting needs.
pub struct SentencePieceModel {
    char_ids: AHashMap<char, u32>,
    /// The symbol of each ASCII character (space as `▁`): its token, else its byte token.
    ascii_ids: [u32; 128],
    byte_ids: [u32; 256],
    merges: Merges,
    /// Whether each ASCII character is glue (precedes `▁` inside some vocabulary token).
    ascii_glue: [bool; 128],
    /// The glue characters beyond ASCII.
    glue: AHashSet<char>,
}

fn why(reason: impl Into<String>) -> Unsupported {
    Unsupported(reason.into())
}

/// What a [`SentencePieceModel`] is built from, read from a `tokenizer.json` once: plain ids
/// and characters, which the compiled-tokenizer cache stores (see `count::compiled_cache`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentencePieceParts {
    /// The byte-fallback token of each byte.
    pub byte_ids: [u32; 256],
    /// The merges as `[left, right, merged]`, in rank order.
    pub merges: Vec<[u32; 3]>,
    /// Every one-character vocabulary token and its id, sorted.
    pub chars: Vec<(char, u32)>,
    /// The glue characters (precede `▁` inside some vocabulary token), sorted.
    pub glue: Vec<char>,
}

impl SentencePieceParts {
    /// Reads the parts from a parsed `tokenizer.json`, or says why this route cannot count it.
    pub fn from_json(json: &Value) -> Result<Self, Unsupported> {
        if json["normalizer"]
            != json!({"type": "Replace", "pattern": {"String": " "}, "content": "\u{2581}"})
        {
            return Err(why("normalizer is not Replace(' ' -> '\u{2581}')"));
        }
        let pre = &json["pre_tokenizer"];
        let splits_on_space = pre["type"] == "Split"
            && pre["pattern"] == json!({"String": " "})
            && pre["invert"] == false;
        if !pre.is_null() && !splits_on_space {
            return Err(why("pre-tokenizer is not a Split on ' '"));
        }
        let model = &json["model"];
        let empty_or_null = |v: &Value| v.is_null() || v == "";
        if model["type"] != "BPE" || model["byte_fallback"] != true || !model["dropout"].is_null() {
            return Err(why("model is not BPE with byte fallback"));
        }
        if !empty_or_null(&model["continuing_subword_prefix"])
            || !empty_or_null(&model["end_of_word_suffix"])
            || model["ignore_merges"] == true
        {
            return Err(why("BPE subword prefix, suffix or ignore_merges"));
        }
        let (vocab, merges) = vocab_and_merges(model)?;
        let mut byte_ids = [0u32; 256];
        for (b, id) in byte_ids.iter_mut().enumerate() {
            *id = *vocab
                .get(&format!("<0x{b:02X}>"))
                .ok_or_else(|| why(format!("no byte token <0x{b:02X}>")))?;
        }
        let triples = Merges::triples(&vocab, &merges)?;
        if Merges::from_triples(&triples)?.involves_any(&byte_ids) {
            return Err(why("a merge involves a byte token"));
        }
        let mut chars = Vec::new();
        let mut glue = AHashSet::new();
        for (token, &id) in &vocab {
            let mut token_chars = token.chars();
            if let (Some(c), None) = (token_chars.next(), token_chars.next()) {
                chars.push((c, id));
            }
            let token_chars: Vec<char> = token.chars().collect();
            for pair in token_chars.windows(2) {
                if pair[1] == SPACE && pair[0] != SPACE {
                    glue.insert(pair[0]);
                }
            }
        }
        chars.sort_unstable();
        let mut glue: Vec<char> = glue.into_iter().collect();
        glue.sort_unstable();
        Ok(SentencePieceParts {
            byte_ids,
            merges: triples,
            chars,
            glue,
        })
    }
}

impl SentencePieceModel {
    /// Builds the model from its compiled parts (or says why its merges do not fit the merge
    /// table).
    pub fn from_parts(parts: &SentencePieceParts) -> Result<Self, Unsupported> {
        let char_ids: AHashMap<char, u32> = parts.chars.iter().copied().collect();
        let mut glue: AHashSet<char> = parts.glue.iter().copied().collect();
        let byte_ids = parts.byte_ids;
        let mut ascii_ids = [0u32; 128];
        let mut ascii_glue = [false; 128];
        for b in 0..128u8 {
            let c = if b == b' ' { SPACE } else { b as char };
            ascii_ids[b as usize] = char_ids.get(&c).copied().unwrap_or(byte_ids[b as usize]);
            ascii_glue[b as usize] = glue.remove(&(b as char));
        }
        Ok(Self {
            char_ids,
            ascii_ids,
            byte_ids,
            merges: Merges::from_triples(&parts.merges)?,
            ascii_glue,
            glue,
        })
    }

    /// Whether the character that ends just before byte `end` of `bytes` (`end > 0`) is a
    /// space or glue: then no cut may come before a space at `end`.
    #[inline]
    fn joins_next_space(&self, bytes: &[u8], end: usize) -> bool {
        let last = bytes[end - 1];
        if last < 0x80 {
            return last == b' ' || self.ascii_glue[last as usize];
        }
        if end >= 3 && bytes[end - 3..end] == SPACE_UTF8 {
            return true;
        }
        if self.glue.is_empty() {
            return false;
        }
        let start = (end.saturating_sub(4)..end)
            .rev()
            .find(|&i| bytes[i] & 0xC0 != 0x80)
            .expect("text is UTF-8");
        let c = std::str::from_utf8(&bytes[start..end])
            .ok()
            .and_then(|s| s.chars().next());
        c.is_some_and(|c| self.glue.contains(&c))
    }

    /// Calls `piece` with pieces of `text` (raw, spaces not yet replaced) cut where no merge
    /// can cross; they cover the whole text.
    #[inline]
    pub fn for_each_piece(&self, text: &str, mut piece: impl FnMut(&str)) {
        self.for_each_piece_range(text, |start, end| piece(&text[start..end]));
    }

    /// Calls `piece` with the start and end (byte offsets) of every piece of `text`, in order:
    /// what [`SentencePieceModel::for_each_piece`] hands out as slices.
    #[inline]
    pub fn for_each_piece_range(&self, text: &str, mut piece: impl FnMut(usize, usize)) {
        let bytes = text.as_bytes();
        let mut start = 0;
        for_each_space_byte(bytes, |i| {
            if bytes[i] != b' ' && !bytes[i..].starts_with(&SPACE_UTF8) {
                return;
            }
            if i > 0 && !self.joins_next_space(bytes, i) {
                piece(start, i);
                start = i;
            }
        });
        if start < text.len() {
            piece(start, text.len());
        }
    }

    /// The number of tokens of one piece (raw text, spaces not yet replaced).
    pub fn count(&self, piece: &str, symbols: &mut Vec<u32>) -> u32 {
        symbols.clear();
        self.symbols(piece, symbols);
        self.merges.count(symbols)
    }

    /// The counts of several short pieces (at most [`IN_STEP`](super::merge_in_step::IN_STEP),
    /// of at most 15 bytes, each whole characters of a text), each what
    /// [`SentencePieceModel::count`] gives it, merged in step (see `merge_in_step`):
    /// `counts[k]` is the count of `pieces[k]`.
    pub fn count_pieces(&self, pieces: &[&[u8]], counts: &mut [u32], scratch: &mut Vec<u32>) {
        merge_in_step::count_pieces(&self.merges, pieces, counts, scratch, |piece, out| {
            self.symbols(std::str::from_utf8(piece).expect("pieces are text"), out);
            None
        });
    }

    /// Appends the symbols `piece` is merged from to `symbols`: a character's token, else its
    /// bytes' tokens.
    fn symbols(&self, piece: &str, symbols: &mut Vec<u32>) {
        // At most one symbol per byte: reserved at once, so a long piece never doubles it.
        symbols.reserve(piece.len());
        let mut buf = [0u8; 4];
        for c in piece.chars() {
            if c.is_ascii() {
                symbols.push(self.ascii_ids[c as usize]);
                continue;
            }
            match self.char_ids.get(&c) {
                Some(&id) => symbols.push(id),
                None => symbols.extend(
                    c.encode_utf8(&mut buf)
                        .bytes()
                        .map(|b| self.byte_ids[b as usize]),
                ),
            }
        }
    }
}

/// Calls `found` with the position of every byte of `bytes` that is a space or 0xE2 (the
/// first byte of `▁`), in order. Reads 8 bytes at a time: a byte of a word equal to one of
/// the two sets the top bit of that byte in `zero(word ^ splat)`, for every match, though a
/// byte just above a match may be flagged too, so each flagged byte is checked.
#[inline]
fn for_each_space_byte(bytes: &[u8], mut found: impl FnMut(usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & TOPS;
    let is_wanted = |b: u8| b == b' ' || b == SPACE_UTF8[0];
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let mut flagged = zero(word ^ (ONES * u64::from(b' '))) | zero(word ^ (ONES * 0xE2));
        while flagged != 0 {
            let i = base + (flagged.trailing_zeros() / 8) as usize;
            if is_wanted(bytes[i]) {
                found(i);
            }
            flagged &= flagged - 1;
        }
        base += 8;
    }
    for (k, &b) in words.remainder().iter().enumerate() {
        if is_wanted(b) {
            found(base + k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_bytes_are_all_found_in_order() {
        let text = "a b  c\u{2581}d \u{2581}\u{2581}  x\u{2581}\u{2581}\u{e2}\u{3000}!  \u{2581}z\u{2014}y\u{2026}, twelve chars ";
        for start in 0..text.len() {
            let bytes = &text.as_bytes()[start..];
            let mut got = Vec::new();
            for_each_space_byte(bytes, |i| got.push(i));
            let want: Vec<usize> = (0..bytes.len())
                .filter(|&i| bytes[i] == b' ' || bytes[i] == 0xE2)
                .collect();
            assert_eq!(got, want, "from byte {start}");
        }
    }
}
