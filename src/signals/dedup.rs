//! De-duplication: each text's two 128-bit hashes (xxHash3-128 of its UTF-8 bytes, and of its
//! normalized form) and the per-source figures that merge with `+=`: a bottom-k sketch of each
//! hash (for merged shard reports) and the exact attribution the run's [`super::index`] fills
//! in once counting is done.
//!
//! Normalization, in this order: Unicode NFC; each character replaced by its Unicode lowercase
//! mapping (`char::to_lowercase`, so `Straße` and `STRASSE` stay different but `Ünïcode` and
//! `üNÏCODE` are equal); every run of whitespace (`char::is_whitespace`) collapsed to one space,
//! and leading and trailing whitespace removed.

use super::DocCount;
use super::sketch::Sketch;
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

/// Exact duplicate figures of one source, as the run's index attributes them: every distinct
/// text counts once in each source that holds it (`in_source`), once overall in the first
/// (lowest-index) source that holds it (`first_overall`), and once per category in the first
/// source of that category that holds it (`first_in_category`). Sums of these over the
/// sources of a category, or over all sources, are the distinct texts of that category or of
/// the whole corpus, whatever the order documents were counted in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attribution {
    /// Distinct texts of this source.
    pub in_source: DocCount,
    /// Distinct texts whose first source in this source's category is this source.
    pub first_in_category: DocCount,
    /// Distinct texts whose first source overall is this source.
    pub first_overall: DocCount,
}

impl std::ops::AddAssign<&Attribution> for Attribution {
    fn add_assign(&mut self, other: &Attribution) {
        self.in_source += other.in_source;
        self.first_in_category += other.first_in_category;
        self.first_overall += other.first_overall;
    }
}

/// Where the exact figures stand: not attributed yet (the identity of `+=`), attributed, or
/// unknown (the index overflowed, or the statistics came from a merged report).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExactState {
    /// Nothing attributed yet.
    #[default]
    Pending,
    /// Attributed by the index: exact texts and normalized texts.
    Known {
        /// By the exact hash.
        exact: Attribution,
        /// By the normalized hash.
        normalized: Attribution,
    },
    /// Only the sketches are known.
    Unknown,
}

impl std::ops::AddAssign<&ExactState> for ExactState {
    fn add_assign(&mut self, other: &ExactState) {
        *self = match (*self, other) {
            (ExactState::Unknown, _) | (_, ExactState::Unknown) => ExactState::Unknown,
            (ExactState::Pending, theirs) => *theirs,
            (mine, ExactState::Pending) => mine,
            (
                ExactState::Known {
                    mut exact,
                    mut normalized,
                },
                ExactState::Known {
                    exact: e,
                    normalized: n,
                },
            ) => {
                exact += e;
                normalized += n;
                ExactState::Known { exact, normalized }
            }
        };
    }
}

/// De-duplication figures of one source (or a sum of sources).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DedupStats {
    /// Bottom-k sketch of the exact hashes.
    pub sketch: Sketch,
    /// Bottom-k sketch of the normalized hashes.
    pub normalized_sketch: Sketch,
    /// The exact figures (never saved: attributed anew at the end of every run).
    #[serde(skip)]
    pub exact: ExactState,
}

impl DedupStats {
    /// Records one document's hashes and tokens in the sketches.
    #[inline]
    pub fn record(&mut self, hashes: TextHashes, tokens: u64) {
        self.sketch.record(hashes.exact as u64, tokens);
        self.normalized_sketch
            .record(hashes.normalized as u64, tokens);
    }
}

impl std::ops::AddAssign<&DedupStats> for DedupStats {
    fn add_assign(&mut self, other: &DedupStats) {
        self.sketch += &other.sketch;
        self.normalized_sketch += &other.normalized_sketch;
        self.exact += &other.exact;
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

    #[test]
    fn exact_state_merges_with_pending_as_identity() {
        let one = Attribution {
            in_source: DocCount {
                documents: 1,
                tokens: 5,
            },
            ..Attribution::default()
        };
        let known = ExactState::Known {
            exact: one,
            normalized: one,
        };
        let mut s = ExactState::Pending;
        s += &known;
        assert_eq!(s, known);
        s += &known;
        let ExactState::Known { exact, .. } = s else {
            panic!("{s:?}")
        };
        assert_eq!(exact.in_source.tokens, 10);
        s += &ExactState::Unknown;
        s += &known;
        assert_eq!(s, ExactState::Unknown);
    }
}
