//! The croissant format: a Croissant 1.1 JSON-LD description of the counted corpus with the
//! Responsible AI (RAI 1.0) vocabulary, as NeurIPS Datasets & Benchmarks and dataset hubs
//! read it. One `cr:FileSet` per source that lists its files (its folder patterns, encoding
//! formats and size on disk); the collection timeframe from the earliest and latest months;
//! the collection types from the categories; the preprocessing protocol and personal data
//! from the signals; tokencensus and the tokenizer as machine annotation tools; and the
//! counts as `variableMeasured` values whose definitions name the tokenizer and its SHA-256.
//! What a census cannot know (licence, citation, publication date, version) is left out. For
//! an estimate the figures are the estimates with their intervals, and what a sample cannot
//! tell about the whole corpus (each source's size on disk, the collection timeframe, the
//! media) is left out too.

use super::{Render, Report};
use crate::report::SourceReport;
use crate::stats::{Category, Tally};
use serde_json::{Value, json};
use std::io::{self, Write};

/// Croissant 1.1 JSON-LD with the RAI vocabulary.
pub struct Croissant;

/// The Croissant version this format conforms to.
pub const CROISSANT: &str = "http://mlcommons.org/croissant/1.1";
/// The RAI vocabulary version.
pub const RAI: &str = "http://mlcommons.org/croissant/RAI/1.0";

impl Render for Croissant {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &description(report))?;
        writeln!(out)
    }
}

/// The name a census gives its corpus: the manifest's file name without extension, or
/// `corpus` when its sources were given as paths.
pub fn dataset_name(report: &Report) -> String {
    let manifest = report.settings.manifest.as_deref().and_then(|m| {
        let file = m.rsplit(['/', '\\']).next()?;
        let stem = file.split('.').next()?;
        (!stem.is_empty()).then(|| stem.to_string())
    });
    manifest.unwrap_or_else(|| "corpus".into())
}

/// The standard Croissant context (the keys `mlcroissant` expects) with the RAI prefix.
fn context() -> Value {
    let cr = |term: &str| Value::String(format!("cr:{term}"));
    let mut context = serde_json::Map::new();
    context.insert("@language".into(), json!("en"));
    context.insert("@vocab".into(), json!("https://schema.org/"));
    for term in [
        "citeAs",
        "column",
        "equivalentProperty",
        "extract",
        "field",
        "fileProperty",
        "fileObject",
        "fileSet",
        "format",
        "includes",
        "isLiveDataset",
        "jsonPath",
        "key",
        "md5",
        "parentField",
        "path",
        "recordSet",
        "references",
        "regex",
        "repeated",
        "replace",
        "samplingRate",
        "separator",
        "source",
        "subField",
        "transform",
    ] {
        context.insert(term.into(), cr(term));
    }
    context.insert("conformsTo".into(), json!("dct:conformsTo"));
    context.insert("cr".into(), json!("http://mlcommons.org/croissant/"));
    context.insert("rai".into(), json!("http://mlcommons.org/croissant/RAI/"));
    context.insert("dct".into(), json!("http://purl.org/dc/terms/"));
    context.insert("sc".into(), json!("https://schema.org/"));
    context.insert("data".into(), json!({"@id": "cr:data", "@type": "@json"}));
    context.insert(
        "dataType".into(),
        json!({"@id": "cr:dataType", "@type": "@vocab"}),
    );
    context.insert(
        "examples".into(),
        json!({"@id": "cr:examples", "@type": "@json"}),
    );
    Value::Object(context)
}

/// The definition every token figure carries: the tokenizer, its SHA-256 and special tokens.
pub fn token_definition(report: &Report) -> String {
    token_definition_of(report, &report.tokenizer)
}

/// The definition of the tokens of `t`, one of the tokenizers of `report`.
pub fn token_definition_of(report: &Report, t: &crate::report::TokenizerReport) -> String {
    format!(
        "tokens of the {} tokenizer (sha256 {}, vocabulary {}, special tokens {}), counted exactly by {} {}; images, sounds and videos under each source's token models",
        t.name,
        t.sha256,
        t.vocab_size,
        if t.special_tokens {
            "added"
        } else {
            "not added"
        },
        report.tool.name,
        report.tool.version
    )
}

/// The whole description.
fn description(report: &Report) -> Value {
    let totals = &report.totals.tally;
    let mut dataset = serde_json::Map::new();
    dataset.insert("@context".into(), context());
    dataset.insert("@type".into(), json!("sc:Dataset"));
    dataset.insert("conformsTo".into(), json!([CROISSANT, RAI]));
    dataset.insert("name".into(), json!(dataset_name(report)));
    dataset.insert("description".into(), json!(summary(report)));
    let distribution: Vec<Value> = report.sources.iter().filter_map(file_set).collect();
    if !distribution.is_empty() {
        dataset.insert("distribution".into(), json!(distribution));
    }
    let languages = languages(totals);
    if !languages.is_empty() {
        dataset.insert("inLanguage".into(), json!(languages));
    }
    // An estimate's months are the sample's, not the corpus's.
    let timeframe = timeframe(totals).filter(|_| totals.estimate.is_none());
    if let Some(timeframe) = timeframe {
        dataset.insert("rai:dataCollectionTimeframe".into(), json!(timeframe));
    }
    dataset.insert(
        "rai:dataCollectionType".into(),
        json!(collection_types(report)),
    );
    let protocol = super::croissant_rai::preprocessing(report);
    if !protocol.is_empty() {
        dataset.insert("rai:dataPreprocessingProtocol".into(), json!(protocol));
    }
    let personal = super::croissant_rai::personal(totals);
    if !personal.is_empty() {
        dataset.insert("rai:personalSensitiveInformation".into(), json!(personal));
    }
    let mut tools = vec![format!(
        "{} {} (exact token census)",
        report.tool.name, report.tool.version
    )];
    let tokenizers = report.all_tokenizers();
    tools.extend((tokenizers.iter()).map(|t| format!("{} tokenizer, sha256 {}", t.name, t.sha256)));
    dataset.insert("rai:machineAnnotationTools".into(), json!(tools));
    dataset.insert(
        "variableMeasured".into(),
        json!(super::croissant_rai::measured(report)),
    );
    Value::Object(dataset)
}

