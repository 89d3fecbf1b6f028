//! Differential property tests of the hand-written BERT route (`fast-wordpiece`): for every
//! combination of the `BertNormalizer` options (`clean_text`, `handle_chinese_chars`,
//! `strip_accents` unset/true/false, `lowercase`) on the MiniLM vocabulary, the route counts
//! exactly what the `tokenizers` crate counts, on accents and NFD-decomposable characters,
//! combining marks in and out of canonical order (also around controls that `clean_text`
//! drops), CJK ideographs (and compatibility ideographs that decompose), controls, format and
//! private-use characters, every kind of white space and punctuation, and arbitrary Unicode.

use crate::common::*;
use proptest::prelude::*;
use std::sync::OnceLock;
use tokencensus::count::{
    Counter, LoadedTokenizer, RouteChoice, TokenizerInfo, choose_route, load_tokenizer,
};

/// (options, fast counter, reference counter).
type Variant = (String, Box<dyn Counter>, Box<dyn Counter>);

/// The MiniLM `tokenizer.json` with its normalizer's options replaced.
fn minilm_with(options: serde_json::Value) -> String {
    let source = tokencensus::count::TokenizerSource::File(root().join(tokenizer_path("minilm")));
    let mut json: serde_json::Value =
        serde_json::from_str(load_tokenizer(&source, false).unwrap().json()).unwrap();
    for (key, value) in options.as_object().unwrap() {
        json["normalizer"][key] = value.clone();
    }
    json.to_string()
}

fn route(json: &str, special: bool, engine: RouteChoice) -> tokencensus::count::Route {
    let info = TokenizerInfo {
        name: "minilm-variant".into(),
        sha256: String::new(),
        vocab_size: 0,
        special_tokens: special,
        origin: "test".into(),
    };
    let loaded = LoadedTokenizer::from_json(json.to_string(), info).unwrap();
    choose_route(loaded, special, engine).unwrap()
}

fn variants() -> &'static Vec<Variant> {
    static VARIANTS: OnceLock<Vec<Variant>> = OnceLock::new();
    VARIANTS.get_or_init(|| {
        let mut out = Vec::new();
        for clean_text in [true, false] {
            for handle_chinese_chars in [true, false] {
                for strip_accents in [None, Some(true), Some(false)] {
                    for lowercase in [true, false] {
                        let options = serde_json::json!({
                            "clean_text": clean_text,
                            "handle_chinese_chars": handle_chinese_chars,
                            "strip_accents": strip_accents,
                            "lowercase": lowercase,
                        });
                        let json = minilm_with(options.clone());
                        // Special tokens counted in half of the variants.
                        let special = clean_text == lowercase;
                        let fast = route(&json, special, RouteChoice::Auto);
                        assert_eq!(fast.counter.route(), "fast-wordpiece", "{options}");
                        let reference = route(&json, special, RouteChoice::Reference);
                        out.push((options.to_string(), fast.counter, reference.counter));
                    }
                }
            }
        }
        out
    })
}

fn check(text: &str) -> Result<(), TestCaseError> {
    for (options, fast, reference) in variants() {
        prop_assert_eq!(
            fast.count(text),
            reference.count(text),
            "{} on {:?}",
            options,
            text
        );
    }
    Ok(())
}

