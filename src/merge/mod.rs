//! Merging shard reports into the report of the whole corpus. A part carries everything an
//! exact merge needs (counters, each source's HDR histogram with its exact minimum and maximum,
//! the errors) and the fingerprint of the split it belongs to; parts of different tokenizers,
//! settings or splits, and missing or repeated shards, are refused. The merged report equals
//! the report of a single count of the whole corpus, except for `run`.

use crate::display::plural;
use crate::error::{FatalError, sort_errors};
use crate::memory::MemoryCensus;
use crate::plan::Source;
use crate::report::files::FileSet;
use crate::report::{Report, RunInfo, SCHEMA_VERSION, ShardRun, SourceReport, build_report};
use crate::stats::{SourceStats, parse_month_key};

/// The most shards a merge accepts (a bound on the memory a damaged part can ask for).
const MAX_SHARDS: u32 = 1 << 20;

/// A shard report and the name to call it by in messages (its file path).
pub struct Part {
    /// Where the part came from.
    pub name: String,
    /// The part.
    pub report: Report,
}

/// Merges the reports of every shard of one sharded count.
///
/// Reports fed from memory (`run.from_memory`: Python tallies, datatrove ranks) merge with each
/// other only: by source name (each part lists the sources it saw), and as shards only when
/// they say they are (then every shard must be there once).
pub fn merge_parts(parts: &[Part]) -> Result<Report, FatalError> {
    let first = parts
        .first()
        .ok_or_else(|| FatalError::Merge("no reports given".into()))?;
    let memory = first.report.run.from_memory;
    if let Some(other) = parts.iter().find(|p| p.report.run.from_memory != memory) {
        let fed = |part: &Part| match part.report.run.from_memory {
            true => "fed from memory",
            false => "a count of files",
        };
        return Err(FatalError::Merge(format!(
            "{} is {} and {} is {}: they are parts of different counts",
            first.name,
            fed(first),
            other.name,
            fed(other)
        )));
    }
    check_parts(parts, memory)?;
    if memory {
        return merge_memory_parts(parts);
    }
    let mut sources = vec![SourceStats::default(); first.report.sources.len()];
    let mut errors = Vec::new();
    let names = first.report.tokenizer_names();
    for part in parts {
        for (total, source) in sources.iter_mut().zip(&part.report.sources) {
            let hdr = source.tokens_per_document_hdr.as_deref();
            *total += &source.tally.to_stats_with(hdr, &names).map_err(|e| {
                FatalError::Merge(format!("{}: source {:?}: {e}", part.name, source.name))
            })?;
        }
        errors.extend(part.report.errors.iter().cloned());
    }
    sort_errors(&mut errors);
    let declared: Vec<Source> = first
        .report
        .sources
        .iter()
        .map(|s| Source {
            token_models: s.token_models.clone(),
            date_field: s.date_field.clone(),
            url_field: s.url_field.clone(),
            chat_field: s.chat_field.clone(),
            collected: s
                .collected
                .as_ref()
                .and_then(|c| Some((parse_month_key(&c.from)?, parse_month_key(&c.to)?))),
            ..Source::new(s.name.clone(), s.category, s.text_field.clone())
        })
        .collect();
    let run = RunInfo {
        threads: first.report.run.threads,
        mmap: first.report.run.mmap,
        elapsed_seconds: parts
            .iter()
            .map(|p| p.report.run.elapsed_seconds)
            .fold(0.0, f64::max),
        shard: None,
        merged_parts: Some(parts.len() as u32),
        combined_inputs: None,
        resumed_files: None,
        plan_seconds: None,
        estimate: None,
        from_memory: false,
        notes: {
            let mut notes: Vec<String> = parts
                .iter()
                .flat_map(|p| p.report.run.notes.iter().cloned())
                .collect();
            notes.sort();
            notes
        },
    };
    let mut merged = build_report(
        &declared,
        &sources,
        errors,
        first.report.all_tokenizers(),
        first.report.settings.clone(),
        run,
    );
    for (index, source) in merged.sources.iter_mut().enumerate() {
        source.file_set = union_of_files(parts, index)?;
    }
    Ok(merged)
}

/// The union of the file sets of source `index` of every part: each shard lists the files it
/// started, so the union is the whole count's set. `None` when a part does not record files.
fn union_of_files(parts: &[Part], index: usize) -> Result<Option<FileSet>, FatalError> {
    let sets: Option<Vec<&FileSet>> = parts
        .iter()
        .map(|p| p.report.sources[index].file_set.as_ref())
        .collect();
    sets.map(|sets| {
        FileSet::union(sets).map_err(|e| {
            let name = &parts[0].report.sources[index].name;
            FatalError::Merge(format!("source {name:?}: {e}"))
        })
    })
    .transpose()
}

/// Merges reports fed from memory, checked by [`check_parts`], source by source.
fn merge_memory_parts(parts: &[Part]) -> Result<Report, FatalError> {
    let mut merged: Option<MemoryCensus> = None;
    for part in parts {
        let census = MemoryCensus::from_report(&part.report)
            .map_err(|e| FatalError::Merge(format!("{}: {e}", part.name)))?;
        match &mut merged {
            Some(merged) => merged
                .merge(&census)
                .map_err(|e| FatalError::Merge(format!("{}: {e}", part.name)))?,
            None => merged = Some(census),
        }
    }
    let mut report = merged.expect("at least one part").to_report();
    report.settings = parts[0].report.settings.clone();
    report.run.merged_parts = Some(parts.len() as u32);
    report.run.elapsed_seconds = parts
        .iter()
        .map(|p| p.report.run.elapsed_seconds)
        .fold(0.0, f64::max);
    Ok(report)
}

