//! The serialised form of signal figures (`signals` in every report tally and checkpoint when
//! they ran): serde types, their construction from the statistics, and the inverse that
//! `merge` and checkpoints use. A tally's duplicate figures count duplicates within its own
//! scope: within the source for a source, within the category's sources for a category,
//! across all sources for the totals.

use super::lang::{DETECTOR, code, english_name};
use super::{
    Attribution, ExactState, LangStats, PiiKind, PiiStats, QualityStats, SignalKind, SignalStats,
    SignalsConfig, Sketch, Thresholds,
};
use crate::stats::{DocTokens, FormError};
use serde::{Deserialize, Serialize};

/// Which tally a report is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One source.
    Source,
    /// The sources of one category.
    Category,
    /// All sources.
    Total,
}

/// The signals of one tally; each part present only when its signal ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalsReport {
    /// Duplicate documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedup: Option<DedupReport>,
    /// Personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pii: Option<PiiReport>,
    /// Languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<LangReport>,
    /// Quality flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<QualityReport>,
}

/// Duplicate documents: every copy of a text after the first is a duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DedupReport {
    /// Whether the figures are exact (a run within the exact limit, or sketches that held
    /// every distinct text); false for estimates from the sketches.
    pub exact: bool,
    /// Relative standard error of the distinct-document estimate (0 when exact).
    pub relative_error: f64,
    /// Relative standard error of the distinct-token estimate (0 when exact).
    pub tokens_relative_error: f64,
    /// Documents that repeat an earlier document's exact text.
    pub duplicate_documents: u64,
    /// Their tokens.
    pub duplicate_tokens: u64,
    /// Documents whose normalized text repeats an earlier one's.
    pub normalized_duplicate_documents: u64,
    /// Their tokens (of each group, the copy with the fewest tokens is the one kept).
    pub normalized_duplicate_tokens: u64,
    /// Share of text tokens left after removing exact duplicates (null without tokens).
    pub remaining_token_share: Option<f64>,
    /// Share of text tokens left after removing normalized duplicates (null without tokens).
    pub normalized_remaining_token_share: Option<f64>,
    /// Sources only: the bottom-k sketch of exact text hashes (base64), for `merge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sketch: Option<String>,
    /// Sources only: the same for normalized text hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized_sketch: Option<String>,
}

/// Documents with at least one match, and matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiCount {
    /// Documents with at least one match.
    pub documents: u64,
    /// Matches.
    pub matches: u64,
}

/// Personal data found, per kind (never the matched text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiReport {
    /// E-mail addresses.
    pub email: PiiCount,
    /// Phone numbers.
    pub phone: PiiCount,
    /// IPv4 and IPv6 addresses.
    pub ip: PiiCount,
    /// Luhn-valid payment card numbers.
    pub payment_card: PiiCount,
    /// Checksum-valid IBANs.
    pub iban: PiiCount,
    /// Documents with any match.
    pub any_documents: u64,
}

/// Documents and tokens of one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageCount {
    /// ISO 639-3 code.
    pub language: String,
    /// English name.
    pub name: String,
    /// Documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
}

/// The language distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LangReport {
    /// The identifier, with its version.
    pub detector: String,
    /// Leading bytes of each document the language was detected on.
    pub prefix_bytes: usize,
    /// Every detected language, most tokens first (ties by code).
    pub languages: Vec<LanguageCount>,
    /// Documents of no reliably detected language.
    pub unknown: DocTokens,
}

/// Documents flagged by the quality heuristics, with the thresholds used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// The thresholds.
    pub thresholds: Thresholds,
    /// Only whitespace.
    pub empty: DocTokens,
    /// Fewer than `min_words` words.
    pub very_short: DocTokens,
    /// Letters under `min_letter_share` of the non-whitespace characters.
    pub mostly_non_letters: DocTokens,
    /// Over `max_repeated_line_share` of the lines repeated.
    pub repeated_lines: DocTokens,
    /// Any of these (each document once).
    pub flagged: DocTokens,
}

impl SignalsReport {
    /// The signals report of a tally with signal figures `s` and `text` documents and tokens.
    pub fn of(s: &SignalStats, text: DocTokens, config: &SignalsConfig, scope: Scope) -> Self {
        SignalsReport {
            dedup: config
                .has(SignalKind::Dedup)
                .then(|| dedup_report(s, text, scope)),
            pii: config.has(SignalKind::Pii).then(|| pii_report(&s.pii)),
            lang: config
                .has(SignalKind::Lang)
                .then(|| lang_report(&s.lang, config)),
            quality: config.has(SignalKind::Quality).then_some(QualityReport {
                thresholds: config.quality,
                empty: s.quality.empty,
                very_short: s.quality.very_short,
                mostly_non_letters: s.quality.mostly_non_letters,
                repeated_lines: s.quality.repeated_lines,
                flagged: s.quality.flagged,
            }),
        }
    }

