//! The report: the one serde model that every output format and every later step reads.
//! `schema_version` comes first; fields are added, never changed in meaning; counts are exact
//! integers and a figure always travels with its definition (tokenizer name and hash).

mod build;
mod disclosure;
mod provenance;
pub mod render;
pub mod signals;

pub use build::{build_report, stats_of};
pub use disclosure::{
    Collected, DocTokens, DomainCount, Domains, Estimate, EstimateRun, OtherDomains, Periods,
    SizeCount,
};
pub(crate) use provenance::{domains_report, domains_stats, periods_report, periods_stats};

use crate::error::InputError;
use crate::manifest::Category;
use crate::media::TokenModels;
use crate::stats::{Counts, DistributionSummary, ImageCounts, ItemBytes};
use serde::{Deserialize, Serialize};

/// The version of the JSON schema described in the README.
pub const SCHEMA_VERSION: u32 = 1;

/// A complete census.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Version of this schema.
    pub schema_version: u32,
    /// The program that made the report.
    pub tool: ToolInfo,
    /// The tokenizer every token count is defined by.
    pub tokenizer: TokenizerReport,
    /// Settings that change what is counted.
    pub settings: Settings,
    /// All sources together.
    pub totals: Totals,
    /// Per source, in manifest (or argument) order.
    pub sources: Vec<SourceReport>,
    /// Per category that has sources, in the fixed category order.
    pub categories: Vec<CategoryReport>,
    /// Every input problem, sorted by path and line.
    pub errors: Vec<InputError>,
    /// How the run went: threads, reading mode, time. Not part of the census itself.
    pub run: RunInfo,
}

/// The program that made the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Always `tokencensus`.
    pub name: String,
    /// The program version.
    pub version: String,
}

/// The tokenizer used, fingerprinted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenizerReport {
    /// Short name (`llama3` for the embedded default).
    pub name: String,
    /// SHA-256 of the uncompressed `tokenizer.json` bytes.
    pub sha256: String,
    /// Vocabulary size including added tokens.
    pub vocab_size: u64,
    /// Whether the post-processor's special tokens (BOS, CLS/SEP) were counted.
    pub special_tokens: bool,
    /// The counting route that ran: `fast-bpe` or `tokenizers-0.23`.
    pub engine: String,
    /// Why the reference route counted although the fast route was allowed (null otherwise).
    pub fallback_reason: Option<String>,
    /// `embedded` or the tokenizer file's path.
    pub origin: String,
}

/// Settings that change what is counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The default JSONL text field (sources may override it).
    pub text_field: String,
    /// The manifest, if one declared the sources.
    pub manifest: Option<String>,
    /// The processing signals computed and their thresholds (absent when none ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<crate::signals::SignalsConfig>,
    /// How many domains are listed per source and in totals; the rest are summed.
    #[serde(default = "default_domains_listed")]
    pub domains_listed: usize,
}

fn default_domains_listed() -> usize {
    crate::config::DEFAULT_DOMAINS_LISTED
}

/// Counts with their derived figures, shared by sources, categories and totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// The exact counters; `tokens` is the sum over all modalities, `documents` and `bytes`
    /// are those of text.
    #[serde(flatten)]
    pub counts: Counts,
    /// UTF-8 bytes of text per text token (null without text tokens).
    pub bytes_per_token: Option<f64>,
    /// Tokens per text document (null without documents).
    pub tokens_per_document: Option<DistributionSummary>,
    /// Documents, items, sizes and tokens per modality.
    pub by_modality: ByModality,
    /// Media files and WebDataset members of formats no probe reads: counted here, not as
    /// errors and not as tokens.
    pub unsupported: ItemBytes,
    /// WebDataset shards: samples, and members that are metadata (`.json`, `.cls`, ...).
    pub webdataset: WebDatasetCounts,
    /// When the text records were collected: per month and year, undated, declared.
    #[serde(flatten)]
    pub periods: Periods,
    /// Which registered web domains the text records came from.
    #[serde(flatten)]
    pub domains: Domains,
    /// For `estimate`: the estimated figures with their interval (absent for a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// Processing signals (duplicates, personal data, languages, quality), when they ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<signals::SignalsReport>,
}

