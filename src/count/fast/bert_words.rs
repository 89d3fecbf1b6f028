//! `tokenizers`' `BertNormalizer` (any of its four options) and `BertPreTokenizer`,
//! hand-written: one pass turns a stretch of text into the words WordPiece sees.
//!
//! The crate normalizes a whole stretch step by step (drop controls, map white space to
//! spaces, pad CJK ideographs with spaces, NFD and drop non-spacing marks, lowercase), then
//! splits on white space and isolates punctuation. Here one pass does it all: ASCII characters
//! go through a table (their NFD is themselves and, being starters, they end any reordering of
//! combining marks, so NFD never looks across them), and each run of other characters goes
//! through the same steps in the same order, with the NFD of `unicode-normalization-alignments`
//! that `tokenizers` uses. ASCII controls that `clean_text` drops join the run around them,
//! since after dropping them the marks on both sides become neighbours. Character properties
//! come from the `bert_chars` tables.

use super::bert_chars::{
    CHINESE, CLEAN_SPACE, NONSPACING_MARK, PUNCTUATION, REMOVED, SPACE, flags,
};
use unicode_normalization_alignments::UnicodeNormalization;

/// The options of a `BertNormalizer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BertOptions {
    /// Drop controls and turn white space into spaces.
    pub clean_text: bool,
    /// Surround CJK ideographs with spaces.
    pub handle_chinese_chars: bool,
    /// NFD, then drop non-spacing marks (by default: when lowercasing).
    pub strip_accents: bool,
    /// Lowercase every character.
    pub lowercase: bool,
}

/// What an ASCII character becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ascii {
    /// Appended to the current word as this byte.
    Word(u8),
    /// Ends the current word.
    Split,
    /// Ends the current word and is a word of its own.
    Punctuation,
    /// Dropped by `clean_text`: handled with the characters around it.
    Dropped,
}

/// Normalization and pre-tokenization of one `BertNormalizer` configuration.
pub struct BertWords {
    options: BertOptions,
    ascii: [Ascii; 128],
}

/// Working memory, reused from stretch to stretch.
#[derive(Default)]
pub struct Buffers {
    /// The current word, normalized (UTF-8).
    word: Vec<u8>,
    /// A run of characters after cleaning and padding, before NFD.
    run: Vec<char>,
}

impl BertWords {
    /// The pipeline for `options`.
    pub fn new(options: BertOptions) -> Self {
        Self {
            options,
            ascii: std::array::from_fn(|b| ascii_action(b as u8, options)),
        }
    }

    /// Calls `word` with each word of `text` (normalized UTF-8), in order.
    pub fn for_each_word(&self, text: &str, buffers: &mut Buffers, mut word: impl FnMut(&[u8])) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if let Some(&action) = self.ascii.get(bytes[i] as usize) {
                match action {
                    Ascii::Word(b) => buffers.word.push(b),
                    Ascii::Split => finish(&mut buffers.word, &mut word),
                    Ascii::Punctuation => {
                        finish(&mut buffers.word, &mut word);
                        word(&bytes[i..i + 1]);
                    }
                    Ascii::Dropped => {}
                }
                if action != Ascii::Dropped {
                    i += 1;
                    continue;
                }
            }
            // A run of other characters, with the dropped controls among them.
            let end = (i + 1..bytes.len())
                .find(|&k| {
                    self.ascii
                        .get(bytes[k] as usize)
                        .is_some_and(|&a| a != Ascii::Dropped)
                })
                .unwrap_or(bytes.len());
            self.run(&text[i..end], buffers, &mut word);
            i = end;
        }
        finish(&mut buffers.word, &mut word);
    }

    /// A run of characters that are not plain ASCII, continuing the current word.
    fn run(&self, run: &str, buffers: &mut Buffers, word: &mut impl FnMut(&[u8])) {
        let options = self.options;
        let Buffers {
            word: current,
            run: cleaned,
        } = buffers;
        cleaned.clear();
        for c in run.chars() {
            let f = flags(c);
            if options.clean_text && f & REMOVED != 0 {
                continue;
            }
            let c = if options.clean_text && f & CLEAN_SPACE != 0 {
                ' '
            } else {
                c
            };
            if options.handle_chinese_chars && f & CHINESE != 0 {
                cleaned.extend([' ', c, ' ']);
            } else {
                cleaned.push(c);
            }
        }
        let mut pre_tokenize = |c: char| {
            let f = flags(c);
            let mut utf8 = [0; 4];
            let encoded = c.encode_utf8(&mut utf8).as_bytes();
            if f & SPACE != 0 {
                finish(current, word);
            } else if f & PUNCTUATION != 0 {
                finish(current, word);
                word(encoded);
            } else {
                current.extend_from_slice(encoded);
            }
        };
        let mut lowercase = |c: char| {
            if options.lowercase {
                c.to_lowercase().for_each(&mut pre_tokenize);
            } else {
                pre_tokenize(c);
            }
        };
        if options.strip_accents {
            cleaned
                .drain(..)
                .nfd()
                .map(|(c, _)| c)
                .filter(|&c| flags(c) & NONSPACING_MARK == 0)
                .for_each(&mut lowercase);
        } else {
            cleaned.drain(..).for_each(&mut lowercase);
        }
    }
}

