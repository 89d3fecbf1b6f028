//! Combining censuses: sums by source name, refusals, and the property that the order and
//! grouping of the inputs never change a figure.

use super::*;
use crate::count::test_support::llama3;
use crate::memory::{MemoryCensus, MemoryRecord, MemorySource, RecordDate};
use crate::report::ChatTemplateReport;
use crate::report::files::{Stamp, fingerprint};
use crate::stats::Category;
use proptest::prelude::*;

/// A census of files: `records` (source, text, month) counted from memory, then given the
/// files `files` (one set per source, in the order the sources first appear) as a count
/// of files would list them.
fn census(records: &[(&str, &str, &str)], files: &[&str]) -> Report {
    let mut census = MemoryCensus::new(llama3());
    for (source, text, month) in records {
        let mut declared = MemorySource::new(*source, Category::Crawled);
        declared.date_field = Some("date".into());
        let date = format!("{month}-15");
        let record = MemoryRecord {
            date: Some(RecordDate::Iso(&date)),
            ..MemoryRecord::text(text)
        };
        census.add(llama3(), &declared, record).unwrap();
    }
    let mut report = census.to_report();
    report.run.from_memory = false;
    for source in &mut report.sources {
        let own: Vec<_> = files
            .iter()
            .filter(|f| f.starts_with(&source.name))
            .map(|f| fingerprint(f, 1, Stamp::Modified(0)))
            .collect();
        source.file_set = Some(FileSet::of(own));
    }
    report
}

fn input(name: &str, report: Report) -> CensusInput {
    CensusInput {
        name: name.into(),
        report,
    }
}

fn combine(reports: &[(&str, &Report)]) -> Result<Report, FatalError> {
    let inputs: Vec<CensusInput> = reports
        .iter()
        .map(|(n, r)| input(n, (*r).clone()))
        .collect();
    combine_reports(&inputs)
}

#[test]
fn two_windows_add_up_to_one_count_of_both() {
    let jan = census(&[("web", "January's page.", "2026-01")], &["web/jan.jsonl"]);
    let feb = census(
        &[
            ("web", "February's page, longer.", "2026-02"),
            ("books", "A book.", "2026-02"),
        ],
        &["web/feb.jsonl", "books/b.jsonl"],
    );
    let both = census(
        &[
            ("web", "January's page.", "2026-01"),
            ("web", "February's page, longer.", "2026-02"),
            ("books", "A book.", "2026-02"),
        ],
        &["web/jan.jsonl", "web/feb.jsonl", "books/b.jsonl"],
    );
    let combined = combine(&[("jan.json", &jan), ("feb.json", &feb)]).unwrap();
    // A census fed from memory lists its sources by name; the combination lists them as the
    // inputs first name them.
    assert_eq!(
        by_name(combined.clone()).sources,
        by_name(both.clone()).sources
    );
    assert_eq!(combined.categories, both.categories);
    assert_eq!(combined.totals, both.totals);
    assert_eq!(combined.run.combined_inputs, Some(2));
    let web = combined.sources.iter().find(|s| s.name == "web").unwrap();
    assert_eq!(web.file_set.as_ref().unwrap().count, 2);
}

#[test]
fn a_file_in_two_inputs_is_refused() {
    let jan = census(&[("web", "a", "2026-01")], &["web/x.jsonl"]);
    let again = census(&[("web", "b", "2026-02")], &["web/x.jsonl"]);
    let refused = combine(&[("jan.json", &jan), ("again.json", &again)]).unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains("jan.json and again.json both counted 1 file"),
        "{message}"
    );
}

