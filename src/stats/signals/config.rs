//! The settings that define signal figures: which signals ran and with which thresholds. A
//! report states them (so that shard parts with different settings are never merged), and the
//! figures' serialised form depends on them.

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
    pub fn parse_list(name: &str) -> Result<Vec<SignalKind>, UnknownSignal> {
        match name.trim() {
            "all" => Ok(Self::ALL.to_vec()),
            other => Self::ALL
                .into_iter()
                .find(|k| k.name() == other)
                .map(|k| vec![k])
                .ok_or_else(|| UnknownSignal(other.to_string())),
        }
    }
}

/// A name in a `--signals` list that names no signal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown signal {0:?} (expected dedup, pii, lang, quality or all)")]
pub struct UnknownSignal(pub String);

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
