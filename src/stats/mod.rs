//! The bottom layer: plain statistics values that merge exactly with `+=` (counters, token
//! distributions, modality tallies, collection months, web domains, signal figures,
//! categories) and their one serialised form ([`Tally`] and the types it holds), which
//! reports, shard parts and checkpoints all use. Merging is associative and order-free, so
//! per-thread partial results can be combined in any grouping and give the same census.
//! Nothing here reads files or knows tokenizers.

mod by_tokenizer;
mod category;
mod chat;
mod counts;
mod distribution;
mod domains;
mod estimate;
mod form_error;
mod modality;
mod month;
mod periods;
pub mod signals;
mod tally;

pub use by_tokenizer::{TokenizerStats, TokenizerTally, stats_by_tokenizer, tokens_by_tokenizer};
pub use category::Category;
pub use chat::{ChatStats, ChatTally, ConversationFigures, ROLES, RoleCount, role_index};
pub use counts::{Counts, DocTokens};
pub use distribution::{DistributionSummary, TokenDistribution};
pub use domains::{DOMAIN_CAP, DomainCount, DomainStats, Domains, OtherDomains};
pub use estimate::{Estimate, SizeCount, SizeSource};
pub use form_error::FormError;
pub use modality::{AudioCounts, ImageCounts, ItemBytes, MediaCounts, VideoCounts, milliseconds};
pub(crate) use month::ascii_digits;
pub use month::{MONTH_NAMES, Month, month_key, month_of, parse_month_key};
pub use periods::{Dating, PeriodStats, Periods};
pub use tally::{ByModality, Tally, TextCounts, TimedCounts, VideoReport, WebDatasetCounts};

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
    pub signals: signals::SignalStats,
    /// Text documents and tokens per collection month.
    pub periods: PeriodStats,
    /// Text documents and tokens per registered web domain.
    pub domains: DomainStats,
    /// Conversations (chat records): per role, turns, template tokens; zero without any.
    pub chat: ChatStats,
    /// The text tokens of each tokenizer after the primary one, when a run counts with
    /// several (empty otherwise).
    pub by_tokenizer: Vec<TokenizerStats>,
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

    /// Records where and when the document of `tokens` tokens last recorded came from.
    #[inline]
    pub fn record_provenance(&mut self, dating: Dating, domain: Option<&str>, tokens: u64) {
        self.periods.record(dating, tokens);
        self.domains.record(domain, tokens);
    }

    /// Records the tokens of the document last recorded under each tokenizer after the primary
    /// one (`tokens`, in the run's order), dated by `dating`.
    #[inline]
    pub fn record_more_tokens(&mut self, dating: Dating, tokens: &[u64]) {
        if self.by_tokenizer.len() < tokens.len() {
            self.by_tokenizer
                .resize_with(tokens.len(), TokenizerStats::default);
        }
        for (stats, &tokens) in self.by_tokenizer.iter_mut().zip(tokens) {
            stats.record(dating, tokens);
        }
    }
}

impl AddAssign<&SourceStats> for SourceStats {
    fn add_assign(&mut self, other: &SourceStats) {
        self.counts += &other.counts;
        self.tokens_per_document += &other.tokens_per_document;
        self.media += &other.media;
        self.signals += &other.signals;
        self.periods += &other.periods;
        self.domains += &other.domains;
        self.chat += &other.chat;
        by_tokenizer::add_all(&mut self.by_tokenizer, &other.by_tokenizer);
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
            let dating = match b % 3 {
                0 => Dating::Month((t % 7) as i32 + 24_000),
                1 => Dating::Undated,
                _ => Dating::Declared,
            };
            let domain = ["a.com", "b.org", "c.net"].get((t % 4) as usize).copied();
            s.record_provenance(dating, domain, t);
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
