//! Language signal: the language of each document by whichlang (a linear model over hashed
//! character n-grams, 16 languages: Arabic, Mandarin, German, English, French, Hindi, Italian,
//! Japanese, Korean, Dutch, Portuguese, Russian, Spanish, Swedish, Turkish, Vietnamese; ISO
//! 639-3 codes), judged on the first [`super::config::LANG_PREFIX_BYTES`] bytes of the document
//! (cut at a character boundary) to bound the cost. The model always names one of its
//! languages, so a document in another language is counted under the closest one; a prefix
//! with fewer than [`MIN_LETTERS`] letters (digits, symbols, markup, empty) is `unknown`.

use super::DocCount;
use whichlang::{LANGUAGES, Lang};

/// The detector's name and version, stated in reports.
pub const DETECTOR: &str = "whichlang 0.1";

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

/// Every language the detector knows, in a fixed order.
pub fn languages() -> &'static [Lang] {
    &LANGUAGES
}

/// The ISO 639-3 code of language `i`.
pub fn code(i: usize) -> &'static str {
    LANGUAGES[i].three_letter_code()
}

/// The English name of language `i`.
pub fn english_name(i: usize) -> &'static str {
    match LANGUAGES[i] {
        Lang::Ara => "Arabic",
        Lang::Cmn => "Mandarin Chinese",
        Lang::Deu => "German",
        Lang::Eng => "English",
        Lang::Fra => "French",
        Lang::Hin => "Hindi",
        Lang::Ita => "Italian",
        Lang::Jpn => "Japanese",
        Lang::Kor => "Korean",
        Lang::Nld => "Dutch",
        Lang::Por => "Portuguese",
        Lang::Rus => "Russian",
        Lang::Spa => "Spanish",
        Lang::Swe => "Swedish",
        Lang::Tur => "Turkish",
        Lang::Vie => "Vietnamese",
    }
}

/// The index of the language with ISO 639-3 `code`.
pub fn index_of(wanted: &str) -> Option<usize> {
    (0..LANGUAGES.len()).find(|&i| code(i) == wanted)
}

/// Documents and tokens per language of one source (or a sum of sources).
#[derive(Debug, Clone, Default)]
pub struct LangStats {
    /// Per language (indexed like [`languages`]); empty until something is recorded.
    pub languages: Vec<DocCount>,
    /// Documents of no reliably detected language.
    pub unknown: DocCount,
}

impl LangStats {
    /// Records a document of language `language` (`None`: unknown) with `tokens` tokens.
    pub fn record(&mut self, language: Option<usize>, tokens: u64) {
        let count = DocCount {
            documents: 1,
            tokens,
        };
        match language {
            None => self.unknown += count,
            Some(i) => {
                if self.languages.is_empty() {
                    self.languages = vec![DocCount::default(); languages().len()];
                }
                self.languages[i] += count;
            }
        }
    }

    /// The count of language `i`.
    pub fn get(&self, i: usize) -> DocCount {
        self.languages.get(i).copied().unwrap_or_default()
    }
}

impl std::ops::AddAssign<&LangStats> for LangStats {
    fn add_assign(&mut self, other: &LangStats) {
        if !other.languages.is_empty() && self.languages.is_empty() {
            self.languages = vec![DocCount::default(); languages().len()];
        }
        for (mine, theirs) in self.languages.iter_mut().zip(&other.languages) {
            *mine += *theirs;
        }
        self.unknown += other.unknown;
    }
}

impl LangStats {
    /// The non-zero languages by ISO 639-3 code.
    pub fn by_code(&self) -> std::collections::BTreeMap<String, DocCount> {
        (0..self.languages.len())
            .filter(|&i| self.get(i) != DocCount::default())
            .map(|i| (code(i).to_string(), self.get(i)))
            .collect()
    }

    /// Statistics from counts by ISO 639-3 code (the inverse of [`LangStats::by_code`]).
    pub fn from_codes<'a>(
        codes: impl IntoIterator<Item = (&'a str, DocCount)>,
        unknown: DocCount,
    ) -> Result<LangStats, String> {
        let mut stats = LangStats {
            unknown,
            ..LangStats::default()
        };
        for (code, count) in codes {
            let i = index_of(code).ok_or_else(|| format!("unknown language code {code:?}"))?;
            if stats.languages.is_empty() {
                stats.languages = vec![DocCount::default(); languages().len()];
            }
            stats.languages[i] += count;
        }
        Ok(stats)
    }
}

/// Saved form (checkpoints): non-zero languages by code, and the unknown documents.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedLang {
    languages: std::collections::BTreeMap<String, DocCount>,
    unknown: DocCount,
}

impl serde::Serialize for LangStats {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let saved = SavedLang {
            languages: self.by_code(),
            unknown: self.unknown,
        };
        saved.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for LangStats {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let saved = SavedLang::deserialize(deserializer)?;
        let codes = saved.languages.iter().map(|(c, n)| (c.as_str(), *n));
        LangStats::from_codes(codes, saved.unknown).map_err(serde::de::Error::custom)
    }
}

impl PartialEq for LangStats {
    fn eq(&self, other: &Self) -> bool {
        self.unknown == other.unknown && (0..languages().len()).all(|i| self.get(i) == other.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn merges_by_language() {
        let mut a = LangStats::default();
        let mut b = LangStats::default();
        a.record(index_of("eng"), 10);
        b.record(index_of("eng"), 5);
        b.record(None, 1);
        a += &b;
        let two = DocCount {
            documents: 2,
            tokens: 15,
        };
        assert_eq!(a.get(index_of("eng").unwrap()), two);
        assert_eq!(a.unknown.documents, 1);
        let zeros = LangStats {
            languages: vec![DocCount::default(); languages().len()],
            unknown: DocCount::default(),
        };
        assert_eq!(LangStats::default(), zeros);
        let saved = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<LangStats>(&saved).unwrap(), a);
    }
}
