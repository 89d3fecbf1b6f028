//! Which processing signals a count computes and with which thresholds: from `--signals` and
//! the manifest's `[signals]` table, combined into one validated [`SignalsConfig`] that the
//! report states (so that shard parts with different settings are never merged).

use serde::{Deserialize, Serialize};

/// One processing signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// Exact and normalized duplicate documents.
    Dedup,
    /// E-mail addresses, phone numbers, IP addresses, payment cards and IBANs.
    Pii,
    /// The language of each document.
    Lang,
    /// Empty, very short, mostly non-letter and repeated-line documents.
    Quality,
}

impl SignalKind {
    /// Every signal, in report order.
    pub const ALL: [SignalKind; 4] = [
        SignalKind::Dedup,
        SignalKind::Pii,
        SignalKind::Lang,
        SignalKind::Quality,
    ];

    /// The name used on the command line, in manifests and in reports.
    pub fn name(self) -> &'static str {
        match self {
            SignalKind::Dedup => "dedup",
            SignalKind::Pii => "pii",
            SignalKind::Lang => "lang",
            SignalKind::Quality => "quality",
        }
    }

    /// Parses one name of a `--signals` list; `all` stands for every signal.
    pub fn parse_list(name: &str) -> Result<Vec<SignalKind>, String> {
        match name.trim() {
            "all" => Ok(Self::ALL.to_vec()),
            other => Self::ALL
                .into_iter()
                .find(|k| k.name() == other)
                .map(|k| vec![k])
                .ok_or_else(|| {
                    format!("unknown signal {other:?} (expected dedup, pii, lang, quality or all)")
                }),
        }
    }
}

/// Default of [`Thresholds::min_words`].
pub const DEFAULT_MIN_WORDS: u64 = 10;
/// Default of [`Thresholds::min_letter_share`].
pub const DEFAULT_MIN_LETTER_SHARE: f64 = 0.5;
/// Default of [`Thresholds::max_repeated_line_share`].
pub const DEFAULT_MAX_REPEATED_LINE_SHARE: f64 = 0.3;
/// Default of [`Thresholds::min_lines`].
pub const DEFAULT_MIN_LINES: u64 = 3;
/// Default of [`SignalsConfig::dedup_exact_limit`]: distinct texts held exactly (2^22).
pub const DEFAULT_DEDUP_EXACT_LIMIT: u64 = 1 << 22;
/// How many leading bytes of each document the language is detected on.
pub const LANG_PREFIX_BYTES: usize = 256;

/// The quality thresholds, stated in every report that has the quality signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// A document with fewer whitespace-separated words (but not empty) is very short.
    pub min_words: u64,
    /// A document whose letters are fewer than this share of its non-whitespace characters is
    /// mostly non-letters.
    pub min_letter_share: f64,
    /// A document of at least `min_lines` non-blank lines is repeated-line spam when more than
    /// this share of them repeat an earlier line of the same document.
    pub max_repeated_line_share: f64,
    /// The fewest non-blank lines a document needs to be judged on repeated lines.
    pub min_lines: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            min_words: DEFAULT_MIN_WORDS,
            min_letter_share: DEFAULT_MIN_LETTER_SHARE,
            max_repeated_line_share: DEFAULT_MAX_REPEATED_LINE_SHARE,
            min_lines: DEFAULT_MIN_LINES,
        }
    }
}

/// The validated signal settings of a count (reported under `settings.signals`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalsConfig {
    /// The signals computed, in report order, without repeats.
    pub enabled: Vec<SignalKind>,
    /// Quality thresholds.
    pub quality: Thresholds,
    /// The most distinct texts the exact de-duplication index holds; beyond it the run's
    /// duplicate figures come from the sketches (`exact: false`).
    pub dedup_exact_limit: u64,
    /// Leading bytes of each document the language is detected on.
    pub lang_prefix_bytes: usize,
}

impl SignalsConfig {
    /// Whether `kind` is computed.
    pub fn has(&self, kind: SignalKind) -> bool {
        self.enabled.contains(&kind)
    }

