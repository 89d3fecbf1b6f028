//! The figures of the other tokenizers of a run that counts with several: for each tokenizer
//! after the primary one, its text tokens, their distribution over documents and their split by
//! collection period ([`TokenizerStats`], merged with `+=` position by position), and their one
//! serialised form ([`TokenizerTally`]) under each tally's `tokens_by_tokenizer`. Every
//! tokenizer counts the same documents (a document one of them refuses is counted by none), and
//! media tokens come from the sources' token models, the same under every tokenizer; so each
//! tokenizer's figures are those a count with that tokenizer alone reports.

use super::{
    Counts, DistributionSummary, DocTokens, Estimate, FormError, MediaCounts, PeriodStats, Periods,
    SourceStats, TokenDistribution, month_key, parse_month_key,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// What one more tokenizer counted for a source (or for merged sources).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenizerStats {
    /// Text tokens.
    pub tokens: u64,
    /// The distribution of text tokens per document.
    pub tokens_per_document: TokenDistribution,
    /// Documents and text tokens per collection month (documents are the primary's).
    pub periods: PeriodStats,
}

impl TokenizerStats {
    /// Records one document of `tokens` tokens under this tokenizer, dated by `dating`.
    #[inline]
    pub fn record(&mut self, dating: super::Dating, tokens: u64) {
        self.tokens += tokens;
        self.tokens_per_document.record(tokens);
        self.periods.record(dating, tokens);
    }
}

impl AddAssign<&TokenizerStats> for TokenizerStats {
    fn add_assign(&mut self, other: &TokenizerStats) {
        self.tokens += other.tokens;
        self.tokens_per_document += &other.tokens_per_document;
        self.periods += &other.periods;
    }
}

/// Adds `theirs` to `mine` tokenizer by tokenizer (a side without any counted document holds
/// none).
pub(super) fn add_all(mine: &mut Vec<TokenizerStats>, theirs: &[TokenizerStats]) {
    if mine.len() < theirs.len() {
        mine.resize_with(theirs.len(), TokenizerStats::default);
    }
    for (mine, theirs) in mine.iter_mut().zip(theirs) {
        *mine += theirs;
    }
}

/// One tokenizer's figures in a tally: what a count with this tokenizer alone reports as the
/// tally's `tokens`, `by_modality.text.tokens`, `bytes_per_token`, `tokens_per_document` and
/// the tokens of its periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenizerTally {
    /// Tokens of every modality: text tokens under this tokenizer plus media tokens.
    pub tokens: u64,
    /// Text tokens.
    pub text_tokens: u64,
    /// UTF-8 bytes of text per text token (null without text tokens).
    pub bytes_per_token: Option<f64>,
    /// Text tokens per document (null without documents).
    pub tokens_per_document: Option<DistributionSummary>,
    /// For a source: the tokens-per-document histogram (HDR V2 deflate, base64) that lets
    /// `merge` combine shard reports exactly (absent elsewhere, and for the primary tokenizer,
    /// whose histogram is the source's `tokens_per_document_hdr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_per_document_hdr: Option<String>,
    /// Text tokens of dated records per UTC month, keyed `YYYY-MM`.
    #[serde(default)]
    pub by_month: BTreeMap<String, u64>,
    /// The same per year, keyed `YYYY`.
    #[serde(default)]
    pub by_year: BTreeMap<String, u64>,
    /// Text tokens of undated records.
    #[serde(default)]
    pub undated_tokens: u64,
    /// Text tokens of records of sources that declare a collection period.
    #[serde(default)]
    pub declared_tokens: u64,
    /// For `estimate`: this tokenizer's estimated figures with their interval (absent for a
    /// count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
}