    /// The statistics a source's signals report stands for (the inverse of
    /// [`SignalsReport::of`]); exact duplicate figures do not survive it, the sketches do.
    pub fn to_stats(&self) -> Result<SignalStats, FormError> {
        stats_of_signals(self)
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn dedup_report(s: &SignalStats, text: DocTokens, scope: Scope) -> DedupReport {
    let pick = |a: &Attribution| match scope {
        Scope::Source => a.in_source,
        Scope::Category => a.first_in_category,
        Scope::Total => a.first_overall,
    };
    let (distinct, normalized, exact, errors) = match &s.dedup.exact {
        ExactState::Known { exact, normalized } => {
            (pick(exact), pick(normalized), true, (0.0, 0.0))
        }
        ExactState::Pending | ExactState::Unknown => {
            let (e, n) = (
                s.dedup.sketch.estimate(),
                s.dedup.normalized_sketch.estimate(),
            );
            let round = |d: f64, t: f64| DocTokens {
                documents: d.round() as u64,
                tokens: t.round() as u64,
            };
            (
                round(e.distinct, e.distinct_tokens),
                round(n.distinct, n.distinct_tokens),
                e.exact && n.exact,
                (
                    e.relative_error.max(n.relative_error),
                    e.tokens_relative_error.max(n.tokens_relative_error),
                ),
            )
        }
    };
    let duplicates = |d: DocTokens| DocTokens {
        documents: text.documents.saturating_sub(d.documents),
        tokens: text.tokens.saturating_sub(d.tokens),
    };
    let (dup, norm) = (duplicates(distinct), duplicates(normalized));
    let sketches = scope == Scope::Source;
    DedupReport {
        exact,
        relative_error: errors.0,
        tokens_relative_error: errors.1,
        duplicate_documents: dup.documents,
        duplicate_tokens: dup.tokens,
        normalized_duplicate_documents: norm.documents,
        normalized_duplicate_tokens: norm.tokens,
        remaining_token_share: share(text.tokens - dup.tokens, text.tokens),
        normalized_remaining_token_share: share(text.tokens - norm.tokens, text.tokens),
        sketch: sketches.then(|| s.dedup.sketch.to_base64()),
        normalized_sketch: sketches.then(|| s.dedup.normalized_sketch.to_base64()),
    }
}

fn pii_report(p: &PiiStats) -> PiiReport {
    let of = |k: PiiKind| PiiCount {
        documents: p.documents[k as usize],
        matches: p.matches[k as usize],
    };
    PiiReport {
        email: of(PiiKind::Email),
        phone: of(PiiKind::Phone),
        ip: of(PiiKind::Ip),
        payment_card: of(PiiKind::PaymentCard),
        iban: of(PiiKind::Iban),
        any_documents: p.any_documents,
    }
}

fn lang_report(l: &LangStats, config: &SignalsConfig) -> LangReport {
    let mut list: Vec<LanguageCount> = (0..l.languages.len())
        .filter(|&i| l.get(i).documents > 0)
        .map(|i| LanguageCount {
            language: code(i).to_string(),
            name: english_name(i).to_string(),
            documents: l.get(i).documents,
            tokens: l.get(i).tokens,
        })
        .collect();
    list.sort_by(|a, b| (b.tokens, &a.language).cmp(&(a.tokens, &b.language)));
    LangReport {
        detector: DETECTOR.into(),
        prefix_bytes: config.lang_prefix_bytes,
        languages: list,
        unknown: l.unknown,
    }
}

fn stats_of_signals(r: &SignalsReport) -> Result<SignalStats, FormError> {
    let mut s = SignalStats::default();
    if let Some(d) = &r.dedup {
        let sketch = |text: &Option<String>| match text {
            Some(t) => Sketch::from_base64(t),
            None => Err(FormError::Missing("a source's dedup sketch")),
        };
        s.dedup.sketch = sketch(&d.sketch)?;
        s.dedup.normalized_sketch = sketch(&d.normalized_sketch)?;
        s.dedup.exact = ExactState::Unknown;
    }
    if let Some(p) = &r.pii {
        for (k, c) in PiiKind::ALL
            .iter()
            .zip([p.email, p.phone, p.ip, p.payment_card, p.iban])
        {
            s.pii.documents[*k as usize] = c.documents;
            s.pii.matches[*k as usize] = c.matches;
        }
        s.pii.any_documents = p.any_documents;
    }
    if let Some(l) = &r.lang {
        let codes = l.languages.iter().map(|c| {
            let count = DocTokens {
                documents: c.documents,
                tokens: c.tokens,
            };
            (c.language.as_str(), count)
        });
        s.lang = LangStats::from_codes(codes, l.unknown).map_err(FormError::Undecodable)?;
    }
    if let Some(q) = &r.quality {
        s.quality = QualityStats {
            empty: q.empty,
            very_short: q.very_short,
            mostly_non_letters: q.mostly_non_letters,
            repeated_lines: q.repeated_lines,
            flagged: q.flagged,
        };
    }
    Ok(s)
}