#[test]
fn other_tokenizers_settings_or_declarations_are_refused() {
    let jan = census(&[("web", "a", "2026-01")], &["web/a"]);
    let mut other = census(&[("web", "b", "2026-02")], &["web/b"]);
    other.tokenizer.sha256 = "0".repeat(64);
    let message = combine(&[("a", &jan), ("b", &other)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("differ in tokenizer"), "{message}");

    let mut other = census(&[("web", "b", "2026-02")], &["web/b"]);
    other.settings.text_field = "content".into();
    let message = combine(&[("a", &jan), ("b", &other)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("default text field"), "{message}");

    let mut other = census(&[("web", "b", "2026-02")], &["web/b"]);
    other.sources[0].category = Category::Public;
    let message = combine(&[("a", &jan), ("b", &other)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("another category"), "{message}");

    let mut other = census(&[("web", "b", "2026-02")], &["web/b"]);
    other.sources[0].chat_field = Some("messages".into());
    let message = combine(&[("a", &jan), ("b", &other)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("another chat field"), "{message}");

    let template = |sha256: &str| ChatTemplateReport {
        origin: "tokenizer_config.json".into(),
        sha256: sha256.into(),
        bos_token: Some("<s>".into()),
        eos_token: None,
    };
    let (mut one, mut two) = (jan.clone(), census(&[("web", "b", "2026-02")], &["web/b"]));
    one.settings.chat_template = Some(template("aa"));
    two.settings.chat_template = Some(template("bb"));
    let message = combine(&[("a", &one), ("b", &two)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("differ in the chat template"), "{message}");
    // The same template read from another path is the same template.
    two.settings.chat_template = Some(ChatTemplateReport {
        origin: "elsewhere/tokenizer_config.json".into(),
        ..template("aa")
    });
    assert!(combine(&[("a", &one), ("b", &two)]).is_ok());
}

#[test]
fn shards_estimates_memory_and_unlisted_files_are_refused() {
    let jan = census(&[("web", "a", "2026-01")], &["web/a"]);
    let mut memory = jan.clone();
    memory.run.from_memory = true;
    let message = combine(&[("m", &memory)]).unwrap_err().to_string();
    assert!(message.contains("fed from memory"), "{message}");
    let mut old = jan.clone();
    old.sources[0].file_set = None;
    let message = combine(&[("old.json", &old)]).unwrap_err().to_string();
    assert!(
        message.contains("old.json is without the list of its files"),
        "{message}"
    );
    let mut shard = jan.clone();
    shard.run.shard = Some(crate::report::ShardRun {
        index: 0,
        count: 2,
        plan_sha256: String::new(),
        origin: "--shard".into(),
    });
    let message = combine(&[("s", &shard)]).unwrap_err().to_string();
    assert!(message.contains("merge every shard"), "{message}");
}

/// Texts and months drawn for one window: (source, text, month) with files named after them.
fn window() -> impl Strategy<Value = Vec<(usize, String, u8)>> {
    prop::collection::vec((0usize..3, "[a-z ]{0,12}", 1u8..=4), 1..4)
}

fn census_of(window: usize, records: &[(usize, String, u8)]) -> Report {
    const SOURCES: [&str; 3] = ["web", "books", "code"];
    let months: Vec<String> = records.iter().map(|r| format!("2026-{:02}", r.2)).collect();
    let rows: Vec<(&str, &str, &str)> = records
        .iter()
        .zip(&months)
        .map(|(r, m)| (SOURCES[r.0], r.1.as_str(), m.as_str()))
        .collect();
    let files: Vec<String> = (0..records.len())
        .map(|i| format!("{}/w{window}-{i}", SOURCES[records[i].0]))
        .collect();
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    census(&rows, &names)
}

/// The report with its sources in name order (the only thing input order may change).
fn by_name(mut report: Report) -> Report {
    report.sources.sort_by(|a, b| a.name.cmp(&b.name));
    report
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn order_and_grouping_never_matter(a in window(), b in window(), c in window()) {
        let (a, b, c) = (census_of(0, &a), census_of(1, &b), census_of(2, &c));
        let flat = combine(&[("a", &a), ("b", &b), ("c", &c)]).unwrap();
        let ab = combine(&[("a", &a), ("b", &b)]).unwrap();
        let left = combine(&[("ab", &ab), ("c", &c)]).unwrap();
        let bc = combine(&[("b", &b), ("c", &c)]).unwrap();
        let right = combine(&[("a", &a), ("bc", &bc)]).unwrap();
        prop_assert_eq!(&left, &flat);
        prop_assert_eq!(&right, &flat);
        let reversed = combine(&[("c", &c), ("b", &b), ("a", &a)]).unwrap();
        prop_assert_eq!(by_name(reversed), by_name(flat));
    }
}
