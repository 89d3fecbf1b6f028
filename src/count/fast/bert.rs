//! The BERT route (`fast-wordpiece`): the words of [`super::bert_words`] (`tokenizers`'
//! `BertNormalizer` and `BertPreTokenizer`, hand-written) counted by the WordPiece model
//! through the per-thread cache. Added tokens are split out on the raw text first, as
//! `tokenizers` does for tokens it matches before normalizing.

use super::added::AddedTokens;
use super::bert_words::{BertOptions, BertWords, Buffers};
use super::bpe::Unsupported;
use super::cache::{CACHE, CacheOwner, ThreadCache};
use super::parts::{Part, Parts, group_segments};
use super::spec;
use super::wordpiece::WordPieceModel;
use crate::count::{Counter, TokenizerError};
use serde_json::Value;

/// What the BERT route needs from a `tokenizer.json` besides the WordPiece model.
pub struct BertSpec {
    options: BertOptions,
    added: Option<AddedTokens>,
}

impl BertSpec {
    /// The spec of a parsed `tokenizer.json` with a `BertNormalizer`, a `BertPreTokenizer`
    /// and added tokens matched on the raw text only; else why the route does not apply.
    pub fn from_json(json: &Value) -> Result<Self, Unsupported> {
        let why = |reason: &str| Err(Unsupported(reason.to_string()));
        let normalizer = &json["normalizer"];
        if normalizer["type"] != "BertNormalizer" {
            return why("normalizer is not BertNormalizer");
        }
        if json["pre_tokenizer"]["type"] != "BertPreTokenizer" {
            return why("pre-tokenizer is not BertPreTokenizer");
        }
        let flag = |name: &str| match &normalizer[name] {
            Value::Bool(b) => Ok(*b),
            _ => Err(Unsupported(format!("BertNormalizer without {name}"))),
        };
        let lowercase = flag("lowercase")?;
        let strip_accents = match &normalizer["strip_accents"] {
            Value::Null => lowercase,
            Value::Bool(b) => *b,
            _ => return why("BertNormalizer strip_accents is not a boolean"),
        };
        let options = BertOptions {
            clean_text: flag("clean_text")?,
            handle_chinese_chars: flag("handle_chinese_chars")?,
            strip_accents,
            lowercase,
        };
        Ok(Self {
            options,
            added: AddedTokens::new(&spec::added_tokens(&json["added_tokens"])?)?,
        })
    }
}

/// Counts a WordPiece tokenizer with a `BertNormalizer` and a `BertPreTokenizer`.
pub struct BertCounter {
    owner: CacheOwner,
    words: BertWords,
    added: Option<AddedTokens>,
    model: WordPieceModel,
    special_tokens: u64,
}

impl BertCounter {
    /// The route for a tokenizer with this `spec` and WordPiece `model`, adding
    /// `special_tokens` per document.
    pub fn new(spec: BertSpec, model: WordPieceModel, special_tokens: u64) -> Self {
        Self {
            owner: CacheOwner::new(),
            words: BertWords::new(spec.options),
            added: spec.added,
            model,
            special_tokens,
        }
    }

    /// Tokens of a stretch of text without added tokens.
    fn count_stretch(&self, text: &str, cache: &mut ThreadCache, buffers: &mut Buffers) -> u64 {
        let mut tokens = 0;
        self.words.for_each_word(text, buffers, |word| {
            // A word of one character is one token: itself or the unknown token.
            let single = word.len() == utf8_width(word[0]);
            tokens += if single {
                1
            } else {
                u64::from(cache.count(word, |w, _| {
                    self.model
                        .count(std::str::from_utf8(w).expect("words are built from characters"))
                }))
            };
        });
        tokens
    }
}

/// The length of the UTF-8 sequence `lead` starts.
#[inline]
fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

impl Counter for BertCounter {
    fn count(&self, text: &str) -> Result<u64, TokenizerError> {
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.owner.id());
            let mut buffers = Buffers::default();
            let mut tokens = self.special_tokens;
            match &self.added {
                None => tokens += self.count_stretch(text, &mut cache, &mut buffers),
                Some(added) => {
                    let found = added.for_each_stretch(text, |stretch| {
                        tokens += self.count_stretch(stretch, &mut cache, &mut buffers);
                    });
                    tokens += found;
                }
            }
            Ok(tokens)
        })
    }

    fn route(&self) -> &'static str {
        "fast-wordpiece"
    }
}

impl BertCounter {
    /// The tokens of `region` (no added tokens inside), which whitespace or the ends of its
    /// stretch bound.
    fn count_region(&self, region: &str) -> u64 {
        CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.claim(self.owner.id());
            self.count_stretch(region, &mut cache, &mut Buffers::default())
        })
    }

    /// Cuts a stretch longer than `max` before ASCII whitespace, which BERT's normalizer and
    /// pre-tokenizer treat on their own (it ends every word and becomes no token); a run
    /// without whitespace longer than `max` is counted here.
    fn long_stretch<'t>(&self, stretch: &'t str, max: usize, part: &mut dyn FnMut(Part<'t>)) {
        let bytes = stretch.as_bytes();
        let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let mut start = 0;
        while bytes.len() - start > max {
            let window = &bytes[start + 1..=start + max];
            match window.iter().rposition(space) {
                Some(k) => {
                    let cut = start + 1 + k;
                    part(Part::Encode(&stretch[start..cut]));
                    start = cut;
                }
                None => {
                    let rest = &bytes[start + max + 1..];
                    let cut = rest
                        .iter()
                        .position(space)
                        .map_or(bytes.len(), |k| start + max + 1 + k);
                    part(Part::Counted(self.count_region(&stretch[start..cut])));
                    start = cut;
                }
            }
        }
        if start < bytes.len() {
            part(Part::Encode(&stretch[start..]));
        }
    }
}

impl Parts for BertCounter {
    fn for_each_part<'t>(&self, text: &'t str, max: usize, part: &mut dyn FnMut(Part<'t>)) {
        group_segments(text, max, self.added.as_ref(), part, |stretch, part| {
            self.long_stretch(stretch, max, part)
        });
    }
}
