//! Recognising a `tokenizer.json` the fast route serves exactly: byte-level BPE behind a
//! supported `Split` regex and a plain `ByteLevel` step, no normalizer or NFC, and added tokens
//! matched on the raw text without stripping rules. Anything else is refused with the reason,
//! and the reference route counts instead.

use super::bpe::{ByteLevelParts, Unsupported};
use super::pretokenize::Pattern;
use ahash::AHashMap;
use serde_json::Value;

/// What the fast route needs, read from a `tokenizer.json`.
pub struct FastSpec {
    /// The BPE model's parts.
    pub model: ByteLevelParts,
    /// The pre-tokenizer's `Split` regex (one that has a [`Pattern`] scanner).
    pub regex: String,
    /// Whether the normalizer is NFC (otherwise there is none).
    pub nfc: bool,
    /// The contents of all added tokens, matched leftmost-longest on the raw text.
    pub added_tokens: Vec<String>,
}

fn why(reason: impl Into<String>) -> Unsupported {
    Unsupported(reason.into())
}

/// Reads `json` (a whole `tokenizer.json`) into a [`FastSpec`], or says why the fast route
/// cannot count with it exactly.
pub fn read_spec(json: &Value) -> Result<FastSpec, Unsupported> {
    let nfc = match &json["normalizer"] {
        Value::Null => false,
        n if n["type"] == "NFC" => true,
        n => return Err(why(format!("normalizer {} is not supported", n["type"]))),
    };
    let regex = pre_tokenizer(&json["pre_tokenizer"])?;
    let added_tokens = added_tokens(&json["added_tokens"])?;
    let model = &json["model"];
    if model["type"] != "BPE" {
        return Err(why(format!(
            "model {} is not byte-level BPE",
            model["type"]
        )));
    }
    let empty_or_null = |v: &Value| v.is_null() || v == "";
    if !model["dropout"].is_null() || model["byte_fallback"] == true {
        return Err(why("BPE dropout or byte fallback"));
    }
    if !empty_or_null(&model["continuing_subword_prefix"])
        || !empty_or_null(&model["end_of_word_suffix"])
    {
        return Err(why("BPE subword prefix or suffix"));
    }
    let (vocab, merges) = vocab_and_merges(model)?;
    let ignore_merges = model["ignore_merges"] == true;
    Ok(FastSpec {
        model: ByteLevelParts::new(&vocab, &merges, ignore_merges)?,
        regex,
        nfc,
        added_tokens,
    })
}

/// A BPE vocabulary (token → id) and its ordered merges.
pub type VocabAndMerges = (AHashMap<String, u32>, Vec<(String, String)>);

/// The vocabulary and the ordered merges of a BPE model.
pub fn vocab_and_merges(model: &Value) -> Result<VocabAndMerges, Unsupported> {
    let vocab: AHashMap<String, u32> = model["vocab"]
        .as_object()
        .ok_or_else(|| why("no vocabulary"))?
        .iter()
        .map(|(k, v)| {
            v.as_u64()
                .map(|id| (k.clone(), id as u32))
                .ok_or_else(|| why("bad vocabulary id"))
        })
        .collect::<Result<_, _>>()?;
    let merges = model["merges"]
        .as_array()
        .ok_or_else(|| why("no merges"))?
        .iter()
        .map(|m| match m {
            Value::String(s) => s
                .split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string())),
            Value::Array(p) if p.len() == 2 => {
                Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string()))
            }
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| why("unreadable merges"))?;
    Ok((vocab, merges))
}

/// `Sequence[Split(regex), ByteLevel(no prefix space, no regex)]` with a supported regex: the
/// regex.
fn pre_tokenizer(pre: &Value) -> Result<String, Unsupported> {
    let steps = match pre["type"].as_str() {
        Some("Sequence") => pre["pretokenizers"].as_array().cloned().unwrap_or_default(),
        _ => {
            return Err(why(format!(
                "pre-tokenizer {} is not Split + ByteLevel",
                pre["type"]
            )));
        }
    };
    let [split, byte_level] = steps.as_slice() else {
        return Err(why("pre-tokenizer sequence is not Split + ByteLevel"));
    };
    if byte_level["type"] != "ByteLevel"
        || byte_level["add_prefix_space"] == true
        || byte_level["use_regex"] != false
    {
        return Err(why("ByteLevel step with a prefix space or its own regex"));
    }
    if split["type"] != "Split" {
        return Err(why("first pre-tokenizer step is not Split"));
    }
    // The supported regexes match every character, so both behaviours give the same pieces.
    let behaviour = (split["behavior"].as_str(), split["invert"].as_bool());
    if !matches!(
        behaviour,
        (Some("Isolated"), Some(false)) | (Some("Removed"), Some(true))
    ) {
        return Err(why(format!("Split behaviour {behaviour:?}")));
    }
    let regex = split["pattern"]["Regex"]
        .as_str()
        .ok_or_else(|| why("Split pattern is not a regex"))?;
    match Pattern::from_regex(regex) {
        Some(_) => Ok(regex.to_string()),
        None => Err(why(format!("Split regex {regex:?} has no fast scanner"))),
    }
}

/// Added tokens, all matched on the raw text without single-word or stripping rules.
pub fn added_tokens(list: &Value) -> Result<Vec<String>, Unsupported> {
    let mut contents = Vec::new();
    for token in list.as_array().map(Vec::as_slice).unwrap_or_default() {
        let flag = |name: &str| token[name] == true;
        if flag("single_word") || flag("lstrip") || flag("rstrip") || flag("normalized") {
            return Err(why(format!(
                "added token {} has matching rules",
                token["content"]
            )));
        }
        match token["content"].as_str() {
            Some(c) if !c.is_empty() => contents.push(c.to_string()),
            _ => return Err(why("an added token has no content")),
        }
    }
    Ok(contents)
}
