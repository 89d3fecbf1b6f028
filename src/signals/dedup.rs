//! De-duplication: each text's two 128-bit hashes (xxHash3-128 of its UTF-8 bytes, and of its
//! normalized form) and the per-source figures that merge with `+=`: a bottom-k sketch of each
//! hash (for merged shard reports) and the exact attribution the run's [`super::index`] fills
//! in once counting is done.
//!
//! Normalization, in this order: Unicode NFC; each character replaced by its Unicode lowercase
//! mapping (`char::to_lowercase`, so `Straße` and `STRASSE` stay different but `Ünïcode` and
//! `üNÏCODE` are equal); every run of whitespace (`char::is_whitespace`) collapsed to one space,
//! and leading and trailing whitespace removed.

use super::{chars, swar};
use unicode_normalization_alignments::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A text's exact and normalized hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextHashes {
    /// xxHash3-128 of the text's bytes.
    pub exact: u128,
    /// xxHash3-128 of the normalized text's bytes.
    pub normalized: u128,
}

/// Hashes `text`; `scratch` holds its normalized form afterwards.
pub fn hash_text(text: &str, scratch: &mut Vec<u8>) -> TextHashes {
    normalize_into(text, scratch);
    TextHashes {
        exact: twox_hash::XxHash3_128::oneshot(text.as_bytes()),
        normalized: twox_hash::XxHash3_128::oneshot(scratch),
    }
}

/// Writes the normalized form of `text` (see the module documentation) into `out`.
pub fn normalize_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    if text.is_ascii() {
        fold_ascii(text.as_bytes(), out);
    } else if let Err(stop) = fold_str(text, out, true) {
        // A character the table cannot vouch for in NFC: ask the crate's quick check from it
        // on (everything before is starters allowed in NFC, which reset the check), and go on
        // folding from there if the text is NFC, else fold the NFC form of the whole text.
        let rest = &text[stop..];
        if matches!(is_nfc_quick(rest.chars()), IsNormalized::Yes) {
            fold_str(rest, out, false).expect("an unchecked fold never stops");
        } else {
            out.clear();
            fold_chars(text.nfc().map(|(c, _)| c), out);
        }
    }
    if out.last() == Some(&b' ') {
        out.pop();
    }
}

/// Appends ASCII `bytes` lowercased, with a space for each run of whitespace unless `out` is
/// empty or already ends with a space (a trailing space is the caller's to drop).
fn fold_ascii(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len());
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        fold_chunk(chunk.try_into().expect("chunks of 8"), out);
    }
    for &b in chunks.remainder() {
        fold_byte(b, out);
    }
}

/// Folds 8 ASCII bytes as [`fold_ascii`] does: all at once when they hold no whitespace but
/// single spaces that need no collapsing, else one at a time.
#[inline]
fn fold_chunk(chunk: &[u8; 8], out: &mut Vec<u8>) {
    let x = swar::load(chunk);
    let ws = swar::whitespace(x);
    let after_space = out.last().is_none_or(|&last| last == b' ');
    if ws & (ws << 8) == 0 && !(ws & 0x80 != 0 && after_space) {
        out.extend_from_slice(&swar::spaces_at(swar::lowercase(x), ws).to_le_bytes());
    } else {
        for &b in chunk {
            fold_byte(b, out);
        }
    }
}

/// Folds one ASCII byte as [`fold_ascii`] does.
#[inline]
fn fold_byte(b: u8, out: &mut Vec<u8>) {
    if !matches!(b, b'\t'..=b'\r' | b' ') {
        out.push(b.to_ascii_lowercase());
    } else if out.last().is_some_and(|&last| last != b' ') {
        out.push(b' ');
    }
}

/// [`fold_chars`] of an NFC text, ASCII eight bytes at a time where it can, other characters
/// classed through the shared table (a trailing space is left for the caller to drop). With
/// `check`, stops at the first character that is not a starter allowed in NFC (the text may
/// then not be in NFC) and returns `Err` with where it starts, the text before it folded.
fn fold_str(text: &str, out: &mut Vec<u8>, check: bool) -> Result<(), usize> {
    out.reserve(text.len());
    chars::walk(text, &mut Folder { out, check })
}

