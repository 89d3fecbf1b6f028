//! Per-document latency: the sample's first documents (up to a cap) are read into memory once,
//! then each route counts them one after another on one thread, every count timed into an HDR
//! histogram of nanoseconds. Reading is outside the timed part.

use crate::config::CountConfig;
use crate::count::Counter;
use crate::display::count_noun;
use crate::error::FatalError;
use crate::read::jsonl::FieldNames;
use crate::read::{Document, LineRef, Problem, Visitor};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Caps of the latency pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyLimits {
    /// At most this many documents (the first ones, in file order).
    pub max_documents: usize,
    /// At most this many bytes of text held in memory.
    pub max_text_bytes: usize,
    /// Stop a route's pass after this much counting time.
    pub max_seconds: f64,
}

impl Default for LatencyLimits {
    fn default() -> Self {
        Self {
            max_documents: 20_000,
            max_text_bytes: 64 << 20,
            max_seconds: 20.0,
        }
    }
}

/// The documents of the latency pass.
#[derive(Debug, Clone, Default)]
pub struct Documents {
    /// Their texts, in corpus order.
    pub texts: Vec<String>,
    /// Why the pass does not cover the whole sample, if it does not.
    pub capped: Option<String>,
}

/// One route's per-document latencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Documents timed.
    pub documents: u64,
    /// Why not every document of the sample was timed (null when all were).
    pub capped: Option<String>,
    /// Median, nanoseconds.
    pub p50_ns: u64,
    /// 90th percentile, nanoseconds.
    pub p90_ns: u64,
    /// 99th percentile, nanoseconds.
    pub p99_ns: u64,
    /// Slowest document, nanoseconds.
    pub max_ns: u64,
    /// Mean, nanoseconds.
    pub mean_ns: f64,
}

/// Reads the first documents of the corpus of `config`, within `limits`.
pub fn collect(config: &CountConfig, limits: LatencyLimits) -> Result<Documents, FatalError> {
    let plan = crate::census::plan(config)?;
    let mut first = FirstDocuments {
        docs: Documents::default(),
        limits,
        bytes: 0,
        seen: 0,
    };
    for file in &plan.files {
        let names = FieldNames::only_text(&plan.sources[file.source].text_field);
        file.read_items(&names, (config.mmap, config.max_document_bytes), &mut first);
        if first.docs.texts.len() >= limits.max_documents {
            break;
        }
    }
    let FirstDocuments {
        mut docs,
        bytes,
        seen,
        ..
    } = first;
    if (docs.texts.len() as u64) < seen || docs.texts.len() >= limits.max_documents {
        docs.capped = Some(format!(
            "the first {} ({} of text) in file order; the pass stops at {} documents or {} MiB of text",
            count_noun(docs.texts.len() as u64, "document", "documents"),
            count_noun(bytes as u64, "byte", "bytes"),
            limits.max_documents,
            limits.max_text_bytes >> 20
        ));
    }
    Ok(docs)
}

/// Keeps the first documents read, within the limits; skips problems (`count` reports them).
struct FirstDocuments {
    docs: Documents,
    limits: LatencyLimits,
    /// Bytes of text kept.
    bytes: usize,
    /// Documents read.
    seen: u64,
}

impl Visitor for FirstDocuments {
    fn document(&mut self, document: Document<'_>) {
        let text = document.text;
        self.seen += 1;
        if self.docs.texts.len() < self.limits.max_documents
            && self.bytes + text.len() <= self.limits.max_text_bytes
        {
            self.bytes += text.len();
            self.docs.texts.push(text.to_string());
        }
    }

    fn problem(&mut self, _: LineRef, _: Problem) {}
}

/// Counts `docs` one by one with `counter`, timing each count.
pub fn measure(docs: &Documents, counter: &dyn Counter, limits: LatencyLimits) -> LatencySummary {
    // 1 ns to 1,000 s at 3 significant digits; a longer count is recorded as 1,000 s.
    let mut histogram =
        Histogram::<u64>::new_with_bounds(1, 1_000_000_000_000, 3).expect("valid histogram bounds");
    let budget = Duration::from_secs_f64(limits.max_seconds);
    let started = Instant::now();
    let mut capped = docs.capped.clone();
    for text in &docs.texts {
        let t = Instant::now();
        let counted = counter.count(text);
        let ns = t.elapsed().as_nanos().min(u64::MAX as u128) as u64;
        if counted.is_ok() {
            histogram.saturating_record(ns.max(1));
        }
        if started.elapsed() > budget {
            capped = Some(format!(
                "the first {}: the pass stops after {} s of counting",
                count_noun(histogram.len(), "document", "documents"),
                limits.max_seconds
            ));
            break;
        }
    }
    LatencySummary {
        documents: histogram.len(),
        capped,
        p50_ns: histogram.value_at_quantile(0.50),
        p90_ns: histogram.value_at_quantile(0.90),
        p99_ns: histogram.value_at_quantile(0.99),
        max_ns: histogram.max(),
        mean_ns: histogram.mean(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Spin;
    impl Counter for Spin {
        fn count(&self, text: &str) -> Result<u64, crate::count::TokenizerError> {
            Ok(text.bytes().map(u64::from).sum::<u64>() % 7)
        }
        fn route(&self) -> &'static str {
            "spin"
        }
    }

    #[test]
    fn percentiles_are_ordered_and_caps_are_stated() {
        let docs = Documents {
            texts: (0..500).map(|i| "x".repeat(i * 10)).collect(),
            capped: None,
        };
        let s = measure(&docs, &Spin, LatencyLimits::default());
        assert_eq!(s.documents, 500);
        assert!(s.capped.is_none());
        assert!(s.p50_ns <= s.p90_ns && s.p90_ns <= s.p99_ns && s.p99_ns <= s.max_ns);
        let tight = LatencyLimits {
            max_seconds: 0.0,
            ..LatencyLimits::default()
        };
        let s = measure(&docs, &Spin, tight);
        assert_eq!(s.documents, 1);
        assert!(s.capped.unwrap().contains("stops after"));
    }
}
