//! `verify`: re-counts a random sample of a corpus's documents with the reference route and
//! compares every count with the fast route, so users can check exactness on their own data.

use crate::CountConfig;
use crate::count::{Counter, Engine, choose_route, load_tokenizer};
use crate::error::FatalError;
use crate::read::documents::for_each_document;
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
    let plan = crate::make_plan(config)?;
    let load = || load_tokenizer(&config.tokenizer, config.special_tokens);
    let fast = choose_route(load()?, config.special_tokens, Engine::Auto)
        .map_err(|m| tokenizer_error(config, m))?;
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
    verification.fast_engine = Some(fast.counter.engine().to_string());
    let reference = choose_route(load()?, config.special_tokens, Engine::Reference)
        .map_err(|m| tokenizer_error(config, m))?;

    let mut rng = SplitMix64(seed);
    let mut reservoir: Vec<(u64, Sampled)> = Vec::with_capacity(sample);
    for file in &plan.files {
        let path = file.path.display().to_string();
        let field = &plan.sources[file.source].text_field;
        verification.unreadable += for_each_document(&file.path, field, |line, text| {
            let seen = verification.documents_seen;
            verification.documents_seen += 1;
            let slot = if reservoir.len() < sample {
                Some(reservoir.len())
            } else {
                Some(rng.below(seen + 1) as usize)
            };
            if let Some(slot) = slot.filter(|&s| s < sample) {
                let doc = (
                    seen,
                    Sampled {
                        path: path.clone(),
                        line,
                        text: text.to_string(),
                    },
                );
                if slot == reservoir.len() {
                    reservoir.push(doc);
                } else {
                    reservoir[slot] = doc;
                }
            }
        });
    }
    reservoir.sort_by_key(|(order, _)| *order);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| FatalError::Usage(e.to_string()))?;
    let results: Vec<(u64, u64)> = pool.install(|| {
        reservoir
            .par_iter()
            .map(|(_, doc)| {
                (
                    count_or_max(fast.counter.as_ref(), &doc.text),
                    count_or_max(reference.counter.as_ref(), &doc.text),
                )
            })
            .collect()
    });
    for ((_, doc), (fast, reference)) in reservoir.into_iter().zip(results) {
        verification.sampled += 1;
        verification.sampled_tokens += reference;
        if fast != reference {
            verification.mismatches.push(Mismatch {
                document: doc,
                fast,
                reference,
            });
        }
    }
    Ok(verification)
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
