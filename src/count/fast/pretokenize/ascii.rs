//! The cl100k scan's common pieces in ASCII, decided without the general scan's per-character
//! decoding and class dispatch, from one table of byte kinds: a letter run with at most one
//! prefix byte before it, a digit run, a punctuation run and a white-space run. Each is `None`
//! wherever the general scan ([`Scan::cl100k`]) must decide (an apostrophe, a non-ASCII byte
//! where the piece could go on or another alternative could match), so the pieces are the
//! general scan's by construction:
//!
//! - `[^\r\n\p{L}\p{N}]?\p{L}+` is the first alternative that can match at a letter, or at a
//!   non-letter, non-number byte other than CR and LF followed by a letter (the contractions
//!   only match at an apostrophe, left to the general scan); the run is maximal, and where it
//!   meets a non-ASCII byte the general run takes over from there;
//! - ` ?[^\s\p{L}\p{N}]+[\r\n]*` is the first alternative that can match at a byte of class
//!   "other" not followed by a letter (else the letter alternative matched), or at a space
//!   followed by such a byte; where the run meets a non-ASCII byte the general scan decides
//!   the whole piece;
//! - `\p{N}{1,max}` is the first alternative that can match at a digit; the run stops at `max`
//!   digits or the first byte that is not one, except a non-ASCII byte (it could be a digit);
//! - the white-space alternatives are what is left at a white-space byte (a space or tab
//!   before a letter, or a space before punctuation, took one of the alternatives above); a run of
//!   white space that meets a non-ASCII byte (which could be white space too) is left to the
//!   general scan.
//!
//! The kinds are built at compile time from the same generated ranges as the general scan's
//! class table (ASCII letters are `\p{L}`, digits `\p{N}`, and so on, as Oniguruma says).

use super::Scan;
use crate::count::fast::unicode::Class;
use crate::count::fast::unicode_table::RANGES;

/// What the ASCII scan needs to know of a byte: its class, with the bytes that class alone does
/// not decide set apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    /// An ASCII letter (`\p{L}`).
    Letter,
    /// An ASCII digit (`\p{N}`).
    Digit,
    /// ASCII white space other than CR and LF (it can come before a letter run).
    Space,
    /// CR or LF.
    Newline,
    /// Any other ASCII byte but the apostrophe (`[^\s\p{L}\p{N}]`).
    Other,
    /// The apostrophe (where a contraction may start; "other" inside a punctuation run).
    Apostrophe,
    /// A non-ASCII byte (or an ASCII one of a class the ASCII scan does not handle): the
    /// general scan decides.
    General,
}

/// The kind of every byte, from the same generated ranges as the class table.
static KINDS: [Kind; 256] = kinds();

/// Builds [`KINDS`] at compile time.
const fn kinds() -> [Kind; 256] {
    let mut kinds = [Kind::General; 256];
    let mut r = 0;
    while r < RANGES.len() && RANGES[r].0 < 0x80 {
        let end = if r + 1 < RANGES.len() && RANGES[r + 1].0 < 0x80 {
            RANGES[r + 1].0
        } else {
            0x80
        };
        let kind = match RANGES[r].1 {
            0..=4 => Kind::Letter,
            6 => Kind::Digit,
            7 => Kind::Space,
            8 => Kind::Other,
            _ => Kind::General,
        };
        let mut c = RANGES[r].0;
        while c < end {
            kinds[c as usize] = kind;
            c += 1;
        }
        r += 1;
    }
    kinds[b'\r' as usize] = Kind::Newline;
    kinds[b'\n' as usize] = Kind::Newline;
    kinds[b'\'' as usize] = Kind::Apostrophe;
    kinds
}

/// The kind of byte `b`.
#[inline(always)]
fn kind(b: u8) -> Kind {
    KINDS[b as usize]
}

