use super::*;
use crate::count::fast::bpe::{ByteLevelParts, BytePairModel, byte_level_vocab};
use crate::count::fast::compiled::{CompiledModel, CompiledRoute};
use crate::count::fast::pretokenize::Pattern;
use crate::count::{TokenizerSource, load_tokenizer_with_cache};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// A byte-level vocabulary with `é` (C3 A9, written `Ã©`) made by `Ã ©`, ranked after a merge
/// of `x` with its first byte and before a merge of its last byte with `z` and of itself with
/// `y`.
fn toy() -> ByteLevelParts {
    let mut vocab = byte_level_vocab();
    let merges = [("x", "Ã"), ("Ã", "©"), ("©", "z"), ("Ã©", "y")].map(|(a, b)| {
        let merged = format!("{a}{b}");
        let next = vocab.len() as u32;
        vocab.entry(merged).or_insert(next);
        (a.to_string(), b.to_string())
    });
    ByteLevelParts::new(&vocab, &merges, false).unwrap()
}

#[test]
fn a_character_starts_whole_unless_a_neighbour_merges_first() {
    let parts = toy();
    let merges = Merges::from_triples(&parts.merges).unwrap();
    let table = WholeChars::new(&parts.byte_ids, &merges);
    let ids = |s: &str| -> Vec<u32> { s.bytes().map(|b| parts.byte_ids[b as usize]).collect() };
    let e_acute = merges.merge_of(ids("é")[0], ids("é")[1]).1;
    let symbols = |s: &str| {
        let mut out = Vec::new();
        table.symbols(s.as_bytes(), &parts.byte_ids, &mut out);
        out
    };
    assert_eq!(table.len(), 1, "é is the only character a merge makes");
    assert_eq!(symbols("é"), [e_acute]);
    // `x Ã` ranks before `Ã ©`: after an `x` the bytes stay.
    assert_eq!(symbols("xé"), ids("xé"));
    // `© z` ranks after `Ã ©`: before a `z` (and after a `w`) é starts whole.
    assert_eq!(symbols("wéz"), [ids("w"), vec![e_acute], ids("z")].concat());
    assert_eq!(symbols("éé"), [e_acute, e_acute]);
    // Malformed or other characters start as bytes.
    assert_eq!(symbols("ü"), ids("ü"));
    let model = BytePairModel::from_parts(&parts).unwrap();
    let mut scratch = Vec::new();
    for text in ["é", "xé", "wéz", "éy", "xéyéz", "éééx"] {
        let want = model.count_from_bytes(text.as_bytes(), &mut scratch);
        assert_eq!(model.count(text.as_bytes(), &mut scratch), want, "{text}");
    }
    // Had é started whole after the `x`, `é y` would have merged: 2 tokens, not 3.
    assert_eq!(model.count("xéy".as_bytes(), &mut scratch), 3);
}

#[test]
fn odd_vocabularies_start_every_character_from_bytes() {
    let parts = toy();
    let e_acute = parts.merges[1];
    // A merged id past any table (a merge naming token id u32::MAX, the other odd case, is
    // refused by the merge table itself).
    let odd = [e_acute[0], e_acute[1], 3_000_000];
    let merges = Merges::from_triples(&[parts.merges.clone(), vec![odd]].concat()).unwrap();
    let table = WholeChars::new(&parts.byte_ids, &merges);
    assert_eq!(table.len(), 0, "{odd:?}");
    let mut out = Vec::new();
    table.symbols("é".as_bytes(), &parts.byte_ids, &mut out);
    assert_eq!(out.len(), 2);
}

