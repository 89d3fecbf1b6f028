//! Arguments shared by the subcommands that read a corpus: what to read and how to tokenize,
//! and (apart, since `bench` takes a list) how many worker threads.

use clap::Args;
use std::path::PathBuf;
use tokencensus::count::{CompiledCache, TokenizerSource};
use tokencensus::{ChatTemplateChoice, CountConfig};

/// The corpus and tokenizer arguments.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Files, folders or URLs (s3://, gs://, az://, https://) to read; without --manifest each
    /// PATH is one source named as given.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A file listing paths or URLs (s3://, gs://, az://, https://) to read, one per line.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// A sources.toml declaring sources, categories and path patterns.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// A Hugging Face tokenizer.json (also .json.zst / .json.gz); default: embedded Llama 3.
    /// Give it several times to count with each tokenizer in one pass: the first is the
    /// primary one, whose tokens fill every figure (docs/report.md, tokens_by_tokenizer).
    #[arg(long, value_name = "FILE")]
    pub tokenizer: Vec<PathBuf>,
    /// Count the special tokens the tokenizer's post-processor adds (BOS, CLS/SEP).
    #[arg(long)]
    pub special_tokens: bool,
    /// The JSONL field that holds each document's text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// The JSONL or Parquet field holding each record's chat messages array: each
    /// conversation is one document, counted per role (docs/chat.md).
    #[arg(long, value_name = "NAME")]
    pub chat_field: Option<String>,
    /// Render each conversation with this chat template before counting: a model's
    /// tokenizer_config.json (also .zst / .gz) or a .jinja file.
    #[arg(long, value_name = "FILE")]
    pub chat_template: Option<PathBuf>,
    /// The BOS token a .jinja chat template is rendered with.
    #[arg(long, value_name = "TOKEN", requires = "chat_template")]
    pub bos_token: Option<String>,
    /// The EOS token a .jinja chat template is rendered with.
    #[arg(long, value_name = "TOKEN", requires = "chat_template")]
    pub eos_token: Option<String>,
    /// The longest document read (a text file as decompressed, a JSONL line, a tar member, a
    /// Parquet value); a longer one is a too_large input error [default: 1 GiB].
    #[arg(long, value_name = "BYTES")]
    pub max_document_bytes: Option<u64>,
}

/// The worker-thread argument of the commands that count once (`bench` takes a list instead).
#[derive(Debug, Args)]
pub struct ThreadsArg {
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

impl ThreadsArg {
    /// Sets `config.threads` when given.
    pub fn apply(&self, config: &mut CountConfig) {
        if let Some(threads) = self.threads {
            config.threads = threads;
        }
    }
}

impl CorpusArgs {
    /// A configuration with these arguments and every other option at its default.
    pub fn config(&self) -> CountConfig {
        let mut config = CountConfig::new(self.paths.clone());
        config.manifest = self.manifest.clone();
        config.files_from = self.files_from.clone();
        let mut files = self.tokenizer.iter().cloned().map(TokenizerSource::File);
        config.tokenizer = files.next().unwrap_or(TokenizerSource::EmbeddedLlama3);
        config.more_tokenizers = files.collect();
        config.special_tokens = self.special_tokens;
        config.compiled_cache = CompiledCache::platform();
        config.text_field = self.text_field.clone();
        config.chat_field = self.chat_field.clone();
        config.chat_template = self.chat_template.clone().map(|path| ChatTemplateChoice {
            path,
            bos_token: self.bos_token.clone(),
            eos_token: self.eos_token.clone(),
        });
        if let Some(max) = self.max_document_bytes {
            config.max_document_bytes = max;
        }
        config
    }
}

/// Where each record's collection date and web address are read from, and how many domains
/// the report lists.
#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    /// The JSONL field holding each record's date (ISO 8601 or Unix seconds) for `by_month`.
    #[arg(long, value_name = "NAME")]
    pub date_field: Option<String>,
    /// The JSONL field holding each record's URL, for `domains`.
    #[arg(long, value_name = "NAME")]
    pub url_field: Option<String>,
    /// How many domains the report lists per source and in totals (the rest are summed).
    #[arg(long, value_name = "N", default_value_t = tokencensus::DEFAULT_DOMAINS_LISTED)]
    pub domains_listed: usize,
}

impl ProvenanceArgs {
    /// Sets the date and URL fields and the domain list's length of `config`.
    pub fn apply(&self, config: &mut CountConfig) {
        config.date_field = self.date_field.clone();
        config.url_field = self.url_field.clone();
        config.domains_listed = self.domains_listed;
    }
}
