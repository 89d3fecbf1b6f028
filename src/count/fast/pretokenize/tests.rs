//! Differential tests: the scanners split exactly as Oniguruma does with the real regexes.

use super::*;
use proptest::prelude::*;

fn reference(regex: &str, text: &str) -> Vec<String> {
    let re = onig::Regex::new(regex).unwrap();
    let mut pieces = Vec::new();
    let mut prev = 0;
    for (start, end) in re.find_iter(text) {
        if start > prev {
            pieces.push(format!("GAP:{}", &text[prev..start]));
        }
        pieces.push(text[start..end].to_string());
        prev = end;
    }
    if prev < text.len() {
        pieces.push(format!("GAP:{}", &text[prev..]));
    }
    pieces
}

fn ours(pattern: Pattern, text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    pattern.for_each_piece(text, |p| pieces.push(p.to_string()));
    pieces
}

const PATTERNS: [(&str, Pattern); 3] = [
    (LLAMA3_REGEX, Pattern::Cl100k { max_digits: 3 }),
    (QWEN_REGEX, Pattern::Cl100k { max_digits: 1 }),
    (O200K_REGEX, Pattern::O200k),
];

fn check(text: &str) {
    for (regex, pattern) in PATTERNS {
        assert_eq!(
            ours(pattern, text),
            reference(regex, text),
            "{pattern:?} on {text:?}"
        );
    }
}

/// Characters from every class the regexes distinguish, and the tricky ones between them.
const ALPHABET: &[char] = &[
    'a',
    'b',
    's',
    'S',
    't',
    'T',
    'r',
    'R',
    'e',
    'E',
    'v',
    'm',
    'l',
    'L',
    'd',
    'D',
    'Z',
    'x',
    '\'',
    '\'',
    ' ',
    ' ',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '0',
    '7',
    '9',
    '.',
    ',',
    '!',
    '/',
    '-',
    '"',
    '<',
    '|',
    '\u{17F}',
    '\u{212A}',
    '\u{301}',
    '\u{300}',
    '\u{200D}',
    '\u{200B}',
    '\u{FE0F}',
    '😀',
    '👩',
    '🏳',
    '中',
    '文',
    'ア',
    'ǅ',
    'ʰ',
    'א',
    'ก',
    'Ä',
    'ß',
    'é',
    'Σ',
    'σ',
    'Я',
    'я',
    '٣',
    '²',
    'Ⅻ',
    '\u{A0}',
    '\u{2028}',
    '\u{2029}',
    '\u{3000}',
    '\u{85}',
    '\u{1680}',
    '\u{E000}',
    '\u{378}',
    '\0',
    '\u{7F}',
    '\u{9C}',
    '\u{FEFF}',
    '\u{10FFFF}',
    '\u{1F3FD}',
    'ﬅ',
    'İ',
    'ǈ',
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn scanners_split_like_oniguruma(chars in prop::collection::vec(prop::sample::select(ALPHABET), 0..40)) {
        check(&chars.into_iter().collect::<String>());
    }

    #[test]
    fn scanners_split_like_oniguruma_on_any_unicode(text in "\\PC{0,30}|[\\s\\S]{0,30}", more in any::<Vec<char>>()) {
        check(&format!("{text}{}", more.into_iter().take(20).collect::<String>()));
    }
}

/// Where the ASCII word scan of o200k answers, it answers what the general scan does, at every
/// character boundary of the text (not only where a piece starts).
fn ascii_words_scan_like_the_general_scan(text: &str) -> Result<(), TestCaseError> {
    let scan = Scan {
        b: text.as_bytes(),
        t: table(),
    };
    for (i, _) in text.char_indices() {
        if let Some(end) = scan.o200k_ascii_word(i) {
            prop_assert_eq!(end, scan.o200k_general(i), "at {} of {:?}", i, text);
        }
    }
    Ok(())
}

