//! Telling at a glance that a text is already NFC, as the tokenizers with an NFC normalizer
//! (Qwen 2 and 3) ask of every text with a non-ASCII byte. The Unicode normalization crate's
//! quick check looks up two tables per character (its combining class and its quick-check
//! property); a text of characters that are all starters allowed in NFC is answered "Yes" by
//! it whatever their order, and those characters of the Basic Multilingual Plane are one bit
//! each here (8 KiB, built on first use from the crate's own answers). Any other text is left
//! to the crate, so the answer is always the crate's.

use std::sync::OnceLock;
use unicode_normalization_alignments::char::canonical_combining_class;
use unicode_normalization_alignments::{IsNormalized, is_nfc_quick};

/// One bit per code point of the Basic Multilingual Plane: a starter (combining class 0) whose
/// NFC quick-check property is "Yes".
fn starters() -> &'static [u64; 1024] {
    static TABLE: OnceLock<Box<[u64; 1024]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Box::new([0u64; 1024]);
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            if canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
            {
                table[c as usize >> 6] |= 1 << (c as u32 & 63);
            }
        }
        table
    })
}

/// Whether the NFC quick check of `text` answers "Yes" (`is_nfc_quick(text.chars())`): the
/// quick check skips ASCII and, for every other character, answers "No" or "Maybe" only for
/// a character that is not a starter allowed in NFC, so a text made only of such characters
/// is "Yes" without asking it. After such a character the quick check is back in its first
/// state (last combining class 0, "Yes" so far), so from the first other character on the
/// crate is asked about the rest only.
pub fn is_nfc_quick_yes(text: &str) -> bool {
    let starters = starters();
    let other = text.char_indices().find(|&(_, c)| {
        let cp = c as usize;
        cp >= 0x1_0000 || starters[cp >> 6] >> (cp & 63) & 1 == 0
    });
    match other {
        None => true,
        Some((at, _)) => is_nfc_quick(text[at..].chars()) == IsNormalized::Yes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_texts() {
        for (text, nfc) in [
            ("", true),
            ("plain ASCII", true),
            ("中文と日本語、Русский, Ελληνικά, café", true),
            ("cafe\u{301}", false), // a combining accent that composes: "Maybe"
            ("\u{2000}", false),    // EN QUAD decomposes to EN SPACE: "No"
            ("か\u{3099}", false),  // the voiced mark composes with か
            ("a\u{323}\u{301}", false), // marks that may compose: "Maybe"
            ("a\u{301}\u{323}", false), // marks out of canonical order
            ("😀 \u{1F600}", true), // beyond the table: asked of the crate
        ] {
            assert_eq!(is_nfc_quick_yes(text), nfc, "{text:?}");
            assert_eq!(
                is_nfc_quick_yes(text),
                is_nfc_quick(text.chars()) == IsNormalized::Yes,
                "{text:?}"
            );
        }
        let starters: u32 = starters().iter().map(|w| w.count_ones()).sum();
        assert!((60_000..65_536).contains(&starters), "{starters} starters");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The same answer as the crate's quick check, on any text and on text rich in
        /// combining marks, Hangul jamo, kana voicing marks and characters NFC replaces.
        #[test]
        fn answers_as_the_quick_check(
            any in any::<String>(),
            marked in "[a-zA-Zéà中か가\u{300}-\u{36F}\u{1100}-\u{11FF}\u{3099}\u{309A}\u{2000}\u{2126}\u{F900}-\u{F90F}\u{FB1D}-\u{FB4F}]{0,20}",
        ) {
            for text in [any, marked] {
                prop_assert_eq!(
                    is_nfc_quick_yes(&text),
                    is_nfc_quick(text.chars()) == IsNormalized::Yes,
                    "{:?}",
                    text
                );
            }
        }
    }
}
