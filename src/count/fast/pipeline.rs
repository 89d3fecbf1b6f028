//! Count-only routes that keep the `tokenizers` crate's own normalizer, pre-tokenizer and
//! added-token matching (exact by construction) and skip only the `Encoding`: each pre-token is
//! counted once per thread (a cache keyed by its text) by a [`PieceCounter`]. The model's
//! tokenization of a pre-token depends on nothing but its text, so the sum of the cached counts
//! is the length of the encoding. Two piece counters exist: WordPiece's greedy loop without
//! strings, and, for Unigram and WordLevel models, the crate's own `Model::tokenize`. (BPE
//! tokenizers of other shapes than the fast routes' stay on the reference route.)

use super::bpe::Unsupported;
use super::cache::{CACHE, CacheOwner};
use crate::count::{Counter, TokenizerError};
use serde_json::Value;
use tokenizers::{Model, OffsetReferential, OffsetType, PreTokenizer, Tokenizer};

/// Counts the tokens of one pre-token.
pub trait PieceCounter: Send + Sync {
    /// The number of tokens the model gives `piece`.
    fn count_piece(&self, piece: &str) -> Result<u32, String>;
    /// The route's name in reports.
    fn route(&self) -> &'static str;
}

/// Counts with the crate's pipeline up to the model, then `pieces`, through the cache.
pub struct PipelineCounter<P> {
    owner: CacheOwner,
    tokenizer: Tokenizer,
    pieces: P,
    special_tokens: u64,
}

impl<P: PieceCounter> PipelineCounter<P> {
    /// The route for `tokenizer` (truncation and padding are switched off here), adding
    /// `special_tokens` per document.
    pub fn new(mut tokenizer: Tokenizer, pieces: P, special_tokens: u64) -> Result<Self, String> {
        tokenizer.with_truncation(None).map_err(|e| e.to_string())?;
        tokenizer.with_padding(None);
        Ok(Self {
            owner: CacheOwner::new(),
            tokenizer,
            pieces,
            special_tokens,
        })
    }
}

impl<P: PieceCounter> Counter for PipelineCounter<P> {
    fn count(&self, text: &str) -> Result<u64, TokenizerError> {
        self.count_text(text).map_err(TokenizerError)
    }

    fn route(&self) -> &'static str {
        self.pieces.route()
    }
}

impl<P: PieceCounter> PipelineCounter<P> {
    fn count_text(&self, text: &str) -> Result<u64, String> {
        let added = self.tokenizer.get_added_vocabulary();
        let mut pieces = added.extract_and_normalize(self.tokenizer.get_normalizer(), text);
        if let Some(pre) = self.tokenizer.get_pre_tokenizer() {
            pre.pre_tokenize(&mut pieces).map_err(|e| e.to_string())?;
        }
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.owner.id());
            let mut tokens = self.special_tokens;
            let mut failure = None;
            for (word, _, found) in pieces.get_splits(OffsetReferential::Original, OffsetType::None)
            {
                tokens += match found {
                    Some(added) => added.len() as u64,
                    // The cache takes one-byte pieces for one token; ask the model instead.
                    None if word.len() <= 1 => u64::from(self.pieces.count_piece(word)?),
                    None => u64::from(cache.count(word.as_bytes(), |w, _| {
                        let piece = std::str::from_utf8(w).expect("pre-tokens are text");
                        self.pieces.count_piece(piece).unwrap_or_else(|e| {
                            failure = Some(e);
                            0
                        })
                    })),
                };
            }
            match failure {
                // A failed piece is never cached as a count: the counter's memo is dropped.
                Some(e) => {
                    cache.forget();
                    Err(e)
                }
                None => Ok(tokens),
            }
        })
    }
}

/// Any deterministic model of the crate, counting through its own `tokenize`.
pub struct CrateModel {
    tokenizer: Tokenizer,
    engine: &'static str,
}

impl CrateModel {
    /// The model of `tokenizer`, if it is a Unigram or WordLevel model (whose tokenization of a
    /// pre-token depends only on its text).
    pub fn new(json: &Value, tokenizer: &Tokenizer) -> Result<Self, Unsupported> {
        let model = &json["model"];
        let engine = match model["type"].as_str() {
            Some("Unigram") => "fast-cached-unigram",
            Some("WordLevel") => "fast-cached-wordlevel",
            other => {
                return Err(Unsupported(format!(
                    "model type {other:?} has no cached route (only Unigram and WordLevel)"
                )));
            }
        };
        Ok(Self {
            tokenizer: tokenizer.clone(),
            engine,
        })
    }
}

impl PieceCounter for CrateModel {
    fn count_piece(&self, piece: &str) -> Result<u32, String> {
        let tokens = self
            .tokenizer
            .get_model()
            .tokenize(piece)
            .map_err(|e| e.to_string())?;
        u32::try_from(tokens.len()).map_err(|e| e.to_string())
    }

    fn route(&self) -> &'static str {
        self.engine
    }
}
