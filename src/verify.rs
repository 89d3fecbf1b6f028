//! `verify`: re-counts a random sample of a corpus's documents with the reference route and
//! compares every count with the fast route, so users can check exactness on their own data.

use crate::config::CountConfig;
use crate::count::{Counter, RouteChoice, choose_route, load_tokenizer_with_cache};
use crate::error::FatalError;
use crate::read::jsonl::FieldNames;
use crate::read::{Document, LineRef, Problem, Visitor};
use rayon::prelude::*;

/// One sampled document.
#[derive(Debug, Clone)]
pub struct Sampled {
    /// Its file.
    pub path: String,
    /// Its 1-based line (`None` for a whole-file document).
    pub line: Option<u64>,
    /// Its text.
    pub text: String,
}

/// A document the two routes count differently.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The document.
    pub document: Sampled,
    /// The fast route's count.
    pub fast: u64,
    /// The reference route's count.
    pub reference: u64,
}

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The fast route's name, or `None` when no fast route serves this tokenizer.
    pub fast_engine: Option<String>,
    /// Why no fast route serves this tokenizer, if so.
    pub fallback_reason: Option<String>,
    /// Documents seen in the corpus.
    pub documents_seen: u64,
    /// Documents compared.
    pub sampled: u64,
    /// Tokens in the sample (reference count).
    pub sampled_tokens: u64,
    /// Records or files that could not be read (see `count` for details).
    pub unreadable: u64,
    /// Documents counted differently, in corpus order.
    pub mismatches: Vec<Mismatch>,
}

/// Samples `sample` documents uniformly (reservoir sampling with `seed`) from the corpus of
/// `config` and compares the fast route with the reference route on each.
pub fn verify(config: &CountConfig, sample: usize, seed: u64) -> Result<Verification, FatalError> {
    config.validate()?;
    let plan = crate::census::plan(config)?;
    let load = || {
        let cache = config.compiled_cache.clone();
        load_tokenizer_with_cache(&config.tokenizer, config.special_tokens, cache)
    };
    let fast = choose_route(load()?, config.special_tokens, RouteChoice::Auto)
        .map_err(|e| tokenizer_error(config, e.0))?;
    let mut verification = Verification {
        fast_engine: None,
        fallback_reason: fast.fallback_reason.clone(),
        documents_seen: 0,
        sampled: 0,
        sampled_tokens: 0,
        unreadable: 0,
        mismatches: Vec::new(),
    };
    if fast.fallback_reason.is_some() {
        return Ok(verification); // the reference route counts anyway: nothing to compare
    }
    verification.fast_engine = Some(fast.counter.route().to_string());
    let reference = choose_route(load()?, config.special_tokens, RouteChoice::Reference)
        .map_err(|e| tokenizer_error(config, e.0))?;

    let mut sampling = Sampling {
        path: String::new(),
        rng: SplitMix64(seed),
        reservoir: Vec::with_capacity(sample),
        sample,
        seen: 0,
        unreadable: 0,
    };
    for file in &plan.files {
        sampling.path = file.path.display().to_string();
        let names = FieldNames::only_text(&plan.sources[file.source].text_field);
        file.read_items(
            &names,
            (config.mmap, config.max_document_bytes),
            &mut sampling,
        );
    }
    verification.documents_seen = sampling.seen;
    verification.unreadable = sampling.unreadable;
    let mut reservoir = sampling.reservoir;
    reservoir.sort_by_key(|(order, _)| *order);
    let documents: Vec<Sampled> = reservoir.into_iter().map(|(_, doc)| doc).collect();
    verification.sampled = documents.len() as u64;
    let pool = crate::count::worker_pool(config.threads).map_err(FatalError::Usage)?;
    let (tokens, mismatches) =
        pool.install(|| compare(documents, fast.counter.as_ref(), reference.counter.as_ref()));
    verification.sampled_tokens = tokens;
    verification.mismatches = mismatches;
    Ok(verification)
}

/// A uniform sample of the documents read (reservoir sampling), and what could not be read.
struct Sampling {
    /// The file being read.
    path: String,
    rng: SplitMix64,
    /// The sampled documents with their order in the corpus.
    reservoir: Vec<(u64, Sampled)>,
    /// The sample's size.
    sample: usize,
    /// Documents seen so far.
    seen: u64,
    /// Records or files that could not be read.
    unreadable: u64,
}

