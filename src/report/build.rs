//! Building a [`Report`] from the engine's per-source statistics.

use super::*;
use crate::count::TokenizerInfo;
use crate::engine::EngineOutput;
use crate::plan::Source;
use crate::provenance::month_key;
use crate::stats::SourceStats;

fn tally(stats: &SourceStats, domains_listed: usize) -> Tally {
    let media = &stats.media;
    let seconds = |ms: u64| ms as f64 / 1000.0;
    Tally {
        counts: Counts {
            tokens: stats.counts.tokens + media.tokens(),
            ..stats.counts
        },
        bytes_per_token: stats.counts.bytes_per_token(),
        tokens_per_document: stats.tokens_per_document.summary(),
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
        periods: provenance::periods_report(&stats.periods),
        domains: provenance::domains_report(&stats.domains, domains_listed),
        estimate: None,
        signals: None,
    }
}

/// The tally of `stats` with its signals (when `settings` has them) for `scope`.
fn tally_in(
    stats: &SourceStats,
    listed: usize,
    settings: &Settings,
    scope: signals::Scope,
) -> Tally {
    Tally {
        signals: (settings.signals.as_ref()).map(|c| signals::signals_report(stats, c, scope)),
        ..tally(stats, listed)
    }
}

/// The statistics a report's tally (with a source's histogram) stands for: the inverse of
/// [`tally`], used to merge saved reports exactly.
pub fn stats_of(tally: &Tally, hdr: Option<&str>) -> Result<SourceStats, String> {
    use crate::stats::{AudioCounts, MediaCounts, TokenDistribution, VideoCounts, milliseconds};
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
        return Err("tokens are not the sum of the modalities' tokens".into());
    }
    let tokens_per_document = match (hdr, &tally.tokens_per_document) {
        (None, None) if counts.documents == 0 => TokenDistribution::default(),
        (Some(hdr), Some(summary)) => {
            let d = TokenDistribution::from_base64(hdr, summary.min, summary.max, counts.tokens)?;
            if d.count() != counts.documents {
                return Err(format!(
                    "the histogram holds {} documents, the counts {}",
                    d.count(),
                    counts.documents
                ));
            }
            d
        }
        _ => return Err("the tokens-per-document histogram is missing".into()),
    };
    let signals = match &tally.signals {
        Some(report) => signals::stats_of_signals(report)?,
        None => Default::default(),
    };
    Ok(SourceStats {
        counts,
        tokens_per_document,
        media,
        periods: provenance::periods_stats(&tally.periods, &counts)?,
        domains: provenance::domains_stats(&tally.domains, &counts)?,
        signals,
    })
}

/// A source's statistics with its declared collection period, if it has one and any record
/// was counted under it, so that the period bounds the earliest and latest month.
/// Borrowed as is when there is nothing to set (the statistics can be large).
fn with_declared_period<'a>(
    source: &Source,
    stats: &'a SourceStats,
) -> std::borrow::Cow<'a, SourceStats> {
    if stats.periods.declared.documents == 0 || source.collected.is_none() {
        return std::borrow::Cow::Borrowed(stats);
    }
    let mut stats = stats.clone();
    stats.periods.declared_span = source.collected;
    std::borrow::Cow::Owned(stats)
}

/// Assembles the report of a run: per source, per category and totals, with the errors.
pub fn build_report(
    sources: &[Source],
    output: &EngineOutput,
    tokenizer: &TokenizerInfo,
    (engine, fallback_reason): (&str, Option<&str>),
    settings: Settings,
    run: RunInfo,
) -> Report {
    let listed = settings.domains_listed;
    let mut totals = SourceStats::default();
    let mut by_category: Vec<(Category, u64, SourceStats)> = Vec::new();
    let stats: Vec<_> = sources
        .iter()
        .zip(&output.sources)
        .map(|(source, stats)| with_declared_period(source, stats))
        .collect();
    for (source, stats) in sources.iter().zip(&stats) {
        let stats: &SourceStats = stats;
        totals += stats;
        match by_category
            .iter_mut()
            .find(|(c, _, _)| *c == source.category)
        {
            Some((_, n, s)) => {
                *n += 1;
                *s += stats;
            }
            None => by_category.push((source.category, 1, stats.clone())),
        }
    }
    by_category.sort_by_key(|(c, _, _)| *c);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        tokenizer: TokenizerReport {
            name: tokenizer.name.clone(),
            sha256: tokenizer.sha256.clone(),
            vocab_size: tokenizer.vocab_size,
            special_tokens: tokenizer.special_tokens,
            engine: engine.into(),
            fallback_reason: fallback_reason.map(str::to_string),
            origin: tokenizer.origin.clone(),
        },
        settings: settings.clone(),
        totals: Totals {
            tally: tally_in(&totals, listed, &settings, signals::Scope::Total),
            errors: output.errors.len() as u64,
        },
        sources: sources
            .iter()
            .zip(&stats)
            .map(|(source, stats)| SourceReport {
                name: source.name.clone(),
                category: source.category,
                text_field: source.text_field.clone(),
                token_models: source.token_models.clone(),
                date_field: source.date_field.clone(),
                collected: source.collected.map(|(from, to)| Collected {
                    from: month_key(from),
                    to: month_key(to),
                }),
                url_field: source.url_field.clone(),
                tally: tally_in(stats, listed, &settings, signals::Scope::Source),
                tokens_per_document_hdr: stats.tokens_per_document.to_base64(),
            })
            .collect(),
        categories: by_category
            .into_iter()
            .map(|(category, sources, stats)| CategoryReport {
                category,
                sources,
                tally: tally_in(&stats, listed, &settings, signals::Scope::Category),
            })
            .collect(),
        errors: output.errors.clone(),
        run,
    }
}