/// ASCII letters of both cases with contractions and every other kind of character, more often
/// than `ALPHABET` has them.
fn ascii_heavy() -> impl Strategy<Value = String> {
    let parts = prop_oneof![
        4 => "[a-zA-Z]{1,6}",
        2 => prop::sample::select(vec!["'s", "'S", "'ll", "'ſ", "'x", " ", ".", "\r", "\n", "7"])
            .prop_map(String::from),
        2 => prop::sample::select(ALPHABET).prop_map(String::from),
    ];
    prop::collection::vec(parts, 0..16).prop_map(|v| v.concat())
}

/// Where the ASCII scan of cl100k answers, it answers what the general scan does, at every
/// character boundary of the text.
fn cl100k_ascii_scans_like_the_general_scan(text: &str) -> Result<(), TestCaseError> {
    let scan = Scan {
        b: text.as_bytes(),
        t: table(),
    };
    for (i, _) in text.char_indices() {
        for max_digits in [1, 3] {
            if let Some(end) = scan.cl100k_ascii(i, max_digits) {
                let want = scan.cl100k(i, max_digits);
                prop_assert_eq!(end, want, "at {} of {:?} ({})", i, text, max_digits);
            }
        }
    }
    Ok(())
}

/// Runs of ASCII letters, punctuation and white space next to the non-ASCII characters that
/// could continue them (letters, marks, white space, symbols).
fn ascii_runs() -> impl Strategy<Value = String> {
    let parts = prop_oneof![
        4 => "[a-zA-Z]{1,20}",
        3 => "[ \t\r\n\x0b\x0c]{1,4}",
        2 => " {1,20}|[ \t\r\n]{5,20}",
        3 => "[!-/:-@\\[-`{-~]{1,4}",
        1 => "[0-9]{1,4}",
        2 => prop::sample::select(vec!["é", "\u{301}", "\u{a0}", "\u{3000}", "—", "ſ", "中", "²"])
            .prop_map(String::from),
    ];
    prop::collection::vec(parts, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn cl100k_ascii_scan_like_the_general_scan(text in ascii_runs()) {
        cl100k_ascii_scans_like_the_general_scan(&text)?;
        check(&text);
    }

    #[test]
    fn cl100k_ascii_scan_like_the_general_scan_on_the_alphabet(
        chars in prop::collection::vec(prop::sample::select(ALPHABET), 0..40),
    ) {
        cl100k_ascii_scans_like_the_general_scan(&chars.into_iter().collect::<String>())?;
    }

    #[test]
    fn o200k_ascii_words_scan_like_the_general_scan(text in ascii_heavy()) {
        ascii_words_scan_like_the_general_scan(&text)?;
        check(&text);
    }

    #[test]
    fn o200k_ascii_words_scan_like_the_general_scan_on_the_alphabet(
        chars in prop::collection::vec(prop::sample::select(ALPHABET), 0..40),
    ) {
        ascii_words_scan_like_the_general_scan(&chars.into_iter().collect::<String>())?;
    }
}

#[test]
fn known_cases() {
    for text in [
        "",
        "Hello world",
        "don't I'LL we've 'S 'ſ",
        "  leading and trailing   ",
        "a\n\n  b \r\n\tc   \n",
        "1234567 12 3",
        "HTTPServerError parseJSONResponse iPhone ǅemal",
        "e\u{301}t\u{301}\u{301} \u{301}x",
        "👩\u{200D}👩\u{200D}👧 🏳\u{FE0F}\u{200D}🌈",
        "path/to/file.rs\n/\n//x",
        "   \u{A0}\u{3000}x",
    ] {
        check(text);
    }
}

#[test]
fn long_runs_split_like_oniguruma() {
    for unit in ["a", "1", " ", "\n ", "!", "é", "\u{301}", "A", "aA", "中"] {
        check(&unit.repeat(20_000));
        check(&format!("x{}y", unit.repeat(5_000)));
    }
}
