//! Personal-data signal: how many documents contain, and how many matches there are of,
//! e-mail addresses, phone numbers, IP addresses, payment card numbers and IBANs. One
//! hand-written pass over the bytes (no backtracking; every pattern is ASCII), counting only:
//! no matched text is kept or reported. The patterns are stated in the README
//! ("Processing signals"); in short:
//!
//! - e-mail: `local@domain` with a local part of `A-Z a-z 0-9 . _ % + -` (1 to 64, not
//!   starting or ending with a dot) and a domain of at least two dot-separated labels
//!   (`A-Z a-z 0-9 -`, 1 to 63 characters, no leading or trailing hyphen) whose last label is
//!   2 or more letters;
//! - payment card: 13 to 19 digits, bare or grouped 4-4-4-4, 4-4-4-4-3, 4-6-5 or 4-6-4 with
//!   single spaces or hyphens, starting with 2 to 6, passing the Luhn check;
//! - IP: a dotted quad of decimal octets 0-255 without leading zeros, or a colon-separated
//!   hexadecimal run with at least two colons and a decimal digit that parses as an IPv6
//!   address (`std::net::Ipv6Addr`, embedded IPv4 allowed);
//! - phone: `+` and a country code with 8 to 15 digits in all (groups separated by single
//!   spaces, hyphens or dots, parentheses allowed); or a North American `NXX-NXX-XXXX` /
//!   `(NXX) NXX-XXXX` number with separators; or a national number with a leading trunk `0`,
//!   9 to 12 digits in at least two groups separated by spaces, hyphens or slashes;
//! - IBAN: two capital letters of a country in the IBAN registry, two check digits and the
//!   country's length of capital letters and digits, bare or in groups of four separated by
//!   single spaces, passing the ISO 7064 mod-97 check.
//!
//! Every match must stand apart: the characters around it are not letters or digits.

pub use crate::stats::signals::{Matches, PiiKind};

/// Counts the matches of every kind in `text`.
pub fn scan(text: &str) -> Matches {
    scan_walk(text, true)
}

/// [`scan`], walking every byte up to each digit unless `skip` lets it start the walk at the
/// last whitespace before the digit (the same matches, proved below and tested).
fn scan_walk(text: &str, skip: bool) -> Matches {
    let b = text.as_bytes();
    let mut found = [0u64; 5];
    for at in memchr::memchr_iter(b'@', b) {
        if is_email(b, at) {
            found[PiiKind::Email as usize] += 1;
        }
    }
    let mut i = 0;
    let mut next_digit = None;
    while i < b.len() {
        // Every kind but e-mail has a digit, and no whitespace between its start and its first
        // digit; and no step of this walk crosses whitespace unless it is inside a match, which
        // needs a digit. So the walk up to the next digit may start at the last whitespace
        // before it: from anywhere before, it would land there and go on the same way.
        if next_digit.is_none_or(|d| d < i) {
            let Some(d) = super::swar::first_digit(&b[i..]).map(|d| i + d) else {
                break;
            };
            next_digit = Some(d);
            if skip && let Some(p) = memchr::memrchr3(b' ', b'\n', b'\t', &b[i..d]) {
                i += p;
            }
        }
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'(' | b':')) {
            i += 1;
            continue;
        }
        if attached(b, i) {
            i = if is_word(c) { skip_word(b, i) } else { i + 1 };
            continue;
        }
        if let Some(end) = ipv6_at(b, i) {
            found[PiiKind::Ip as usize] += 1;
            i = end;
            continue;
        }
        if c.is_ascii_uppercase()
            && let Some(end) = iban_at(b, i)
        {
            found[PiiKind::Iban as usize] += 1;
            i = end;
            continue;
        }
        if c.is_ascii_digit() || matches!(c, b'+' | b'(') {
            let span = NumberSpan::parse(b, i);
            if span.end > i {
                if let Some(kind) = span.classify(b) {
                    found[kind as usize] += 1;
                }
                i = span.end;
                continue;
            }
        }
        i = if c.is_ascii_alphanumeric() {
            skip_word(b, i)
        } else {
            i + 1
        };
    }
    found
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether position `i` continues a word or a dotted, hyphenated or slashed token (`v1.2.3.4`,
/// `ID-555-123-4567`), where no match may start.
fn attached(b: &[u8], i: usize) -> bool {
    i > 0
        && (is_word(b[i - 1])
            || (matches!(b[i - 1], b'.' | b'-' | b'/') && i > 1 && is_word(b[i - 2])))
}

fn skip_word(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_word(b[i]) {
        i += 1;
    }
    i
}

fn is_email(b: &[u8], at: usize) -> bool {
    let local_char =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let mut start = at;
    while start > 0 && local_char(b[start - 1]) {
        start -= 1;
    }
    let local = &b[start..at];
    if local.is_empty() || local.len() > 64 || local[0] == b'.' || local[local.len() - 1] == b'.' {
        return false;
    }
    let mut end = at + 1;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || matches!(b[end], b'.' | b'-')) {
        end += 1;
    }
    let mut domain = &b[at + 1..end];
    while let [rest @ .., b'.' | b'-'] = domain {
        domain = rest; // a sentence's full stop is not part of the address
    }
    let (mut labels, mut last): (usize, &[u8]) = (0, &[]);
    for label in domain.split(|&c| c == b'.') {
        if !(1..=63).contains(&label.len()) || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic)
}

