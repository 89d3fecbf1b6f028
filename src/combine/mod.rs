//! Combining complete censuses of different corpora or collection windows (January's crawl and
//! February's) into the census of their union. Inputs must be counted with the same tokenizer
//! (name, SHA-256, special tokens) and settings (text field, signals, domains listed); sources
//! of the same name add up and must agree on category, fields and token models. Every input
//! must list its files ([`crate::report::files`]): a file present in two inputs is refused,
//! never counted twice. Counts, distributions (HDR) and months add exactly; duplicates across
//! inputs come from the sources' sketches and are marked estimated with their error.
//!
//! Figures never depend on the order or grouping of the inputs; sources are listed in the
//! order in which the inputs first name them, so `combine(combine(a, b), c)` and
//! `combine(a, combine(b, c))` are the same report.

mod check;
#[cfg(test)]
mod tests;

use crate::error::{FatalError, sort_errors};
use crate::plan::Source;
use crate::report::files::FileSet;
use crate::report::{Report, RunInfo, Settings, TokenizerReport, build_report};
use crate::stats::{SourceStats, parse_month_key};

/// A complete census and the name to call it by in messages (its file path).
pub struct CensusInput {
    /// Where the census came from.
    pub name: String,
    /// The census.
    pub report: Report,
}

/// Combines complete censuses into the census of their union; refused, with the reason, when
/// they were counted differently or share a file.
pub fn combine_reports(inputs: &[CensusInput]) -> Result<Report, FatalError> {
    let refuse = |message: String| FatalError::Combine(message);
    if inputs.is_empty() {
        return Err(refuse("no reports given".into()));
    }
    check::inputs(inputs)?;
    let names = inputs[0].report.tokenizer_names();
    let mut declared: Vec<Source> = Vec::new();
    let mut stats: Vec<SourceStats> = Vec::new();
    let mut files: Vec<Vec<&FileSet>> = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        for source in &input.report.sources {
            let hdr = source.tokens_per_document_hdr.as_deref();
            let tally = source
                .tally
                .to_stats_with(hdr, &names)
                .map_err(|e| refuse(format!("{}: source {:?}: {e}", input.name, source.name)))?;
            let collected = source
                .collected
                .as_ref()
                .and_then(|c| Some((parse_month_key(&c.from)?, parse_month_key(&c.to)?)));
            let index = match declared.iter().position(|d| d.name == source.name) {
                Some(index) => index,
                None => {
                    declared.push(Source {
                        token_models: source.token_models.clone(),
                        date_field: source.date_field.clone(),
                        url_field: source.url_field.clone(),
                        chat_field: source.chat_field.clone(),
                        collected: None,
                        ..Source::new(
                            source.name.clone(),
                            source.category,
                            source.text_field.clone(),
                        )
                    });
                    stats.push(SourceStats::default());
                    files.push(Vec::new());
                    declared.len() - 1
                }
            };
            let span = &mut declared[index].collected;
            *span = match (*span, collected) {
                (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
                (one, other) => one.or(other),
            };
            stats[index] += &tally;
            files[index].extend(source.file_set.as_ref());
        }
        errors.extend(input.report.errors.iter().cloned());
    }
    sort_errors(&mut errors);
    let mut combined = build_report(
        &declared,
        &stats,
        errors,
        combined_tokenizers(inputs),
        combined_settings(inputs),
        combined_run(inputs),
    );
    for (source, sets) in combined.sources.iter_mut().zip(files) {
        let union = FileSet::union(sets.iter().copied())
            .map_err(|e| refuse(format!("source {:?}: {e}", source.name)))?;
        source.file_set = Some(union);
    }
    Ok(combined)
}

/// The distinct values of `values`, sorted, joined by `separator`: the same whatever the
/// order of the inputs.
fn joined<'a>(values: impl Iterator<Item = &'a str>, separator: &str) -> String {
    let mut values: Vec<&str> = values.collect();
    values.sort_unstable();
    values.dedup();
    values.join(separator)
}

/// The tokenizer of the inputs (checked to be one): the routes that counted and where the
/// tokenizer was loaded from, each listed once when the inputs differ in them.
/// The tokenizers of the inputs (checked to be the same, in the same order): the primary as
/// [`combined_tokenizer`] describes it, then the others as the first input lists them.
fn combined_tokenizers(inputs: &[CensusInput]) -> Vec<TokenizerReport> {
    let mut all = inputs[0].report.all_tokenizers();
    all[0] = combined_tokenizer(inputs);
    all
}

fn combined_tokenizer(inputs: &[CensusInput]) -> TokenizerReport {
    let all = || inputs.iter().map(|i| &i.report.tokenizer);
    let reasons = joined(all().filter_map(|t| t.fallback_reason.as_deref()), "; ");
    TokenizerReport {
        engine: joined(all().map(|t| t.engine.as_str()), "+"),
        fallback_reason: (!reasons.is_empty()).then_some(reasons),
        origin: joined(all().map(|t| t.origin.as_str()), ", "),
        ..inputs[0].report.tokenizer.clone()
    }
}

/// The settings of the inputs (checked to agree); the manifest is kept when every input names
/// the same one.
fn combined_settings(inputs: &[CensusInput]) -> Settings {
    let first = &inputs[0].report.settings;
    let same_manifest = inputs
        .iter()
        .all(|i| i.report.settings.manifest == first.manifest);
    Settings {
        manifest: first.manifest.clone().filter(|_| same_manifest),
        ..first.clone()
    }
}

/// The run of a combination: the most threads, the longest wall time, every input's notes
/// (sorted, as `merge` keeps its parts'), and how many complete censuses it joins (an input
/// that is itself a combination counts its own inputs).
fn combined_run(inputs: &[CensusInput]) -> RunInfo {
    let runs = || inputs.iter().map(|i| &i.report.run);
    RunInfo {
        threads: runs().map(|r| r.threads).max().unwrap_or(1),
        mmap: runs().any(|r| r.mmap),
        elapsed_seconds: runs().map(|r| r.elapsed_seconds).fold(0.0, f64::max),
        plan_seconds: None,
        shard: None,
        merged_parts: None,
        combined_inputs: Some(runs().map(|r| r.combined_inputs.unwrap_or(1)).sum()),
        resumed_files: None,
        estimate: None,
        from_memory: false,
        notes: {
            let mut notes: Vec<String> = runs().flat_map(|r| r.notes.iter().cloned()).collect();
            notes.sort();
            notes
        },
    }
}
