//! Which processing signals a count computes and with which thresholds: from `--signals` and
//! the manifest's `[signals]` table, combined into one validated [`SignalsConfig`] that the
//! report states (so that shard parts with different settings are never merged).

pub use crate::stats::signals::{
    DEFAULT_DEDUP_EXACT_LIMIT, LANG_PREFIX_BYTES, SignalKind, SignalsConfig, Thresholds,
    UnknownSignal,
};
use serde::Deserialize;

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

/// Why the processing signals asked for cannot be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignalsError {
    /// A name in a list of signals that names no signal.
    #[error(transparent)]
    Unknown(#[from] UnknownSignal),
    /// A share threshold outside 0..=1.
    #[error("signals: {name} must be between 0 and 1, not {share}")]
    ShareOutOfRange {
        /// The setting.
        name: &'static str,
        /// The value given.
        share: f64,
    },
    /// `min_lines` below 2 (the repeated-line share needs two lines).
    #[error("signals: min_lines must be at least 2")]
    TooFewLines(u64),
}

impl SignalsRequest {
    /// The effective settings: the union of both lists of signals, command-line values over
    /// the manifest's over the defaults. `None` when no signal is enabled.
    pub fn resolve(
        &self,
        table: Option<&SignalsTable>,
    ) -> Result<Option<SignalsConfig>, SignalsError> {
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
                return Err(SignalsError::ShareOutOfRange { name, share });
            }
        }
        if quality.min_lines < 2 {
            return Err(SignalsError::TooFewLines(quality.min_lines));
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
