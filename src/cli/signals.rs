//! The `count` arguments that switch on processing signals and set their thresholds.

use clap::Args;
use tokencensus::CountConfig;
use tokencensus::SignalKind;

/// Processing-signal arguments.
#[derive(Debug, Args)]
pub struct SignalsArgs {
    /// Processing signals to compute in the same pass: dedup, pii, lang, quality, or all
    /// (comma-separated; added to the manifest's [signals] enable list).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = check_signal)]
    signals: Vec<String>,
    /// Quality signal: documents with fewer words are very short [default: 10].
    #[arg(long, value_name = "N")]
    min_words: Option<u64>,
    /// Dedup signal: the most distinct texts held exactly before the figures come from
    /// sketches [default: 4194304].
    #[arg(long, value_name = "N")]
    dedup_exact_limit: Option<u64>,
}

fn check_signal(name: &str) -> Result<String, tokencensus::UnknownSignal> {
    SignalKind::parse_list(name).map(|_| name.to_string())
}

impl SignalsArgs {
    /// Puts the request into `config`.
    pub fn apply(&self, config: &mut CountConfig) {
        config.signals.enabled = (self.signals.iter())
            .flat_map(|name| SignalKind::parse_list(name).unwrap_or_default())
            .collect();
        config.signals.min_words = self.min_words;
        config.signals.dedup_exact_limit = self.dedup_exact_limit;
    }
}