impl Visitor for Sampling {
    fn document(&mut self, document: Document<'_>) {
        let seen = self.seen;
        self.seen += 1;
        let slot = if self.reservoir.len() < self.sample {
            self.reservoir.len()
        } else {
            self.rng.below(seen + 1) as usize
        };
        if slot >= self.sample {
            return;
        }
        let line = match document.at {
            LineRef::Line(line) => Some(line),
            LineRef::None | LineRef::InChunk { .. } => None,
        };
        let sampled = Sampled {
            path: self.path.clone(),
            line,
            text: document.text.to_string(),
        };
        if slot == self.reservoir.len() {
            self.reservoir.push((seen, sampled));
        } else {
            self.reservoir[slot] = (seen, sampled);
        }
    }

    fn problem(&mut self, _: LineRef, _: Problem) {
        self.unreadable += 1;
    }
}

/// Counts every document with both counters (in parallel) and returns the reference tokens
/// and the documents counted differently, in their original order.
pub fn compare(
    documents: Vec<Sampled>,
    fast: &dyn Counter,
    reference: &dyn Counter,
) -> (u64, Vec<Mismatch>) {
    let counts: Vec<(u64, u64)> = documents
        .par_iter()
        .map(|d| {
            (
                count_or_max(fast, &d.text),
                count_or_max(reference, &d.text),
            )
        })
        .collect();
    let tokens = counts.iter().map(|&(_, r)| r).sum();
    let mismatches = documents
        .into_iter()
        .zip(counts)
        .filter(|(_, (f, r))| f != r)
        .map(|(document, (fast, reference))| Mismatch {
            document,
            fast,
            reference,
        })
        .collect();
    (tokens, mismatches)
}

fn count_or_max(counter: &dyn Counter, text: &str) -> u64 {
    counter.count(text).unwrap_or(u64::MAX)
}

fn tokenizer_error(config: &CountConfig, message: String) -> FatalError {
    FatalError::Tokenizer {
        path: format!("{:?}", config.tokenizer),
        message,
    }
}

/// A small, well-known deterministic generator (SplitMix64) for reproducible samples.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), without modulo bias worth speaking of for n below 2^40.
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Words;
    use crate::count::TokenizerError;

    impl Counter for Words {
        fn count(&self, text: &str) -> Result<u64, TokenizerError> {
            Ok(text.split_whitespace().count() as u64)
        }
        fn route(&self) -> &'static str {
            "words"
        }
    }

    struct Bytes;
    impl Counter for Bytes {
        fn count(&self, text: &str) -> Result<u64, TokenizerError> {
            Ok(text.len() as u64)
        }
        fn route(&self) -> &'static str {
            "bytes"
        }
    }

    #[test]
    fn differences_are_found_in_order() {
        let doc = |line: u64, text: &str| Sampled {
            path: "a.jsonl".into(),
            line: Some(line),
            text: text.into(),
        };
        let docs = vec![
            doc(1, "a"),
            doc(2, "two words"),
            doc(3, "b"),
            doc(4, "x y z"),
        ];
        let (tokens, mismatches) = compare(docs.clone(), &Words, &Bytes);
        assert_eq!(tokens, 1 + 9 + 1 + 5);
        let lines: Vec<_> = mismatches
            .iter()
            .map(|m| (m.document.line, m.fast, m.reference))
            .collect();
        assert_eq!(lines, vec![(Some(2), 2, 9), (Some(4), 3, 5)]);
        assert!(compare(docs, &Words, &Words).1.is_empty());
    }

    #[test]
    fn samples_are_uniform_and_reproducible() {
        let mut a = SplitMix64(7);
        let mut b = SplitMix64(7);
        let draws: Vec<u64> = (0..1000).map(|_| a.below(10)).collect();
        assert_eq!(draws, (0..1000).map(|_| b.below(10)).collect::<Vec<_>>());
        for v in 0..10 {
            let n = draws.iter().filter(|&&d| d == v).count();
            assert!((50..150).contains(&n), "value {v} drawn {n} times of 1000");
        }
    }
}
