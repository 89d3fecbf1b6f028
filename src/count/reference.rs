//! The reference route: the `tokenizers` crate itself, with truncation and padding off.

use super::{Counter, TokenizerError};
use tokenizers::Tokenizer;

/// Counts with the `tokenizers` crate: a document's count is the length of its encoding.
pub struct ReferenceCounter {
    tokenizer: Tokenizer,
    add_special_tokens: bool,
}

impl ReferenceCounter {
    /// Wraps a tokenizer, switching truncation and padding off so no count is cut or inflated.
    pub fn new(mut tokenizer: Tokenizer, add_special_tokens: bool) -> Result<Self, TokenizerError> {
        tokenizer
            .with_truncation(None)
            .map_err(|e| TokenizerError(e.to_string()))?;
        tokenizer.with_padding(None);
        Ok(Self {
            tokenizer,
            add_special_tokens,
        })
    }

    /// The wrapped tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
}

impl Counter for ReferenceCounter {
    fn count(&self, text: &str) -> Result<u64, TokenizerError> {
        self.tokenizer
            .encode_fast(text, self.add_special_tokens)
            .map(|encoding| encoding.len() as u64)
            .map_err(|e| TokenizerError(e.to_string()))
    }

    fn route(&self) -> &'static str {
        "tokenizers-0.23"
    }
}
