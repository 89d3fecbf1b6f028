//! Quality signal: documents that are empty (only whitespace), very short (fewer than
//! `min_words` words: runs of non-whitespace, where each character of a script written without
//! spaces, such as Chinese, Japanese or Thai, is a word by itself), mostly non-letters (letters, by
//! `char::is_alphabetic`, are fewer than `min_letter_share` of the non-whitespace characters),
//! or repeated-line spam (of at least `min_lines` non-blank lines, more than
//! `max_repeated_line_share` repeat an earlier line of the same document, compared after
//! trimming ASCII whitespace). A document may carry several flags; `flagged` counts it once.

use super::config::Thresholds;
use super::{chars, swar};
pub use crate::stats::signals::Verdict;

/// Judges `text`; `lines` is scratch space for line hashes.
pub fn assess(text: &str, t: &Thresholds, lines: &mut Vec<u64>) -> Verdict {
    let counts = if text.is_ascii() {
        count_ascii(text.as_bytes())
    } else {
        count_chars(text)
    };
    let empty = counts.visible == 0;
    let (total, repeated) = repeated_lines(text.as_bytes(), lines);
    Verdict {
        empty,
        very_short: !empty && counts.words < t.min_words,
        mostly_non_letters: !empty
            && (counts.letters as f64) < t.min_letter_share * counts.visible as f64,
        repeated_lines: total >= t.min_lines
            && repeated as f64 > t.max_repeated_line_share * total as f64,
    }
}

/// Non-blank lines of `bytes` and how many of them repeat an earlier one, comparing lines
/// trimmed of ASCII whitespace by their 64-bit hashes (`lines`: scratch space).
fn repeated_lines(bytes: &[u8], lines: &mut Vec<u64>) -> (u64, u64) {
    lines.clear();
    let is_space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        let line = &bytes[start..end];
        start = end + 1;
        // trimmed of ASCII whitespace (other whitespace stays part of the line)
        let Some(first) = line.iter().position(|b| !is_space(b)) else {
            continue;
        };
        let last = line.iter().rposition(|b| !is_space(b)).unwrap_or(first);
        lines.push(twox_hash::XxHash3_64::oneshot(&line[first..=last]));
    }
    let total = lines.len() as u64;
    lines.sort_unstable();
    lines.dedup();
    (total, total - lines.len() as u64)
}

/// Words, letters and non-whitespace characters of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    words: u64,
    letters: u64,
    visible: u64,
}

/// [`Counts`] of ASCII text, eight bytes at a time.
fn count_ascii(bytes: &[u8]) -> Counts {
    let mut counter = CharCounter::default();
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        counter.chunk(swar::load(chunk.try_into().expect("chunks of 8")));
    }
    for &b in chunks.remainder() {
        chars::TextWalker::ascii_byte(&mut counter, b);
    }
    counter.finish()
}

/// [`Counts`] of any text, where each character of a script written without spaces is a word
/// by itself: ASCII eight bytes at a time where it can, other characters classed through the
/// shared table.
fn count_chars(text: &str) -> Counts {
    let mut counter = CharCounter::default();
    // the counter never stops a walk
    let _ = chars::walk(text, &mut counter);
    counter.finish()
}

/// [`Counts`] so far and whether the last character ended a word (or nothing came yet).
struct CharCounter {
    counts: Counts,
    /// 0x80 when the next non-whitespace character starts a word, else 0.
    word_break: u64,
    /// Words, letters and visible bytes of the ASCII chunks.
    chunk_words: swar::LaneCount,
    chunk_letters: swar::LaneCount,
    chunk_visible: swar::LaneCount,
}

impl Default for CharCounter {
    fn default() -> Self {
        Self {
            counts: Counts::default(),
            word_break: 0x80,
            chunk_words: swar::LaneCount::default(),
            chunk_letters: swar::LaneCount::default(),
            chunk_visible: swar::LaneCount::default(),
        }
    }
}

impl CharCounter {
    /// Counts 8 ASCII bytes loaded into `x`.
    #[inline]
    fn chunk(&mut self, x: u64) {
        let ws = swar::whitespace(x);
        let visible = !ws & swar::HIGH;
        self.chunk_words
            .add(visible & ((ws << 8) | self.word_break));
        self.chunk_letters.add(swar::letters(x));
        self.chunk_visible.add(visible);
        self.word_break = ws >> 56;
    }

    /// All counts.
    fn finish(self) -> Counts {
        Counts {
            words: self.counts.words + self.chunk_words.total(),
            letters: self.counts.letters + self.chunk_letters.total(),
            visible: self.counts.visible + self.chunk_visible.total(),
        }
    }
}

