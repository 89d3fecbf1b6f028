//! Character properties of BERT normalization and pre-tokenization, computed exactly as
//! `tokenizers` computes them: the `unicode_categories` crate (the one `tokenizers` uses) for
//! control, format, private-use, non-spacing-mark and punctuation categories, the standard
//! library for white space. Those are binary searches over long tables, so each block of 256
//! code points is computed once, on first use, into a table shared by all threads.

use std::sync::OnceLock;
use unicode_categories::UnicodeCategories;

/// Dropped by `clean_text`: NUL, U+FFFD and controls other than tab, newline and carriage
/// return (categories Cc, Cf and Co).
pub const REMOVED: u8 = 1;
/// Turned into a space by `clean_text`: tab, newline, carriage return and white space.
pub const CLEAN_SPACE: u8 = 2;
/// A CJK ideograph, surrounded by spaces by `handle_chinese_chars`.
pub const CHINESE: u8 = 4;
/// A non-spacing mark (Mn), dropped after NFD by `strip_accents`.
pub const NONSPACING_MARK: u8 = 8;
/// Split off as a word of its own by `BertPreTokenizer`: ASCII or Unicode punctuation.
pub const PUNCTUATION: u8 = 16;
/// Split on (and dropped) by `BertPreTokenizer`: white space.
pub const SPACE: u8 = 32;

/// Code points per lazily computed block.
const BLOCK: usize = 256;
/// Blocks covering all code points.
const BLOCKS: usize = 0x110000 / BLOCK;

/// The properties of `c`, a combination of the flags above.
#[inline]
pub fn flags(c: char) -> u8 {
    static TABLE: [OnceLock<Box<[u8; BLOCK]>>; BLOCKS] = [const { OnceLock::new() }; BLOCKS];
    let cp = c as usize;
    TABLE[cp / BLOCK].get_or_init(|| {
        let mut block = Box::new([0u8; BLOCK]);
        let first = (cp / BLOCK * BLOCK) as u32;
        for (i, slot) in block.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(first + i as u32) {
                *slot = compute(c);
            }
        }
        block
    })[cp % BLOCK]
}

/// The flags of `c` from the definitions of `tokenizers`' `BertNormalizer` and
/// `BertPreTokenizer`.
fn compute(c: char) -> u8 {
    let tab_newline_return = matches!(c, '\t' | '\n' | '\r');
    let control = !tab_newline_return && c.is_other();
    let removed = c == '\0' || c == '\u{fffd}' || control;
    let clean_space = tab_newline_return || c.is_whitespace();
    let chinese = matches!(
        c as u32,
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    );
    let punctuation = c.is_ascii_punctuation() || c.is_punctuation();
    [
        (removed, REMOVED),
        (clean_space, CLEAN_SPACE),
        (chinese, CHINESE),
        (c.is_mark_nonspacing(), NONSPACING_MARK),
        (punctuation, PUNCTUATION),
        (c.is_whitespace(), SPACE),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .fold(0, |flags, (_, flag)| flags | flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_characters() {
        assert_eq!(flags('a'), 0);
        assert_eq!(flags(' '), CLEAN_SPACE | SPACE);
        assert_eq!(flags('\t'), CLEAN_SPACE | SPACE);
        assert_eq!(flags('\u{b}'), REMOVED | CLEAN_SPACE | SPACE); // a control and white space
        assert_eq!(flags('\0'), REMOVED);
        assert_eq!(flags('\u{fffd}'), REMOVED);
        assert_eq!(flags('\u{200b}'), REMOVED); // Cf
        assert_eq!(flags('\u{e000}'), REMOVED); // Co
        assert_eq!(flags('\u{3000}'), CLEAN_SPACE | SPACE);
        assert_eq!(flags('中'), CHINESE);
        assert_eq!(flags('\u{301}'), NONSPACING_MARK);
        assert_eq!(flags('$'), PUNCTUATION); // ASCII punctuation, though a symbol (Sc)
        assert_eq!(flags('«'), PUNCTUATION);
        assert_eq!(flags('€'), 0); // a symbol, not punctuation
    }

    #[test]
    fn every_block_agrees_with_direct_computation() {
        for cp in (0..0x110000u32).step_by(97) {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(flags(c), compute(c), "U+{cp:04X}");
            }
        }
    }
}
