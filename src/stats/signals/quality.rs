//! Quality figures of one source: flagged documents and their tokens per flag. Merges with
//! `+=`.

use crate::stats::DocTokens;

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

/// Flagged documents and their tokens, per flag, of one source (or a sum of sources).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QualityStats {
    /// Empty documents.
    pub empty: DocTokens,
    /// Very short documents.
    pub very_short: DocTokens,
    /// Mostly non-letter documents.
    pub mostly_non_letters: DocTokens,
    /// Repeated-line documents.
    pub repeated_lines: DocTokens,
    /// Documents with any flag.
    pub flagged: DocTokens,
}

impl QualityStats {
    /// Records one document's verdict and tokens.
    pub fn record(&mut self, v: Verdict, tokens: u64) {
        let one = |flag: bool| DocTokens {
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
            DocTokens {
                documents: 1,
                tokens: 7
            }
        );
        assert_eq!(stats.very_short, stats.mostly_non_letters);
    }
}
