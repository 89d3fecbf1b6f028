//! Readers: turn files into the text the counting core sees. Each reader works over a byte
//! slice or a stream and turns bad input into [`Problem`] values; none of them panics or stops
//! the run.

pub mod bytes;
pub mod documents;
pub mod format;
pub mod jsonl;
pub mod lines;
pub mod parquet;
pub mod stream;
pub mod text;

use crate::error::ErrorKind;

/// A problem with one piece of input, before it is tied to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The error kind.
    pub kind: ErrorKind,
    /// A human-readable explanation.
    pub message: String,
}

impl Problem {
    /// A problem of `kind` explained by `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// How many leading bytes are inspected for NUL to tell binary files from text.
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Whether the start of a file looks binary (contains a NUL byte), as git and ripgrep judge.
pub fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(BINARY_SNIFF_BYTES)]).is_some()
}

/// Whether the start of a JSONL file looks binary: a NUL byte in its first 8 KiB and a first
/// line that is not JSON. (A NUL inside a later record is that record's error, not the file's.)
pub fn jsonl_looks_binary(head: &[u8]) -> bool {
    if !looks_binary(head) {
        return false;
    }
    let head = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    serde_json::from_slice::<serde::de::IgnoredAny>(first).is_err()
}

/// The UTF-8 byte-order mark, which is an encoding marker and not counted as text.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