/// One sentence on what was counted (or estimated).
fn summary(report: &Report) -> String {
    let c = &report.totals.tally.counts;
    if let Some(e) = &report.totals.tally.estimate {
        return format!(
            "Token census estimated from a sample of {} (tokencensus {}): about {} documents ({} to {}), {} bytes of text and {} tokens ({} to {}) at {}% confidence ({}).",
            crate::display::count_noun(report.sources.len() as u64, "source", "sources"),
            report.tool.version,
            e.documents,
            e.documents_low,
            e.documents_high,
            e.bytes,
            e.tokens,
            e.low,
            e.high,
            e.confidence * 100.0,
            token_definition(report)
        );
    }
    format!(
        "Token census of {} (tokencensus {}): {} documents, {} bytes of text and {} tokens ({}).",
        crate::display::count_noun(report.sources.len() as u64, "source", "sources"),
        report.tool.version,
        c.documents,
        c.bytes,
        c.tokens,
        token_definition(report)
    )
}

/// A source's `cr:FileSet`, when the report lists its files.
fn file_set(source: &SourceReport) -> Option<Value> {
    let files = source.file_set.as_ref()?;
    if files.patterns.is_empty() {
        return None;
    }
    let mut formats: Vec<&str> = files.extensions.iter().map(|e| media_type(e)).collect();
    formats.sort_unstable();
    formats.dedup();
    let c = &source.tally.counts;
    let files_named = crate::display::count_noun(files.count, "file", "files");
    let (name, category) = (&source.name, source.category.name());
    let (description, size) = match &source.tally.estimate {
        // The sample's bytes read are not the source's size: no contentSize.
        Some(e) => (
            format!(
                "Source {name} ({category}): {files_named}; about {} documents and {} tokens, estimated from a sample.",
                e.documents, e.tokens
            ),
            None,
        ),
        None => (
            format!(
                "Source {name} ({category}): {files_named}, {} bytes on disk; {} documents, {} tokens.",
                c.input_bytes, c.documents, c.tokens
            ),
            Some(format!("{} B", c.input_bytes)),
        ),
    };
    let mut set = serde_json::Map::new();
    set.insert("@type".into(), json!("cr:FileSet"));
    set.insert("@id".into(), json!(format!("source/{name}")));
    set.insert("name".into(), json!(name));
    set.insert("description".into(), json!(description));
    if let Some(size) = size {
        set.insert("contentSize".into(), json!(size));
    }
    set.insert("encodingFormat".into(), json!(formats));
    set.insert("includes".into(), json!(files.patterns));
    Some(Value::Object(set))
}

/// The media type of a file by its extension: of the outer layer for compressed files and
/// archives, `text/plain` for what tokencensus reads as text.
pub fn media_type(extension: &str) -> &'static str {
    let outer = extension.rsplit('.').next().unwrap_or(extension);
    match outer {
        "jsonl" | "ndjson" => "application/jsonlines",
        "gz" | "tgz" => "application/gzip",
        "zst" | "zstd" => "application/zstd",
        "tar" => "application/x-tar",
        "parquet" => "application/x-parquet",
        "md" | "markdown" => "text/markdown",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "m4a" => "audio/mp4",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "webm" => "video/webm",
        _ => "text/plain",
    }
}

/// ISO 639-3 codes of the detected languages, most tokens first (when the signal ran).
fn languages(t: &Tally) -> Vec<String> {
    let lang = t.signals.as_ref().and_then(|s| s.lang.as_ref());
    lang.map(|l| l.languages.iter().map(|c| c.language.clone()).collect())
        .unwrap_or_default()
}

/// The first day of the earliest month and the last day of the latest, when any is known.
fn timeframe(t: &Tally) -> Option<[String; 2]> {
    let periods = &t.periods;
    let (first, last) = (
        periods.earliest_month.as_ref()?,
        periods.latest_month.as_ref()?,
    );
    let month = crate::stats::parse_month_key(last)?;
    let (year, index) = (month.div_euclid(12), month.rem_euclid(12) + 1);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match index {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some([format!("{first}-01"), format!("{last}-{days:02}")])
}

/// The RAI collection types of the report's categories, in category order.
fn collection_types(report: &Report) -> Vec<&'static str> {
    let mut types: Vec<&'static str> = Vec::new();
    let named = report.categories.iter().map(|c| match c.category {
        Category::Public => "Secondary Data Analysis",
        Category::Crawled => "Web Scraping",
        Category::Licensed => "Others",
        Category::Products => "Passive Data Collection",
        Category::Interactions => "User-Generated Content Data",
        Category::Synthetic => "Software Collection",
        Category::Other => "Others",
    });
    for name in named {
        if !types.contains(&name) {
            types.push(name);
        }
    }
    types
}
