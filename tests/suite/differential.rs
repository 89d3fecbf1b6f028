//! Differential property tests: the fast routes count exactly what the `tokenizers` crate
//! counts, on generated text from every Unicode general category, mixed scripts, emoji ZWJ
//! sequences, combining marks, controls, long runs, whitespace mixes and special-token strings.

use crate::common::fixture_tokenizers::{auto_route, reference_counter};
use crate::common::*;
use proptest::prelude::*;
use std::sync::OnceLock;
use tokencensus::count::Counter;

/// (name, fast counter, reference counter), for plain and special-token counting.
type Pair = (&'static str, Box<dyn Counter>, Box<dyn Counter>);

fn pairs() -> &'static Vec<Pair> {
    static PAIRS: OnceLock<Vec<Pair>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut out = Vec::new();
        for name in TOKENIZERS {
            for special in [false, true] {
                let fast = auto_route(name, special);
                assert!(
                    fast.fallback_reason.is_none(),
                    "{name} must take a fast route: {:?}",
                    fast.fallback_reason
                );
                out.push((name, fast.counter, reference_counter(name, special)));
            }
        }
        out
    })
}

fn check(text: &str) -> Result<(), TestCaseError> {
    for (name, fast, reference) in pairs() {
        prop_assert_eq!(
            fast.count(text),
            reference.count(text),
            "{} on {:?}",
            name,
            text
        );
    }
    Ok(())
}

/// Pieces of text that exercise every rule: one of each general category and more.
const ATOMS: &[&str] = &[
    // letters: Lu Ll Lt Lm Lo, Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee
    "A",
    "z",
    "É",
    "ß",
    "ǅ",
    "ʰ",
    "ー",
    "ა",
    "Ꭰ",
    "Ω",
    "ω",
    "Ж",
    "ж",
    "Ա",
    "İ",
    "ı",
    "ſ",
    "K",
    // other scripts: CJK, kana, Hangul (and jamo that NFC composes), Arabic, Hebrew, Devanagari, Thai
    "中文",
    "日本語",
    "カタカナ",
    "한국어",
    "\u{1100}\u{1161}\u{11A8}",
    "العربية",
    "עברית",
    "हिन्दी",
    "ไทย",
    // marks: combining, enclosing, spacing; NFC-sensitive sequences
    "e\u{301}",
    "A\u{30A}",
    "\u{301}",
    "\u{20DD}",
    "\u{903}",
    "o\u{308}\u{304}",
    "\u{1E0A}\u{323}",
    // numbers: Nd Nl No, other digit scripts
    "0",
    "42",
    "123456",
    "٣٤",
    "४५",
    "Ⅻ",
    "²",
    "½",
    "①",
    // punctuation and symbols
    ".",
    ",",
    "!?",
    "...",
    "\"",
    "'",
    "-",
    "/",
    "//",
    "\\",
    "@",
    "#",
    "$",
    "%",
    "&",
    "*",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "|",
    "~",
    "`",
    "^",
    "©",
    "€",
    "∑",
    "→",
    "«",
    "»",
    "¿",
    "¡",
    "—",
    "…",
    // contractions in every case
    "'s",
    "'S",
    "'t",
    "'re",
    "'RE",
    "'ve",
    "'m",
    "'ll",
    "'LL",
    "'d",
    "'ſ",
    "n't",
    "I'm",
    // whitespace of every kind
    " ",
    " ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u{b}",
    "\u{c}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{3000}",
    "\u{85}",
    "\u{1680}",
    "\u{2003}",
    "\u{200B}",
    // controls, format characters, private use, unassigned, noncharacters
    "\0",
    "\u{1}",
    "\u{1f}",
    "\u{7f}",
    "\u{9c}",
    "\u{feff}",
    "\u{200d}",
    "\u{200e}",
    "\u{e000}",
    "\u{f8ff}",
    "\u{378}",
    "\u{fffe}",
    "\u{10ffff}",
    "\u{e0001}",
    "\u{fffd}",
    // emoji: ZWJ sequences, skin tones, flags, keycaps, variation selectors
    "👩\u{200d}👩\u{200d}👧\u{200d}👦",
    "🏳\u{fe0f}\u{200d}🌈",
    "👍🏽",
    "🇺🇦",
    "1\u{fe0f}\u{20e3}",
    "😀",
    "🤖",
    // special and added token strings, whole and broken
    "<|begin_of_text|>",
    "<|eot_id|>",
    "<|end_header_id|>",
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|endofprompt|>",
    "<think>",
    "</think>",
    "<tool_call>",
    "<|begin_of",
    "<|",
    "|>",
    "<|reserved_special_token_5|>",
    // Gemma 3's added tokens (HTML tags, turns, unused slots, runs of newlines, tabs and `▁`)
    // and BERT's, whole and broken
    "<start_of_turn>",
    "<end_of_turn>",
    "<b>",
    "</b>",
    "<td>",
    "</table>",
    "[multimodal]",
    "<unused42>",
    "<image_soft_token>",
    "<start_of",
    "\t\t\t",
    "\n\n\n\n",
    "\u{2581}",
    "\u{2581}\u{2581}\u{2581}",
    ">",
    "> ",
    "\u{2014}",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "[UNK]",
    "[PAD]",
    "[CLS",
    // words, code, URLs
    "hello",
    "World",
    "HTTPServer",
    "camelCase",
    "ALLCAPS",
    "fn main() {",
    "x = y + 1;",
    "https://example.org/a?b=c",
];

fn atoms() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ATOMS), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn fast_route_equals_reference_on_mixed_atoms(text in atoms()) {
        check(&text)?;
    }

    #[test]
    fn fast_route_equals_reference_on_arbitrary_unicode(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn fast_route_equals_reference_on_printable_unicode(text in "\\PC{0,60}") {
        check(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn fast_route_equals_reference_on_long_runs(atom in prop::sample::select(ATOMS), n in 100usize..3000, tail in atoms()) {
        check(&format!("{}{tail}", atom.repeat(n)))?;
    }

    /// Long single pieces of varied letters take the long-piece merge loop (radix heap, and
    /// its side heap where a vocabulary ranks a use of a token before its making).
    #[test]
    fn fast_route_equals_reference_on_long_pieces(text in "[a-zA-Z\u{e9}\u{df}]{200,4000}") {
        check(&text)?;
    }

    /// Pieces of 17 to a few hundred symbols, after indentation, take the tournament-tree
    /// merge loop (and, past 128 symbols, the radix heap).
    #[test]
    fn fast_route_equals_reference_on_medium_pieces(
        text in " {0,12}[a-zA-Z0-9_.>/\u{e9}\u{4e2d}\u{6587}\u{2581}-]{17,300}",
    ) {
        check(&text)?;
    }
}

#[test]
fn floods_and_huge_documents_agree() {
    for text in [
        "a".repeat(300_000),
        "7".repeat(100_000),
        " ".repeat(100_000) + "x",
        "\n".repeat(50_000),
        "中".repeat(50_000),
        "!?".repeat(50_000),
        "ab ".repeat(100_000),
        pseudo_random_letters(300_000),
    ] {
        for (name, fast, reference) in pairs() {
            assert_eq!(
                fast.count(&text),
                reference.count(&text),
                "{name} on a run of {:?}",
                &text[..4]
            );
        }
    }
}

/// `n` letters from a fixed-seed generator: one long piece with no repeats to cache.
fn pseudo_random_letters(n: usize) -> String {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (b'a' + (state % 26) as u8) as char
        })
        .collect()
}