/// Hands the current word, if any, to `word` and empties it.
#[inline]
fn finish(current: &mut Vec<u8>, word: &mut impl FnMut(&[u8])) {
    if !current.is_empty() {
        word(current);
        current.clear();
    }
}

/// What ASCII character `b` becomes under `options`: the steps of [`BertWords::run`] on one
/// character (no ASCII character is an ideograph, decomposes or is a mark).
fn ascii_action(b: u8, options: BertOptions) -> Ascii {
    let c = b as char;
    let f = flags(c);
    if options.clean_text && f & REMOVED != 0 {
        return Ascii::Dropped;
    }
    let c = if options.clean_text && f & CLEAN_SPACE != 0 {
        ' '
    } else {
        c
    };
    let c = if options.lowercase {
        c.to_ascii_lowercase()
    } else {
        c
    };
    let f = flags(c);
    if f & SPACE != 0 {
        Ascii::Split
    } else if f & PUNCTUATION != 0 {
        Ascii::Punctuation
    } else {
        Ascii::Word(c as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tokenizers::normalizers::bert::BertNormalizer;
    use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
    use tokenizers::{Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer};

    /// Every combination of options, `strip_accents` unset, on and off.
    fn all_options() -> Vec<(BertOptions, BertNormalizer)> {
        let mut out = Vec::new();
        for clean_text in [true, false] {
            for handle_chinese_chars in [true, false] {
                for strip in [None, Some(true), Some(false)] {
                    for lowercase in [true, false] {
                        let options = BertOptions {
                            clean_text,
                            handle_chinese_chars,
                            strip_accents: strip.unwrap_or(lowercase),
                            lowercase,
                        };
                        let crate_normalizer =
                            BertNormalizer::new(clean_text, handle_chinese_chars, strip, lowercase);
                        out.push((options, crate_normalizer));
                    }
                }
            }
        }
        out
    }

    /// The words `tokenizers` makes of `text`.
    fn crate_words(normalizer: &BertNormalizer, text: &str) -> Vec<String> {
        let mut pieces = PreTokenizedString::from(text);
        pieces.normalize(|n| normalizer.normalize(n)).unwrap();
        BertPreTokenizer.pre_tokenize(&mut pieces).unwrap();
        pieces
            .get_splits(OffsetReferential::Original, OffsetType::None)
            .into_iter()
            .map(|(word, _, _)| word.to_string())
            .collect()
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        let mut buffers = Buffers::default();
        for (options, normalizer) in all_options() {
            let mut words = Vec::new();
            BertWords::new(options).for_each_word(text, &mut buffers, |w| {
                words.push(String::from_utf8(w.to_vec()).unwrap())
            });
            prop_assert_eq!(
                words,
                crate_words(&normalizer, text),
                "{:?} on {:?}",
                options,
                text
            );
        }
        Ok(())
    }

    #[test]
    fn marks_reordered_across_a_dropped_control() {
        // U+1D16D (ccc 226) and U+1D165 (ccc 216) are spacing marks that NFD reorders once
        // the control between them is dropped; they are not stripped as accents.
        for text in [
            "a\u{1d16d}\u{1}\u{1d165}b",
            "\u{1d16d}\u{7f}\u{1d165}",
            "\u{301}\u{0}\u{323}",
        ] {
            check(text).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// ASCII with its controls, Latin letters with diacritics, combining marks (non-spacing
        /// and spacing, in and out of canonical order), Greek, Hangul, CJK and compatibility
        /// ideographs, Turkish dotted I, Kelvin sign, white space and punctuation.
        #[test]
        fn words_equal_the_crate_words_on_targeted_text(
            text in "[\\x00-\\x7f\u{c0}-\u{17f}\u{300}-\u{36f}\u{1d165}-\u{1d172}\u{0f71}-\u{0f84}\u{390}-\u{3ce}\u{1f00}-\u{1f20}\u{ac00}-\u{ac10}\u{4e00}-\u{4e10}\u{f900}-\u{f910}\u{130}\u{212a}\u{a0}\u{3000}\u{2028}\u{85}\u{200b}\u{feff}\u{fffd}\u{e000}«»¿—…、。]{0,40}",
        ) {
            check(&text)?;
        }

        #[test]
        fn words_equal_the_crate_words_on_arbitrary_text(text in any::<String>()) {
            check(&text)?;
        }
    }
}