/// The three byte-level vocabularies of the fixtures, with their scanners.
fn real() -> &'static [(&'static str, BytePairModel, Pattern)] {
    static MODELS: OnceLock<Vec<(&'static str, BytePairModel, Pattern)>> = OnceLock::new();
    MODELS.get_or_init(|| {
        ["llama3", "gpt4o", "qwen3"]
            .into_iter()
            .map(|name| {
                let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(format!("fixtures/tokenizers/{name}.tokenizer.json.zst"));
                let source = TokenizerSource::File(path);
                let loaded = load_tokenizer_with_cache(&source, false, None).unwrap();
                let json = serde_json::from_str(loaded.json()).unwrap();
                let CompiledModel::ByteLevel { parts, regex, .. } =
                    CompiledRoute::from_json(&json).unwrap().model
                else {
                    panic!("{name} is byte-level");
                };
                let pattern = Pattern::from_regex(&regex).unwrap();
                (name, BytePairModel::from_parts(&parts).unwrap(), pattern)
            })
            .collect()
    })
}

/// `model` counts `text` as one piece as it counts it merged from its bytes.
fn assert_counts_as_from_bytes(
    model: &BytePairModel,
    text: &str,
    scratch: &mut Vec<u32>,
    name: &str,
) {
    let want = model.count_from_bytes(text.as_bytes(), scratch);
    assert_eq!(
        model.count(text.as_bytes(), scratch),
        want,
        "{name} {text:?}"
    );
}

fn same_count(text: &str) -> Result<(), TestCaseError> {
    let mut scratch = Vec::new();
    for (name, model, _) in real() {
        let want = model.count_from_bytes(text.as_bytes(), &mut scratch);
        let got = model.count(text.as_bytes(), &mut scratch);
        prop_assert_eq!(got, want, "{} on {:?}", name, text);
    }
    Ok(())
}

/// Characters that exercise the merges: CJK ideographs and punctuation, kana, Hangul, Cyrillic,
/// Greek, Latin with accents, Arabic, Devanagari, Thai, emoji, ASCII letters, digits, spaces
/// and punctuation.
fn mixed_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => (0x4E00u32..0x9FFF).prop_map(|c| char::from_u32(c).unwrap()),
        2 => (0x3040u32..0x30FF).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x3000u32..0x303F).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0xFF00u32..0xFFEF).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0xAC00u32..0xD7A3).prop_map(|c| char::from_u32(c).unwrap()),
        2 => (0x0400u32..0x0500).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x0370u32..0x0400).prop_map(|c| char::from_u32(c).unwrap()),
        2 => (0x00A0u32..0x0250).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x0600u32..0x0700).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x0900u32..0x0E80).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x1F300u32..0x1FAFF).prop_map(|c| char::from_u32(c).unwrap_or('x')),
        3 => proptest::char::range(' ', '~'),
        1 => proptest::sample::select(vec!['\n', '\t', '\u{a0}', '\u{3000}', '\u{200d}']),
    ]
}

proptest! {
    // With the exhaustive neighbour test and every piece of the sample manual pages below,
    // 1,000 random texts a run (of up to 90 characters, on three vocabularies) suffice.
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Any text taken as one piece counts what its bytes count.
    #[test]
    fn mixed_text_counts_as_from_bytes(text in proptest::collection::vec(mixed_char(), 1..90)) {
        same_count(&text.into_iter().collect::<String>())?;
    }

    /// Runs of one script (as pre-tokens of Chinese, Japanese or Russian are).
    #[test]
    fn runs_of_one_script_count_as_from_bytes(
        start in prop_oneof![Just(0x4E00u32), Just(0x3040), Just(0x0410), Just(0xAC00)],
        offsets in proptest::collection::vec(0u32..0x60, 2..60),
        prefix in proptest::sample::select(vec!["", " ", "「", "(", "\u{3000}", "-"]),
    ) {
        let run: String = offsets.iter().map(|o| char::from_u32(start + o).unwrap()).collect();
        same_count(&format!("{prefix}{run}"))?;
    }
}

/// A text ending with byte `b` (an ASCII character, or a character whose last byte it is).
fn ending_with(b: u8) -> Vec<String> {
    match b {
        0..=0x7F => vec![char::from(b).to_string()],
        0x80..=0xBF => [vec![0xD0, b], vec![0xE4, 0xB8, b], vec![0xE3, 0x81, b]]
            .into_iter()
            .map(|bytes| String::from_utf8(bytes).unwrap())
            .collect(),
        _ => vec![],
    }
}

