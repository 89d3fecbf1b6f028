//! Diffs: a census against itself is empty; a new month of records and a removed source show
//! exactly those changes.

use super::render::{DiffFormat, render};
use super::*;
use crate::count::test_support::llama3;
use crate::memory::{MemoryCensus, MemoryRecord, MemorySource, RecordDate};
use crate::report::files::{FileSet, Stamp, fingerprint};
use crate::stats::Category;

/// A census of `records` (source, text, month); each source lists one file per month it has.
fn census(records: &[(&str, &str, &str)]) -> Report {
    let mut census = MemoryCensus::new(llama3());
    for (source, text, month) in records {
        let mut declared = MemorySource::new(*source, Category::Crawled);
        declared.date_field = Some("date".into());
        let date = format!("{month}-01");
        let record = MemoryRecord {
            date: Some(RecordDate::Iso(&date)),
            ..MemoryRecord::text(text)
        };
        census.add(llama3(), &declared, record).unwrap();
    }
    let mut report = census.to_report();
    for source in &mut report.sources {
        let files = records
            .iter()
            .filter(|r| r.0 == source.name)
            .map(|r| fingerprint(&format!("{}/{}.jsonl", r.0, r.2), 1, Stamp::Modified(7)))
            .collect();
        source.file_set = Some(FileSet::of(files));
    }
    report
}

const JANUARY: [(&str, &str, &str); 3] = [
    ("web", "One page of the web.", "2026-01"),
    ("web", "Another page.", "2026-01"),
    ("forum", "A post.", "2026-01"),
];

#[test]
fn a_census_against_itself_is_empty() {
    let old = census(&JANUARY);
    let diff = diff_reports(&old, &old.clone()).unwrap();
    assert!(diff.is_empty(), "{diff:?}");
    assert!(render(&diff, DiffFormat::Table).contains("No change"));
}

#[test]
fn a_new_month_and_a_removed_source_are_exactly_the_changes() {
    let old = census(&JANUARY);
    let february = ("web", "February's page, counted.", "2026-02");
    let new = census(&[JANUARY[0], JANUARY[1], february]);
    let diff = diff_reports(&old, &new).unwrap();
    let tokens = |text: &str| llama3().count(text).unwrap() as u64;
    assert_eq!(diff.months.len(), 2, "{:?}", diff.months);
    let (jan, feb) = (&diff.months[0], &diff.months[1]);
    assert_eq!((jan.name.as_str(), jan.removed.documents), ("2026-01", 1));
    assert_eq!(jan.removed.tokens, tokens(JANUARY[2].1));
    assert_eq!((feb.name.as_str(), feb.added.documents), ("2026-02", 1));
    assert_eq!(feb.added.tokens, tokens(february.1));
    let statuses: Vec<_> = diff
        .sources
        .iter()
        .map(|s| (s.figures.name.as_str(), s.status))
        .collect();
    assert_eq!(statuses, [("web", "changed"), ("forum", "vanished")]);
    let web = diff.sources[0].files.unwrap();
    assert_eq!((web.added, web.removed, web.unchanged), (1, 0, 1));
    assert_eq!(diff.latest_month.new.as_deref(), Some("2026-02"));
    assert!(diff.eu_size_bands.is_empty());
    let json: serde_json::Value = serde_json::from_str(&render(&diff, DiffFormat::Json)).unwrap();
    assert_eq!(json["sources"][1]["status"], "vanished");
    assert!(render(&diff, DiffFormat::Markdown).contains("| forum | vanished |"));
}

#[test]
fn other_tokenizers_are_refused() {
    let old = census(&JANUARY);
    let mut new = old.clone();
    new.tokenizer.sha256 = "f".repeat(64);
    let message = diff_reports(&old, &new).unwrap_err().to_string();
    assert!(message.contains("different tokenizers"), "{message}");
}
