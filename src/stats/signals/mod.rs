//! Processing-signal figures: plain values that merge exactly with `+=` like the rest of
//! [`crate::stats`], the settings that define them ([`SignalsConfig`]) and their one serialised
//! form ([`SignalsReport`], in every report tally and checkpoint). The signals themselves are
//! computed by the `signals` module in the counting pass.

mod config;
mod dedup;
mod form;
pub mod lang;
mod pii;
mod quality;
mod sketch;

pub use config::{
    DEFAULT_DEDUP_EXACT_LIMIT, DEFAULT_MAX_REPEATED_LINE_SHARE, DEFAULT_MIN_LETTER_SHARE,
    DEFAULT_MIN_LINES, DEFAULT_MIN_WORDS, LANG_PREFIX_BYTES, SignalKind, SignalsConfig, Thresholds,
    UnknownSignal,
};
pub use dedup::{Attribution, DedupStats, ExactState};
pub use form::{
    DedupReport, LangReport, LanguageCount, PiiCount, PiiReport, QualityReport, Scope,
    SignalsReport,
};
pub use lang::LangStats;
pub use pii::{Matches, PiiKind, PiiStats};
pub use quality::{QualityStats, Verdict};
pub use sketch::{Sketch, SketchEstimate};

/// Every signal's figures for one source (or a sum of sources); zero for signals not run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalStats {
    /// Duplicates.
    pub dedup: DedupStats,
    /// Personal data.
    pub pii: PiiStats,
    /// Languages.
    pub lang: LangStats,
    /// Quality flags.
    pub quality: QualityStats,
}

impl std::ops::AddAssign<&SignalStats> for SignalStats {
    fn add_assign(&mut self, other: &SignalStats) {
        self.dedup += &other.dedup;
        self.pii += &other.pii;
        self.lang += &other.lang;
        self.quality += &other.quality;
    }
}
