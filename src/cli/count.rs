//! `tokencensus count`: arguments, their conversion into a [`CountConfig`], and output.

use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tokencensus::count::{Engine, TokenizerSource};
use tokencensus::report::render::OutputFormat;
use tokencensus::{CountConfig, FatalError, Report};

/// Arguments of `count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    /// Files or folders to count; without --manifest each PATH is one source named as given.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A sources.toml declaring sources, categories and path patterns.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// A Hugging Face tokenizer.json (also .json.zst / .json.gz); default: embedded Llama 3.
    #[arg(long, value_name = "FILE")]
    tokenizer: Option<PathBuf>,
    /// Count the special tokens the tokenizer's post-processor adds (BOS, CLS/SEP).
    #[arg(long)]
    special_tokens: bool,
    /// Counting route: the exact fast route where it applies (auto), or always the tokenizers crate.
    #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
    engine: EngineArg,
    /// The JSONL field that holds each document's text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    text_field: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    threads: Option<usize>,
    /// No progress bar and no warnings on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Read files instead of memory-mapping them (same results; for file systems where mmap fails).
    #[arg(long)]
    no_mmap: bool,
    /// Split large uncompressed files into ranges of this many bytes [default: 4 MiB].
    #[arg(long, value_name = "BYTES")]
    chunk_size: Option<usize>,
}

/// Counting routes as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineArg {
    Auto,
    Reference,
}

/// Output formats as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Markdown,
}

impl CountArgs {
    fn config(&self) -> CountConfig {
        let mut config = CountConfig::new(self.paths.clone());
        config.manifest = self.manifest.clone();
        config.tokenizer = match &self.tokenizer {
            Some(path) => TokenizerSource::File(path.clone()),
            None => TokenizerSource::EmbeddedLlama3,
        };
        config.special_tokens = self.special_tokens;
        config.engine = match self.engine {
            EngineArg::Auto => Engine::Auto,
            EngineArg::Reference => Engine::Reference,
        };
        config.text_field = self.text_field.clone();
        if let Some(threads) = self.threads {
            config.threads = threads;
        }
        config.mmap = !self.no_mmap;
        if let Some(chunk) = self.chunk_size {
            config.chunk_bytes = chunk;
        }
        config.progress = !self.quiet && std::io::stderr().is_terminal();
        config
    }

    fn format(&self) -> OutputFormat {
        match self.format {
            Format::Table => OutputFormat::Table,
            Format::Json => OutputFormat::Json,
            Format::Markdown => OutputFormat::Markdown,
        }
    }
}

/// Runs `count` and returns the exit status.
pub fn run(args: CountArgs) -> Result<ExitCode, FatalError> {
    let census = tokencensus::count(&args.config())?;
    if !args.quiet {
        for warning in &census.warnings {
            eprintln!("tokencensus: warning: {warning}");
        }
    }
    write_report(&census.report, args.format(), args.output.as_ref())?;
    let errors = &census.report.errors;
    if let Some(first) = errors.first() {
        eprintln!(
            "tokencensus: {} input error{} (first: {first}); everything else was counted",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn write_report(
    report: &Report,
    format: OutputFormat,
    output: Option<&PathBuf>,
) -> Result<(), FatalError> {
    let mut rendered = Vec::new();
    format
        .renderer()
        .render(report, &mut rendered)
        .expect("rendering into memory cannot fail");
    let written = match output {
        Some(path) => std::fs::write(path, &rendered),
        None => std::io::stdout().lock().write_all(&rendered),
    };
    written.map_err(|e| FatalError::Io {
        path: output.cloned().unwrap_or_else(|| PathBuf::from("<stdout>")),
        message: e.to_string(),
    })
}
