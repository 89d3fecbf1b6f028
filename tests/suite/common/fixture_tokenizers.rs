//! The fixture tokenizers for tests that count in this process, loaded once per suite process:
//! parsing a `tokenizer.json` into the `tokenizers` crate's object takes up to seconds (Gemma 3's
//! 262,000 tokens), and several modules compare the same tokenizers' routes. A test gets its own
//! counter each time, built from the shared parse: the crate's object cloned, the fast route
//! through the suite's compiled-route cache (so only the first load of a tokenizer compiles it;
//! `compiled_cache` shows that cached and compiled routes count alike).

use super::{TOKENIZERS, root, test_cache_home, tokenizer_json, tokenizer_path};
use std::sync::OnceLock;
use tokencensus::count::{
    CompiledCache, Counter, ReferenceCounter, Route, RouteChoice, TokenizerSource, choose_route,
    load_tokenizer_with_cache,
};

/// A fixture tokenizer's `tokenizer.json` text and the crate's object that accepted it.
struct Parsed {
    json: String,
    tokenizer: tokenizers::Tokenizer,
}

/// The parse of fixture `name` (one of [`TOKENIZERS`]), made by the first test that asks.
fn parsed(name: &str) -> &'static Parsed {
    static PARSED: [OnceLock<Parsed>; TOKENIZERS.len()] =
        [const { OnceLock::new() }; TOKENIZERS.len()];
    let index = TOKENIZERS
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("{name} is not a fixture tokenizer"));
    PARSED[index].get_or_init(|| {
        let json = tokenizer_json(name);
        let tokenizer = json.parse().unwrap();
        Parsed { json, tokenizer }
    })
}

/// The `tokenizers` crate's object for fixture `name`.
pub fn crate_tokenizer(name: &str) -> tokenizers::Tokenizer {
    parsed(name).tokenizer.clone()
}

/// The reference route's counter for fixture `name`, as `choose_route` makes it with
/// [`RouteChoice::Reference`] (documents past 256 KiB encoded in parts).
pub fn reference_counter(name: &str, special: bool) -> Box<dyn Counter> {
    let parsed = parsed(name);
    let counter = ReferenceCounter::new(parsed.tokenizer.clone(), special)
        .unwrap()
        .encoding_long_documents_in_parts(parsed.json.clone());
    Box::new(counter)
}

/// The route `RouteChoice::Auto` chooses for fixture `name`, loaded through the suite's
/// compiled-route cache.
pub fn auto_route(name: &str, special: bool) -> Route {
    static CACHE: OnceLock<CompiledCache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| CompiledCache::at(test_cache_home().join("in-process")));
    let source = TokenizerSource::File(root().join(tokenizer_path(name)));
    let loaded = load_tokenizer_with_cache(&source, special, Some(cache.clone())).unwrap();
    choose_route(loaded, special, RouteChoice::Auto).unwrap()
}
