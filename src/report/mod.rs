//! The report: the one serde model that every output format and every later step reads.
//! `schema_version` comes first; fields are added, never changed in meaning; counts are exact
//! integers and a figure always travels with its definition (tokenizer name and hash). Written
//! as JSON, a report is sealed with its integrity digest ([`integrity`]), checked when it is
//! read back.

mod build;
mod disclosure;
pub mod files;
pub mod integrity;
pub mod render;

pub use build::build_report;
pub use disclosure::{Collected, EstimateRun};

use crate::error::InputError;
use crate::media::TokenModels;
use crate::stats::{Category, Tally};
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
    /// With several tokenizers: each of them, the primary (`tokenizer`) first, named as in
    /// every tally's `tokens_by_tokenizer`; absent with one tokenizer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokenizers: Vec<TokenizerReport>,
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

impl Report {
    /// The tokenizers the report's figures were counted with, primary first.
    pub fn all_tokenizers(&self) -> Vec<TokenizerReport> {
        match self.tokenizers.is_empty() {
            true => vec![self.tokenizer.clone()],
            false => self.tokenizers.clone(),
        }
    }

    /// The names of the tokenizers the report's figures were counted with, primary first.
    pub fn tokenizer_names(&self) -> Vec<String> {
        self.all_tokenizers().into_iter().map(|t| t.name).collect()
    }

    /// The report written in `format` (the same bytes `count --format` writes).
    pub fn render(&self, format: render::OutputFormat) -> String {
        let mut out = Vec::new();
        format
            .renderer()
            .render(self, &mut out)
            .expect("writing to memory does not fail");
        String::from_utf8(out).expect("renderers write UTF-8")
    }
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
    /// The chat template conversations were rendered with (absent when none was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_template: Option<ChatTemplateReport>,
}

impl ChatTemplateReport {
    /// The description of `template`, read from `origin`.
    pub fn of(origin: &str, template: &crate::count::ChatTemplate) -> Self {
        Self {
            origin: origin.to_string(),
            sha256: template.sha256().to_string(),
            bos_token: template.special_token("bos_token"),
            eos_token: template.special_token("eos_token"),
        }
    }
}

/// The chat template conversations were rendered with, fingerprinted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTemplateReport {
    /// The file it was read from, as given.
    pub origin: String,
    /// SHA-256 of the template's source.
    pub sha256: String,
    /// The BOS token it was rendered with (null: none).
    pub bos_token: Option<String>,
    /// The EOS token it was rendered with (null: none).
    pub eos_token: Option<String>,
}

fn default_domains_listed() -> usize {
    crate::config::DEFAULT_DOMAINS_LISTED
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
    /// The field its chat records' messages arrays were read from (absent: not chat records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_field: Option<String>,
    /// The counts.
    #[serde(flatten)]
    pub tally: Tally,
    /// The tokens-per-document histogram (HDR V2 deflate, base64; null without documents):
    /// with `min`, `max` and `tokens` it lets `merge` combine shard reports exactly.
    pub tokens_per_document_hdr: Option<String>,
    /// The files it counted (`file_set`: their extensions, where they lie, and their
    /// fingerprints, [`files`]); in an estimate, every planned file, sampled or not. Absent in
    /// reports fed from memory and in reports written before sources recorded their files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_set: Option<files::FileSet>,
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
    /// Wall time of planning before the count (reading the manifest, walking folders,
    /// matching files to sources), in seconds; absent where nothing was planned (a merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_seconds: Option<f64>,
    /// The shard this report counts, when it is one part of a sharded count.
    #[serde(default)]
    pub shard: Option<ShardRun>,
    /// How many shard reports were merged into this one (null for a direct count).
    #[serde(default)]
    pub merged_parts: Option<u32>,
    /// How many complete censuses `combine` joined into this one (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_inputs: Option<u32>,
    /// With `--checkpoint`: how many files (or ranges) were taken from earlier runs' saved
    /// results instead of being counted again.
    #[serde(default)]
    pub resumed_files: Option<u64>,
    /// For `estimate`: how the sample was drawn (absent for a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateRun>,
    /// Whether the texts were handed over from memory (a [`crate::MemoryCensus`], the Python
    /// `Tally`) rather than read from files: its sources are those it was fed, and such
    /// reports merge by source name (absent when false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_memory: bool,
    /// Notes on how files were read (absent when there are none): a file that grew while it was
    /// counted, counted at the size it had when the count was planned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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
