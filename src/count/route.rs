//! Choosing the counting route for a tokenizer: the fast count-only route where it is exact
//! for this `tokenizer.json`, the reference `tokenizers` route otherwise (or when asked).

use super::fast::FastCounter;
use super::fast::bert::{BertCounter, BertSpec};
use super::fast::pipeline::{CrateModel, PipelineCounter};
use super::fast::wordpiece::WordPieceModel;
use super::{Counter, LoadedTokenizer, ReferenceCounter, TokenizerError};
use tokenizers::PostProcessor;

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
}

/// Picks the route for `loaded` (truncation and padding are switched off in every route).
pub fn choose_route(
    loaded: LoadedTokenizer,
    special_tokens: bool,
    routes: RouteChoice,
) -> Result<Route, TokenizerError> {
    let fallback_reason = match routes {
        RouteChoice::Reference => None,
        RouteChoice::Auto => {
            let json: serde_json::Value =
                serde_json::from_str(&loaded.json).map_err(|e| TokenizerError(e.to_string()))?;
            let added = match (special_tokens, loaded.tokenizer.get_post_processor()) {
                (true, Some(post)) => post.added_tokens(false) as u64,
                _ => 0,
            };
            let fast = match FastCounter::new(&json, added) {
                Ok(fast) => {
                    return Ok(Route {
                        counter: Box::new(fast),
                        fallback_reason: None,
                    });
                }
                Err(why) => why.0,
            };
            let wordpiece = match WordPieceModel::from_json(&json) {
                Ok(model) => {
                    // BERT normalization by hand where the shapes match, else the crate's.
                    let counter: Box<dyn Counter> = match BertSpec::from_json(&json) {
                        Ok(spec) => Box::new(BertCounter::new(spec, model, added)),
                        Err(_) => Box::new(PipelineCounter::new(loaded.tokenizer, model, added)?),
                    };
                    return Ok(Route {
                        counter,
                        fallback_reason: None,
                    });
                }
                Err(why) => why.0,
            };
            match CrateModel::new(&json, &loaded.tokenizer) {
                Ok(model) => {
                    return Ok(Route {
                        counter: Box::new(PipelineCounter::new(loaded.tokenizer, model, added)?),
                        fallback_reason: None,
                    });
                }
                Err(why) => Some(format!("{fast}; {wordpiece}; {}", why.0)),
            }
        }
    };
    Ok(Route {
        counter: Box::new(
            ReferenceCounter::new(loaded.tokenizer, special_tokens)?
                .encoding_long_documents_in_parts(loaded.json),
        ),
        fallback_reason,
    })
}
