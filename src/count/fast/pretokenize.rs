//! Splitting text exactly as the supported `Split` regexes do, without a regex engine: a
//! hand-written scanner per regex family, derived alternative by alternative from the
//! backtracking semantics of Oniguruma (leftmost alternative first, greedy quantifiers).
//! Differential tests check the pieces against Oniguruma itself.

use super::unicode::{Class, ClassTable, table};

/// The `cl100k` regex as Llama 3 ships it (digits in runs of 1 to 3).
pub const LLAMA3_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// The same regex with single digits, as Qwen 2 and 3 ship it.
pub const QWEN_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// The `o200k` regex of GPT-4o (case-aware letter runs).
pub const O200K_REGEX: &str = r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// A supported pre-tokenizer regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// cl100k family: contractions, letter runs with one optional leading non-letter, digit
    /// runs of at most `max_digits`, punctuation runs, whitespace rules.
    Cl100k {
        /// 3 for Llama 3 and cl100k, 1 for Qwen.
        max_digits: usize,
    },
    /// o200k family (GPT-4o): case-aware letter runs with trailing contractions.
    O200k,
}

impl Pattern {
    /// The scanner for `regex`, if it is one of the supported patterns, character for character.
    pub fn from_regex(regex: &str) -> Option<Pattern> {
        match regex {
            LLAMA3_REGEX => Some(Pattern::Cl100k { max_digits: 3 }),
            QWEN_REGEX => Some(Pattern::Cl100k { max_digits: 1 }),
            O200K_REGEX => Some(Pattern::O200k),
            _ => None,
        }
    }

    /// Calls `piece` with every piece of `text`, in order; the pieces cover the whole text.
    #[inline]
    pub fn for_each_piece(self, text: &str, mut piece: impl FnMut(&str)) {
        self.for_each_piece_range(text, |start, end| {
            // A scan ends a piece after whole characters only; the checked slice costs two
            // comparisons and turns a scanner bug into a panic instead of a broken `&str`.
            piece(&text[start..end]);
        });
    }

    /// Calls `piece` with the start and end (byte offsets) of every piece of `text`, in order:
    /// what [`Pattern::for_each_piece`] hands out as slices, for callers that read the bytes
    /// around a piece (the piece cache packs a short piece from the 16 bytes at its start).
    #[inline]
    pub fn for_each_piece_range(self, text: &str, mut piece: impl FnMut(usize, usize)) {
        let scan = Scan {
            b: text.as_bytes(),
            t: table(),
        };
        let mut i = 0;
        while i < text.len() {
            let end = match self {
                Pattern::Cl100k { max_digits } => scan
                    .cl100k_ascii(i, max_digits)
                    .unwrap_or_else(|| scan.cl100k(i, max_digits)),
                Pattern::O200k => scan.o200k(i),
            };
            debug_assert!(end > i && text.is_char_boundary(end));
            piece(i, end);
            i = end;
        }
    }
}

struct Scan<'a> {
    b: &'a [u8],
    t: &'static ClassTable,
}

