//! The one serialised form of a [`SourceStats`]: a [`Tally`] (with, for a source, its
//! tokens-per-document histogram) as every report, shard part and checkpoint holds it. Counts
//! come with their derived figures (bytes per token, the distribution's summary, totals per
//! modality); [`Tally::to_stats`] turns a tally back into the statistics it stands for, so
//! that saved tallies merge exactly.

use super::signals::{Scope, SignalsConfig, SignalsReport};
use super::{
    AudioCounts, ChatTally, Counts, DistributionSummary, Domains, Estimate, FormError, ImageCounts,
    ItemBytes, MediaCounts, Periods, SourceStats, TokenDistribution, TokenizerTally, VideoCounts,
    milliseconds, stats_by_tokenizer, tokens_by_tokenizer,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts with their derived figures, shared by sources, categories and totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// The exact counters; `tokens` is the sum over all modalities, `documents` and `bytes`
    /// are those of text.
    #[serde(flatten)]
    pub counts: Counts,
    /// UTF-8 bytes of text per text token (null without text tokens).
    pub bytes_per_token: Option<f64>,
    /// Tokens per text document (null without documents).
    pub tokens_per_document: Option<DistributionSummary>,
    /// With several tokenizers: each one's tokens, keyed by its name in the report's
    /// `tokenizers` (the primary's too); absent with one tokenizer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens_by_tokenizer: BTreeMap<String, TokenizerTally>,
    /// Documents, items, sizes and tokens per modality.
    pub by_modality: ByModality,
    /// Media files and WebDataset members of formats no probe reads: counted here, not as
    /// errors and not as tokens.
    pub unsupported: ItemBytes,
    /// WebDataset shards: samples, and members that are metadata (`.json`, `.cls`, ...).
    pub webdataset: WebDatasetCounts,
    /// When the text records were collected: per month and year, undated, declared.
    #[serde(flatten)]
    pub periods: Periods,
    /// Which registered web domains the text records came from.
    #[serde(flatten)]
    pub domains: Domains,
    /// For `estimate`: the estimated figures with their interval (absent for a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// Processing signals (duplicates, personal data, languages, quality), when they ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<SignalsReport>,
    /// Conversations (chat records), when any was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<ChatTally>,
}

/// The census split by modality; `tokens` of the tally is the sum of the four.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByModality {
    /// Text documents.
    pub text: TextCounts,
    /// Still images.
    pub image: ImageCounts,
    /// Sounds.
    pub audio: TimedCounts,
    /// Videos (their soundtracks' tokens included).
    pub video: VideoReport,
}

/// Text: documents, UTF-8 bytes and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextCounts {
    /// Documents.
    pub documents: u64,
    /// UTF-8 bytes.
    pub bytes: u64,
    /// Tokens.
    pub tokens: u64,
}

/// Sounds: items, total duration and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimedCounts {
    /// Items.
    pub items: u64,
    /// Total duration in seconds (each item rounded to whole milliseconds).
    pub seconds: f64,
    /// Tokens.
    pub tokens: u64,
}

/// Videos: items, total duration, sampled frames and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VideoReport {
    /// Items.
    pub items: u64,
    /// Total duration in seconds (each item rounded to whole milliseconds).
    pub seconds: f64,
    /// Frames sampled under the video model.
    pub frames: u64,
    /// Tokens of pictures and soundtracks.
    pub tokens: u64,
}

/// What WebDataset shards held besides text and media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebDatasetCounts {
    /// Samples (runs of members that share a key).
    pub samples: u64,
    /// Members that describe a sample rather than hold text or media.
    pub metadata_members: u64,
    /// Their bytes.
    pub metadata_bytes: u64,
}

