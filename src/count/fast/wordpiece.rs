//! A count-only route for WordPiece tokenizers (BERT and its kin, such as MiniLM). The
//! normalizer, pre-tokenizer and added-token matching are the `tokenizers` crate's own (so they
//! are exact by construction); what is skipped is the model's `Token`s and the `Encoding`: each
//! pre-token's count comes from a per-thread cache or from the same greedy longest-match-first
//! loop WordPiece runs, without building strings.

use super::bpe::Unsupported;
use super::cache::CACHE;
use crate::count::Counter;
use ahash::AHashSet;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use tokenizers::{OffsetReferential, OffsetType, PreTokenizer, Tokenizer};

/// Counts WordPiece tokenizers without building encodings.
pub struct WordPieceCounter {
    id: u64,
    tokenizer: Tokenizer,
    model: WordPieceModel,
    special_tokens: u64,
}

/// The WordPiece vocabulary reduced to membership tests.
pub struct WordPieceModel {
    /// Tokens that may start a word.
    starts: AHashSet<Box<str>>,
    /// Continuation tokens with their prefix (`##`) removed.
    continuations: AHashSet<Box<str>>,
    max_chars: usize,
}

impl WordPieceModel {
    /// The number of tokens of one pre-token: greedy longest match, or one unknown token when
    /// the word is too long or cannot be covered.
    fn count(&self, word: &str) -> u32 {
        if word.chars().count() > self.max_chars {
            return 1;
        }
        let (mut start, mut tokens) = (0, 0u32);
        while start < word.len() {
            let vocab = if start == 0 {
                &self.starts
            } else {
                &self.continuations
            };
            let mut end = word.len();
            while start < end && !vocab.contains(&word[start..end]) {
                end -= word[start..end]
                    .chars()
                    .next_back()
                    .map_or(1, char::len_utf8);
            }
            if start == end {
                return 1; // no piece matches: the whole word is the unknown token
            }
            tokens += 1;
            start = end;
        }
        tokens
    }
}

impl WordPieceModel {
    /// Reads the WordPiece model of a parsed `tokenizer.json`.
    pub fn from_json(json: &Value) -> Result<Self, Unsupported> {
        let model = &json["model"];
        if model["type"] != "WordPiece" {
            return Err(Unsupported(format!(
                "model {} is not WordPiece",
                model["type"]
            )));
        }
        let vocab = model["vocab"]
            .as_object()
            .ok_or_else(|| Unsupported("no vocabulary".into()))?;
        let unk = model["unk_token"].as_str().unwrap_or("[UNK]");
        if !vocab.contains_key(unk) {
            return Err(Unsupported(
                "the unknown token is not in the vocabulary".into(),
            ));
        }
        let prefix = model["continuing_subword_prefix"].as_str().unwrap_or("##");
        let max_chars = model["max_input_chars_per_word"].as_u64().unwrap_or(100) as usize;
        Ok(Self {
            starts: vocab.keys().map(|k| k.as_str().into()).collect(),
            continuations: vocab
                .keys()
                .filter_map(|k| k.strip_prefix(prefix))
                .map(Into::into)
                .collect(),
            max_chars,
        })
    }
}

impl WordPieceCounter {
    /// The route for `tokenizer` (truncation and padding are switched off here) with `model`.
    pub fn new(
        mut tokenizer: Tokenizer,
        model: WordPieceModel,
        special_tokens: u64,
    ) -> Result<Self, String> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1 << 40);
        tokenizer.with_truncation(None).map_err(|e| e.to_string())?;
        tokenizer.with_padding(None);
        Ok(Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            tokenizer,
            model,
            special_tokens,
        })
    }
}

impl Counter for WordPieceCounter {
    fn count(&self, text: &str) -> Result<u64, String> {
        let added = self.tokenizer.get_added_vocabulary();
        let mut pieces = added.extract_and_normalize(self.tokenizer.get_normalizer(), text);
        if let Some(pre) = self.tokenizer.get_pre_tokenizer() {
            pre.pre_tokenize(&mut pieces).map_err(|e| e.to_string())?;
        }
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.id);
            let mut tokens = self.special_tokens;
            for (word, _, found) in pieces.get_splits(OffsetReferential::Original, OffsetType::None)
            {
                tokens += match found {
                    Some(added) => added.len() as u64,
                    None => u64::from(cache.count(word.as_bytes(), |w, _| {
                        self.model
                            .count(std::str::from_utf8(w).expect("pre-tokens are text"))
                    })),
                };
            }
            Ok(tokens)
        })
    }

    fn engine(&self) -> &'static str {
        "fast-wordpiece"
    }
}