/// Folds the parts of a text as [`chars::walk`] hands them over.
struct Folder<'a> {
    out: &'a mut Vec<u8>,
    /// Stop at a character that is not a starter allowed in NFC.
    check: bool,
}

impl chars::TextWalker for Folder<'_> {
    fn ascii_chunk(&mut self, chunk: &[u8; 8]) {
        fold_chunk(chunk, self.out);
    }

    fn ascii_byte(&mut self, b: u8) {
        fold_byte(b, self.out);
    }

    fn other(&mut self, c: char, class: u8, utf8: &[u8]) -> bool {
        if self.check && class & chars::NFC_STARTER == 0 {
            return false;
        }
        if class & chars::SPACE != 0 {
            if self.out.last().is_some_and(|&last| last != b' ') {
                self.out.push(b' ');
            }
        } else if class & chars::OWN_LOWERCASE != 0 {
            self.out.extend_from_slice(utf8);
        } else {
            let mut buffer = [0u8; 4];
            for lower in c.to_lowercase() {
                self.out
                    .extend_from_slice(lower.encode_utf8(&mut buffer).as_bytes());
            }
        }
        true
    }
}

/// Writes each character lowercased and whitespace runs collapsed (the text is NFC already).
fn fold_chars(characters: impl Iterator<Item = char>, out: &mut Vec<u8>) {
    let mut space = false;
    let mut utf8 = [0u8; 4];
    for c in characters {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(b' ');
            space = false;
        }
        if c.is_ascii() {
            out.push((c as u8).to_ascii_lowercase());
        } else if c.is_lowercase() {
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        } else {
            for lower in c.to_lowercase() {
                out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(text: &str) -> String {
        let mut out = Vec::new();
        normalize_into(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn normalization_folds_case_whitespace_and_composition() {
        assert_eq!(normalized("  Hello,\t\tWORLD \n\n"), "hello, world");
        assert_eq!(normalized("a\u{000b}b"), "a b");
        // NFD "é" (e + combining acute) equals NFC "É" lowercased
        assert_eq!(normalized("Caf\u{0065}\u{0301}"), normalized("CAF\u{00c9}"));
        assert_eq!(normalized("Ünïcode\u{00a0}TEXT"), "ünïcode text");
        assert_ne!(normalized("Straße"), normalized("STRASSE"));
        assert_eq!(normalized(" \t\n"), "");
        let mut scratch = Vec::new();
        let a = hash_text("Same  text", &mut scratch);
        let b = hash_text("same text", &mut scratch);
        assert_ne!(a.exact, b.exact);
        assert_eq!(a.normalized, b.normalized);
    }

    #[test]
    fn the_fast_fold_equals_the_character_fold_on_every_character() {
        let all: String = (1..0x3_0000u32)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, 'x'])
            .collect();
        let nfc: String = all.nfc().map(|(c, _)| c).collect();
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        assert!(fold_str(&nfc, &mut fast, false).is_ok());
        fold_chars(nfc.chars(), &mut slow);
        assert!(fast == slow);
    }

    proptest::proptest! {
        /// Whatever path a text takes (ASCII eight bytes at a time, NFC with ASCII runs, or
        /// not NFC), it is folded as the plain character fold of its NFC form.
        #[test]
        fn every_path_folds_as_the_character_fold(
            text in "[ \t\n\u{b}\u{c}\rA-Za-z0-9.,\u{a0}\u{3000}ÉéЖж\u{301}กข\u{e48}\u{e35}]{0,80}"
        ) {
            let mut fast = Vec::new();
            normalize_into(&text, &mut fast);
            let mut slow = Vec::new();
            fold_chars(text.nfc().map(|(c, _)| c), &mut slow);
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(slow).unwrap());
        }

        /// ASCII texts long enough for many 8-byte chunks, sparse and dense in whitespace.
        #[test]
        fn ascii_folds_as_the_character_fold(
            text in "([A-Za-z]{1,9}[ \t\n\u{b}\u{c}\r]{0,3}){0,40}"
        ) {
            let mut fast = Vec::new();
            normalize_into(&text, &mut fast);
            let mut slow = Vec::new();
            fold_chars(text.chars(), &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