/// An IPv6 address starting at `i`: returns where it ends.
fn ipv6_at(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_hexdigit() || matches!(b[i - 1], b':' | b'.')) {
        return None; // inside a longer run that did not parse
    }
    let mut end = i;
    let mut colons = 0;
    let mut decimal = false;
    while end < b.len() && (b[end].is_ascii_hexdigit() || matches!(b[end], b':' | b'.')) {
        colons += usize::from(b[end] == b':');
        decimal |= b[end].is_ascii_digit();
        end += 1;
    }
    if colons < 2 || !decimal {
        return None;
    }
    while end > i && matches!(b[end - 1], b'.') {
        end -= 1; // a full stop after the address
    }
    if end < b.len() && is_word(b[end]) {
        return None;
    }
    let text = std::str::from_utf8(&b[i..end]).ok()?;
    text.parse::<std::net::Ipv6Addr>().ok().map(|_| end)
}

/// IBAN lengths by country (the SWIFT IBAN registry).
const IBAN_LENGTHS: [(&[u8; 2], usize); 84] = [
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
    (b"BI", 27),
    (b"DJ", 27),
    (b"FK", 18),
    (b"MN", 20),
];

/// An IBAN starting at `i`: returns where it ends.
fn iban_at(b: &[u8], i: usize) -> Option<usize> {
    let head = b.get(i..i + 4)?;
    if !(head[2].is_ascii_digit() && head[3].is_ascii_digit()) {
        return None;
    }
    let length = IBAN_LENGTHS.iter().find(|(c, _)| c[..] == head[..2])?.1;
    let mut buffer = [0u8; 40]; // the longest IBAN has 34 characters
    let mut n = 0;
    let mut j = i;
    while n < length && j < b.len() {
        let c = b[j];
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            buffer[n] = c;
            n += 1;
            j += 1;
        } else if c == b' ' && n % 4 == 0 && j + 1 < b.len() && b[j + 1] != b' ' {
            j += 1; // print format: groups of four
        } else {
            return None;
        }
    }
    let chars = &buffer[..n];
    if n < length || (j < b.len() && is_word(b[j])) {
        return None;
    }
    // ISO 7064 mod 97-10: the first four characters moved to the end, letters as 10..35.
    let mut remainder = 0u32;
    for &c in chars[4..].iter().chain(&chars[..4]) {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    (remainder == 1).then_some(j)
}

/// At most this many digit groups are read at one position.
const MAX_GROUPS: usize = 12;

/// At most this many digits make a phone or card number (cards have up to 19).
const MAX_DIGITS: usize = 19;

/// A few values kept in place, without allocating.
#[derive(Clone, Copy)]
struct Few<T: Copy + Default, const N: usize> {
    items: [T; N],
    len: usize,
}

impl<T: Copy + Default, const N: usize> Few<T, N> {
    fn new() -> Self {
        Self {
            items: [T::default(); N],
            len: 0,
        }
    }

    fn push(&mut self, item: T) {
        self.items[self.len] = item;
        self.len += 1;
    }

    fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }
}

impl<T: Copy + Default, const N: usize> std::ops::Deref for Few<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

/// Digits in groups, as found at one position: a candidate phone, card or IPv4 address.
struct NumberSpan {
    end: usize,
    plus: bool,
    /// (start, end) of each digit group.
    groups: Few<(usize, usize), MAX_GROUPS>,
    /// The separators between groups, in order (`(` for a parenthesized group).
    separators: Few<u8, MAX_GROUPS>,
    paren: bool,
}