impl TokenizerTally {
    /// The figures of a tokenizer that counted `tokens` text tokens distributed as
    /// `distribution` over the text of `counts`, split by `periods`, besides `media`;
    /// `hdr`: carry the histogram.
    fn of(
        counts: &Counts,
        tokens: u64,
        distribution: &TokenDistribution,
        periods: &Periods,
        media: &MediaCounts,
        hdr: bool,
    ) -> Self {
        let text = Counts { tokens, ..*counts };
        let only_tokens = |m: &BTreeMap<String, DocTokens>| {
            m.iter().map(|(k, v)| (k.clone(), v.tokens)).collect()
        };
        TokenizerTally {
            tokens: tokens + media.tokens(),
            text_tokens: tokens,
            bytes_per_token: text.bytes_per_token(),
            tokens_per_document: distribution.summary(),
            tokens_per_document_hdr: if hdr { distribution.to_base64() } else { None },
            by_month: only_tokens(&periods.by_month),
            by_year: only_tokens(&periods.by_year),
            undated_tokens: periods.undated.tokens,
            declared_tokens: periods.declared.tokens,
            estimate: None,
        }
    }

    /// The statistics these figures stand for, for a tally whose primary statistics are
    /// `primary` (the documents of every period are the primary's).
    fn to_stats(&self, primary: &SourceStats) -> Result<TokenizerStats, FormError> {
        let documents = primary.counts.documents;
        if self.tokens != self.text_tokens + primary.media.tokens() {
            return Err(FormError::Disagrees(
                "a tokenizer's tokens are not its text tokens plus the media tokens".into(),
            ));
        }
        let tokens_per_document = match (&self.tokens_per_document_hdr, &self.tokens_per_document) {
            (None, None) if documents == 0 => TokenDistribution::default(),
            (Some(hdr), Some(s)) => {
                let d = TokenDistribution::from_base64(hdr, s.min, s.max, self.text_tokens)?;
                if d.count() != documents {
                    return Err(FormError::Disagrees(format!(
                        "a tokenizer's histogram holds {} documents, the counts {documents}",
                        d.count()
                    )));
                }
                d
            }
            _ => {
                return Err(FormError::Missing(
                    "a tokenizer's tokens-per-document histogram",
                ));
            }
        };
        let mut periods = PeriodStats {
            undated: DocTokens {
                documents: primary.periods.undated.documents,
                tokens: self.undated_tokens,
            },
            declared: DocTokens {
                documents: primary.periods.declared.documents,
                tokens: self.declared_tokens,
            },
            ..PeriodStats::default()
        };
        for (month, counted) in &primary.periods.months {
            let tokens = self.by_month.get(&month_key(*month)).copied();
            let tokens = tokens.ok_or(FormError::Missing("a month of a tokenizer's figures"))?;
            let documents = counted.documents;
            periods
                .months
                .insert(*month, DocTokens { documents, tokens });
        }
        let months_known = self.by_month.keys().all(|k| parse_month_key(k).is_some());
        let month_tokens: u64 = periods.months.values().map(|c| c.tokens).sum();
        if !months_known
            || self.by_month.len() != periods.months.len()
            || month_tokens + self.undated_tokens + self.declared_tokens != self.text_tokens
        {
            return Err(FormError::Disagrees(
                "a tokenizer's months, undated and declared tokens do not add up to its text tokens"
                    .into(),
            ));
        }
        Ok(TokenizerStats {
            tokens: self.text_tokens,
            tokens_per_document,
            periods,
        })
    }
}

/// Each tokenizer's figures for `stats` (`names`: the run's tokenizers, primary first), keyed
/// by name; empty for a run with one tokenizer. `hdr`: carry the secondary tokenizers'
/// histograms (for a source, a shard part or a checkpoint).
pub fn tokens_by_tokenizer(
    stats: &SourceStats,
    names: &[String],
    hdr: bool,
) -> BTreeMap<String, TokenizerTally> {
    if names.len() < 2 {
        return BTreeMap::new();
    }
    let periods = stats.periods.to_form();
    let primary = TokenizerTally::of(
        &stats.counts,
        stats.counts.tokens,
        &stats.tokens_per_document,
        &periods,
        &stats.media,
        false,
    );
    let empty = TokenizerStats::default();
    let mut all = BTreeMap::from([(names[0].clone(), primary)]);
    for (i, name) in names.iter().enumerate().skip(1) {
        let more = stats.by_tokenizer.get(i - 1).unwrap_or(&empty);
        let periods = more.periods.to_form();
        let tally = TokenizerTally::of(
            &stats.counts,
            more.tokens,
            &more.tokens_per_document,
            &periods,
            &stats.media,
            hdr,
        );
        all.insert(name.clone(), tally);
    }
    all
}

