use super::*;
use crate::config::CountConfig;
use crate::count::test_support::llama3;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// A record of the provenance fixture, owned.
struct Owned {
    text: String,
    date: Option<String>,
    url: Option<String>,
}

impl Owned {
    fn record(&self) -> MemoryRecord<'_> {
        MemoryRecord {
            text: &self.text,
            date: self.date.as_deref().map(RecordDate::Iso),
            url: self.url.as_deref(),
        }
    }
}

fn records(path: &str) -> Vec<Owned> {
    let text = std::fs::read_to_string(fixture(path)).unwrap();
    text.lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(String::from);
            Owned {
                text: field("text").unwrap(),
                date: field("date"),
                url: field("url"),
            }
        })
        .collect()
}

/// The report as JSON without `run`, which may differ between equal censuses.
fn figures(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap();
    value.as_object_mut().unwrap().remove("run");
    value
}

#[test]
fn a_census_fed_from_memory_equals_the_count_of_the_same_records_in_a_file() {
    let path = fixture("provenance/records.jsonl");
    let mut config = CountConfig::new(vec![path.clone()]);
    config.date_field = Some("date".into());
    config.url_field = Some("url".into());
    let mut counted = crate::census::count_with(&config, llama3()).unwrap().report;
    // Records fed from memory come from no listed file: the count's file_set is its own.
    counted.sources.iter_mut().for_each(|s| s.file_set = None);
    let expected = &counted.sources[0];
    let source = MemorySource {
        date_field: Some("date".into()),
        url_field: Some("url".into()),
        ..MemorySource::new(expected.name.clone(), expected.category)
    };
    let mut census = MemoryCensus::new(llama3());
    let owned = records("provenance/records.jsonl");
    let batch: Vec<_> = owned.iter().map(Owned::record).collect();
    census.add_batch(llama3(), &source, &batch).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    census.add_files(&source, 1, size).unwrap();
    let report = census.to_report();
    assert!(report.run.from_memory);
    assert_eq!(report.sources, counted.sources);
    assert_eq!(report.categories, counted.categories);
    assert_eq!(report.totals, counted.totals);
    assert_eq!(report.tokenizer, counted.tokenizer);
    assert!(report.totals.tally.periods.by_month.len() > 10);
    assert!(!report.totals.tally.domains.domains.is_empty());
}

#[test]
fn one_record_counts_its_tokens_date_and_domain() {
    let web = MemorySource::new("web", Category::Crawled);
    let mut census = MemoryCensus::new(llama3());
    let text = "Training data, counted exactly.";
    let record = MemoryRecord {
        text,
        date: Some(RecordDate::Unix(1_700_000_000.0)),
        url: Some("https://www.example.org/a"),
    };
    assert_eq!(census.add(llama3(), &web, record).unwrap(), Some(6));
    census
        .add(llama3(), &web, MemoryRecord::text("Hello, world!"))
        .unwrap();
    let report = census.to_report();
    let tally = &report.sources[0].tally;
    assert_eq!(tally.counts.documents, 2);
    assert_eq!(tally.counts.tokens, 10);
    assert_eq!(tally.counts.bytes, (text.len() + 13) as u64);
    assert_eq!(tally.periods.by_month["2023-11"].documents, 1);
    assert_eq!(tally.periods.undated.documents, 1);
    assert_eq!(tally.domains.domains[0].domain, "example.org");
    assert_eq!(report.categories[0].category, Category::Crawled);
}

#[test]
fn tallies_merged_in_any_grouping_and_order_equal_one_tally_fed_everything() {
    let kernel = MemorySource::new("kernel-docs", Category::Public);
    let dated = MemorySource {
        date_field: Some("date".into()),
        url_field: Some("url".into()),
        ..MemorySource::new("provenance", Category::Crawled)
    };
    let mut all: Vec<(&MemorySource, Owned)> = Vec::new();
    all.extend(
        records("sample/linux-doc.jsonl")
            .into_iter()
            .map(|r| (&kernel, r)),
    );
    all.extend(
        records("provenance/records.jsonl")
            .into_iter()
            .map(|r| (&dated, r)),
    );
    let mut whole = MemoryCensus::new(llama3());
    for (source, record) in &all {
        whole.add(llama3(), source, record.record()).unwrap();
    }
    let expected = figures(&whole.to_report());
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    for _ in 0..8 {
        let parts = rng.random_range(1..=6);
        let mut tallies: Vec<MemoryCensus> =
            (0..parts).map(|_| MemoryCensus::new(llama3())).collect();
        for (source, record) in &all {
            let part = rng.random_range(0..parts);
            tallies[part]
                .add(llama3(), source, record.record())
                .unwrap();
        }
        // Each part goes through its serialised form, then they merge in a random order and
        // grouping: pairwise from the back, or folded from the front.
        let mut tallies: Vec<MemoryCensus> = tallies
            .iter()
            .map(|t| MemoryCensus::from_report(&t.to_report()).unwrap())
            .collect();
        tallies.shuffle(&mut rng);
        while tallies.len() > 1 {
            let last = tallies.pop().unwrap();
            let at = rng.random_range(0..tallies.len());
            tallies[at].merge(&last).unwrap();
        }
        assert_eq!(figures(&tallies[0].to_report()), expected);
    }
}

#[test]
fn merging_refuses_another_tokenizer_and_a_source_declared_differently() {
    let minilm = Tokenizer::from_file(fixture("tokenizers/minilm.tokenizer.json.zst")).unwrap();
    let web = MemorySource::new("web", Category::Crawled);
    let mut mine = MemoryCensus::new(llama3());
    mine.add(llama3(), &web, MemoryRecord::text("a")).unwrap();
    let other = MemoryCensus::new(&minilm);
    let refused = mine.merge(&other).unwrap_err().to_string();
    assert!(refused.contains("different tokenizers"), "{refused}");
    let refused = mine
        .add(&minilm, &web, MemoryRecord::text("a"))
        .unwrap_err();
    assert!(matches!(refused, FatalError::Usage(_)), "{refused}");

    let mut licensed = MemoryCensus::new(llama3());
    let web_licensed = MemorySource::new("web", Category::Licensed);
    licensed
        .add(llama3(), &web_licensed, MemoryRecord::text("b"))
        .unwrap();
    let before = figures(&mine.to_report());
    let refused = mine.merge(&licensed).unwrap_err().to_string();
    assert!(refused.contains("declared twice"), "{refused}");
    assert_eq!(figures(&mine.to_report()), before);
}

#[test]
fn a_count_of_files_is_not_read_as_a_tally() {
    let config = CountConfig::new(vec![fixture("provenance/records.jsonl")]);
    let counted = crate::census::count_with(&config, llama3()).unwrap().report;
    let refused = MemoryCensus::from_report(&counted).unwrap_err();
    assert!(refused.to_string().contains("not a tally"), "{refused}");
}
