//! Errors: fatal problems that stop a run, and per-input problems that are data in the report.

use crate::display::printable;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// A problem that stops the run before a complete report can exist (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum FatalError {
    /// The options given cannot be acted on.
    #[error("{0}")]
    Usage(String),
    /// A PATH argument or manifest path does not exist.
    #[error("{path}: no such file or directory (check the PATH argument or the manifest entry)")]
    PathNotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// The tokenizer file could not be read or parsed.
    #[error(
        "cannot load tokenizer {path}: {message} (give a Hugging Face tokenizer.json, optionally .zst or .gz)"
    )]
    Tokenizer {
        /// Where the tokenizer came from.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The chat template file is unreadable, not a tokenizer configuration with a
    /// `chat_template`, or a template that does not parse.
    #[error(
        "cannot load chat template {}: {message} (give a tokenizer_config.json, optionally .zst or .gz, or a .jinja file)",
        path.display()
    )]
    ChatTemplate {
        /// The file given.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The manifest is unreadable or invalid.
    #[error("manifest {path}: {message}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong, naming the line where known.
        message: String,
    },
    /// The tokenizer refused a text given to [`crate::Tokenizer::count`].
    #[error("the tokenizer refused the text: {message}")]
    Refused {
        /// The tokenizer's message.
        message: String,
    },
    /// Reports that cannot be merged into one census.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// Complete censuses that cannot be combined into one (different tokenizers or settings,
    /// a file counted in two of them, a shard or an estimate among them).
    #[error("cannot combine: {0}")]
    Combine(String),
    /// Two censuses that cannot be compared.
    #[error("cannot compare: {0}")]
    Diff(String),
    /// An object store could not be listed or reached (a missing bucket, refused credentials,
    /// a missing object named as input), after the retries.
    #[error("{message}")]
    Remote {
        /// The URL concerned (without query string or credentials).
        url: String,
        /// What went wrong and what to check, naming the bucket and the variables.
        message: String,
    },
    /// A saved report could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        message: String,
    },
}

/// The kind of a per-input problem; stable snake_case names in the JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// A JSONL line is not a valid JSON object.
    Json,
    /// A JSONL record lacks the text field.
    MissingField,
    /// The text field is present but not a string.
    FieldType,
    /// Invalid UTF-8 bytes or a lone surrogate escape.
    InvalidUnicode,
    /// NUL bytes where text is expected.
    Binary,
    /// A compressed stream is truncated or corrupt.
    Decompress,
    /// A directory walk met a symbolic link loop.
    SymlinkLoop,
    /// A file found under a manifest path that no source's patterns claim.
    Unmatched,
    /// The tokenizer refused a document.
    Tokenizer,
    /// An image, sound or video whose headers are truncated or corrupt.
    Media,
    /// A Parquet file's footer, metadata or pages cannot be read: not Parquet, truncated, or
    /// corrupt (including a page that fails to decompress).
    Parquet,
    /// A document (a plain-text file, decompressed or not, a JSONL record, a WebDataset member,
    /// a Parquet value) longer than the limit for one document (`--max-document-bytes`).
    TooLarge,
    /// A chat template failed on a conversation (`raise_exception`, an undefined operation).
    Template,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = serde_json::to_value(self).expect("kind serializes");
        f.write_str(name.as_str().unwrap_or("unknown"))
    }
}

/// One input problem: the record or file is reported and everything else is still counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// The file, as discovered (relative to how it was given).
    pub path: String,
    /// The 1-based line, where the problem belongs to one line.
    pub line: Option<u64>,
    /// What sort of problem it is.
    pub kind: ErrorKind,
    /// A human-readable explanation.
    pub message: String,
}

/// `path:line: kind: message`, the path and message made [`printable`] (a file name cannot
/// clear the screen or fake a line of output).
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, message) = (printable(&self.path), printable(&self.message));
        match self.line {
            Some(line) => write!(f, "{path}:{line}: {}: {message}", self.kind),
            None => write!(f, "{path}: {}: {message}", self.kind),
        }
    }
}

/// Puts input errors in report order: by path, line, kind and message.
pub fn sort_errors(errors: &mut [InputError]) {
    errors.sort_by(|a, b| {
        (&a.path, a.line, a.kind, &a.message).cmp(&(&b.path, b.line, b.kind, &b.message))
    });
}
