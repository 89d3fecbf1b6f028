//! The processing figures of a census, shared by the Markdown, eu-summary and HTML formats:
//! input errors by kind (what was skipped), unsupported items, WebDataset metadata members and
//! records without a usable URL, each as an exact figure with what it means.

use super::grid::Grid;
use super::{count_noun, human_bytes, thousands};
use crate::error::ErrorKind;
use crate::report::Report;
use std::collections::BTreeMap;

/// What an error of `kind` left out of the census.
fn meaning(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Io => "unreadable files or folders, broken links: not counted",
        ErrorKind::Json => "malformed JSONL lines: skipped",
        ErrorKind::MissingField => {
            "records without the text field (or a null Parquet text): skipped"
        }
        ErrorKind::FieldType => "records whose text field is not a string: skipped",
        ErrorKind::InvalidUnicode => "records or files with invalid UTF-8: skipped",
        ErrorKind::Binary => "binary data where text was expected: skipped",
        ErrorKind::Decompress => {
            "truncated or corrupt compressed streams or tar archives: counted up to the damage"
        }
        ErrorKind::SymlinkLoop => "symbolic link loops: not followed",
        ErrorKind::Unmatched => "files that no manifest source claims: not counted",
        ErrorKind::Tokenizer => "documents the tokenizer refused: skipped",
        ErrorKind::Media => "truncated or corrupt images, sounds or videos: skipped",
        ErrorKind::Parquet => "unreadable or damaged Parquet files or pages: skipped",
        ErrorKind::TooLarge => "documents over the size limit for one document: skipped",
        ErrorKind::Template => "conversations the chat template refused: skipped",
    }
}

/// The processing table: figure, exact value and meaning.
pub fn grid(report: &Report) -> Grid {
    let mut by_kind: BTreeMap<ErrorKind, (u64, u64)> = BTreeMap::new();
    for e in &report.errors {
        let (records, files) = by_kind.entry(e.kind).or_default();
        match e.line {
            Some(_) => *records += 1,
            None => *files += 1,
        }
    }
    let mut grid = Grid::new(&["Figure", "Exact value", "Meaning"], 3);
    grid.row([
        "input errors".to_string(),
        thousands(report.errors.len() as u64),
        if report.errors.is_empty() {
            "all inputs were read without errors".into()
        } else {
            "every one is listed in the JSON report".into()
        },
    ]);
    for (kind, (records, files)) in by_kind {
        let mut value = Vec::new();
        if records > 0 {
            value.push(count_noun(
                records,
                "record (line or row)",
                "records (lines or rows)",
            ));
        }
        if files > 0 {
            value.push(count_noun(files, "file", "files"));
        }
        grid.row([
            format!("errors: {kind}"),
            value.join(", "),
            meaning(kind).into(),
        ]);
    }
    let t = &report.totals.tally;
    if t.unsupported.items > 0 {
        grid.row([
            "unsupported items".into(),
            format!(
                "{} ({}, {})",
                thousands(t.unsupported.items),
                count_noun(t.unsupported.bytes, "byte", "bytes"),
                human_bytes(t.unsupported.bytes)
            ),
            "media files and WebDataset members of formats no probe reads: counted, not measured, no tokens".into(),
        ]);
    }
    if t.webdataset.metadata_members > 0 {
        grid.row([
            "WebDataset metadata members".into(),
            format!(
                "{} ({})",
                thousands(t.webdataset.metadata_members),
                count_noun(t.webdataset.metadata_bytes, "byte", "bytes")
            ),
            ".json, .cls and similar members: measured, not counted as text".into(),
        ]);
    }
    if report.sources.iter().any(|s| s.url_field.is_some()) {
        grid.row([
            "documents without a usable URL".into(),
            thousands(t.domains.without_domain.documents),
            "missing or unparseable URL, or a source that names no URL field: in no domain".into(),
        ]);
    }
    for f in super::signals::findings(report) {
        grid.row([f.figure.into(), f.value, f.sentence]);
    }
    grid
}
