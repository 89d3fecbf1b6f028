//! De-duplication figures of one source: a bottom-k sketch of each text hash (for merged
//! shard reports) and the exact attribution that the run's de-duplication index fills in once
//! counting is done. Merges with `+=`.

use super::sketch::Sketch;
use crate::stats::DocTokens;

/// Exact duplicate figures of one source, as the run's index attributes them: every distinct
/// text counts once in each source that holds it (`in_source`), once overall in the first
/// (lowest-index) source that holds it (`first_overall`), and once per category in the first
/// source of that category that holds it (`first_in_category`). Sums of these over the
/// sources of a category, or over all sources, are the distinct texts of that category or of
/// the whole corpus, whatever the order documents were counted in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attribution {
    /// Distinct texts of this source.
    pub in_source: DocTokens,
    /// Distinct texts whose first source in this source's category is this source.
    pub first_in_category: DocTokens,
    /// Distinct texts whose first source overall is this source.
    pub first_overall: DocTokens,
}

impl std::ops::AddAssign<&Attribution> for Attribution {
    fn add_assign(&mut self, other: &Attribution) {
        self.in_source += other.in_source;
        self.first_in_category += other.first_in_category;
        self.first_overall += other.first_overall;
    }
}

/// Where the exact figures stand: not attributed yet (the identity of `+=`), attributed, or
/// unknown (the index overflowed, or the statistics came from a merged report).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExactState {
    /// Nothing attributed yet.
    #[default]
    Pending,
    /// Attributed by the index: exact texts and normalized texts.
    Known {
        /// By the exact hash.
        exact: Attribution,
        /// By the normalized hash.
        normalized: Attribution,
    },
    /// Only the sketches are known.
    Unknown,
}

impl std::ops::AddAssign<&ExactState> for ExactState {
    fn add_assign(&mut self, other: &ExactState) {
        *self = match (*self, other) {
            (ExactState::Unknown, _) | (_, ExactState::Unknown) => ExactState::Unknown,
            (ExactState::Pending, theirs) => *theirs,
            (mine, ExactState::Pending) => mine,
            (
                ExactState::Known {
                    mut exact,
                    mut normalized,
                },
                ExactState::Known {
                    exact: e,
                    normalized: n,
                },
            ) => {
                exact += e;
                normalized += n;
                ExactState::Known { exact, normalized }
            }
        };
    }
}

/// De-duplication figures of one source (or a sum of sources).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DedupStats {
    /// Bottom-k sketch of the exact hashes.
    pub sketch: Sketch,
    /// Bottom-k sketch of the normalized hashes.
    pub normalized_sketch: Sketch,
    /// The exact figures (never saved: attributed anew at the end of every run).
    pub exact: ExactState,
}

impl DedupStats {
    /// Records one document of `tokens` tokens by its exact and normalized text hashes.
    #[inline]
    pub fn record(&mut self, exact: u64, normalized: u64, tokens: u64) {
        self.sketch.record(exact, tokens);
        self.normalized_sketch.record(normalized, tokens);
    }
}

impl std::ops::AddAssign<&DedupStats> for DedupStats {
    fn add_assign(&mut self, other: &DedupStats) {
        self.sketch += &other.sketch;
        self.normalized_sketch += &other.normalized_sketch;
        self.exact += &other.exact;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_state_merges_with_pending_as_identity() {
        let one = Attribution {
            in_source: DocTokens {
                documents: 1,
                tokens: 5,
            },
            ..Attribution::default()
        };
        let known = ExactState::Known {
            exact: one,
            normalized: one,
        };
        let mut s = ExactState::Pending;
        s += &known;
        assert_eq!(s, known);
        s += &known;
        let ExactState::Known { exact, .. } = s else {
            panic!("{s:?}")
        };
        assert_eq!(exact.in_source.tokens, 10);
        s += &ExactState::Unknown;
        s += &known;
        assert_eq!(s, ExactState::Unknown);
    }
}
