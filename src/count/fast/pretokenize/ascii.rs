//! The cl100k scan's common pieces in ASCII, decided without the general scan's per-character
//! decoding and class dispatch: a letter run with at most one prefix byte before it, a
//! punctuation run and a white-space run. Each is `None` wherever the general scan
//! ([`Scan::cl100k`]) must decide (an apostrophe, digits, a non-ASCII byte where the piece
//! could go on or another alternative could match), so the pieces are the general scan's by
//! construction:
//!
//! - `[^\r\n\p{L}\p{N}]?\p{L}+` is the first alternative that can match at a letter, or at a
//!   non-letter, non-number byte other than CR and LF followed by a letter (the contractions
//!   only match at an apostrophe, left to the general scan); the run is maximal, and where it
//!   meets a non-ASCII byte the general run takes over from there;
//! - ` ?[^\s\p{L}\p{N}]+[\r\n]*` is the first alternative that can match at a byte of class
//!   "other" not followed by a letter (else the letter alternative matched), or at a space
//!   followed by such a byte; where the run meets a non-ASCII byte the general scan decides
//!   the whole piece;
//! - the white-space alternatives are what is left at a white-space byte (a space or tab
//!   before a letter, or a space before punctuation, took one of the alternatives above); a run of
//!   white space that meets a non-ASCII byte (which could be white space too) is left to the
//!   general scan.
//!
//! Classes are read from the same table as the general scan's (ASCII letters are `\p{L}`,
//! digits `\p{N}`, and so on, as Oniguruma says).

use super::Scan;
use crate::count::fast::unicode::Class;

impl Scan<'_> {
    /// The class of the byte at `j` if it is ASCII, `None` at a non-ASCII byte or the end.
    #[inline(always)]
    fn ascii_class(&self, j: usize) -> Option<Class> {
        match self.b.get(j) {
            Some(&c) if c < 0x80 => Some(self.t.ascii(c)),
            _ => None,
        }
    }

    /// The piece at `i` when it is an ASCII letter, punctuation or white-space run (see the
    /// module documentation), else `None`.
    #[inline(always)]
    pub(super) fn cl100k_ascii(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let b0 = b[i];
        if b0 >= 0x80 || b0 == b'\'' {
            return None;
        }
        let c0 = self.t.ascii(b0);
        if c0.is_letter() {
            return Some(self.letter_run(i + 1));
        }
        let c1 = self.ascii_class(i + 1);
        if c0 != Class::Number && b0 != b'\r' && b0 != b'\n' {
            match c1 {
                Some(c) if c.is_letter() => return Some(self.letter_run(i + 2)),
                // A non-ASCII letter may follow: the general scan decides.
                None if i + 1 < b.len() => return None,
                _ => {}
            }
        }
        // Punctuation: ` ?` then a byte of class "other" (the letter alternative failed).
        let start = match (b0, c0, c1) {
            (_, Class::Other, _) => i,
            (b' ', _, Some(Class::Other)) => i + 1,
            (_, Class::Space, _) => return self.whitespace_ascii(i),
            _ => return None,
        };
        let mut end = start + 1;
        loop {
            match b.get(end) {
                Some(&c) if c >= 0x80 => return None,
                Some(&c) if self.t.ascii(c) == Class::Other => end += 1,
                _ => break,
            }
        }
        while end < b.len() && (b[end] == b'\r' || b[end] == b'\n') {
            end += 1;
        }
        Some(end)
    }

    /// `\s*[\r\n]+|\s+(?!\S)|\s+` at `i` (an ASCII white-space byte) over ASCII white space,
    /// as [`Scan::whitespace`] reads it: to the end of the last line break of the run, else
    /// the whole run at the end of the text, else all of the run but its last character when
    /// it has more than one, else the one character. `None` if the run meets a non-ASCII byte.
    #[inline(always)]
    fn whitespace_ascii(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let (mut end, mut last_newline_end) = (i, None);
        while let Some(&c) = b.get(end) {
            if c >= 0x80 {
                return None;
            }
            if self.t.ascii(c) != Class::Space {
                break;
            }
            if c == b'\r' || c == b'\n' {
                last_newline_end = Some(end + 1);
            }
            end += 1;
        }
        Some(match last_newline_end {
            Some(e) => e,
            None if end == b.len() || end == i + 1 => end,
            None => end - 1,
        })
    }

    /// The end of the letter run going on at `j` (ASCII letters, then the general run at a
    /// non-ASCII byte).
    #[inline(always)]
    fn letter_run(&self, mut j: usize) -> usize {
        let b = self.b;
        loop {
            let Some(word) = b.get(j..j + 8) else {
                // The last few bytes of the text, one at a time.
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                break;
            };
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            // The high bit of each byte that is not an ASCII letter (without the mask, the
            // other seven bits of every byte would be set and the run would end at once).
            let others = !ascii_letters(word) & HIGH_BITS;
            if others != 0 {
                // The first byte that is not an ASCII letter ends the ASCII run.
                j += others.trailing_zeros() as usize / 8;
                break;
            }
            j += 8;
        }
        if j < b.len() && b[j] >= 0x80 {
            return self.run(j, Class::is_letter);
        }
        j
    }
}

/// The high bit of each of eight bytes.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` (eight bytes, little-endian) set where that byte is an
/// ASCII letter: with the high bit clear, `b | 0x20` (the lower case) at or above `a` and
/// below `{`. Each byte's sums stay below 0x100, so no carry crosses into the next byte.
#[inline(always)]
fn ascii_letters(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    let lower = (word | (0x20 * ONES)) & !HIGH;
    let at_least_a = lower + (0x80 - u64::from(b'a')) * ONES;
    let past_z = lower + (0x80 - u64::from(b'z') - 1) * ONES;
    at_least_a & !past_z & !word & HIGH
}

#[cfg(test)]
mod tests {
    use super::ascii_letters;

    #[test]
    fn ascii_letters_marks_exactly_the_letters_of_every_byte_position() {
        for byte in 0..=255u8 {
            for position in 0..8 {
                // The byte among neighbours that are letters and non-letters in turn.
                for fill in [b'q', b'~', 0xFF, 0x00] {
                    let mut bytes = [fill; 8];
                    bytes[position] = byte;
                    let mask = ascii_letters(u64::from_le_bytes(bytes));
                    for (k, &b) in bytes.iter().enumerate() {
                        let marked = mask >> (8 * k + 7) & 1 == 1;
                        assert_eq!(marked, b.is_ascii_alphabetic(), "{bytes:?} at {k}");
                    }
                }
            }
        }
    }
}