impl Tally {
    /// The tally of `stats`, listing at most `domains_listed` domains, with the signal figures
    /// of `signals` (the settings they ran with and the tally's scope) when they ran.
    pub fn of(
        stats: &SourceStats,
        domains_listed: usize,
        signals: Option<(&SignalsConfig, Scope)>,
    ) -> Tally {
        let media = &stats.media;
        let seconds = |ms: u64| ms as f64 / 1000.0;
        Tally {
            counts: Counts {
                tokens: stats.counts.tokens + media.tokens(),
                ..stats.counts
            },
            bytes_per_token: stats.counts.bytes_per_token(),
            tokens_per_document: stats.tokens_per_document.summary(),
            tokens_by_tokenizer: BTreeMap::new(),
            by_modality: ByModality {
                text: TextCounts {
                    documents: stats.counts.documents,
                    bytes: stats.counts.bytes,
                    tokens: stats.counts.tokens,
                },
                image: media.image,
                audio: TimedCounts {
                    items: media.audio.items,
                    seconds: seconds(media.audio.milliseconds),
                    tokens: media.audio.tokens,
                },
                video: VideoReport {
                    items: media.video.items,
                    seconds: seconds(media.video.milliseconds),
                    frames: media.video.frames,
                    tokens: media.video.tokens,
                },
            },
            unsupported: media.unsupported,
            webdataset: WebDatasetCounts {
                samples: media.samples,
                metadata_members: media.metadata.items,
                metadata_bytes: media.metadata.bytes,
            },
            periods: stats.periods.to_form(),
            domains: stats.domains.to_form(domains_listed),
            estimate: None,
            signals: signals.map(|(config, scope)| {
                SignalsReport::of(&stats.signals, stats.counts.text(), config, scope)
            }),
            chat: stats.chat.to_form(),
        }
    }

    /// The same tally with each of the run's tokenizers' figures (`names`: primary first;
    /// nothing is added for one tokenizer); `hdr`: with the secondary tokenizers' histograms,
    /// as a source, a shard part or a checkpoint carries them.
    pub fn with_tokenizers(mut self, stats: &SourceStats, names: &[String], hdr: bool) -> Tally {
        self.tokens_by_tokenizer = tokens_by_tokenizer(stats, names, hdr);
        self
    }

    /// The statistics this tally (with a source's histogram `hdr`) stands for, counted with
    /// the tokenizers `names` (primary first): the inverse of [`Tally::with_tokenizers`].
    pub fn to_stats_with(
        &self,
        hdr: Option<&str>,
        names: &[String],
    ) -> Result<SourceStats, FormError> {
        let mut stats = self.to_stats(hdr)?;
        stats.by_tokenizer = stats_by_tokenizer(&self.tokens_by_tokenizer, names, &stats)?;
        Ok(stats)
    }

    /// The statistics this tally (with a source's histogram `hdr`) stands for, the primary
    /// tokenizer's alone: the inverse of [`Tally::of`], used to merge saved tallies exactly.
    pub fn to_stats(&self, hdr: Option<&str>) -> Result<SourceStats, FormError> {
        let tally = self;
        let m = &tally.by_modality;
        let counts = Counts {
            tokens: m.text.tokens,
            ..tally.counts
        };
        let media = MediaCounts {
            image: m.image,
            audio: AudioCounts {
                items: m.audio.items,
                milliseconds: milliseconds(m.audio.seconds),
                tokens: m.audio.tokens,
            },
            video: VideoCounts {
                items: m.video.items,
                milliseconds: milliseconds(m.video.seconds),
                frames: m.video.frames,
                tokens: m.video.tokens,
            },
            unsupported: tally.unsupported,
            metadata: ItemBytes {
                items: tally.webdataset.metadata_members,
                bytes: tally.webdataset.metadata_bytes,
            },
            samples: tally.webdataset.samples,
        };
        if counts.tokens + media.tokens() != tally.counts.tokens {
            return Err(FormError::Disagrees(
                "tokens are not the sum of the modalities' tokens".into(),
            ));
        }
        let tokens_per_document = match (hdr, &tally.tokens_per_document) {
            (None, None) if counts.documents == 0 => TokenDistribution::default(),
            (Some(hdr), Some(summary)) => {
                let d =
                    TokenDistribution::from_base64(hdr, summary.min, summary.max, counts.tokens)?;
                if d.count() != counts.documents {
                    return Err(FormError::Disagrees(format!(
                        "the histogram holds {} documents, the counts {}",
                        d.count(),
                        counts.documents
                    )));
                }
                d
            }
            _ => return Err(FormError::Missing("the tokens-per-document histogram")),
        };
        let signals = match &tally.signals {
            Some(report) => report.to_stats()?,
            None => Default::default(),
        };
        Ok(SourceStats {
            counts,
            tokens_per_document,
            media,
            periods: tally.periods.to_stats(&counts)?,
            domains: tally.domains.to_stats(&counts)?,
            signals,
            chat: match &tally.chat {
                Some(chat) => chat.to_stats()?,
                None => Default::default(),
            },
            by_tokenizer: Vec::new(),
        })
    }
}