/// The census split by modality; `tokens` of the tally is the sum of the four.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByModality {
    /// Text documents.
    pub text: TextCounts,
    /// Still images.
    pub image: ImageCounts,
    /// Sounds.
    pub audio: TimedCounts,
    /// Videos (their soundtracks' tokens included).
    pub video: VideoReport,
}

/// Text: documents, UTF-8 bytes and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextCounts {
    /// Documents.
    pub documents: u64,
    /// UTF-8 bytes.
    pub bytes: u64,
    /// Tokens.
    pub tokens: u64,
}

/// Sounds: items, total duration and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimedCounts {
    /// Items.
    pub items: u64,
    /// Total duration in seconds (each item rounded to whole milliseconds).
    pub seconds: f64,
    /// Tokens.
    pub tokens: u64,
}

/// Videos: items, total duration, sampled frames and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VideoReport {
    /// Items.
    pub items: u64,
    /// Total duration in seconds (each item rounded to whole milliseconds).
    pub seconds: f64,
    /// Frames sampled under the video model.
    pub frames: u64,
    /// Tokens of pictures and soundtracks.
    pub tokens: u64,
}

/// What WebDataset shards held besides text and media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebDatasetCounts {
    /// Samples (runs of members that share a key).
    pub samples: u64,
    /// Members that describe a sample rather than hold text or media.
    pub metadata_members: u64,
    /// Their bytes.
    pub metadata_bytes: u64,
}

/// All sources together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// The counts.
    #[serde(flatten)]
    pub tally: Tally,
    /// Number of entries in `errors`.
    pub errors: u64,
}

/// One source's census.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    /// The source's name.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// The JSONL field its text was read from.
    pub text_field: String,
    /// How its images, sounds and videos become tokens.
    pub token_models: TokenModels,
    /// The JSONL field its records' dates were read from (null: none).
    #[serde(default)]
    pub date_field: Option<String>,
    /// The collection period the manifest declares for it (null: none).
    #[serde(default)]
    pub collected: Option<Collected>,
    /// The JSONL field its records' URLs were read from (null: none).
    #[serde(default)]
    pub url_field: Option<String>,
    /// The counts.
    #[serde(flatten)]
    pub tally: Tally,
    /// The tokens-per-document histogram (HDR V2 deflate, base64; null without documents):
    /// with `min`, `max` and `tokens` it lets `merge` combine shard reports exactly.
    pub tokens_per_document_hdr: Option<String>,
}

/// One category's census.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryReport {
    /// The category.
    pub category: Category,
    /// How many sources it has.
    pub sources: u64,
    /// The counts.
    #[serde(flatten)]
    pub tally: Tally,
}

/// How the run went; may differ between runs of the same census.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Worker threads.
    pub threads: usize,
    /// Whether uncompressed files were memory-mapped.
    pub mmap: bool,
    /// Wall time of the count, in seconds (for a merge: the longest part's).
    pub elapsed_seconds: f64,
    /// The shard this report counts, when it is one part of a sharded count.
    #[serde(default)]
    pub shard: Option<ShardRun>,
    /// How many shard reports were merged into this one (null for a direct count).
    #[serde(default)]
    pub merged_parts: Option<u32>,
    /// With `--checkpoint`: how many files (or ranges) were taken from earlier runs' saved
    /// results instead of being counted again.
    #[serde(default)]
    pub resumed_files: Option<u64>,
    /// For `estimate`: how the sample was drawn (absent for a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateRun>,
}

/// One shard of a sharded count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardRun {
    /// This shard, from 0.
    pub index: u32,
    /// The number of shards.
    pub count: u32,
    /// SHA-256 of the whole split (sources, every file or byte range and its shard): parts
    /// merge only with parts of the same split.
    pub plan_sha256: String,
    /// Where the shard came from: `--shard`, or the scheduler's environment variables.
    pub origin: String,
}