/// The secondary tokenizers' statistics that `by_name` stands for, in the order of `names`
/// (primary first), for a tally whose primary statistics are `primary`.
pub fn stats_by_tokenizer(
    by_name: &BTreeMap<String, TokenizerTally>,
    names: &[String],
    primary: &SourceStats,
) -> Result<Vec<TokenizerStats>, FormError> {
    if names.len() < 2 {
        return Ok(Vec::new());
    }
    if by_name.len() != names.len() {
        return Err(FormError::Disagrees(format!(
            "tokens_by_tokenizer names {} tokenizers, the report {}",
            by_name.len(),
            names.len()
        )));
    }
    names[1..]
        .iter()
        .map(|name| {
            let tally = by_name
                .get(name)
                .ok_or(FormError::Missing("a tokenizer of tokens_by_tokenizer"))?;
            tally.to_stats(primary)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Dating;

    fn names() -> Vec<String> {
        vec!["a".into(), "b".into(), "c".into()]
    }

    /// A source of documents `(bytes, [tokens under each tokenizer], dating)`.
    fn stats_of(docs: &[(u64, [u64; 3], Dating)]) -> SourceStats {
        let mut stats = SourceStats::default();
        for &(bytes, tokens, dating) in docs {
            stats.record_document(bytes, tokens[0]);
            stats.record_provenance(dating, None, tokens[0]);
            stats.record_more_tokens(dating, &tokens[1..]);
        }
        stats.media.image.items = 1;
        stats.media.image.tokens = 100;
        stats
    }

    #[test]
    fn each_tokenizer_reads_back_and_merges_like_its_own_count() {
        let a = stats_of(&[
            (10, [3, 4, 5], Dating::Month(24_290)),
            (20, [6, 6, 9], Dating::Undated),
        ]);
        let b = stats_of(&[(7, [1, 2, 2], Dating::Month(24_291))]);
        let form = tokens_by_tokenizer(&a, &names(), true);
        assert_eq!(form["a"].tokens, 109);
        assert_eq!(form["b"].text_tokens, 10);
        assert_eq!(form["c"].tokens, 114);
        assert_eq!(form["c"].undated_tokens, 9);
        assert_eq!(form["c"].by_month.values().sum::<u64>(), 5);
        assert_eq!(form["c"].bytes_per_token, Some(30.0 / 14.0));
        let back = stats_by_tokenizer(&form, &names(), &a).unwrap();
        assert_eq!(back, a.by_tokenizer);
        let mut merged = a.clone();
        merged += &b;
        assert_eq!(merged.by_tokenizer[1].tokens, 16);
        assert_eq!(merged.by_tokenizer[0].tokens_per_document.count(), 3);
        let mut swapped = b.clone();
        swapped += &a;
        assert_eq!(swapped.by_tokenizer, merged.by_tokenizer);
    }

    #[test]
    fn one_tokenizer_adds_nothing_and_bad_forms_are_refused() {
        let a = stats_of(&[(10, [3, 4, 5], Dating::Undated)]);
        assert!(tokens_by_tokenizer(&a, &names()[..1], true).is_empty());
        let mut form = tokens_by_tokenizer(&a, &names(), true);
        form.get_mut("b").unwrap().tokens += 1;
        assert!(stats_by_tokenizer(&form, &names(), &a).is_err());
        form.remove("b");
        assert!(stats_by_tokenizer(&form, &names(), &a).is_err());
        let without_hdr = tokens_by_tokenizer(&a, &names(), false);
        assert!(stats_by_tokenizer(&without_hdr, &names(), &a).is_err());
    }
}