/// Pieces of text aimed at each step of BERT normalization and pre-tokenization.
const ATOMS: &[&str] = &[
    // words, cases, accents (precomposed and decomposed)
    "hello",
    "HELLO",
    "Hello",
    "café",
    "cafe\u{301}",
    "naïve",
    "Straße",
    "ÅNGSTRÖM",
    "ñandú",
    "Ελληνικά",
    "ΣΊΣΥΦΟΣ",
    "русский",
    "ǅ",
    "ǈ",
    "İstanbul",
    "ı",
    "ſ",
    "\u{212a}",
    "\u{2126}",
    "ﬁ",
    "Œuvre",
    "ø",
    "Ǻ",
    "ẞ",
    "ᾼ",
    "ᾈ",
    "\u{1e9e}",
    // combining marks, in and out of canonical order, alone, stacked, around controls
    "a\u{301}\u{323}",
    "a\u{323}\u{301}",
    "\u{301}",
    "\u{301}\u{323}",
    "\u{323}\u{301}",
    "\u{301}\u{1}\u{323}",
    "e\u{301}\u{0}\u{316}",
    "o\u{308}\u{304}",
    "\u{20dd}",
    "\u{903}",
    "\u{1d165}\u{1d16d}",
    "\u{1d16d}\u{1d165}",
    "\u{302e}\u{302f}",
    "\u{5b0}\u{591}",
    "\u{e0100}",
    "\u{fe0f}",
    // CJK ideographs (padded), compatibility ideographs (decompose), kana, Hangul
    "中文",
    "日本語",
    "𠀀",
    "𪜀",
    "豈",
    "\u{f900}\u{2f800}",
    "ひらがな",
    "カタカナ",
    "한국어",
    "\u{1100}\u{1161}\u{11a8}",
    "ㄅ",
    "〇",
    "㐀",
    // other scripts
    "العربية",
    "עִבְרִית",
    "हिन्दी",
    "ไทย",
    "ქართული",
    "Ꭰ",
    // controls, format, private use, unassigned, replacement character
    "\0",
    "\u{1}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{e}",
    "\u{1f}",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{ad}",
    "\u{200b}",
    "\u{200c}",
    "\u{200d}",
    "\u{200e}",
    "\u{2060}",
    "\u{feff}",
    "\u{fff9}",
    "\u{e000}",
    "\u{f8ff}",
    "\u{f0000}",
    "\u{10fffd}",
    "\u{378}",
    "\u{fffd}",
    "\u{1f793}",
    "\u{e0001}",
    // white space of every kind
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\u{a0}",
    "\u{1680}",
    "\u{2000}",
    "\u{2003}",
    "\u{2028}",
    "\u{2029}",
    "\u{202f}",
    "\u{205f}",
    "\u{3000}",
    "\u{180e}",
    // punctuation and symbols
    ".",
    ",",
    "!",
    "?",
    "'",
    "\"",
    "-",
    "_",
    "/",
    "\\",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "@",
    "#",
    "$",
    "%",
    "&",
    "*",
    "+",
    "=",
    "^",
    "`",
    "|",
    "~",
    ":",
    ";",
    "«",
    "»",
    "¿",
    "¡",
    "‘",
    "’",
    "“",
    "”",
    "—",
    "–",
    "…",
    "·",
    "・",
    "、",
    "。",
    "「",
    "」",
    "§",
    "¶",
    "‿",
    "⁀",
    "€",
    "©",
    "°",
    "±",
    "²",
    "½",
    "٣",
    "∑",
    "→",
    // added tokens, whole and broken, and text around them
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "[UNK]",
    "[PAD]",
    "[CLS",
    "CLS]",
    "[cls]",
    // emoji
    "👍🏽",
    "👩\u{200d}👩\u{200d}👧",
    "🇺🇦",
];

fn atoms() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ATOMS), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn bert_route_equals_reference_on_mixed_atoms(text in atoms()) {
        check(&text)?;
    }

    #[test]
    fn bert_route_equals_reference_on_arbitrary_unicode(text in any::<String>()) {
        check(&text)?;
    }

    /// ASCII with its controls, Latin with diacritics, Greek, combining marks, Hangul,
    /// compatibility ideographs and musical combining marks: NFD decomposes and reorders.
    #[test]
    fn bert_route_equals_reference_on_decomposable_text(
        text in "[\\x00-\\x7f\u{c0}-\u{24f}\u{300}-\u{36f}\u{1f00}-\u{1fff}\u{ac00}-\u{ac40}\u{f900}-\u{f920}\u{1d165}-\u{1d172}]{0,40}",
    ) {
        check(&text)?;
    }

    /// Long words: beyond 100 characters a word is one unknown token.
    #[test]
    fn bert_route_equals_reference_on_long_words(word in "[a-zé]{90,110}", tail in atoms()) {
        check(&format!("{word} {tail}{word}"))?;
    }
}

#[test]
fn other_normalizers_keep_the_crate_pipeline() {
    // A WordPiece tokenizer whose normalizer is not a BertNormalizer is counted through the
    // crate's own pipeline, still exactly.
    let source = tokencensus::count::TokenizerSource::File(root().join(tokenizer_path("minilm")));
    let mut json: serde_json::Value =
        serde_json::from_str(load_tokenizer(&source, false).unwrap().json()).unwrap();
    json["normalizer"] = serde_json::json!({"type": "Lowercase"});
    let json = json.to_string();
    let fast = route(&json, false, RouteChoice::Auto);
    assert_eq!(fast.counter.route(), "fast-cached-wordpiece");
    let reference = route(&json, false, RouteChoice::Reference);
    for text in ATOMS {
        assert_eq!(
            fast.counter.count(text),
            reference.counter.count(text),
            "{text:?}"
        );
    }
}
