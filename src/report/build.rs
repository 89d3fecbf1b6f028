//! Building a [`Report`] from the engine's per-source statistics.

use super::*;
use crate::count::TokenizerInfo;
use crate::engine::EngineOutput;
use crate::plan::Source;
use crate::stats::SourceStats;

fn tally(stats: &SourceStats) -> Tally {
    Tally {
        counts: stats.counts,
        bytes_per_token: stats.counts.bytes_per_token(),
        tokens_per_document: stats.tokens_per_document.summary(),
    }
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
    let mut totals = SourceStats::default();
    let mut by_category: Vec<(Category, u64, SourceStats)> = Vec::new();
    for (source, stats) in sources.iter().zip(&output.sources) {
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
        settings,
        totals: Totals {
            tally: tally(&totals),
            errors: output.errors.len() as u64,
        },
        sources: sources
            .iter()
            .zip(&output.sources)
            .map(|(source, stats)| SourceReport {
                name: source.name.clone(),
                category: source.category,
                text_field: source.text_field.clone(),
                tally: tally(stats),
                tokens_per_document_hdr: stats.tokens_per_document.to_base64(),
            })
            .collect(),
        categories: by_category
            .into_iter()
            .map(|(category, sources, stats)| CategoryReport {
                category,
                sources,
                tally: tally(&stats),
            })
            .collect(),
        errors: output.errors.clone(),
        run,
    }
}
