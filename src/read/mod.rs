//! Readers: one per container, each turning the bytes of a [`storage::Storage`] into the items the
//! rest of the program works on: text documents (with their line or row, and their date and URL
//! fields), media items (with their name and container) and located problems, handed to a
//! [`Visitor`] the caller supplies. Readers know no tokenizer and no statistics, and none of them
//! panics or stops the run on bad input.
//!
//! - [`storage`]: where bytes come from (a local file, a mapped file, memory); [`remote`]: an
//!   object in a store (`s3://`, `gs://`, `az://`, `https://`) as a storage;
//! - [`jsonl`]: JSONL, as byte ranges of whole lines or as decoded blocks of lines;
//! - [`text`]: a plain-text file as one document; [`media`]: a media file as one medium;
//! - [`tar`]: WebDataset shards; [`parquet`]: Parquet row groups;
//! - [`sequential`]: every item of one file, in order, on the calling thread;
//! - [`sniff`]: the byte-order mark and binary rules, [`lines`]: line splitting and byte ranges,
//!   [`stream`]: decompression, [`format`](mod@format): formats from file names;
//! - [`small_file`]: a manifest, tokenizer or report read whole, refused when it is no regular
//!   file or too large.

mod fault_guard;
pub mod format;
mod item;
pub mod jsonl;
pub mod lines;
pub mod media;
pub mod parquet;
pub mod planned;
pub mod remote;
pub mod sequential;
pub mod small_file;
pub mod sniff;
pub mod storage;
pub mod stream;
pub mod tar;
pub mod text;

pub use item::{Container, Conversation, Document, LineBase, LineRef, Medium, Visitor};

use crate::error::ErrorKind;

/// The default limit for one document (`--max-document-bytes`): a plain-text file (as
/// decompressed), a JSONL record, a WebDataset member or a Parquet value longer than 1 GiB is a
/// [`ErrorKind::TooLarge`] problem, never read whole.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 1 << 30;

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

    /// The [`ErrorKind::TooLarge`] problem of `what` (`a document of 5000 bytes`, `member a.txt
    /// of 5000 bytes`), longer than the limit of `max` bytes for one document.
    pub fn too_large(what: &str, max: u64) -> Self {
        Self::new(
            ErrorKind::TooLarge,
            format!(
                "{what} is over the {max}-byte limit for one document (--max-document-bytes); not counted"
            ),
        )
    }
}
