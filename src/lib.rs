//! tokencensus: an exact token census of training corpora.
//!
//! It reads corpora (JSONL, also gzip- or zstd-compressed, plain text, Parquet, WebDataset tar,
//! images, audio and video), counts every document with a real Hugging Face tokenizer on all
//! cores, and reports documents, bytes and tokens per source, category, modality and collection
//! month, exactly and reproducibly: the figures behind statements such as "trained on 15
//! trillion tokens".
//!
//! Count one text with the embedded Llama 3 tokenizer:
//!
//! ```
//! let tokenizer = tokencensus::Tokenizer::embedded()?;
//! assert_eq!(tokenizer.count("Training data, counted exactly.")?, 6);
//! # Ok::<(), tokencensus::FatalError>(())
//! ```
//!
//! Take the census of the sample corpus bundled with the repository (three sources declared
//! in a manifest) and render it as a Markdown model-card section:
//!
//! ```
//! use tokencensus::{CountConfig, OutputFormat};
//!
//! let mut config = CountConfig::new(Vec::new());
//! config.manifest = Some("fixtures/sample/sources.toml".into());
//! let census = tokencensus::count(&config)?;
//! let report = &census.report;
//! assert_eq!(report.sources.len(), 3);
//! assert_eq!(report.totals.tally.counts.documents, 507);
//! assert!(report.errors.is_empty());
//! let markdown = report.render(OutputFormat::Markdown);
//! assert!(markdown.contains("kernel-docs"));
//! # Ok::<(), tokencensus::FatalError>(())
//! ```
//!
//! The [`Report`] is the one model every output reads: [`report::render`] writes it as a table,
//! JSON, Markdown, the EU AI Act public summary or HTML; [`merge_parts`] combines the reports of a
//! sharded count; [`estimate()`] estimates a corpus from a sample. `docs/ARCHITECTURE.md` in the
//! repository describes the layers and what each module owns.

#![deny(missing_docs)]

mod bench;
mod census;
mod checkpoint;
mod combine;
mod config;
pub mod count;
mod diff;
mod display;
mod engine;
mod error;
mod estimate;
mod manifest;
pub mod media;
mod memory;
mod merge;
mod plan;
mod provenance;
pub mod read;
pub mod report;
mod signals;
pub mod stats;
mod verify;

// A census.
pub use census::{Census, count, count_with, count_with_tokenizers};
pub use config::{
    ChatTemplateChoice, CountConfig, DEFAULT_DOMAINS_LISTED, ShardChoice, default_threads,
};
pub use count::{CompiledCache, Tokenizer};
pub use plan::{ShardSpec, ShardSpecError};
pub use report::Report;
pub use report::render::OutputFormat;
pub use signals::{SignalKind, SignalsError, SignalsRequest, UnknownSignal};
// Errors.
pub use error::{ErrorKind, FatalError, InputError};
// The other jobs: merging shard parts, estimating from a sample, verifying, benchmarking.
pub use bench::render::{BenchFormat, render as render_bench};
pub use bench::{BenchConfig, BenchReport, run_bench};
pub use estimate::{EstimateConfig, Population, Sample, SampleSize, estimate, estimate_sample};
// A census fed from memory (the Python `Tally`).
pub use combine::{CensusInput, combine_reports};
pub use diff::render::{DiffFormat, render as render_diff};
pub use diff::{Diff, diff_reports};
pub use memory::{MemoryCensus, MemoryRecord, MemorySource, RecordDate};
pub use merge::{Part, merge_parts};
pub use verify::{Verification, verify};
