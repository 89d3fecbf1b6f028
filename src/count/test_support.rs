//! What the unit tests of several modules share: tokenizers loaded once per test process
//! (compiling a fast route from its `tokenizer.json` takes about a second in a test build).

use crate::count::Tokenizer;
use std::sync::OnceLock;

/// The embedded Llama 3 tokenizer, loaded once for every unit test of the process.
pub(crate) fn llama3() -> &'static Tokenizer {
    static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| Tokenizer::embedded().expect("the embedded tokenizer loads"))
}
