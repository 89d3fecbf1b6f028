//! The count-only fast routes. For byte-level BPE tokenizers (Llama 3 and cl100k, GPT-4o and
//! o200k, Qwen 2/3) added tokens are split out with a leftmost-longest automaton as in
//! `tokenizers`, the rest is NFC-normalized where the tokenizer says so, split by a hand-written
//! scanner equal to the `Split` regex, and each piece's token count comes from a per-thread cache
//! or, on a miss, from BPE merges. SentencePiece-style BPE (Gemma 3) is split only where no
//! vocabulary token can cross (see `spm`). No `Encoding`, token string or offset is ever built.

pub mod added;
pub mod bert;
mod bert_chars;
pub mod bert_words;
pub mod bpe;
mod cache;
pub mod compiled;
mod huge_pages;
mod lean_merge;
mod merge_in_step;
mod merged_ids;
pub mod merges;
mod nfc;
mod pair_map;
pub mod parts;
pub mod piece_list;
pub mod pipeline;
mod prefetch;
pub mod pretokenize;
mod radix_heap;
mod short_pieces;
pub mod spec;
pub mod spm;
pub mod unicode;
mod unicode_table;
pub mod whole_chars;
pub mod wordpiece;

use super::{Counter, TokenizerError};
use added::AddedTokens;
use bpe::{BytePairModel, Unsupported};
use cache::{CACHE, CacheOwner, ThreadCache};
use compiled::{CompiledModel, CompiledRoute};
use pretokenize::Pattern;
use std::borrow::Cow;
use unicode_normalization_alignments::UnicodeNormalization;

/// Counts exactly like the reference route for the tokenizers it accepts.
pub struct FastCounter {
    owner: CacheOwner,
    model: Model,
    added: Option<AddedTokens>,
    special_tokens: u64,
}

/// The model behind a fast counter.
enum Model {
    /// Byte-level BPE behind a `Split` regex.
    ByteLevel {
        model: Box<BytePairModel>,
        pattern: Pattern,
        nfc: bool,
    },
    /// SentencePiece-style BPE over characters with byte fallback.
    SentencePiece(Box<spm::SentencePieceModel>),
}

impl FastCounter {
    /// Builds a fast counter from a parsed `tokenizer.json`, adding `special_tokens` per
    /// document (what the post-processor adds when special tokens are counted), or says why
    /// none of the fast models serves it exactly.
    pub fn new(json: &serde_json::Value, special_tokens: u64) -> Result<Self, Unsupported> {
        Self::from_compiled(&CompiledRoute::from_json(json)?, special_tokens)
    }

    /// Builds a fast counter from its compiled form (see [`compiled`]).
    pub fn from_compiled(
        compiled: &CompiledRoute,
        special_tokens: u64,
    ) -> Result<Self, Unsupported> {
        let added = AddedTokens::new(&compiled.added_tokens)?;
        let model = match &compiled.model {
            CompiledModel::ByteLevel { parts, regex, nfc } => Model::ByteLevel {
                pattern: Pattern::from_regex(regex)
                    .ok_or_else(|| Unsupported(format!("Split regex {regex:?} has no scanner")))?,
                model: Box::new(BytePairModel::from_parts(parts)?),
                nfc: *nfc,
            },
            CompiledModel::SentencePiece(parts) => {
                Model::SentencePiece(Box::new(spm::SentencePieceModel::from_parts(parts)?))
            }
        };
        Ok(Self {
            owner: CacheOwner::new(),
            model,
            added,
            special_tokens,
        })
    }

    /// Adds to `compiled` (this counter's compiled form) the tables the counter would build
    /// when it first needs them, building them now: a counter made from it has them from the
    /// start (what the compiled-route cache stores).
    pub fn complete(&self, compiled: &mut CompiledRoute) {
        if let (Model::ByteLevel { model, .. }, CompiledModel::ByteLevel { parts, .. }) =
            (&self.model, &mut compiled.model)
        {
            parts.whole_chars = Some(model.whole_chars().clone());
        }
    }

    /// Tokens of a stretch of text without added tokens.
    fn count_segment(&self, text: &str, cache: &mut ThreadCache) -> u64 {
        match &self.model {
            Model::ByteLevel {
                model,
                pattern,
                nfc,
            } => {
                let text: Cow<str> = if *nfc && !text.is_ascii() && !nfc::is_nfc_quick_yes(text) {
                    let mut normalized = String::with_capacity(text.len());
                    normalized.extend(text.nfc().map(|(c, _)| c));
                    Cow::Owned(normalized)
                } else {
                    Cow::Borrowed(text)
                };
                let mut tokens = 0u64;
                let bytes = text.as_bytes();
                let count_many = |pieces: &[&[u8]], counts: &mut [u32], scratch: &mut Vec<u32>| {
                    model.count_pieces(pieces, counts, scratch)
                };
                // Short pieces the cache misses are merged several at a time (see
                // `merge_in_step`).
                pattern.for_each_piece_range(&text, |start, end| {
                    let count_one = |p: &[u8], s: &mut Vec<u32>| model.count(p, s);
                    tokens += cache.count_or_defer(bytes, start, end, count_one, count_many);
                });
                tokens + cache.count_deferred(bytes, count_many)
            }
            Model::SentencePiece(model) => {
                let mut tokens = 0u64;
                let bytes = text.as_bytes();
                let count_many = |pieces: &[&[u8]], counts: &mut [u32], scratch: &mut Vec<u32>| {
                    model.count_pieces(pieces, counts, scratch)
                };
                let count_one = |piece: &[u8], scratch: &mut Vec<u32>| {
                    model.count(
                        std::str::from_utf8(piece).expect("pieces are text"),
                        scratch,
                    )
                };
                model.for_each_piece_range(text, |start, end| {
                    tokens += cache.count_or_defer(bytes, start, end, count_one, count_many);
                });
                tokens + cache.count_deferred(bytes, count_many)
            }
        }
    }
}

impl Counter for FastCounter {
    fn count(&self, text: &str) -> Result<u64, TokenizerError> {
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.owner.id());
            let mut tokens = self.special_tokens;
            match &self.added {
                None => tokens += self.count_segment(text, &mut cache),
                Some(added) => {
                    let found = added.for_each_stretch(text, |stretch| {
                        tokens += self.count_segment(stretch, &mut cache);
                    });
                    tokens += found;
                }
            }
            Ok(tokens)
        })
    }

    fn route(&self) -> &'static str {
        match self.model {
            Model::ByteLevel { .. } => "fast-bpe",
            Model::SentencePiece(_) => "fast-spm-bpe",
        }
    }
}