/// Refuses parts that do not form exactly one complete split of one count (`memory`: parts
/// fed from memory, which may list different sources and need not be shards).
fn check_parts(parts: &[Part], memory: bool) -> Result<(), FatalError> {
    let refuse = |message: String| Err(FatalError::Merge(message));
    if let Some(estimate) = parts.iter().find(|p| p.report.run.estimate.is_some()) {
        return refuse(format!(
            "{} is an estimate from a sample, not a count: estimates are not merged (estimate the whole corpus in one run, or count it in shards)",
            estimate.name
        ));
    }
    let first = &parts[0];
    // Tallies fed from memory need not be shards; then none is.
    let sharded = !memory || first.report.run.shard.is_some();
    let shard_of = |part: &Part| match (&part.report.run.shard, sharded) {
        (Some(shard), true) => Ok(shard.clone()),
        (None, false) => Ok(ShardRun {
            index: 0,
            count: 1,
            plan_sha256: String::new(),
            origin: String::new(),
        }),
        (Some(_), false) => Err(FatalError::Merge(format!(
            "{} is a shard and {} is not: they are parts of different counts",
            part.name, first.name
        ))),
        (None, true) => Err(FatalError::Merge(format!(
            "{} is not a shard report (count it with --shard I/N, or under a job array)",
            part.name
        ))),
    };
    let expected = shard_of(first)?;
    if expected.count == 0 || expected.count > MAX_SHARDS {
        return refuse(format!(
            "{} says there are {} shards (1 to {MAX_SHARDS} are possible)",
            first.name, expected.count
        ));
    }
    let mut seen: Vec<Option<&str>> = vec![None; expected.count as usize];
    for part in parts {
        let (r, f) = (&part.report, &first.report);
        if r.schema_version != SCHEMA_VERSION {
            return refuse(format!(
                "{} has schema version {}, this program reads {SCHEMA_VERSION}",
                part.name, r.schema_version
            ));
        }
        let shard = shard_of(part)?;
        let differs = |what: &str| {
            refuse(format!(
                "{} and {} differ in {what}: they are parts of different counts",
                first.name, part.name
            ))
        };
        if r.tokenizer.sha256 != f.tokenizer.sha256
            || r.tokenizer.special_tokens != f.tokenizer.special_tokens
        {
            return differs("tokenizer (sha256 or special tokens)");
        }
        let shas = |r: &Report| {
            r.all_tokenizers()
                .into_iter()
                .map(|t| t.sha256)
                .collect::<Vec<_>>()
        };
        if shas(r) != shas(f) {
            return refuse(format!(
                "{} was counted with the tokenizers {} and {} with {}: parts must be counted with the same tokenizers in the same order",
                first.name,
                tokenizer_list(f),
                part.name,
                tokenizer_list(r)
            ));
        }
        if r.settings != f.settings {
            return differs("settings");
        }
        if shard.count != expected.count || shard.plan_sha256 != expected.plan_sha256 {
            return differs("shard plan (inputs, sources or number of shards)");
        }
        if !memory && !same_sources(&r.sources, &f.sources) {
            return differs("sources");
        }
        if shard.index >= shard.count {
            return refuse(format!(
                "{} says it is shard {} of {}",
                part.name, shard.index, shard.count
            ));
        }
        if r.tool.version != f.tool.version {
            return differs("program version");
        }
        match &mut seen[shard.index as usize] {
            Some(other) if sharded => {
                return refuse(format!(
                    "shard {}/{} is given twice: {other} and {}",
                    shard.index, shard.count, part.name
                ));
            }
            slot => *slot = Some(&part.name),
        }
    }
    let missing: Vec<u32> = (0..expected.count)
        .filter(|&i| seen[i as usize].is_none())
        .collect();
    if !missing.is_empty() {
        return refuse(missing_shards(&missing, expected.count));
    }
    Ok(())
}

/// Most missing shards a message lists by number.
const MISSING_LISTED: usize = 10;

/// `1 of the 2 shards is missing: shard 1 (...)`, the first few missing shards by number.
fn missing_shards(missing: &[u32], count: u32) -> String {
    let mut listed: Vec<String> = (missing.iter().take(MISSING_LISTED))
        .map(u32::to_string)
        .collect();
    if missing.len() > MISSING_LISTED {
        listed.push(format!("and {} more", missing.len() - MISSING_LISTED));
    }
    let n = missing.len() as u64;
    format!(
        "{n} of the {count} {} {} missing: {} {} (give the part of every shard, 0 to {})",
        plural(u64::from(count), "shard", "shards"),
        plural(n, "is", "are"),
        plural(n, "shard", "shards"),
        listed.join(", "),
        count - 1
    )
}

/// The tokenizers a report was counted with, in order: `name (sha256 prefix)`, by commas.
fn tokenizer_list(report: &Report) -> String {
    let all = report.all_tokenizers();
    let described = all
        .iter()
        .map(|t| format!("{} ({})", t.name, &t.sha256[..t.sha256.len().min(12)]));
    described.collect::<Vec<_>>().join(", ")
}

fn same_sources(a: &[SourceReport], b: &[SourceReport]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            (&x.name, x.category, &x.text_field, &x.token_models)
                == (&y.name, y.category, &y.text_field, &y.token_models)
                && (&x.date_field, &x.url_field, &x.collected)
                    == (&y.date_field, &y.url_field, &y.collected)
        })
}

#[cfg(test)]
mod tests;
