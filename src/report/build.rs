//! Building a [`Report`] from per-source statistics: sources, categories and totals, each as
//! its [`Tally`].

use super::*;
use crate::count::{TokenizerInfo, TokenizerList};
use crate::plan::Source;
use crate::stats::signals::Scope;
use crate::stats::{SourceStats, month_key};

impl TokenizerReport {
    /// The report's description of the tokenizer `info`, counted by the route `engine`
    /// (`fallback_reason`: why the reference route counted although a fast one was allowed).
    pub fn new(info: &TokenizerInfo, engine: &str, fallback_reason: Option<&str>) -> Self {
        TokenizerReport {
            name: info.name.clone(),
            sha256: info.sha256.clone(),
            vocab_size: info.vocab_size,
            special_tokens: info.special_tokens,
            engine: engine.into(),
            fallback_reason: fallback_reason.map(str::to_string),
            origin: info.origin.clone(),
        }
    }
}

impl TokenizerReport {
    /// The descriptions of the tokenizers of `list`, primary first, under their names there.
    pub fn of_list(list: &TokenizerList) -> Vec<TokenizerReport> {
        let members = list.members().iter().zip(list.names());
        members
            .map(|(t, name)| TokenizerReport {
                name: name.clone(),
                ..TokenizerReport::new(t.info(), t.route(), t.fallback_reason())
            })
            .collect()
    }
}

/// The tally of `stats` with the signals of `settings` (when they ran) for `scope`, and each
/// of the tokenizers `names`' figures (`hdr`: with their histograms, for a source).
fn tally_in(
    stats: &SourceStats,
    settings: &Settings,
    scope: Scope,
    names: &[String],
    hdr: bool,
) -> Tally {
    let signals = settings.signals.as_ref().map(|config| (config, scope));
    Tally::of(stats, settings.domains_listed, signals).with_tokenizers(stats, names, hdr)
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

/// Assembles the report of a run from each source's statistics (`stats`, in the order of
/// `sources`) and the run's input `errors` (sorted): per source, per category and totals.
/// `tokenizers` describes the tokenizers counted with, the primary first (at least one).
pub fn build_report(
    sources: &[Source],
    stats: &[SourceStats],
    errors: Vec<InputError>,
    mut tokenizers: Vec<TokenizerReport>,
    settings: Settings,
    run: RunInfo,
) -> Report {
    let names: Vec<String> = tokenizers.iter().map(|t| t.name.clone()).collect();
    let tokenizer = tokenizers
        .first()
        .cloned()
        .expect("a report has a tokenizer");
    if tokenizers.len() < 2 {
        tokenizers.clear();
    }
    let mut totals = SourceStats::default();
    let mut by_category: Vec<(Category, u64, SourceStats)> = Vec::new();
    let stats: Vec<_> = sources
        .iter()
        .zip(stats)
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
        tokenizer,
        tokenizers,
        totals: Totals {
            tally: tally_in(&totals, &settings, Scope::Total, &names, false),
            errors: errors.len() as u64,
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
                chat_field: source.chat_field.clone(),
                tally: tally_in(stats, &settings, Scope::Source, &names, true),
                tokens_per_document_hdr: stats.tokens_per_document.to_base64(),
                file_set: None,
            })
            .collect(),
        categories: by_category
            .into_iter()
            .map(|(category, sources, stats)| CategoryReport {
                category,
                sources,
                tally: tally_in(&stats, &settings, Scope::Category, &names, false),
            })
            .collect(),
        errors,
        settings,
        run,
    }
}
