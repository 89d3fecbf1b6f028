//! Quality signal: documents that are empty (only whitespace), very short (fewer than
//! `min_words` words: runs of non-whitespace, where each character of a script written without
//! spaces, such as Chinese, Japanese or Thai, is a word by itself), mostly non-letters (letters, by
//! `char::is_alphabetic`, are fewer than `min_letter_share` of the non-whitespace characters),
//! or repeated-line spam (of at least `min_lines` non-blank lines, more than
//! `max_repeated_line_share` repeat an earlier line of the same document, compared after
//! trimming ASCII whitespace). A document may carry several flags; `flagged` counts it once.

use super::DocCount;
use super::config::Thresholds;

/// The flags of one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Only whitespace.
    pub empty: bool,
    /// Fewer words than the threshold (and not empty).
    pub very_short: bool,
    /// Too few letters among the non-whitespace characters.
    pub mostly_non_letters: bool,
    /// Too many repeated lines.
    pub repeated_lines: bool,
}

impl Verdict {
    /// Whether any flag is set.
    pub fn any(&self) -> bool {
        self.empty || self.very_short || self.mostly_non_letters || self.repeated_lines
    }
}

/// Judges `text`; `lines` is scratch space for line hashes.
pub fn assess(text: &str, t: &Thresholds, lines: &mut Vec<u64>) -> Verdict {
    let (words, letters, visible) = if text.is_ascii() {
        count_ascii(text.as_bytes())
    } else {
        count_chars(text)
    };
    let empty = visible == 0;
    lines.clear();
    let is_space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    for line in text.as_bytes().split(|&b| b == b'\n') {
        // trimmed of ASCII whitespace (other whitespace stays part of the line)
        let Some(start) = line.iter().position(|b| !is_space(b)) else {
            continue;
        };
        let end = line
            .iter()
            .rposition(|b| !is_space(b))
            .map_or(start, |e| e + 1);
        lines.push(twox_hash::XxHash3_64::oneshot(&line[start..end]));
    }
    let total = lines.len() as u64;
    lines.sort_unstable();
    lines.dedup();
    let repeated = total - lines.len() as u64;
    Verdict {
        empty,
        very_short: !empty && words < t.min_words,
        mostly_non_letters: !empty && (letters as f64) < t.min_letter_share * visible as f64,
        repeated_lines: total >= t.min_lines
            && repeated as f64 > t.max_repeated_line_share * total as f64,
    }
}

/// Per ASCII byte: 1 for whitespace, 2 for a letter.
const CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'\t'..=b'\r' | b' ' => 1,
            b'a'..=b'z' | b'A'..=b'Z' => 2,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Words, letters and non-whitespace bytes of ASCII text.
fn count_ascii(bytes: &[u8]) -> (u64, u64, u64) {
    let (mut words, mut letters, mut spaces) = (0u64, 0u64, 0u64);
    let mut after_space = 1u64;
    for &b in bytes {
        let class = u64::from(CLASS[usize::from(b & 0x7f)]);
        let space = class & 1;
        words += (space ^ 1) & after_space;
        after_space = space;
        spaces += space;
        letters += class >> 1;
    }
    (words, letters, bytes.len() as u64 - spaces)
}

/// Words, letters and non-whitespace characters of any text: ASCII bytes directly, other
/// characters decoded.
fn count_chars(text: &str) -> (u64, u64, u64) {
    let (mut words, mut letters, mut visible) = (0u64, 0u64, 0u64);
    let bytes = text.as_bytes();
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, letter, alone) = if b < 0x80 {
            i += 1;
            let space = matches!(b, b'\t'..=b'\r' | b' ');
            (space, b.is_ascii_alphabetic(), false)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            (c.is_whitespace(), c.is_alphabetic(), spaceless(c))
        };
        if alone {
            words += 1;
            in_word = false;
        } else {
            words += u64::from(!space && !in_word);
            in_word = !space;
        }
        visible += u64::from(!space);
        letters += u64::from(letter);
    }
    (words, letters, visible)
}

/// Whether `c` belongs to a script written without spaces between words (Han, kana, Thai,
/// Lao, Khmer, Myanmar), where each character counts as a word.
fn spaceless(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        | 0x3040..=0x30FF | 0x0E00..=0x0EFF | 0x1780..=0x17FF | 0x1000..=0x109F)
}

/// Flagged documents and their tokens, per flag, of one source (or a sum of sources).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QualityStats {
    /// Empty documents.
    pub empty: DocCount,
    /// Very short documents.
    pub very_short: DocCount,
    /// Mostly non-letter documents.
    pub mostly_non_letters: DocCount,
    /// Repeated-line documents.
    pub repeated_lines: DocCount,
    /// Documents with any flag.
    pub flagged: DocCount,
}

impl QualityStats {
    /// Records one document's verdict and tokens.
    pub fn record(&mut self, v: Verdict, tokens: u64) {
        let one = |flag: bool| DocCount {
            documents: u64::from(flag),
            tokens: if flag { tokens } else { 0 },
        };
        self.empty += one(v.empty);
        self.very_short += one(v.very_short);
        self.mostly_non_letters += one(v.mostly_non_letters);
        self.repeated_lines += one(v.repeated_lines);
        self.flagged += one(v.any());
    }
}

impl std::ops::AddAssign<&QualityStats> for QualityStats {
    fn add_assign(&mut self, o: &QualityStats) {
        self.empty += o.empty;
        self.very_short += o.very_short;
        self.mostly_non_letters += o.mostly_non_letters;
        self.repeated_lines += o.repeated_lines;
        self.flagged += o.flagged;
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

    #[test]
    fn counts_flagged_once() {
        let mut stats = QualityStats::default();
        stats.record(
            Verdict {
                very_short: true,
                mostly_non_letters: true,
                ..Verdict::default()
            },
            7,
        );
        stats.record(Verdict::default(), 100);
        assert_eq!(
            stats.flagged,
            DocCount {
                documents: 1,
                tokens: 7
            }
        );
        assert_eq!(stats.very_short, stats.mostly_non_letters);
    }
}
