//! The counting core: turns a document's text into its exact token count. It works on `&str`
//! and knows nothing of files; readers feed it. Every route behind [`Counter`] must give exactly
//! the numbers of the reference route over the Hugging Face `tokenizers` crate.

pub mod chat;
mod compiled_cache;
mod fast;
mod list;
mod load;
mod reference;
mod route;
#[cfg(test)]
pub(crate) mod test_support;
mod tokenizer;
mod workers;

pub use chat::{ChatTemplate, ChatTemplateError};
pub use compiled_cache::CompiledCache;
pub use list::TokenizerList;
pub use load::{
    LoadedTokenizer, TokenizerInfo, TokenizerSource, load_tokenizer, load_tokenizer_with_cache,
    read_config_text,
};
pub use reference::ReferenceCounter;
pub use route::{Route, RouteChoice, choose_route};
pub use tokenizer::Tokenizer;
pub use workers::worker_pool;

/// The `tokenizers` crate's refusal of a text, or of a tokenizer's set-up, in its own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TokenizerError(pub String);

impl From<String> for TokenizerError {
    fn from(message: String) -> Self {
        Self(message)
    }
}

/// Counts the tokens of one document.
pub trait Counter: Send + Sync {
    /// The exact number of tokens of `text`, or the tokenizer's own error.
    fn count(&self, text: &str) -> Result<u64, TokenizerError>;

    /// The name of the route that counts, as stated in reports.
    fn route(&self) -> &'static str;
}
