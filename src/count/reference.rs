//! The reference route: the `tokenizers` crate itself, with truncation and padding off. A long
//! document is encoded in parts (see [`super::fast::parts`]) so that the crate's working memory
//! (about 90 bytes per byte of text it holds) stays bounded; the parts' counts add up exactly to
//! the whole document's.

use super::fast::parts::{Part, Parts, parts_for};
use super::{Counter, TokenizerError};
use std::sync::OnceLock;
use tokenizers::{PostProcessor, Tokenizer};

/// Documents up to this many bytes are encoded whole; longer ones in parts of at most this many
/// bytes (the crate then holds some 25 MB at a time).
pub const WHOLE_DOCUMENT_BYTES: usize = 256 << 10;

/// Counts with the `tokenizers` crate: a document's count is the length of its encoding.
pub struct ReferenceCounter {
    tokenizer: Tokenizer,
    add_special_tokens: bool,
    /// How long documents are cut, when the tokenizer's shape allows it.
    parts: Option<PartsSource>,
}

/// The `tokenizer.json` a part cutter is made from, on the first long document.
struct PartsSource {
    json: String,
    /// The tokens the post-processor adds to a document (counted once, not per part).
    special_tokens: u64,
    cutter: OnceLock<Option<Box<dyn Parts>>>,
}

impl ReferenceCounter {
    /// Wraps a tokenizer, switching truncation and padding off so no count is cut or inflated.
    /// Every document is encoded whole.
    pub fn new(mut tokenizer: Tokenizer, add_special_tokens: bool) -> Result<Self, TokenizerError> {
        tokenizer
            .with_truncation(None)
            .map_err(|e| TokenizerError(e.to_string()))?;
        tokenizer.with_padding(None);
        Ok(Self {
            tokenizer,
            add_special_tokens,
            parts: None,
        })
    }

    /// The same counter encoding documents longer than 256 KiB in parts, when
    /// `json` (the tokenizer's `tokenizer.json`) has a shape whose parts are known to add up:
    /// byte-level BPE, SentencePiece BPE or BERT WordPiece, as the fast routes read them.
    pub fn encoding_long_documents_in_parts(mut self, json: String) -> Self {
        let post = self.tokenizer.get_post_processor();
        let special_tokens = match (self.add_special_tokens, post) {
            (true, Some(post)) => post.added_tokens(false) as u64,
            _ => 0,
        };
        self.parts = Some(PartsSource {
            json,
            special_tokens,
            cutter: OnceLock::new(),
        });
        self
    }

    /// The wrapped tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The count of `text` encoded in parts of at most `max` bytes by `cutter`.
    fn count_in_parts(
        &self,
        text: &str,
        max: usize,
        cutter: &dyn Parts,
        special_tokens: u64,
    ) -> Result<u64, TokenizerError> {
        let mut tokens = special_tokens;
        let mut failure = None;
        cutter.for_each_part(text, max, &mut |part| match part {
            Part::Counted(n) => tokens += n,
            Part::Encode(_) if failure.is_some() => {}
            Part::Encode(stretch) => match self.tokenizer.encode_fast(stretch, false) {
                Ok(encoding) => tokens += encoding.len() as u64,
                Err(e) => failure = Some(TokenizerError(e.to_string())),
            },
        });
        failure.map_or(Ok(tokens), Err)
    }

    /// The part cutter, made on first use; `None` when the tokenizer's shape has none.
    fn cutter(&self) -> Option<(&dyn Parts, u64)> {
        let source = self.parts.as_ref()?;
        let cutter = source.cutter.get_or_init(|| {
            let json = serde_json::from_str(&source.json).ok()?;
            parts_for(&json)
        });
        Some((cutter.as_deref()?, source.special_tokens))
    }
}

