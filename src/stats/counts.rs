//! The additive counters of a census: files, documents, bytes and tokens, and the documents
//! and tokens of one month, domain, language or flag.

use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Additive counters: every field is an exact integer and merges by addition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Files read (a file split into chunks still counts once).
    pub files: u64,
    /// Documents counted.
    pub documents: u64,
    /// UTF-8 bytes of the counted text (after JSON unescaping).
    pub bytes: u64,
    /// Bytes read from disk (compressed size for compressed files).
    pub input_bytes: u64,
    /// Tokens counted.
    pub tokens: u64,
}

impl Counts {
    /// The text documents and tokens (`tokens` are text tokens in a source's statistics).
    pub fn text(&self) -> DocTokens {
        DocTokens {
            documents: self.documents,
            tokens: self.tokens,
        }
    }

    /// UTF-8 bytes per token, or `None` when no token was counted.
    pub fn bytes_per_token(&self) -> Option<f64> {
        (self.tokens > 0).then(|| self.bytes as f64 / self.tokens as f64)
    }
}

impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        self.files += other.files;
        self.documents += other.documents;
        self.bytes += other.bytes;
        self.input_bytes += other.input_bytes;
        self.tokens += other.tokens;
    }
}

/// Documents and tokens of one month, one year, one domain or one remainder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocTokens {
    /// Text documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
}

impl std::ops::AddAssign<DocTokens> for DocTokens {
    fn add_assign(&mut self, other: DocTokens) {
        self.documents += other.documents;
        self.tokens += other.tokens;
    }
}
