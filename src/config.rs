//! The validated options of a count. Built by the command line (or any caller); no I/O here.

use crate::count::{
    ChatTemplate, CompiledCache, RouteChoice, Tokenizer, TokenizerList, TokenizerSource,
};
use crate::engine::DEFAULT_CHUNK_BYTES;
use crate::error::FatalError;
use crate::plan::ShardSpec;
use crate::read::DEFAULT_MAX_DOCUMENT_BYTES;
use crate::signals::SignalsRequest;
use std::path::PathBuf;
use std::sync::Arc;

/// One shard of a sharded count, and where that choice came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardChoice {
    /// Which shard of how many.
    pub spec: ShardSpec,
    /// `--shard`, or the scheduler's environment variables that chose it.
    pub origin: String,
}

/// The chat template conversations are rendered with: a `tokenizer_config.json` (also
/// `.json.zst` / `.json.gz`) holding its `chat_template` and special tokens, or a bare Jinja
/// file with the BOS and EOS tokens it is rendered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTemplateChoice {
    /// The file.
    pub path: PathBuf,
    /// `--bos-token`, for a bare Jinja file.
    pub bos_token: Option<String>,
    /// `--eos-token`, for a bare Jinja file.
    pub eos_token: Option<String>,
}

impl ChatTemplateChoice {
    /// Whether the file is a bare Jinja template rather than a tokenizer configuration.
    pub fn is_jinja(&self) -> bool {
        let name = self.path.to_string_lossy();
        name.ends_with(".jinja") || name.ends_with(".j2")
    }
}

