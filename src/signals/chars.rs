//! Character classes the signals ask of every character, looked up in one table for the Basic
//! Multilingual Plane (64 KiB, built on first use from the standard library's and the Unicode
//! normalization crate's own answers) and computed for the characters beyond it. Each bit
//! means exactly what the function it was built from says, so a lookup never changes a result.

use unicode_normalization_alignments::char::canonical_combining_class;
use unicode_normalization_alignments::{IsNormalized, is_nfc_quick};

/// `char::is_whitespace`.
pub const SPACE: u8 = 1;
/// `char::is_alphabetic`.
pub const LETTER: u8 = 2;
/// A script written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar).
pub const ALONE: u8 = 4;
/// `char::to_lowercase` is the character itself.
pub const OWN_LOWERCASE: u8 = 8;
/// A starter (canonical combining class 0) that is allowed in NFC (quick check "Yes"): the
/// NFC quick check of a text made only of these answers "Yes".
pub const NFC_STARTER: u8 = 16;

/// Whether `c` belongs to a script written without spaces between words, where each
/// character counts as a word.
pub fn spaceless(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        | 0x3040..=0x30FF | 0x0E00..=0x0EFF | 0x1780..=0x17FF | 0x1000..=0x109F)
}

/// The class bits of `c`, computed.
pub fn compute(c: char) -> u8 {
    let mut lower = c.to_lowercase();
    let own_lowercase = lower.next() == Some(c) && lower.next().is_none();
    let nfc_starter = canonical_combining_class(c) == 0
        && matches!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes);
    (u8::from(c.is_whitespace()) * SPACE)
        | (u8::from(c.is_alphabetic()) * LETTER)
        | (u8::from(spaceless(c)) * ALONE)
        | (u8::from(own_lowercase) * OWN_LOWERCASE)
        | (u8::from(nfc_starter) * NFC_STARTER)
}

/// The class bits of every character of the Basic Multilingual Plane.
fn table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Box<[u8]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=0xffffu32)
            .map(|u| char::from_u32(u).map_or(0, compute))
            .collect()
    })
}

/// Looks up class bits: one table access for the Basic Multilingual Plane.
#[derive(Clone, Copy)]
pub struct Classes(&'static [u8]);

impl Classes {
    /// The shared table (built on the first call).
    pub fn get() -> Self {
        Classes(table())
    }

    /// The class bits of `c`.
    #[inline]
    pub fn of(self, c: char) -> u8 {
        match self.0.get(c as usize) {
            Some(&bits) => bits,
            None => compute(c),
        }
    }
}

/// What [`walk`] calls for each part of a text, in text order.
pub trait TextWalker {
    /// Eight ASCII bytes.
    fn ascii_chunk(&mut self, chunk: &[u8; 8]);
    /// One ASCII byte (where fewer than eight ASCII bytes follow).
    fn ascii_byte(&mut self, b: u8);
    /// A character beyond ASCII with its class bits and its UTF-8 bytes; false stops the walk.
    fn other(&mut self, c: char, class: u8, utf8: &[u8]) -> bool;
}

/// Walks `text`: ASCII eight bytes at a time where eight ASCII bytes follow, other
/// characters one at a time with their class bits (each window of 8 bytes is read once).
/// When the walker stops it, returns `Err` with where the refused character starts.
pub fn walk(text: &str, walker: &mut impl TextWalker) -> Result<(), usize> {
    let classes = Classes::get();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let chunk: &[u8; 8] = chunk.try_into().expect("8 bytes");
            let high = u64::from_le_bytes(*chunk) & super::swar::HIGH;
            if high == 0 {
                walker.ascii_chunk(chunk);
                i += 8;
                continue;
            }
            // the ASCII bytes before the window's first non-ASCII one, then that character
            let ascii = high.trailing_zeros() as usize / 8;
            for &b in &chunk[..ascii] {
                walker.ascii_byte(b);
            }
            i += ascii;
        } else if bytes[i] < 0x80 {
            walker.ascii_byte(bytes[i]);
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("a character starts here");
        let start = i;
        i += c.len_utf8();
        if !walker.other(c, classes.of(c), &bytes[start..i]) {
            return Err(start);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_answers_as_computed_for_every_basic_plane_character() {
        let classes = Classes::get();
        for u in 0..=0xffffu32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(classes.of(c), compute(c), "{u:#x}");
            }
        }
    }

    /// Each bit against the definition it stands for, over every character (the table is built
    /// from `compute`, so this is what checks the bits themselves).
    #[test]
    fn every_bit_means_its_definition() {
        let classes = Classes::get();
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let bits = classes.of(c);
            assert_eq!(bits & SPACE != 0, c.is_whitespace(), "{c:?}");
            assert_eq!(bits & LETTER != 0, c.is_alphabetic(), "{c:?}");
            assert_eq!(bits & ALONE != 0, spaceless(c), "{c:?}");
            let own = c.to_lowercase().eq(std::iter::once(c));
            assert_eq!(bits & OWN_LOWERCASE != 0, own, "{c:?}");
            let starter = canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
            assert_eq!(bits & NFC_STARTER != 0, starter, "{c:?}");
        }
    }

    #[test]
    fn classes_mean_what_they_say() {
        let classes = Classes::get();
        assert_eq!(classes.of(' ') & SPACE, SPACE);
        assert_eq!(classes.of('\u{3000}') & SPACE, SPACE);
        assert_eq!(
            classes.of('ж') & (LETTER | OWN_LOWERCASE),
            LETTER | OWN_LOWERCASE
        );
        assert_eq!(classes.of('Ж') & OWN_LOWERCASE, 0);
        assert_eq!(classes.of('委') & ALONE, ALONE);
        assert_eq!(classes.of('\u{301}') & NFC_STARTER, 0);
        assert_eq!(classes.of('é') & NFC_STARTER, NFC_STARTER);
    }
}
