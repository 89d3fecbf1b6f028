//! The WordPiece model (BERT and its kin, such as MiniLM) reduced to counting: each pre-token's
//! count comes from the same greedy longest-match-first loop WordPiece runs, without building
//! strings. It runs behind [`super::bert::BertCounter`] (hand-written BERT normalization) or,
//! for other normalizers and pre-tokenizers, behind [`super::pipeline::PipelineCounter`], which
//! keeps the `tokenizers` crate's own.

use super::bpe::Unsupported;
use super::pipeline::PieceCounter;
use ahash::AHashSet;
use serde_json::Value;

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
    pub fn count(&self, word: &str) -> u32 {
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

impl PieceCounter for WordPieceModel {
    fn count_piece(&self, piece: &str) -> Result<u32, String> {
        Ok(self.count(piece))
    }

    fn route(&self) -> &'static str {
        "fast-cached-wordpiece"
    }
}