/// Everything `count` needs to know.
#[derive(Debug, Clone)]
pub struct CountConfig {
    /// PATH arguments: one source each, or extra places to look with a manifest.
    pub paths: Vec<PathBuf>,
    /// A file listing paths or URLs to count, one per line (a bucket need not be listed).
    pub files_from: Option<PathBuf>,
    /// A `sources.toml` declaring the sources.
    pub manifest: Option<PathBuf>,
    /// The tokenizer: the primary one, whose tokens fill every figure of the report.
    pub tokenizer: TokenizerSource,
    /// More tokenizers to count the same documents with in the same pass (none by default):
    /// each tally then also gives each tokenizer's tokens (`tokens_by_tokenizer`).
    pub more_tokenizers: Vec<TokenizerSource>,
    /// Count the post-processor's special tokens (BOS and the like).
    pub special_tokens: bool,
    /// Which counting routes may run.
    pub routes: RouteChoice,
    /// Where compiled fast routes are cached (`None`, the default: nowhere; the command line
    /// sets [`CompiledCache::platform`]).
    pub compiled_cache: Option<CompiledCache>,
    /// The default JSONL text field.
    pub text_field: String,
    /// The default JSONL date field (none: records are undated unless the manifest says).
    pub date_field: Option<String>,
    /// The default JSONL URL field (none: no domains unless the manifest says).
    pub url_field: Option<String>,
    /// The default chat field (none: records are texts unless the manifest says): each
    /// record's messages array is one conversation.
    pub chat_field: Option<String>,
    /// The chat template conversations are rendered with (none: contents only).
    pub chat_template: Option<ChatTemplateChoice>,
    /// How many domains reports list per source and in totals (the rest are summed).
    pub domains_listed: usize,
    /// Worker threads.
    pub threads: usize,
    /// Memory-map uncompressed files.
    pub mmap: bool,
    /// Size of the ranges large files are split into.
    pub chunk_bytes: usize,
    /// The longest document read (a plain-text file as decompressed, a JSONL record, a
    /// WebDataset member, a Parquet value): a longer one is a `too_large` input error.
    pub max_document_bytes: u64,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Count only this shard of the corpus.
    pub shard: Option<ShardChoice>,
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
            files_from: None,
            manifest: None,
            tokenizer: TokenizerSource::EmbeddedLlama3,
            more_tokenizers: Vec::new(),
            special_tokens: false,
            routes: RouteChoice::Auto,
            compiled_cache: None,
            text_field: "text".into(),
            date_field: None,
            url_field: None,
            chat_field: None,
            chat_template: None,
            domains_listed: DEFAULT_DOMAINS_LISTED,
            threads: default_threads(),
            mmap: true,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            progress: false,
            shard: None,
            checkpoint: None,
            signals: SignalsRequest::default(),
        }
    }

    /// Loads the configured tokenizer (through the configured compiled-route cache) and picks
    /// its counting route.
    pub fn load_tokenizer(&self) -> Result<Tokenizer, FatalError> {
        Tokenizer::load_with_cache(
            &self.tokenizer,
            self.special_tokens,
            self.routes,
            self.compiled_cache.clone(),
        )
    }

    /// Loads the tokenizers counted with besides the primary one, in order, each with its
    /// counting route (the same special-token and route settings as the primary).
    pub fn load_more_tokenizers(&self) -> Result<Vec<Tokenizer>, FatalError> {
        let load = |source| {
            let cache = self.compiled_cache.clone();
            Tokenizer::load_with_cache(source, self.special_tokens, self.routes, cache)
        };
        self.more_tokenizers.iter().map(load).collect()
    }

    /// This configuration with the tokenizers its manifest declares (`tokenizers = [...]`)
    /// when it names none itself (the embedded default and no others); `--tokenizer` and
    /// [`CountConfig::tokenizer`] override the manifest's list.
    pub fn with_manifest_tokenizers(&self) -> Result<CountConfig, FatalError> {
        let mut config = self.clone();
        let named = self.tokenizer != TokenizerSource::EmbeddedLlama3;
        let Some(path) = self.manifest.as_deref().filter(|_| !named) else {
            return Ok(config);
        };
        if !self.more_tokenizers.is_empty() {
            return Ok(config);
        }
        let mut declared = crate::manifest::Manifest::load(path)?
            .tokenizers
            .into_iter();
        if let Some(first) = declared.next() {
            config.tokenizer = TokenizerSource::File(first);
            config.more_tokenizers = declared.map(TokenizerSource::File).collect();
        }
        Ok(config)
    }

    /// Runs `job` with the tokenizers of this configuration: `primary` (already loaded, which
    /// must be the configured one), then the others, loaded here.
    pub fn with_tokenizers<T>(
        &self,
        primary: &Tokenizer,
        job: impl FnOnce(&TokenizerList) -> Result<T, FatalError>,
    ) -> Result<T, FatalError> {
        let more = self.load_more_tokenizers()?;
        let list = TokenizerList::new(std::iter::once(primary).chain(&more).collect())?;
        job(&list)
    }

    /// Reads the configured chat template, if any.
    pub fn load_chat_template(&self) -> Result<Option<Arc<ChatTemplate>>, FatalError> {
        let Some(choice) = &self.chat_template else {
            return Ok(None);
        };
        let fatal = |message: String| FatalError::ChatTemplate {
            path: choice.path.clone(),
            message,
        };
        let text = crate::count::read_config_text(&choice.path).map_err(fatal)?;
        let template = if choice.is_jinja() {
            let (bos, eos) = (choice.bos_token.as_deref(), choice.eos_token.as_deref());
            ChatTemplate::from_source(&text, bos, eos)
        } else {
            ChatTemplate::from_tokenizer_config(&text)
        };
        template
            .map(|t| Some(Arc::new(t)))
            .map_err(|e| fatal(e.to_string()))
    }

    /// The chat template's file as reports name it (empty without one).
    pub fn chat_template_origin(&self) -> String {
        self.chat_template
            .as_ref()
            .map(|c| c.path.display().to_string())
            .unwrap_or_default()
    }

    /// Checks that the options can be acted on.
    pub fn validate(&self) -> Result<(), FatalError> {
        if self.paths.is_empty() && self.manifest.is_none() && self.files_from.is_none() {
            return Err(FatalError::Usage(
                "nothing to count: give one or more PATHs, --files-from FILE or --manifest sources.toml"
                    .into(),
            ));
        }
        if self.text_field.is_empty() {
            return Err(FatalError::Usage("--text-field must not be empty".into()));
        }
        for (flag, field) in [
            ("--date-field", &self.date_field),
            ("--url-field", &self.url_field),
            ("--chat-field", &self.chat_field),
        ] {
            match field.as_deref() {
                Some("") => return Err(FatalError::Usage(format!("{flag} must not be empty"))),
                Some(f) if f == self.text_field => {
                    return Err(FatalError::Usage(format!(
                        "{flag} {f} is also the text field"
                    )));
                }
                _ => {}
            }
        }
        if let Some(choice) = &self.chat_template {
            let tokens = choice.bos_token.is_some() || choice.eos_token.is_some();
            if tokens && !choice.is_jinja() {
                return Err(FatalError::Usage(
                    "--bos-token and --eos-token go with a .jinja chat template; a \
                     tokenizer_config.json states its own"
                        .into(),
                ));
            }
        }
        if self.threads == 0 {
            return Err(FatalError::Usage("--threads must be at least 1".into()));
        }
        if self.max_document_bytes == 0 {
            return Err(FatalError::Usage(
                "--max-document-bytes must be at least 1 byte".into(),
            ));
        }
        if self.chunk_bytes == 0 {
            return Err(FatalError::Usage(
                "--chunk-size must be at least 1 byte".into(),
            ));
        }
        Ok(())
    }

    /// The text, date and URL fields sources read unless their manifest entry says otherwise.
    pub fn field_defaults(&self) -> crate::plan::FieldDefaults {
        crate::plan::FieldDefaults {
            text: self.text_field.clone(),
            date: self.date_field.clone(),
            url: self.url_field.clone(),
            chat: self.chat_field.clone(),
        }
    }
}

/// How many domains reports list by default per source and in totals.
pub const DEFAULT_DOMAINS_LISTED: usize = 10_000;

/// The number of cores available to this process.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