/// A text starting with byte `b` (an ASCII character, or a character whose lead byte it is).
fn starting_with(b: u8) -> Vec<String> {
    let bytes: Vec<Vec<u8>> = match b {
        0..=0x7F => vec![vec![b]],
        0xC2..=0xDF => vec![vec![b, 0x80], vec![b, 0xB0]],
        0xE0 => vec![vec![b, 0xA0, 0x80]],
        0xE1..=0xEC | 0xEE..=0xEF => vec![vec![b, 0x80, 0x80], vec![b, 0xB8, 0x80]],
        0xED => vec![vec![b, 0x80, 0x80]],
        0xF0 => vec![vec![b, 0x9F, 0x98, 0x80]],
        0xF1..=0xF4 => vec![vec![b, 0x80, 0x80, 0x80]],
        _ => vec![],
    };
    bytes
        .into_iter()
        .map(|b| String::from_utf8(b).unwrap())
        .collect()
}

/// Every character that can start whole, after every byte that can come before it and before
/// every byte that can come after it (whether or not that byte keeps it from starting whole),
/// alone and with the character itself on the other side. To keep the test short, each
/// character meets every seventh neighbour, a different seventh for consecutive characters.
#[test]
fn every_whole_character_next_to_every_kind_of_neighbour() {
    let befores: Vec<String> = (0..=0xFFu8).flat_map(ending_with).collect();
    let afters: Vec<String> = (0..=0xFFu8).flat_map(starting_with).collect();
    let mut scratch = Vec::new();
    for (name, model, _) in real() {
        let table = model.whole_chars_for_tests();
        let chars: Vec<char> = (0x80..0x11_0000)
            .filter(|&cp| table.start(cp).token != NONE)
            .filter_map(char::from_u32)
            .collect();
        assert!(chars.len() > 1000, "{name}: {} characters", chars.len());
        let mut checked = 0;
        for (k, c) in chars.iter().enumerate() {
            let c = c.to_string();
            let near = |i: usize| (i + k).is_multiple_of(7);
            let before = befores.iter().enumerate().filter(|(i, _)| near(*i));
            let after = afters.iter().enumerate().filter(|(i, _)| near(*i));
            let texts = before
                .map(|(_, b)| format!("{b}{c}"))
                .chain(after.map(|(_, a)| format!("{c}{a}")))
                .chain([c.clone(), format!("{c}{c}"), format!("a{c}{c}b")]);
            for text in texts {
                assert_counts_as_from_bytes(model, &text, &mut scratch, name);
                checked += 1;
            }
        }
        assert!(checked > 50 * chars.len(), "{name}: {checked} texts");
    }
}

/// Every piece of the sample manual pages (26 languages) counts as from its bytes, with each
/// tokenizer's own pre-tokenization.
#[test]
fn every_piece_of_the_sample_manual_pages_counts_as_from_bytes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/man.jsonl.zst");
    let jsonl = zstd::decode_all(std::fs::File::open(path).unwrap()).unwrap();
    let texts: Vec<String> = jsonl
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let record: serde_json::Value = serde_json::from_slice(line).unwrap();
            record["text"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let mut scratch = Vec::new();
    for (name, model, pattern) in real() {
        let (mut pieces, mut whole) = (0, 0);
        for text in &texts {
            pattern.for_each_piece(text, |piece| {
                if piece.is_ascii() {
                    return;
                }
                assert_counts_as_from_bytes(model, piece, &mut scratch, name);
                pieces += 1;
                scratch.clear();
                model
                    .whole_chars_for_tests()
                    .symbols(piece.as_bytes(), &[0; 256], &mut scratch);
                whole += scratch.iter().filter(|&&s| s != 0).count();
            });
        }
        // The sample has Chinese, Japanese, Russian and more: thousands of pieces, and
        // characters starting whole in them.
        assert!(pieces > 3000, "{name}: {pieces} non-ASCII pieces");
        assert!(whole > 2000, "{name}: {whole} characters started whole");
    }
}

/// The compiled-route cache keeps these tables, keyed by tokenizer and entry format only: a
/// change to what the builder computes must bump `compiled_cache::FORMAT`, or entries written
/// before it would be trusted. This digest of the three vocabularies' tables changes with the
/// builder; update it together with the format.
#[test]
fn the_cached_tables_change_only_with_the_entry_format() {
    let mut all = Vec::new();
    for (_, model, _) in real() {
        model.whole_chars_for_tests().write(&mut all);
    }
    let digest = twox_hash::XxHash3_64::oneshot(&all);
    assert_eq!(
        digest, 1_321_315_922_834_416_140,
        "the whole-character tables changed: bump compiled_cache::FORMAT and update this digest"
    );
}
