//! The library's front door to counting: a [`Tokenizer`] loaded once (the embedded Llama 3 or
//! any `tokenizer.json`), with its counting route chosen, that counts one text or a batch of
//! texts on all cores. The corpus census uses the same object.

use super::{
    CompiledCache, Counter, RouteChoice, TokenizerInfo, TokenizerSource, choose_route,
    load_tokenizer_with_cache,
};
use crate::error::FatalError;
use rayon::prelude::*;
use std::path::Path;

/// A tokenizer ready to count, with its description and the route that counts.
///
/// ```
/// let tokenizer = tokencensus::Tokenizer::embedded()?;
/// assert_eq!(tokenizer.count("Hello, world!")?, 4);
/// assert_eq!(tokenizer.name(), "llama3");
/// # Ok::<(), tokencensus::FatalError>(())
/// ```
pub struct Tokenizer {
    counter: Box<dyn Counter>,
    info: TokenizerInfo,
    fallback_reason: Option<String>,
    warning: Option<String>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("info", &self.info)
            .field("route", &self.route())
            .finish_non_exhaustive()
    }
}

impl Tokenizer {
    /// The Llama 3 tokenizer built into the library, counting without special tokens on the
    /// fastest exact route.
    pub fn embedded() -> Result<Self, FatalError> {
        Self::load(&TokenizerSource::EmbeddedLlama3, false, RouteChoice::Auto)
    }

    /// A Hugging Face `tokenizer.json` (also `.json.zst` or `.json.gz`), counting without
    /// special tokens on the fastest exact route.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, FatalError> {
        let source = TokenizerSource::File(path.as_ref().to_path_buf());
        Self::load(&source, false, RouteChoice::Auto)
    }

    /// Loads the tokenizer of `source`; `special_tokens` also counts the tokens its
    /// post-processor adds to each document (BOS, CLS/SEP); `routes` says which counting
    /// routes may count. No compiled-route cache is read or written (see
    /// [`Tokenizer::load_with_cache`]).
    pub fn load(
        source: &TokenizerSource,
        special_tokens: bool,
        routes: RouteChoice,
    ) -> Result<Self, FatalError> {
        Self::load_with_cache(source, special_tokens, routes, None)
    }

    /// [`Tokenizer::load`], starting from `cache`'s compiled fast route of this tokenizer when
    /// it holds one, else storing it there (`None`: no cache; [`CompiledCache::platform`] is
    /// the user's cache folder, which the command line and the Python package use). A cache
    /// that cannot be written is a [`Tokenizer::warning`], not an error.
    pub fn load_with_cache(
        source: &TokenizerSource,
        special_tokens: bool,
        routes: RouteChoice,
        cache: Option<CompiledCache>,
    ) -> Result<Self, FatalError> {
        let loaded = load_tokenizer_with_cache(source, special_tokens, cache)?;
        let info = loaded.info.clone();
        let route =
            choose_route(loaded, special_tokens, routes).map_err(|e| FatalError::Tokenizer {
                path: info.origin.clone(),
                message: e.0,
            })?;
        Ok(Self {
            counter: route.counter,
            info,
            fallback_reason: route.fallback_reason,
            warning: route.warning,
        })
    }

    /// The exact number of tokens of `text` (an error only if the tokenizer refuses it).
    pub fn count(&self, text: &str) -> Result<usize, FatalError> {
        self.counter
            .count(text)
            .map(|n| n as usize)
            .map_err(|e| FatalError::Refused { message: e.0 })
    }

    /// The exact number of tokens of each text, counted in parallel on the global thread pool
    /// (all cores unless the caller's rayon pool says otherwise); in the order of `texts`.
    pub fn count_batch(&self, texts: &[&str]) -> Result<Vec<usize>, FatalError> {
        texts.par_iter().map(|text| self.count(text)).collect()
    }

    /// [`Tokenizer::count_batch`] on `threads` threads of the process's own pool for that
    /// many (see [`worker_pool`](super::worker_pool)): started by the first call that asks for
    /// them and kept, with the pieces each has counted, for every later call.
    pub fn count_batch_on(&self, texts: &[&str], threads: usize) -> Result<Vec<usize>, FatalError> {
        let pool = super::worker_pool(threads).map_err(FatalError::Usage)?;
        pool.install(|| self.count_batch(texts))
    }

    /// A short name: `llama3` for the embedded tokenizer, else the file name without suffixes.
    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// SHA-256 (hex) of the uncompressed `tokenizer.json`: what every count is defined by.
    pub fn sha256(&self) -> &str {
        &self.info.sha256
    }

    /// The counting route, as reports name it (`fast-bpe`, `tokenizers-0.23`, ...).
    pub fn route(&self) -> &'static str {
        self.counter.route()
    }

    /// Why the reference route counts although a fast one was allowed, if so.
    pub fn fallback_reason(&self) -> Option<&str> {
        self.fallback_reason.as_deref()
    }

    /// A problem met while loading that did not stop counting (the compiled-route cache could
    /// not be written), if any; a census reports it among its warnings.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// The full description: name, sha256, vocabulary size, special tokens, origin.
    pub fn info(&self) -> &TokenizerInfo {
        &self.info
    }

    /// The counter behind [`Tokenizer::count`], for the engine's workers.
    pub(crate) fn counter(&self) -> &dyn Counter {
        self.counter.as_ref()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_batch_counts_as_its_texts_one_by_one() {
        let tokenizer = crate::count::test_support::llama3();
        let texts = [
            "",
            "Hello, world!",
            "Grüße aus Köln",
            "日本語のテキスト",
            " \n\t ",
        ];
        let one_by_one: Vec<usize> = texts.iter().map(|t| tokenizer.count(t).unwrap()).collect();
        assert_eq!(tokenizer.count_batch(&texts).unwrap(), one_by_one);
        for threads in [1, 2, 2] {
            assert_eq!(
                tokenizer.count_batch_on(&texts, threads).unwrap(),
                one_by_one
            );
        }
        assert_eq!(one_by_one[0], 0);
        assert_eq!(tokenizer.sha256().len(), 64);
        assert_eq!(tokenizer.route(), "fast-bpe");
    }
}
