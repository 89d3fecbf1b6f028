//! Eight ASCII bytes at a time in one `u64` ("SIMD within a register"): the byte classes the
//! signals need (whitespace, letters, capitals) as masks with the high bit of each byte set,
//! and ASCII lowercasing, without a branch per byte. The classifiers expect bytes below 0x80 (the
//! callers only pass ASCII runs), so adding a constant below 0x80 to a byte never carries into
//! the next one; [`first_digit`] takes any bytes.

/// One in every byte.
const LANES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub const HIGH: u64 = LANES * 0x80;

/// Loads 8 bytes little-endian (byte `i` in bits `8i..8i+8`).
#[inline]
pub fn load(bytes: &[u8; 8]) -> u64 {
    u64::from_le_bytes(*bytes)
}

/// High bit set in each byte that is at least `n` (`n` at most 0x80).
#[inline]
fn at_least(x: u64, n: u8) -> u64 {
    x.wrapping_add(LANES * u64::from(0x80 - n)) & HIGH
}

/// High bit set in each byte in `lo..=hi`.
#[inline]
fn between(x: u64, lo: u8, hi: u8) -> u64 {
    at_least(x, lo) & !at_least(x, hi + 1)
}

/// High bit set in each ASCII whitespace byte by `char::is_whitespace`: `\t`, `\n`, vertical
/// tab, form feed, `\r` and space.
#[inline]
pub fn whitespace(x: u64) -> u64 {
    between(x, b'\t', b'\r') | between(x, b' ', b' ')
}

/// High bit set in each ASCII letter.
#[inline]
pub fn letters(x: u64) -> u64 {
    between(x, b'A', b'Z') | between(x, b'a', b'z')
}

/// The bytes with capitals lowercased.
#[inline]
pub fn lowercase(x: u64) -> u64 {
    x | (between(x, b'A', b'Z') >> 2)
}

/// The bytes with every byte of `mask` (a high-bit mask) replaced by a space.
#[inline]
pub fn spaces_at(x: u64, mask: u64) -> u64 {
    let full = (mask >> 7) * 0xff;
    (x & !full) | (full & (LANES * u64::from(b' ')))
}

/// Adds up the 8 byte lanes of `lanes` (each a count of at most 255).
#[inline]
pub fn lane_sum(lanes: u64) -> u64 {
    const PAIRS: u64 = 0x00ff_00ff_00ff_00ff;
    let pairs = (lanes & PAIRS) + ((lanes >> 8) & PAIRS);
    pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48
}

/// Per-lane counters of high-bit masks: each mask adds one to each lane whose high bit is set,
/// without a population count (which the baseline x86-64 target lacks), moved into a plain
/// total every 255 masks before a lane can overflow.
#[derive(Debug, Clone, Copy, Default)]
pub struct LaneCount {
    lanes: u64,
    added: u32,
    total: u64,
}

impl LaneCount {
    /// Counts the set high bits of `mask`.
    #[inline]
    pub fn add(&mut self, mask: u64) {
        self.lanes += mask >> 7;
        self.added += 1;
        if self.added == 255 {
            self.total += lane_sum(self.lanes);
            self.lanes = 0;
            self.added = 0;
        }
    }

    /// The count so far.
    pub fn total(&self) -> u64 {
        self.total + lane_sum(self.lanes)
    }
}

/// The position of the first ASCII digit in `bytes` (any bytes, ASCII or not), eight bytes at
/// a time.
pub fn first_digit(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    for (n, chunk) in (&mut chunks).enumerate() {
        let x = load(chunk.try_into().expect("chunks of 8"));
        // bytes from 0x80 up are cleared to zero first (never a digit), then excluded
        let digits = between(x & !HIGH, b'0', b'9') & !x;
        if digits != 0 {
            return Some(n * 8 + digits.trailing_zeros() as usize / 8);
        }
    }
    let done = bytes.len() - chunks.remainder().len();
    (chunks.remainder().iter().position(u8::is_ascii_digit)).map(|p| done + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_counts_equal_population_counts() {
        let mut count = LaneCount::default();
        let mut expected = 0u64;
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mask = x & HIGH;
            count.add(mask);
            expected += u64::from(mask.count_ones());
        }
        for _ in 0..600 {
            count.add(HIGH);
            expected += 8;
        }
        assert_eq!(count.total(), expected);
        assert_eq!(lane_sum(0xffff_ffff_ffff_ffff), 8 * 255);
    }

    #[test]
    fn the_first_digit_is_found_among_any_bytes() {
        for lane in 0..20 {
            for b in 0..=255u8 {
                let mut bytes = vec![0xb0u8; 20]; // 0xb0 & 0x7f is '0': must not match
                bytes[lane] = b;
                let expected = bytes.iter().position(u8::is_ascii_digit);
                assert_eq!(first_digit(&bytes), expected, "{b:#x} at {lane}");
            }
        }
        assert_eq!(first_digit(b""), None);
        assert_eq!(first_digit(b"abcdefgh12"), Some(8));
    }

    #[test]
    fn every_ascii_byte_in_every_lane_is_classified_as_the_standard_library_does() {
        for lane in 0..8 {
            for b in 0u8..0x80 {
                // the other lanes hold bytes that stress carries: 0x7f and 0x00
                let mut bytes = [if lane % 2 == 0 { 0x7f } else { 0 }; 8];
                bytes[lane] = b;
                let x = load(&bytes);
                let bit = |mask: u64| mask >> (8 * lane + 7) & 1 == 1;
                let ws = matches!(b, b'\t'..=b'\r' | b' ');
                assert_eq!(bit(whitespace(x)), ws, "{b:#x}");
                assert_eq!(bit(letters(x)), b.is_ascii_alphabetic(), "{b:#x}");
                assert_eq!(
                    lowercase(x).to_le_bytes()[lane],
                    b.to_ascii_lowercase(),
                    "{b:#x}"
                );
                let spaced = spaces_at(x, whitespace(x)).to_le_bytes()[lane];
                assert_eq!(spaced, if ws { b' ' } else { b }, "{b:#x}");
            }
        }
    }
}