impl Scan<'_> {
    /// Class and UTF-8 length of the character starting at byte `i`.
    #[inline(always)]
    fn at(&self, i: usize) -> (Class, usize) {
        let b = self.b;
        let b0 = b[i];
        if b0 < 0x80 {
            return (self.t.ascii(b0), 1);
        }
        let (cp, len) = if b0 < 0xE0 {
            (((b0 as u32 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
        } else if b0 < 0xF0 {
            (
                ((b0 as u32 & 0x0F) << 12)
                    | ((b[i + 1] as u32 & 0x3F) << 6)
                    | (b[i + 2] as u32 & 0x3F),
                3,
            )
        } else {
            let cp = ((b0 as u32 & 0x07) << 18)
                | ((b[i + 1] as u32 & 0x3F) << 12)
                | ((b[i + 2] as u32 & 0x3F) << 6)
                | (b[i + 3] as u32 & 0x3F);
            (cp, 4)
        };
        (self.t.class_of(cp), len)
    }

    #[inline(always)]
    fn class(&self, i: usize) -> Option<Class> {
        (i < self.b.len()).then(|| self.at(i).0)
    }

    /// End of the maximal run of characters in `keep`, starting at `i`.
    #[inline(always)]
    fn run(&self, mut i: usize, keep: impl Fn(Class) -> bool) -> usize {
        while i < self.b.len() {
            let (c, len) = self.at(i);
            if !keep(c) {
                break;
            }
            i += len;
        }
        i
    }

    /// `[^\r\n\p{L}\p{N}]`: the optional character before a letter run.
    #[inline(always)]
    fn is_prefix(&self, i: usize, c: Class) -> bool {
        !c.is_letter() && c != Class::Number && self.b[i] != b'\r' && self.b[i] != b'\n'
    }

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i` (an apostrophe): its end. Under Unicode case
    /// folding only U+017F LONG S joins the ASCII letters (it folds to `s`).
    #[inline]
    fn contraction(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let lower = |j: usize| b.get(j).map(|c| c.to_ascii_lowercase());
        match lower(i + 1)? {
            b's' | b't' | b'm' | b'd' => Some(i + 2),
            b'r' | b'v' if lower(i + 2) == Some(b'e') => Some(i + 3),
            b'l' if lower(i + 2) == Some(b'l') => Some(i + 3),
            0xC5 if b.get(i + 2) == Some(&0xBF) => Some(i + 3), // ſ
            _ => None,
        }
    }

    /// `\p{N}{1,max}` at `i`.
    #[inline]
    fn digits(&self, i: usize, max: usize) -> usize {
        let mut end = i;
        for _ in 0..max {
            match (end < self.b.len()).then(|| self.at(end)) {
                Some((Class::Number, len)) => end += len,
                _ => break,
            }
        }
        end
    }

    /// ` ?[^\s\p{L}\p{N}]+` followed by any characters of `tail`, if it matches at `i`.
    #[inline]
    fn punctuation(&self, i: usize, tail: &[u8]) -> Option<usize> {
        let start = if self.b[i] == b' ' { i + 1 } else { i };
        if !self.class(start)?.is_other_than_space_letter_number() {
            return None;
        }
        let mut end = self.run(start, Class::is_other_than_space_letter_number);
        while end < self.b.len() && tail.contains(&self.b[end]) {
            end += 1;
        }
        Some(end)
    }

    /// The whitespace alternatives `\s*[\r\n]+|\s+(?!\S)|\s+` at `i` (a white-space character).
    #[inline]
    fn whitespace(&self, i: usize) -> usize {
        let (mut end, mut last_newline_end, mut last_start) = (i, None, i);
        while end < self.b.len() {
            let (c, len) = self.at(end);
            if c != Class::Space {
                break;
            }
            if self.b[end] == b'\r' || self.b[end] == b'\n' {
                last_newline_end = Some(end + 1);
            }
            last_start = end;
            end += len;
        }
        if end == i {
            // Unreachable for the supported regexes (every character matches an earlier
            // alternative); one character keeps the scan moving.
            return i + self.at(i).1;
        }
        match last_newline_end {
            Some(e) => e,                         // \s*[\r\n]+
            None if end == self.b.len() => end,   // \s+(?!\S) at the end
            None if last_start > i => last_start, // \s+(?!\S): all but the last
            None => end,                          // \s+
        }
    }

    fn cl100k(&self, i: usize, max_digits: usize) -> usize {
        if self.b[i] == b'\''
            && let Some(end) = self.contraction(i)
        {
            return end;
        }
        let (c0, len0) = self.at(i);
        if c0.is_letter() {
            return self.run(i, Class::is_letter);
        }
        if self.is_prefix(i, c0) && self.class(i + len0).is_some_and(Class::is_letter) {
            return self.run(i + len0, Class::is_letter);
        }
        if c0 == Class::Number {
            return self.digits(i, max_digits);
        }
        if let Some(end) = self.punctuation(i, b"\r\n") {
            return end;
        }
        self.whitespace(i)
    }

    fn o200k(&self, i: usize) -> usize {
        match self.o200k_ascii_word(i) {
            Some(end) => end,
            None => self.o200k_general(i),
        }
    }

    /// [`Scan::o200k`]'s letter alternatives on a word of ASCII letters followed by an ASCII
    /// byte or the end, after at most one ASCII prefix: `None` anywhere else (the general scan
    /// decides). In ASCII no letter is both "upper" and "lower", so the first alternative
    /// `U*L+` matches the uppercase run and the lowercase run after it when that is not
    /// empty, and otherwise fails at every backtracking point; the second, `U+L*`, then
    /// matches the uppercase run: both end where `[A-Z]*[a-z]*` ends. A non-ASCII byte there
    /// could be a letter or a mark that continues the match, so the general scan takes it.
    #[inline(always)]
    fn o200k_ascii_word(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let letter = |j: usize| b.get(j).is_some_and(u8::is_ascii_alphabetic);
        let prefix = b[i] < 0x80 && !b[i].is_ascii_alphanumeric() && !matches!(b[i], b'\r' | b'\n');
        let mut end = match (letter(i), prefix && letter(i + 1)) {
            (true, _) => i,
            (false, true) => i + 1,
            (false, false) => return None,
        };
        while end < b.len() && b[end].is_ascii_uppercase() {
            end += 1;
        }
        while end < b.len() && b[end].is_ascii_lowercase() {
            end += 1;
        }
        match b.get(end) {
            Some(&c) if c >= 0x80 => None,
            Some(b'\'') => Some(self.contraction(end).unwrap_or(end)),
            _ => Some(end),
        }
    }

    /// The o200k scan at `i`, alternative by alternative.
    fn o200k_general(&self, i: usize) -> usize {
        let (c0, len0) = self.at(i);
        let prefixed = self.is_prefix(i, c0);
        let bodies: [fn(&Self, usize) -> Option<usize>; 2] =
            [Self::upper_then_lower, Self::upper_run];
        for body in bodies {
            let found = if prefixed { body(self, i + len0) } else { None };
            if let Some(end) = found.or_else(|| body(self, i)) {
                return match self.b.get(end) {
                    Some(b'\'') => self.contraction(end).unwrap_or(end),
                    _ => end,
                };
            }
        }
        if c0 == Class::Number {
            return self.digits(i, 3);
        }
        if let Some(end) = self.punctuation(i, b"\r\n/") {
            return end;
        }
        self.whitespace(i)
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` at `p`, with backtracking.
    fn upper_then_lower(&self, p: usize) -> Option<usize> {
        let (mut end, mut last_lower_end) = (p, None);
        while end < self.b.len() {
            let (c, len) = self.at(end);
            if !c.is_upperish() {
                break;
            }
            end += len;
            if c.is_lowerish() {
                last_lower_end = Some(end);
            }
        }
        if self.class(end).is_some_and(Class::is_lowerish) {
            return Some(self.run(end, Class::is_lowerish));
        }
        // Give back upper-class characters until the lower run can start on one of them.
        last_lower_end
    }

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*` at `p`.
    fn upper_run(&self, p: usize) -> Option<usize> {
        let end = self.run(p, Class::is_upperish);
        (end > p).then(|| self.run(end, Class::is_lowerish))
    }
}

mod ascii;
#[cfg(test)]
mod tests;
