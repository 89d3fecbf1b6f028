//! The validated options of a count. Built by the command line (or any caller); no I/O here.

use crate::count::{Engine, TokenizerSource};
use crate::engine::DEFAULT_CHUNK_BYTES;
use crate::error::FatalError;
use crate::plan::ShardSpec;
use crate::signals::SignalsRequest;
use std::path::PathBuf;

/// Everything `count` needs to know.
#[derive(Debug, Clone)]
pub struct CountConfig {
    /// PATH arguments: one source each, or extra places to look with a manifest.
    pub paths: Vec<PathBuf>,
    /// A `sources.toml` declaring the sources.
    pub manifest: Option<PathBuf>,
    /// The tokenizer.
    pub tokenizer: TokenizerSource,
    /// Count the post-processor's special tokens (BOS and the like).
    pub special_tokens: bool,
    /// Which counting routes may run.
    pub engine: Engine,
    /// The default JSONL text field.
    pub text_field: String,
    /// Worker threads.
    pub threads: usize,
    /// Memory-map uncompressed files.
    pub mmap: bool,
    /// Size of the ranges large files are split into.
    pub chunk_bytes: usize,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Count only this shard of the corpus, and where that choice came from.
    pub shard: Option<(ShardSpec, String)>,
    /// Save each finished file's result here, and skip files already saved.
    pub checkpoint: Option<PathBuf>,
    /// Processing signals asked for on the command line (the manifest may add more).
    pub signals: SignalsRequest,
}

impl CountConfig {
    /// A configuration for `paths` with every other option at its default.
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Self {
            paths,
            manifest: None,
            tokenizer: TokenizerSource::EmbeddedLlama3,
            special_tokens: false,
            engine: Engine::Auto,
            text_field: "text".into(),
            threads: default_threads(),
            mmap: true,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            progress: false,
            shard: None,
            checkpoint: None,
            signals: SignalsRequest::default(),
        }
    }

    /// Checks that the options can be acted on.
    pub fn validate(&self) -> Result<(), FatalError> {
        if self.paths.is_empty() && self.manifest.is_none() {
            return Err(FatalError::Usage(
                "nothing to count: give one or more PATHs or --manifest sources.toml".into(),
            ));
        }
        if self.text_field.is_empty() {
            return Err(FatalError::Usage("--text-field must not be empty".into()));
        }
        if self.threads == 0 {
            return Err(FatalError::Usage("--threads must be at least 1".into()));
        }
        if self.chunk_bytes == 0 {
            return Err(FatalError::Usage(
                "--chunk-size must be at least 1 byte".into(),
            ));
        }
        Ok(())
    }
}

/// The number of cores available to this process.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
