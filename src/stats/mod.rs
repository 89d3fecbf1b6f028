//! Plain statistics values that merge exactly with `+=`: counters, token distributions and
//! per-source accumulations. Merging is associative and order-free, so per-thread partial
//! results can be combined in any grouping and give the same census.

mod counts;
mod distribution;
mod modality;

pub use counts::Counts;
pub use distribution::{DistributionSummary, TokenDistribution};
pub use modality::{AudioCounts, ImageCounts, ItemBytes, MediaCounts, VideoCounts, milliseconds};

use std::ops::AddAssign;

/// Everything counted for one source (or one category, or the totals).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceStats {
    /// Files, documents, bytes and tokens.
    pub counts: Counts,
    /// The distribution of tokens per document.
    pub tokens_per_document: TokenDistribution,
    /// Images, sounds, videos and other non-text items.
    pub media: MediaCounts,
    /// Processing signals (duplicates, personal data, languages, quality); zero when off.
    pub signals: crate::signals::SignalStats,
}

impl SourceStats {
    /// Records one counted document of `bytes` UTF-8 bytes and `tokens` tokens.
    #[inline]
    pub fn record_document(&mut self, bytes: u64, tokens: u64) {
        self.counts.documents += 1;
        self.counts.bytes += bytes;
        self.counts.tokens += tokens;
        self.tokens_per_document.record(tokens);
    }
}

impl AddAssign<&SourceStats> for SourceStats {
    fn add_assign(&mut self, other: &SourceStats) {
        self.counts += &other.counts;
        self.tokens_per_document += &other.tokens_per_document;
        self.media += &other.media;
        self.signals += &other.signals;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stats_of(docs: &[(u64, u64)], files: u64) -> SourceStats {
        let mut s = SourceStats::default();
        s.counts.files = files;
        for &(b, t) in docs {
            s.record_document(b, t);
        }
        s
    }

    proptest! {
        #[test]
        fn merge_is_associative_and_order_free(
            a in prop::collection::vec((0u64..10_000, 0u64..100_000), 0..40),
            b in prop::collection::vec((0u64..10_000, 0u64..100_000), 0..40),
            c in prop::collection::vec((0u64..10_000, 0u64..100_000), 0..40),
        ) {
            let (sa, sb, sc) = (stats_of(&a, 1), stats_of(&b, 2), stats_of(&c, 3));
            let mut left = sa.clone();
            left += &sb;
            left += &sc;
            let mut bc = sb.clone();
            bc += &sc;
            let mut right = sa.clone();
            right += &bc;
            let mut reversed = sc.clone();
            reversed += &sb;
            reversed += &sa;
            let all: Vec<_> = a.iter().chain(&b).chain(&c).copied().collect();
            let whole = stats_of(&all, 6);
            prop_assert_eq!(&left, &right);
            prop_assert_eq!(&left, &reversed);
            prop_assert_eq!(&left, &whole);
            prop_assert_eq!(left.tokens_per_document.summary(), whole.tokens_per_document.summary());
        }
    }
}
