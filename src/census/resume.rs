//! Counting with a checkpoint folder: files saved by earlier runs of the same configuration
//! are taken from there, the others counted (and saved as each finishes), so that a count
//! killed at any point resumes to the same report.

use crate::checkpoint::{Checkpoint, CheckpointStore};
use crate::count::TokenizerList;
use crate::engine::{self, EngineOptions, EngineOutput};
use crate::error::{FatalError, sort_errors};
use crate::plan::Plan;
use crate::stats::SourceStats;
use std::path::Path;

/// The output of a resumed count.
pub(super) struct Resumed {
    /// What the whole plan counted (saved and newly counted files together).
    pub output: EngineOutput,
    /// How many files (or ranges) were taken from the folder.
    pub files: u64,
}

/// What every checkpoint key covers besides the file: the program, the tokenizers (each one's
/// SHA-256, in order) and their settings, and the signal settings (results saved with other signals, or none, are not
/// taken).
fn context(tokenizers: &TokenizerList, options: &EngineOptions) -> String {
    let info = tokenizers.primary().info();
    let mut context = format!(
        "tokencensus {} checkpoint v2\ntokenizer {}\tspecial tokens {}",
        env!("CARGO_PKG_VERSION"),
        info.sha256,
        info.special_tokens
    );
    // Every tokenizer and their order (the first fills the primary figures).
    if tokenizers.members().len() > 1 {
        context += &format!("\ttokenizers {}", tokenizers.fingerprint());
    }
    if let Some(signals) = &options.signals {
        context += &format!("\tsignals {}", signals.config.fingerprint());
    }
    if let Some(template) = &options.chat_template {
        context += &format!("\tchat template {}", template.sha256());
    }
    context
}

/// Counts `plan` with the checkpoint folder `dir`.
pub(super) fn count_resuming(
    dir: &Path,
    plan: &Plan,
    tokenizers: &TokenizerList,
    options: &EngineOptions,
) -> Result<Resumed, FatalError> {
    let context = context(tokenizers, options);
    let store = CheckpointStore::open(dir, context, tokenizers.names().to_vec())?;
    let mut restored = vec![SourceStats::default(); plan.sources.len()];
    let mut restored_errors = Vec::new();
    let mut remaining = Plan {
        files: Vec::new(),
        ..plan.clone()
    };
    let mut keys = Vec::new();
    let mut resumed = 0;
    for file in &plan.files {
        // Files whose metadata cannot be read get no key: they are counted, and their error
        // reported, every time.
        let key = file.fingerprint().map(|f| store.key(plan, file, &f));
        match key.as_deref().and_then(|k| store.load(k)) {
            Some(saved) => {
                restored[file.source] += &saved.stats;
                restored_errors.extend(saved.errors);
                if let Some(run) = &options.signals {
                    run.restore(file.source, &saved.keys);
                }
                resumed += 1;
            }
            None => {
                remaining.files.push(file.clone());
                keys.push(key);
            }
        }
    }
    let checkpoint = Checkpoint {
        store: &store,
        keys,
    };
    let mut output = engine::run(&remaining, tokenizers, options, Some(&checkpoint))?;
    for (mine, theirs) in output.sources.iter_mut().zip(&restored) {
        *mine += theirs;
    }
    output.errors.extend(restored_errors);
    sort_errors(&mut output.errors);
    Ok(Resumed {
        output,
        files: resumed,
    })
}
