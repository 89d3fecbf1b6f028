//! The disclosure formats (markdown, eu-summary, html) on `fixtures/reports/disclosure.json`, a
//! census with months, domains, every category and modality and input errors: the fixture is
//! what its builder makes and is consistent, and each format shows its figures.

mod common;
#[path = "common/report_fixture.rs"]
mod report_fixture;

use common::*;
use serde_json::Value;
use tokencensus::report::{Report, stats_of};
use tokencensus::stats::SourceStats;

const FIXTURE: &str = "fixtures/reports/disclosure.json";

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(FIXTURE)).unwrap()).unwrap()
}

#[test]
fn the_fixture_is_what_its_builder_makes() {
    let text = serde_json::to_string_pretty(&report_fixture::build()).unwrap() + "\n";
    if std::env::var_os("TOKENCENSUS_WRITE_FIXTURES").is_some() {
        std::fs::write(root().join(FIXTURE), &text).unwrap();
    }
    // Through text, as the fixture was: float parsing may differ from the built value in the
    // last bit, the same way on both sides.
    let built: Value = serde_json::from_str(&text).unwrap();
    assert!(
        fixture() == built,
        "{FIXTURE} differs from its builder; regenerate it with TOKENCENSUS_WRITE_FIXTURES=1 cargo test --test disclosure"
    );
}

#[test]
fn the_fixture_is_a_consistent_report() {
    let report: Report = serde_json::from_value(fixture()).unwrap();
    let mut sum = SourceStats::default();
    for s in &report.sources {
        let stats = stats_of(&s.tally, s.tokens_per_document_hdr.as_deref())
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        sum += &stats;
    }
    let totals = &report.totals.tally;
    assert_eq!(sum.counts.documents, totals.counts.documents);
    assert_eq!(sum.counts.bytes, totals.counts.bytes);
    assert_eq!(sum.counts.tokens + sum.media.tokens(), totals.counts.tokens);
    assert_eq!(
        sum.tokens_per_document.summary(),
        totals.tokens_per_document
    );
    let dated: u64 = totals.periods.by_month.values().map(|d| d.tokens).sum();
    assert_eq!(
        dated + totals.periods.undated.tokens + totals.periods.declared.tokens,
        totals.by_modality.text.tokens
    );
    let category_tokens: u64 = report
        .categories
        .iter()
        .map(|c| c.tally.counts.tokens)
        .sum();
    assert_eq!(category_tokens, totals.counts.tokens);
    assert_eq!(report.totals.errors, report.errors.len() as u64);
}
