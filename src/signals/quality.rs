//! Quality signal: documents that are empty (only whitespace), very short (fewer than
//! `min_words` whitespace-separated words), mostly non-letters (letters, by
//! `char::is_alphabetic`, are fewer than `min_letter_share` of the non-whitespace characters),
//! or repeated-line spam (of at least `min_lines` non-blank lines, more than
//! `max_repeated_line_share` repeat an earlier line of the same document, compared after
//! trimming whitespace). A document may carry several flags; `flagged` counts it once.

use super::DocCount;
use super::config::Thresholds;
use std::collections::HashSet;

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
pub fn assess(text: &str, t: &Thresholds, lines: &mut HashSet<u64>) -> Verdict {
    let (mut words, mut letters, mut visible) = (0u64, 0u64, 0u64);
    let mut in_word = false;
    if text.is_ascii() {
        for &b in text.as_bytes() {
            let space = matches!(b, b'\t'..=b'\r' | b' ');
            words += u64::from(!space && !in_word);
            in_word = !space;
            visible += u64::from(!space);
            letters += u64::from(b.is_ascii_alphabetic());
        }
    } else {
        for c in text.chars() {
            let space = c.is_whitespace();
            words += u64::from(!space && !in_word);
            in_word = !space;
            visible += u64::from(!space);
            letters += u64::from(c.is_alphabetic());
        }
    }
    let empty = visible == 0;
    lines.clear();
    let (mut total, mut repeated) = (0u64, 0u64);
    for line in text.split('\n') {
        let line = line.trim();
        if !line.is_empty() {
            total += 1;
            repeated += u64::from(!lines.insert(twox_hash::XxHash3_64::oneshot(line.as_bytes())));
        }
    }
    Verdict {
        empty,
        very_short: !empty && words < t.min_words,
        mostly_non_letters: !empty && (letters as f64) < t.min_letter_share * visible as f64,
        repeated_lines: total >= t.min_lines
            && repeated as f64 > t.max_repeated_line_share * total as f64,
    }
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
        assess(text, &Thresholds::default(), &mut HashSet::new())
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
