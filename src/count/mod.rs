//! The counting core: turns a document's text into its exact token count. It works on `&str`
//! and knows nothing of files; readers feed it. Every route behind [`Counter`] must give exactly
//! the numbers of the reference route over the Hugging Face `tokenizers` crate.

pub mod fast;
mod load;
mod reference;
mod route;
mod tokenizer;

pub use load::{LoadedTokenizer, TokenizerInfo, TokenizerSource, load_tokenizer};
pub use reference::ReferenceCounter;
pub use route::{Route, RouteChoice, choose_route};
pub use tokenizer::Tokenizer;

/// Counts the tokens of one document.
pub trait Counter: Send + Sync {
    /// The exact number of tokens of `text`, or the tokenizer's own error message.
    fn count(&self, text: &str) -> Result<u64, String>;

    /// The name of the route that counts, as stated in reports.
    fn route(&self) -> &'static str;
}
