//! Language signal: the language of each document by whichlang (a linear model over hashed
//! character n-grams, 16 languages: Arabic, Mandarin, German, English, French, Hindi, Italian,
//! Japanese, Korean, Dutch, Portuguese, Russian, Spanish, Swedish, Turkish, Vietnamese; ISO
//! 639-3 codes), judged on the first [`super::config::LANG_PREFIX_BYTES`] bytes of the document
//! (cut at a character boundary) to bound the cost. The model always names one of its
//! languages, so a document in another language is counted under the closest one; a prefix
//! with fewer than [`MIN_LETTERS`] letters (digits, symbols, markup, empty) is `unknown`.

use whichlang::LANGUAGES;

/// A prefix with fewer letters than this has no language.
pub const MIN_LETTERS: usize = 20;

/// The language of `text` as an index into [`languages`], judged on its first `prefix`
/// bytes; `None` for unknown.
pub fn detect(text: &str, prefix: usize) -> Option<usize> {
    let mut cut = prefix.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let letters = if head.is_ascii() {
        head.bytes()
            .filter(u8::is_ascii_alphabetic)
            .take(MIN_LETTERS)
            .count()
    } else {
        let classes = super::chars::Classes::get();
        head.chars()
            .filter(|&c| classes.of(c) & super::chars::LETTER != 0)
            .take(MIN_LETTERS)
            .count()
    };
    if letters < MIN_LETTERS {
        return None;
    }
    let lang = whichlang::detect_language(head);
    LANGUAGES.iter().position(|&l| l == lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::signals::lang::{code, english_name, index_of};

    #[test]
    fn detects_languages_on_a_prefix() {
        let english = "The quick brown fox jumps over the lazy dog while the farmer watches from the porch of his old house.";
        let german = "Der schnelle braune Fuchs springt über den faulen Hund, während der Bauer von der Veranda seines alten Hauses zusieht.";
        let name = |t: &str| detect(t, 1024).map(code);
        assert_eq!(name(english), Some("eng"));
        assert_eq!(name(german), Some("deu"));
        assert_eq!(name("12345 67890 !!! <br/> ok"), None);
        assert_eq!(index_of("deu").map(english_name), Some("German"));
        // a prefix ending inside a multi-byte character is cut back to a boundary
        let long = format!("{german} {}", "ü".repeat(600));
        let mut cut = 1023;
        while !long.is_char_boundary(cut) {
            cut -= 1;
        }
        assert_eq!(detect(&long, 1023), detect(&long[..cut], 4096));
    }
}
