//! Merging reports fed from memory (`run.from_memory`): by source name, as shards only when
//! they say so, never with counts of files.

use super::*;
use crate::config::CountConfig;
use crate::count::test_support::llama3;
use crate::memory::{MemoryCensus, MemoryRecord, MemorySource};
use crate::stats::Category;
use std::path::PathBuf;

/// The embedded Llama 3, loaded once for these tests.
fn tally_of(source: &str, texts: &[&str]) -> Report {
    let mut census = MemoryCensus::new(llama3());
    let source = MemorySource::new(source, Category::Public);
    for text in texts {
        census
            .add(llama3(), &source, MemoryRecord::text(text))
            .unwrap();
    }
    census.to_report()
}

fn as_shard(mut report: Report, index: u32, count: u32) -> Report {
    report.run.shard = Some(ShardRun {
        index,
        count,
        plan_sha256: "datatrove".into(),
        origin: format!("rank {index}"),
    });
    report
}

fn part(name: &str, report: Report) -> Part {
    Part {
        name: name.into(),
        report,
    }
}

#[test]
fn merge_parts_combines_tallies_of_different_sources_by_name() {
    let a = tally_of("b-source", &["one", "two"]);
    let b = tally_of("a-source", &["three"]);
    let c = tally_of("b-source", &["four four"]);
    let merged = merge_parts(&[part("a", a), part("b", b), part("c", c)]).unwrap();
    let names: Vec<_> = merged.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a-source", "b-source"]);
    assert_eq!(merged.sources[1].tally.counts.documents, 3);
    assert_eq!(merged.run.merged_parts, Some(3));
    assert!(merged.run.from_memory);
}

#[test]
fn merge_parts_checks_that_every_rank_of_tallies_is_there_once() {
    let rank = |i| as_shard(tally_of("web", &["x"]), i, 3);
    let complete = [part("0", rank(0)), part("1", rank(1)), part("2", rank(2))];
    assert_eq!(
        merge_parts(&complete)
            .unwrap()
            .totals
            .tally
            .counts
            .documents,
        3
    );
    let missing = merge_parts(&[part("0", rank(0)), part("2", rank(2))]).unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("1 of the 3 shards is missing: shard 1"),
        "{missing}"
    );
    let mixed = merge_parts(&[part("0", tally_of("web", &["x"])), part("1", rank(1))]);
    assert!(mixed.unwrap_err().to_string().contains("is a shard and"));
    let records =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/provenance/records.jsonl");
    let config = CountConfig::new(vec![records]);
    let counted = crate::census::count_with(&config, llama3()).unwrap().report;
    let refused = merge_parts(&[
        part("tally", tally_of("web", &["x"])),
        part("count", counted),
    ]);
    let refused = refused.unwrap_err().to_string();
    assert!(
        refused.contains("fed from memory and count is a count of files"),
        "{refused}"
    );
}

#[test]
fn missing_shards_are_named_in_a_sentence() {
    assert_eq!(
        missing_shards(&[1], 2),
        "1 of the 2 shards is missing: shard 1 (give the part of every shard, 0 to 1)"
    );
    assert_eq!(
        missing_shards(&[0, 2], 3),
        "2 of the 3 shards are missing: shards 0, 2 (give the part of every shard, 0 to 2)"
    );
    let many: Vec<u32> = (1..100).collect();
    assert!(missing_shards(&many, 100).starts_with(
        "99 of the 100 shards are missing: shards 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, and 89 more ("
    ));
}