impl NumberSpan {
    fn parse(b: &[u8], start: usize) -> NumberSpan {
        let mut span = NumberSpan {
            end: start,
            plus: false,
            groups: Few::new(),
            separators: Few::new(),
            paren: false,
        };
        let mut i = start;
        if b[i] == b'+' {
            span.plus = true;
            i += 1;
        }
        let digits_from = |mut j: usize| {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        while i < b.len() && span.groups.len() < MAX_GROUPS {
            if b[i] == b'(' {
                let close = digits_from(i + 1);
                if close == i + 1 || close - i - 1 > 4 || b.get(close) != Some(&b')') {
                    break;
                }
                span.groups.push((i + 1, close));
                span.paren = true;
                i = close + 1;
                match b.get(i) {
                    Some(b' ' | b'-') if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                        span.separators.push(b'(');
                        i += 1;
                    }
                    Some(c) if c.is_ascii_digit() => span.separators.push(b'('),
                    _ => break,
                }
                continue;
            }
            let end = digits_from(i);
            if end == i {
                break;
            }
            span.groups.push((i, end));
            i = end;
            match (b.get(i), b.get(i + 1)) {
                (Some(&s @ (b' ' | b'-' | b'.' | b'/')), Some(n))
                    if n.is_ascii_digit() || *n == b'(' =>
                {
                    span.separators.push(s);
                    i += 1;
                }
                (Some(b'('), _) => span.separators.push(b'('),
                _ => break,
            }
        }
        // the span ends after its last group (a separator after it, such as a sentence's full
        // stop, is not part of the number), or after the `)` that closes it
        if let Some(&(_, last)) = span.groups.last() {
            span.end = last + usize::from(b.get(last) == Some(&b')'));
        }
        span
    }

    /// The digits' values, or `None` when there are more than any phone or card has.
    fn digits(&self, b: &[u8]) -> Option<Few<u8, MAX_DIGITS>> {
        let mut digits = Few::new();
        for &(s, e) in self.groups.iter() {
            if digits.len() + (e - s) > MAX_DIGITS {
                return None;
            }
            for d in &b[s..e] {
                digits.push(d - b'0');
            }
        }
        Some(digits)
    }

    fn classify(&self, b: &[u8]) -> Option<PiiKind> {
        if self.end < b.len() && is_word(b[self.end]) {
            return None;
        }
        // glued to more digits by a separator this parse refused (`1.2.3.4.`, `12--34`)
        if self.groups.is_empty() {
            return None;
        }
        let mut lens = Few::<usize, MAX_GROUPS>::new();
        for &(s, e) in self.groups.iter() {
            lens.push(e - s);
        }
        let seps = &self.separators;
        let all_seps = |s: &[u8]| seps.iter().all(|c| s.contains(c));
        if !self.plus && !self.paren && lens.len() == 4 && all_seps(b".") {
            return self.is_ipv4(b).then_some(PiiKind::Ip);
        }
        let digits = self.digits(b)?;
        if !self.plus && !self.paren && all_seps(b" -") && self.is_card(&lens, &digits) {
            return Some(PiiKind::PaymentCard);
        }
        self.is_phone(&lens, &digits).then_some(PiiKind::Phone)
    }

    fn is_ipv4(&self, b: &[u8]) -> bool {
        self.groups.iter().all(|&(s, e)| {
            let octet = &b[s..e];
            octet.len() <= 3
                && (octet.len() == 1 || octet[0] != b'0')
                && octet.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0')) <= 255
        })
    }

    fn is_card(&self, lens: &[usize], digits: &[u8]) -> bool {
        let grouped = lens.len() == 1 || CARD_GROUPS.contains(&lens);
        let same_separator = self.separators.windows(2).all(|w| w[0] == w[1]);
        (13..=19).contains(&digits.len())
            && grouped
            && same_separator
            && (2..=6).contains(&digits[0])
            && luhn(digits)
    }

    fn is_phone(&self, lens: &[usize], digits: &[u8]) -> bool {
        let seps = &self.separators;
        if self.plus {
            return (8..=15).contains(&digits.len())
                && (lens.len() == 1 || (1..=3).contains(&lens[0]))
                && seps.iter().all(|c| b" -.(".contains(c));
        }
        let north_american = lens == [3, 3, 4]
            && digits[0] >= 2
            && digits[3] >= 2
            && (self.paren && seps[0] == b'('
                || !self.paren && seps[0] == seps[1] && seps[0] != b'/');
        let national = digits[0] == 0
            && (9..=12).contains(&digits.len())
            && lens.len() >= 2
            && lens.iter().all(|&l| l >= 2)
            && seps.iter().all(|c| b" -/(".contains(c));
        north_american || national
    }
}

/// How card numbers are printed in groups: 16 digits in fours, 19 as 4-4-4-4-3, American
/// Express 4-6-5, Diners Club 4-6-4.
const CARD_GROUPS: [&[usize]; 4] = [&[4, 4, 4, 4], &[4, 4, 4, 4, 3], &[4, 6, 5], &[4, 6, 4]];

/// The Luhn checksum of `digits` (each 0-9) is valid.
pub fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
#[path = "pii_tests.rs"]
mod tests;