impl chars::TextWalker for CharCounter {
    fn ascii_chunk(&mut self, chunk: &[u8; 8]) {
        self.chunk(swar::load(chunk));
    }

    #[inline]
    fn ascii_byte(&mut self, b: u8) {
        let space = matches!(b, b'\t'..=b'\r' | b' ');
        self.counts.words += u64::from(!space && self.word_break != 0);
        self.counts.letters += u64::from(b.is_ascii_alphabetic());
        self.counts.visible += u64::from(!space);
        self.word_break = u64::from(space) << 7;
    }

    fn other(&mut self, _: char, class: u8, _: &[u8]) -> bool {
        let (space, alone) = (class & chars::SPACE != 0, class & chars::ALONE != 0);
        self.counts.words += u64::from(alone || (!space && self.word_break != 0));
        self.counts.letters += u64::from(class & chars::LETTER != 0);
        self.counts.visible += u64::from(!space);
        self.word_break = u64::from(space || alone) << 7;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str) -> Verdict {
        assess(text, &Thresholds::default(), &mut Vec::new())
    }

    #[test]
    fn flags_each_kind() {
        let prose =
            "A perfectly ordinary paragraph of English prose, long enough to pass every test here.";
        assert_eq!(verdict(prose), Verdict::default());
        assert!(verdict(" \n\t ").empty && !verdict(" \n\t ").very_short);
        assert!(verdict("").empty);
        assert!(verdict("Too short to matter.").very_short);
        let numbers = "12 34 56 78 90 12 34 56 78 90 11 22 33 44 55 — totals only, 3.14159 2.71828";
        assert!(verdict(numbers).mostly_non_letters);
        let spam = "Buy now at the best price!\n".repeat(5)
            + "Unique closing line with several more words.";
        let v = verdict(&spam);
        assert!(v.repeated_lines && v.any() && !v.very_short);
        // one repeat in three lines is over 30%; three in ten is not
        assert!(verdict("same words here\nsame words here\nanother one").repeated_lines);
        assert!(!verdict("a\nb\nc\na\nb\nc\nd\ne\nf\ng").repeated_lines);
        let unicode = "Съешь же ещё этих мягких французских булок да выпей чаю, говорят.";
        assert_eq!(verdict(unicode), Verdict::default());
        // Chinese has no spaces: each character is a word
        assert!(!verdict("委员会星期二开会讨论了市图书馆的新预算").very_short);
        assert!(verdict("你好").very_short);
    }

    /// The counts one character at a time, straight from the definitions.
    fn plain_counts(text: &str) -> Counts {
        let mut counts = Counts::default();
        let mut in_word = false;
        for c in text.chars() {
            let space = c.is_whitespace();
            if chars::spaceless(c) {
                counts.words += 1;
                in_word = false;
            } else {
                counts.words += u64::from(!space && !in_word);
                in_word = !space;
            }
            counts.visible += u64::from(!space);
            counts.letters += u64::from(c.is_alphabetic());
        }
        counts
    }

    /// Non-blank lines and repeats, by comparing the trimmed lines themselves.
    fn plain_repeats(text: &str) -> (u64, u64) {
        let ws: &[char] = &['\t', '\n', '\u{b}', '\u{c}', '\r', ' '];
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.trim_matches(ws))
            .filter(|l| !l.is_empty())
            .collect();
        let distinct: std::collections::HashSet<&&str> = lines.iter().collect();
        (lines.len() as u64, (lines.len() - distinct.len()) as u64)
    }

    proptest::proptest! {
        #[test]
        fn counts_equal_the_plain_definitions(
            text in "[ \t\n\u{b}\u{c}\rA-Za-z0-9.,\u{a0}\u{3000}éЖ委かก😀]{0,120}"
        ) {
            proptest::prop_assert_eq!(count_chars(&text), plain_counts(&text));
            if text.is_ascii() {
                proptest::prop_assert_eq!(count_ascii(text.as_bytes()), plain_counts(&text));
            }
            let ascii: String = text.chars().filter(char::is_ascii).collect();
            proptest::prop_assert_eq!(count_ascii(ascii.as_bytes()), plain_counts(&ascii));
            let mut scratch = Vec::new();
            proptest::prop_assert_eq!(repeated_lines(text.as_bytes(), &mut scratch), plain_repeats(&text));
        }

        #[test]
        fn repeats_equal_the_plain_definition(
            lines in proptest::collection::vec("[ \ta-c]{0,4}", 0..30)
        ) {
            let text = lines.join("\n");
            let mut scratch = Vec::new();
            proptest::prop_assert_eq!(repeated_lines(text.as_bytes(), &mut scratch), plain_repeats(&text));
        }
    }
}