    /// A one-line description of everything that changes signal figures (checkpoint keys).
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The manifest's optional `[signals]` table; every key optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalsTable {
    /// Signals to compute: names from dedup, pii, lang, quality, or `all`.
    #[serde(default)]
    pub enable: Vec<String>,
    /// See [`Thresholds::min_words`].
    pub min_words: Option<u64>,
    /// See [`Thresholds::min_letter_share`].
    pub min_letter_share: Option<f64>,
    /// See [`Thresholds::max_repeated_line_share`].
    pub max_repeated_line_share: Option<f64>,
    /// See [`Thresholds::min_lines`].
    pub min_lines: Option<u64>,
    /// See [`SignalsConfig::dedup_exact_limit`].
    pub dedup_exact_limit: Option<u64>,
}

/// What the command line asks for; combined with the manifest's table by [`SignalsRequest::resolve`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalsRequest {
    /// Signals named by `--signals` (in addition to the manifest's).
    pub enabled: Vec<SignalKind>,
    /// `--min-words`, overriding the manifest.
    pub min_words: Option<u64>,
    /// `--dedup-exact-limit`, overriding the manifest.
    pub dedup_exact_limit: Option<u64>,
}

impl SignalsRequest {
    /// The effective settings: the union of both lists of signals, command-line values over
    /// the manifest's over the defaults. `None` when no signal is enabled.
    pub fn resolve(&self, table: Option<&SignalsTable>) -> Result<Option<SignalsConfig>, String> {
        let empty = SignalsTable::default();
        let table = table.unwrap_or(&empty);
        let mut enabled = self.enabled.clone();
        for name in &table.enable {
            enabled.extend(SignalKind::parse_list(name)?);
        }
        enabled.sort();
        enabled.dedup();
        let defaults = Thresholds::default();
        let quality = Thresholds {
            min_words: self
                .min_words
                .or(table.min_words)
                .unwrap_or(defaults.min_words),
            min_letter_share: table.min_letter_share.unwrap_or(defaults.min_letter_share),
            max_repeated_line_share: table
                .max_repeated_line_share
                .unwrap_or(defaults.max_repeated_line_share),
            min_lines: table.min_lines.unwrap_or(defaults.min_lines),
        };
        for (name, share) in [
            ("min_letter_share", quality.min_letter_share),
            ("max_repeated_line_share", quality.max_repeated_line_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(format!(
                    "signals: {name} must be between 0 and 1, not {share}"
                ));
            }
        }
        if quality.min_lines < 2 {
            return Err("signals: min_lines must be at least 2".into());
        }
        if enabled.is_empty() {
            return Ok(None);
        }
        let dedup_exact_limit = self
            .dedup_exact_limit
            .or(table.dedup_exact_limit)
            .unwrap_or(DEFAULT_DEDUP_EXACT_LIMIT);
        Ok(Some(SignalsConfig {
            enabled,
            quality,
            dedup_exact_limit,
            lang_prefix_bytes: LANG_PREFIX_BYTES,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_union_and_all() {
        let request = SignalsRequest {
            enabled: vec![SignalKind::Pii],
            ..Default::default()
        };
        assert_eq!(
            request.resolve(None).unwrap().unwrap().enabled,
            [SignalKind::Pii]
        );
        let table = SignalsTable {
            enable: vec!["lang".into(), "pii".into()],
            min_words: Some(3),
            ..Default::default()
        };
        let config = request.resolve(Some(&table)).unwrap().unwrap();
        assert_eq!(config.enabled, [SignalKind::Pii, SignalKind::Lang]);
        assert_eq!(config.quality.min_words, 3);
        let all = SignalKind::parse_list("all").unwrap();
        assert_eq!(all, SignalKind::ALL);
        assert!(SignalKind::parse_list("toxicity").is_err());
        assert_eq!(SignalsRequest::default().resolve(None).unwrap(), None);
    }

    #[test]
    fn command_line_overrides_manifest_and_shares_are_checked() {
        let request = SignalsRequest {
            enabled: vec![SignalKind::Quality],
            min_words: Some(7),
            dedup_exact_limit: Some(9),
        };
        let table = SignalsTable {
            min_words: Some(3),
            dedup_exact_limit: Some(100),
            ..Default::default()
        };
        let config = request.resolve(Some(&table)).unwrap().unwrap();
        assert_eq!((config.quality.min_words, config.dedup_exact_limit), (7, 9));
        let bad = SignalsTable {
            min_letter_share: Some(1.5),
            ..Default::default()
        };
        assert!(request.resolve(Some(&bad)).is_err());
    }
}
