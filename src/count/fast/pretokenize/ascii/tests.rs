//! The ASCII scan's word masks against byte-at-a-time twins, and its byte kinds against the
//! class table.

use super::{KINDS, Kind, ascii_letters, ascii_newlines, ascii_spaces};
use crate::count::fast::unicode::{Class, table};

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

/// A scalar twin of a word mask: the high bit of each byte where `is` holds.
fn marked_bytes(bytes: [u8; 8], is: impl Fn(u8) -> bool) -> u64 {
    (0..8)
        .filter(|&k| is(bytes[k]))
        .fold(0, |mask, k| mask | 0x80 << (8 * k))
}

#[test]
fn white_space_and_line_break_masks_mark_exactly_those_bytes_in_every_position() {
    let space = |b: u8| b < 0x80 && table().ascii(b) == Class::Space;
    let newline = |b: u8| b == b'\r' || b == b'\n';
    let mut checked = 0;
    for byte in 0..=255u8 {
        for position in 0..8 {
            for fill in [b' ', b'\n', b'\t', b'a', 0x00, 0x7F, 0x80, 0xFF, 0xA0, 0x8A] {
                let mut bytes = [fill; 8];
                bytes[position] = byte;
                let word = u64::from_le_bytes(bytes);
                assert_eq!(ascii_spaces(word), marked_bytes(bytes, space), "{bytes:?}");
                assert_eq!(
                    ascii_newlines(word),
                    marked_bytes(bytes, newline),
                    "{bytes:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 256 * 8 * 10);
}

#[test]
fn kinds_agree_with_the_class_table() {
    for b in 0..=255u8 {
        let want = match b {
            0x80.. => Kind::General,
            b'\r' | b'\n' => Kind::Newline,
            b'\'' => Kind::Apostrophe,
            _ => match table().ascii(b) {
                c if c.is_letter() => Kind::Letter,
                Class::Number => Kind::Digit,
                Class::Space => Kind::Space,
                Class::Other => Kind::Other,
                _ => Kind::General,
            },
        };
        assert_eq!(KINDS[b as usize], want, "byte {b:#04x}");
    }
    assert_eq!(KINDS[b'\t' as usize], Kind::Space);
    assert_eq!(KINDS[b'~' as usize], Kind::Other);
}
