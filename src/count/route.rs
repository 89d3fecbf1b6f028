//! Choosing the counting route for a tokenizer: the fast count-only route where it is exact
//! for this `tokenizer.json`, the reference `tokenizers` route otherwise (or when asked).

use super::compiled_cache::CachedEntry as CachedTokenizer;
use super::fast::FastCounter;
use super::fast::bert::{BertCounter, BertSpec};
use super::fast::compiled::CompiledRoute;
use super::fast::pipeline::{CrateModel, PipelineCounter};
use super::fast::wordpiece::WordPieceModel;
use super::load::Prepared;
use super::{Counter, LoadedTokenizer, ReferenceCounter, TokenizerError};

/// Which routes may count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RouteChoice {
    /// The fast route where it is exact, the reference route otherwise.
    #[default]
    Auto,
    /// Always the `tokenizers` crate.
    Reference,
}

/// The chosen counter and, when the fast route was not taken, why.
pub struct Route {
    /// The counter.
    pub counter: Box<dyn Counter>,
    /// Why the reference route counts although `auto` was asked, if so.
    pub fallback_reason: Option<String>,
    /// A problem worth telling that did not stop counting (the compiled-route cache could not
    /// be written), if any.
    pub warning: Option<String>,
}

impl Route {
    /// A fast route.
    fn fast(counter: Box<dyn Counter>, warning: Option<String>) -> Self {
        Self {
            counter,
            fallback_reason: None,
            warning,
        }
    }
}

/// Picks the route for `loaded` (truncation and padding are switched off in every route). A
/// fast BPE route comes from the compiled-route cache when `loaded` found it there, else it is
/// compiled from the accepted JSON and stored in the cache (a cache that cannot be written is a
/// warning, see [`Route::warning`]). The `tokenizers` crate's object counts only in the routes
/// that count with it.
pub fn choose_route(
    mut loaded: LoadedTokenizer,
    special_tokens: bool,
    routes: RouteChoice,
) -> Result<Route, TokenizerError> {
    if routes == RouteChoice::Reference {
        let tokenizer = loaded.crate_tokenizer()?;
        return reference_route(tokenizer, loaded.into_json(), special_tokens, None);
    }
    let (json, post_processor_tokens) = match loaded.prepared {
        Prepared::Cached(entry) => {
            let added = if special_tokens {
                entry.post_processor_tokens
            } else {
                0
            };
            let counter = FastCounter::from_compiled(&entry.route, added).map_err(|e| e.0)?;
            return Ok(Route::fast(Box::new(counter), None));
        }
        Prepared::Parsed {
            ref json,
            post_processor_tokens,
        } => (json, post_processor_tokens),
    };
    let added = if special_tokens {
        post_processor_tokens
    } else {
        0
    };
    let fast = match CompiledRoute::from_json(json) {
        Ok(mut compiled) => {
            let counter = FastCounter::from_compiled(&compiled, added).map_err(|e| e.0)?;
            let warning = loaded.cache.is_some().then(|| {
                // What the counter would build on first use is stored too, so that a later
                // run starts with it (about 10 ms of Llama 3's first count). Built before
                // the entry is written, so a folder that cannot be written costs it too.
                counter.complete(&mut compiled);
                store_in_cache(&loaded, &compiled, post_processor_tokens)
            });
            return Ok(Route::fast(Box::new(counter), warning.flatten()));
        }
        Err(why) => why.0,
    };
    let wordpiece = match WordPieceModel::from_json(json) {
        Ok(model) => {
            // BERT normalization by hand where the shapes match, else the crate's.
            let counter: Box<dyn Counter> = match BertSpec::from_json(json) {
                Ok(spec) => Box::new(BertCounter::new(spec, model, added)),
                Err(_) => Box::new(PipelineCounter::new(
                    loaded.text.crate_tokenizer()?,
                    model,
                    added,
                )?),
            };
            return Ok(Route::fast(counter, None));
        }
        Err(why) => why.0,
    };
    let tokenizer = loaded.text.crate_tokenizer()?;
    match CrateModel::new(json, &tokenizer) {
        Ok(model) => Ok(Route::fast(
            Box::new(PipelineCounter::new(tokenizer, model, added)?),
            None,
        )),
        Err(why) => {
            let reason = format!("{fast}; {wordpiece}; {}", why.0);
            reference_route(tokenizer, loaded.into_json(), special_tokens, Some(reason))
        }
    }
}

/// The reference route over the `tokenizers` crate's object of the `tokenizer.json` `json`.
fn reference_route(
    tokenizer: tokenizers::Tokenizer,
    json: String,
    special_tokens: bool,
    fallback_reason: Option<String>,
) -> Result<Route, TokenizerError> {
    let counter =
        ReferenceCounter::new(tokenizer, special_tokens)?.encoding_long_documents_in_parts(json);
    Ok(Route {
        counter: Box::new(counter),
        fallback_reason,
        warning: None,
    })
}

/// Stores a freshly compiled route in `loaded`'s cache; says why not when it cannot.
fn store_in_cache(
    loaded: &LoadedTokenizer,
    route: &CompiledRoute,
    post_processor_tokens: u64,
) -> Option<String> {
    let cache = loaded.cache.as_ref()?;
    let entry = CachedTokenizer {
        route,
        vocab_size: loaded.info.vocab_size,
        post_processor_tokens,
    };
    let error = cache.store(&loaded.info.sha256, entry).err()?;
    Some(format!(
        "cannot write the compiled tokenizer cache in {} ({error}); counting without it (set \
         XDG_CACHE_HOME to a writable folder to start faster)",
        cache.dir().display()
    ))
}
