//! SentencePiece-style BPE (Gemma 3): spaces become `▁`, the whole text is one pre-token for
//! `tokenizers`, and BPE merges characters (unknown characters fall back to byte tokens).
//!
//! Counting the whole text as one piece would defeat caching, so the text is cut where no
//! merge can ever cross: before a `▁` whose preceding character is not `▁` and never precedes
//! `▁` inside any vocabulary token. A merge across such a cut would create a token containing
//! that character pair, which the vocabulary does not have; merges on either side never
//! interact, so the counts add up exactly. The set of such characters is computed from the
//! vocabulary when the tokenizer is loaded.

use super::bpe::{Merges, Unsupported};
use super::spec::vocab_and_merges;
use ahash::{AHashMap, AHashSet};
use serde_json::{Value, json};

/// The character spaces are replaced with.
const SPACE: char = '\u{2581}';

/// A SentencePiece-style BPE model reduced to what counting needs.
pub struct SentencePieceModel {
    char_ids: AHashMap<char, u32>,
    byte_ids: [u32; 256],
    merges: Merges,
    glue: AHashSet<char>,
}

fn why(reason: impl Into<String>) -> Unsupported {
    Unsupported(reason.into())
}

#[inline]
fn is_space(c: char) -> bool {
    c == ' ' || c == SPACE
}

impl SentencePieceModel {
    /// Reads the model from a parsed `tokenizer.json`, or says why this route cannot count it.
    pub fn from_json(json: &Value) -> Result<Self, Unsupported> {
        if json["normalizer"]
            != json!({"type": "Replace", "pattern": {"String": " "}, "content": "\u{2581}"})
        {
            return Err(why("normalizer is not Replace(' ' -> '\u{2581}')"));
        }
        let pre = &json["pre_tokenizer"];
        let splits_on_space = pre["type"] == "Split"
            && pre["pattern"] == json!({"String": " "})
            && pre["invert"] == false;
        if !pre.is_null() && !splits_on_space {
            return Err(why("pre-tokenizer is not a Split on ' '"));
        }
        let model = &json["model"];
        let empty_or_null = |v: &Value| v.is_null() || v == "";
        if model["type"] != "BPE" || model["byte_fallback"] != true || !model["dropout"].is_null() {
            return Err(why("model is not BPE with byte fallback"));
        }
        if !empty_or_null(&model["continuing_subword_prefix"])
            || !empty_or_null(&model["end_of_word_suffix"])
            || model["ignore_merges"] == true
        {
            return Err(why("BPE subword prefix, suffix or ignore_merges"));
        }
        let (vocab, merges) = vocab_and_merges(model)?;
        let mut byte_ids = [0u32; 256];
        for (b, id) in byte_ids.iter_mut().enumerate() {
            *id = *vocab
                .get(&format!("<0x{b:02X}>"))
                .ok_or_else(|| why(format!("no byte token <0x{b:02X}>")))?;
        }
        let merges = Merges::new(&vocab, &merges)?;
        if merges.involves_any(&byte_ids) {
            return Err(why("a merge involves a byte token"));
        }
        let mut char_ids = AHashMap::new();
        let mut glue = AHashSet::new();
        for (token, &id) in &vocab {
            let mut chars = token.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                char_ids.insert(c, id);
            }
            let chars: Vec<char> = token.chars().collect();
            for pair in chars.windows(2) {
                if pair[1] == SPACE && pair[0] != SPACE {
                    glue.insert(pair[0]);
                }
            }
        }
        Ok(Self {
            char_ids,
            byte_ids,
            merges,
            glue,
        })
    }

    /// Calls `piece` with pieces of `text` (raw, spaces not yet replaced) cut where no merge
    /// can cross; they cover the whole text.
    #[inline]
    pub fn for_each_piece(&self, text: &str, mut piece: impl FnMut(&str)) {
        let mut start = 0;
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            if let Some(p) = prev {
                if is_space(c) && !is_space(p) && !self.glue.contains(&p) {
                    piece(&text[start..i]);
                    start = i;
                }
            }
            prev = Some(c);
        }
        if start < text.len() {
            piece(&text[start..]);
        }
    }

    /// The number of tokens of one piece (raw UTF-8 bytes, spaces not yet replaced).
    pub fn count(&self, piece: &[u8], symbols: &mut Vec<u32>) -> u32 {
        let text = std::str::from_utf8(piece).expect("pieces are cut at character boundaries");
        symbols.clear();
        let mut buf = [0u8; 4];
        for c in text.chars() {
            let c = if c == ' ' { SPACE } else { c };
            match self.char_ids.get(&c) {
                Some(&id) => symbols.push(id),
                None => symbols.extend(
                    c.encode_utf8(&mut buf)
                        .bytes()
                        .map(|b| self.byte_ids[b as usize]),
                ),
            }
        }
        self.merges.count(symbols)
    }
}
