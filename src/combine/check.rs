//! What `combine` refuses: inputs that are not complete censuses of files (shards, estimates,
//! tallies fed from memory), that were counted with another tokenizer or other settings, whose
//! sources of the same name disagree, that do not list their files, or that share a file.

use super::CensusInput;
use crate::error::FatalError;
use crate::report::files::Fingerprint;
use crate::report::{Report, SCHEMA_VERSION, SourceReport};

/// Refuses `inputs` that cannot be combined, naming the inputs and the reason.
pub fn inputs(inputs: &[CensusInput]) -> Result<(), FatalError> {
    let refuse = |message: String| Err(FatalError::Combine(message));
    let first = &inputs[0];
    for input in inputs {
        complete(input)?;
        let (r, f) = (&input.report, &first.report);
        let differs = |what: &str| {
            refuse(format!(
                "{} and {} differ in {what}: combine only censuses counted the same way (count them again with the same tokenizer and settings)",
                first.name, input.name
            ))
        };
        if (
            &r.tokenizer.name,
            &r.tokenizer.sha256,
            r.tokenizer.special_tokens,
        ) != (
            &f.tokenizer.name,
            &f.tokenizer.sha256,
            f.tokenizer.special_tokens,
        ) {
            return differs("tokenizer (name, sha256 or special tokens)");
        }
        let listed = |r: &Report| -> Vec<(String, String, bool)> {
            let all = r.all_tokenizers().into_iter();
            all.map(|t| (t.name, t.sha256, t.special_tokens)).collect()
        };
        if listed(r) != listed(f) {
            return differs(
                "tokenizers (each one counted with, in order: --tokenizer given several times)",
            );
        }
        if r.settings.text_field != f.settings.text_field {
            return differs("the default text field");
        }
        if r.settings.signals != f.settings.signals {
            return differs("processing signals (which ran, or their thresholds)");
        }
        if r.settings.domains_listed != f.settings.domains_listed {
            return differs("the number of domains listed (--domains)");
        }
        let template = |r: &Report| {
            r.settings
                .chat_template
                .as_ref()
                .map(|t| (t.sha256.clone(), t.bos_token.clone(), t.eos_token.clone()))
        };
        if template(r) != template(f) {
            return differs("the chat template (--chat-template, its special tokens)");
        }
    }
    same_named_sources(inputs)?;
    no_shared_file(inputs)
}

/// Refuses an input that is not one complete census of files with its files listed.
fn complete(input: &CensusInput) -> Result<(), FatalError> {
    let refuse = |why: &str| Err(FatalError::Combine(format!("{} is {why}", input.name)));
    let r: &Report = &input.report;
    if r.schema_version != SCHEMA_VERSION {
        return refuse(&format!(
            "of schema version {}; this program reads {SCHEMA_VERSION}",
            r.schema_version
        ));
    }
    if r.run.estimate.is_some() {
        return refuse("an estimate from a sample, not a count: estimates are not combined");
    }
    if let Some(shard) = &r.run.shard {
        return refuse(&format!(
            "shard {}/{} of a count: merge every shard with `tokencensus merge` first, then combine the merged census",
            shard.index, shard.count
        ));
    }
    if r.run.from_memory {
        return refuse(
            "a tally fed from memory, which has no files to check for overlap: join such tallies with `tokencensus merge`",
        );
    }
    if let Some(source) = r.sources.iter().find(|s| s.file_set.is_none()) {
        return refuse(&format!(
            "without the list of its files (source {:?}; written before reports recorded them): count it again with this version, so that a file counted in two inputs can be refused",
            source.name
        ));
    }
    Ok(())
}

/// Refuses sources of the same name that were declared differently in two inputs.
fn same_named_sources(inputs: &[CensusInput]) -> Result<(), FatalError> {
    let mut seen: Vec<(&str, &SourceReport)> = Vec::new();
    for input in inputs {
        for source in &input.report.sources {
            let found = seen.iter().find(|(_, s)| s.name == source.name).copied();
            let Some((name, other)) = found else {
                seen.push((&input.name, source));
                continue;
            };
            let what = if other.category != source.category {
                "category"
            } else if other.text_field != source.text_field {
                "text field"
            } else if other.chat_field != source.chat_field {
                "chat field"
            } else if other.token_models != source.token_models {
                "token models"
            } else if (&other.date_field, &other.url_field)
                != (&source.date_field, &source.url_field)
            {
                "date or URL field"
            } else {
                continue;
            };
            return Err(FatalError::Combine(format!(
                "source {:?} has another {what} in {name} than in {}: sources of the same name add up only when they are declared alike",
                source.name, input.name
            )));
        }
    }
    Ok(())
}

/// Refuses a file (same path, size and modification time or ETag) listed by two inputs.
fn no_shared_file(inputs: &[CensusInput]) -> Result<(), FatalError> {
    let mut all: Vec<(Fingerprint, usize)> = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        for source in &input.report.sources {
            let set = source.file_set.as_ref().expect("checked by complete");
            let decoded = set.decode().map_err(|e| {
                FatalError::Combine(format!("{}: source {:?}: {e}", input.name, source.name))
            })?;
            all.extend(decoded.into_iter().map(|f| (f, index)));
        }
    }
    all.sort_unstable();
    let shared: Vec<(usize, usize)> = all
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| (w[0].1, w[1].1))
        .collect();
    let Some(&(a, b)) = shared.first() else {
        return Ok(());
    };
    let n = shared.len() as u64;
    Err(FatalError::Combine(format!(
        "{} and {} both counted {} (same path, size and modification time or ETag): a file present in two inputs would be counted twice; count the windows without overlap",
        inputs[a].name,
        inputs[b].name,
        crate::display::count_noun(n, "file", "files"),
    )))
}