impl Counter for ReferenceCounter {
    fn count(&self, text: &str) -> Result<u64, TokenizerError> {
        if text.len() > WHOLE_DOCUMENT_BYTES
            && let Some((cutter, special_tokens)) = self.cutter()
        {
            return self.count_in_parts(text, WHOLE_DOCUMENT_BYTES, cutter, special_tokens);
        }
        self.tokenizer
            .encode_fast(text, self.add_special_tokens)
            .map(|encoding| encoding.len() as u64)
            .map_err(|e| TokenizerError(e.to_string()))
    }

    fn route(&self) -> &'static str {
        "tokenizers-0.23"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{TokenizerSource, load_tokenizer};

    /// Fragments that meet at every kind of boundary: letters, digits, contractions, runs of
    /// spaces and newlines, punctuation, combining marks (NFC changes them), CJK, and the added
    /// tokens of the vendored tokenizers.
    const FRAGMENTS: [&str; 32] = [
        "a",
        "aa",
        "Word",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "\r\n",
        "'s",
        "'LL",
        "123",
        "4",
        ".",
        "...",
        "!!",
        "é",
        "e\u{301}",
        "日本",
        "Ω",
        "\u{3000}",
        "🙂",
        "ﬁ",
        "x",
        "ab",
        "<|eot_id|>",
        "<|endoftext|>",
        "<start_of_turn>",
        "[CLS]",
        "[MASK]",
        "▁",
        "-",
    ];

    /// A deterministic text of `n` fragments from `seed`.
    fn text(seed: &mut u64, n: usize) -> String {
        (0..n)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                FRAGMENTS[(*seed % FRAGMENTS.len() as u64) as usize]
            })
            .collect()
    }

    /// Counts random documents of [`FRAGMENTS`] in parts of several sizes (and a run of one
    /// letter longer than any part) with the tokenizer `name`, with and without special tokens,
    /// against its whole encoding.
    fn parts_add_up_to_the_whole_document(name: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("fixtures/tokenizers/{name}.tokenizer.json.zst"));
        let mut loaded = load_tokenizer(&TokenizerSource::File(path), false).unwrap();
        let tokenizer = loaded.crate_tokenizer().unwrap();
        let json = loaded.into_json();
        for special in [false, true] {
            let counter = ReferenceCounter::new(tokenizer.clone(), special)
                .unwrap()
                .encoding_long_documents_in_parts(json.clone());
            let (cutter, specials) = counter.cutter().expect("a part cutter");
            let mut seed = 0x9E37_79B9_7F4A_7C15;
            let rounds = if special { 20 } else { 120 };
            for round in 0..rounds {
                let doc = text(&mut seed, 20 + round % 300);
                let whole = counter
                    .tokenizer
                    .encode_fast(doc.as_str(), special)
                    .unwrap();
                for max in [12, 40, 130] {
                    let parts = counter.count_in_parts(&doc, max, cutter, specials).unwrap();
                    assert_eq!(parts, whole.len() as u64, "{name} max {max}: {doc:?}");
                }
            }
            // A run of one letter is one pre-token, longer than any part.
            let run = "a".repeat(5000);
            let whole = counter
                .tokenizer
                .encode_fast(run.as_str(), special)
                .unwrap();
            let parts = counter.count_in_parts(&run, 100, cutter, specials).unwrap();
            assert_eq!(parts, whole.len() as u64, "{name}: a run of a");
        }
    }

    #[test]
    fn parts_add_up_to_the_whole_document_for_llama3() {
        parts_add_up_to_the_whole_document("llama3");
    }

    #[test]
    fn parts_add_up_to_the_whole_document_for_gpt4o() {
        parts_add_up_to_the_whole_document("gpt4o");
    }

    #[test]
    fn parts_add_up_to_the_whole_document_for_qwen3() {
        parts_add_up_to_the_whole_document("qwen3");
    }

    #[test]
    fn parts_add_up_to_the_whole_document_for_gemma3() {
        parts_add_up_to_the_whole_document("gemma3");
    }

    #[test]
    fn parts_add_up_to_the_whole_document_for_a_wordpiece_model() {
        parts_add_up_to_the_whole_document("minilm");
    }
}