impl Scan<'_> {
    /// The piece at `i` when it is an ASCII letter, digit, punctuation or white-space run (see
    /// the module documentation), else `None`.
    #[inline(always)]
    pub(super) fn cl100k_ascii(&self, i: usize, max_digits: usize) -> Option<usize> {
        let b = self.b;
        let k0 = kind(b[i]);
        match k0 {
            Kind::Letter => return Some(self.letter_run(i + 1)),
            Kind::Digit => return self.digits_ascii(i, max_digits),
            Kind::Newline => return self.whitespace_ascii(i),
            Kind::Apostrophe | Kind::General => return None,
            Kind::Space | Kind::Other => {}
        }
        // A possible prefix of a letter run (not CR, LF or a digit).
        let k1 = match b.get(i + 1) {
            Some(&c) => kind(c),
            None if k0 == Kind::Other => return self.punctuation_ascii(i + 1),
            None => return self.whitespace_ascii(i),
        };
        match (k0, k1) {
            (_, Kind::Letter) => Some(self.letter_run(i + 2)),
            // A non-ASCII letter may follow: the general scan decides.
            (_, Kind::General) => None,
            // Punctuation: ` ?` then a byte of class "other" (the letter alternative failed).
            (Kind::Other, _) => self.punctuation_ascii(i + 1),
            (_, Kind::Other | Kind::Apostrophe) if b[i] == b' ' => self.punctuation_ascii(i + 2),
            _ => self.whitespace_ascii(i),
        }
    }

    /// `\p{N}{1,max}` at `i` (an ASCII digit) over ASCII digits; `None` where the run meets a
    /// non-ASCII byte before `max` digits (it could be a digit too).
    #[inline(always)]
    fn digits_ascii(&self, i: usize, max: usize) -> Option<usize> {
        let b = self.b;
        let mut end = i + 1;
        while end < i + max {
            match b.get(end) {
                Some(c) if c.is_ascii_digit() => end += 1,
                Some(&c) if c >= 0x80 => return None,
                _ => break,
            }
        }
        Some(end)
    }

    /// The rest of a punctuation run `[^\s\p{L}\p{N}]+[\r\n]*` going on at `end`, or `None`
    /// if it meets a non-ASCII byte (which could continue it).
    #[inline(always)]
    fn punctuation_ascii(&self, mut end: usize) -> Option<usize> {
        let b = self.b;
        while let Some(&c) = b.get(end) {
            match kind(c) {
                Kind::Other | Kind::Apostrophe => end += 1,
                Kind::General => return None,
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
    /// The run is read eight bytes at a time, the last few bytes of the text one at a time.
    #[inline(always)]
    fn whitespace_ascii(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let (mut end, mut last_newline_end) = (i, None);
        loop {
            let Some(word) = b.get(end..end + 8) else {
                while let Some(&c) = b.get(end) {
                    match kind(c) {
                        Kind::Space => {}
                        Kind::Newline => last_newline_end = Some(end + 1),
                        _ => break,
                    }
                    end += 1;
                }
                break;
            };
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            // The high bit of each byte that is not ASCII white space.
            let others = !ascii_spaces(word) & HIGH_BITS;
            // The line breaks before the first other byte (all of them if there is none).
            let newlines = ascii_newlines(word) & others.wrapping_sub(1) & !others;
            if newlines != 0 {
                last_newline_end = Some(end + (63 - newlines.leading_zeros() as usize) / 8 + 1);
            }
            if others != 0 {
                end += others.trailing_zeros() as usize / 8;
                break;
            }
            end += 8;
        }
        if end < b.len() && b[end] >= 0x80 {
            return None;
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

/// The low bit of each of eight bytes.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each of eight bytes.
const HIGH_BITS: u64 = 0x80 * ONES;

/// The high bit of each byte of `word` (eight bytes, little-endian) set where that byte is an
/// ASCII letter: with the high bit clear, `b | 0x20` (the lower case) at or above `a` and
/// below `{`. Each byte's sums stay below 0x100, so no carry crosses into the next byte.
#[inline(always)]
fn ascii_letters(word: u64) -> u64 {
    let lower = (word | (0x20 * ONES)) & !HIGH_BITS;
    let at_least_a = lower + (0x80 - u64::from(b'a')) * ONES;
    let past_z = lower + (0x80 - u64::from(b'z') - 1) * ONES;
    at_least_a & !past_z & !word & HIGH_BITS
}

/// The high bit of each byte of `word` set where that byte is `byte` (below 0x80): a byte of
/// `word ^ byte` is zero there, and only there are both its low seven bits plus 0x7F and its
/// own high bit clear (no carry crosses into the next byte).
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW: u64 = !HIGH_BITS;
    let x = word ^ (ONES * u64::from(byte));
    !(((x & LOW) + LOW) | x) & HIGH_BITS
}

/// The high bit of each byte of `word` set where that byte is ASCII white space (`\s`: tab,
/// LF, VT, FF, CR and space): with the high bit clear, 0x09 to 0x0D or equal to 0x20.
#[inline(always)]
fn ascii_spaces(word: u64) -> u64 {
    let low = word & !HIGH_BITS;
    let at_least_tab = low + (0x80 - 0x09) * ONES;
    let past_cr = low + (0x80 - 0x0E) * ONES;
    (at_least_tab & !past_cr & !word & HIGH_BITS) | bytes_equal(word, b' ')
}

/// The high bit of each byte of `word` set where that byte is CR or LF.
#[inline(always)]
fn ascii_newlines(word: u64) -> u64 {
    bytes_equal(word, b'\r') | bytes_equal(word, b'\n')
}

#[cfg(test)]
mod tests;
