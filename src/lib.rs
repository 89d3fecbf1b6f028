//! tokencensus: an exact token census of training corpora.
//!
//! The data flow runs one way: a [`CountConfig`] becomes a [`plan::Plan`] (sources and files),
//! the [`engine`] counts the files on a rayon pool with a [`Tokenizer`], and the merged
//! statistics become a [`Report`] that every output format renders.

pub mod bench;
pub mod census;
pub mod checkpoint;
pub mod config;
pub mod count;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod manifest;
pub mod media;
pub mod merge;
pub mod plan;
pub mod provenance;
pub mod read;
pub mod report;
pub mod signals;
pub mod stats;
pub mod verify;

pub use census::{Census, count, count_with};
pub use config::CountConfig;
pub use count::Tokenizer;
pub use error::{ErrorKind, FatalError, InputError};
pub use report::Report;
