//! Language figures of one source: documents and tokens per language the detector knows, and
//! documents of no detected language, with the detector's table of languages. Merges with `+=`.

use crate::stats::DocTokens;
use whichlang::{LANGUAGES, Lang};

/// The detector's name and version, stated in reports.
pub const DETECTOR: &str = "whichlang 0.1";

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
    pub languages: Vec<DocTokens>,
    /// Documents of no reliably detected language.
    pub unknown: DocTokens,
}

impl LangStats {
    /// Records a document of language `language` (`None`: unknown) with `tokens` tokens.
    pub fn record(&mut self, language: Option<usize>, tokens: u64) {
        let count = DocTokens {
            documents: 1,
            tokens,
        };
        match language {
            None => self.unknown += count,
            Some(i) => {
                if self.languages.is_empty() {
                    self.languages = vec![DocTokens::default(); languages().len()];
                }
                self.languages[i] += count;
            }
        }
    }

    /// The count of language `i`.
    pub fn get(&self, i: usize) -> DocTokens {
        self.languages.get(i).copied().unwrap_or_default()
    }
}

impl std::ops::AddAssign<&LangStats> for LangStats {
    fn add_assign(&mut self, other: &LangStats) {
        if !other.languages.is_empty() && self.languages.is_empty() {
            self.languages = vec![DocTokens::default(); languages().len()];
        }
        for (mine, theirs) in self.languages.iter_mut().zip(&other.languages) {
            *mine += *theirs;
        }
        self.unknown += other.unknown;
    }
}

impl LangStats {
    /// The non-zero languages by ISO 639-3 code.
    pub fn by_code(&self) -> std::collections::BTreeMap<String, DocTokens> {
        (0..self.languages.len())
            .filter(|&i| self.get(i) != DocTokens::default())
            .map(|i| (code(i).to_string(), self.get(i)))
            .collect()
    }

    /// Statistics from counts by ISO 639-3 code (the inverse of [`LangStats::by_code`]).
    pub fn from_codes<'a>(
        codes: impl IntoIterator<Item = (&'a str, DocTokens)>,
        unknown: DocTokens,
    ) -> Result<LangStats, String> {
        let mut stats = LangStats {
            unknown,
            ..LangStats::default()
        };
        for (code, count) in codes {
            let i = index_of(code).ok_or_else(|| format!("unknown language code {code:?}"))?;
            if stats.languages.is_empty() {
                stats.languages = vec![DocTokens::default(); languages().len()];
            }
            stats.languages[i] += count;
        }
        Ok(stats)
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
    fn merges_by_language() {
        let mut a = LangStats::default();
        let mut b = LangStats::default();
        a.record(index_of("eng"), 10);
        b.record(index_of("eng"), 5);
        b.record(None, 1);
        a += &b;
        let two = DocTokens {
            documents: 2,
            tokens: 15,
        };
        assert_eq!(a.get(index_of("eng").unwrap()), two);
        assert_eq!(a.unknown.documents, 1);
        let zeros = LangStats {
            languages: vec![DocTokens::default(); languages().len()],
            unknown: DocTokens::default(),
        };
        assert_eq!(LangStats::default(), zeros);
        let codes = a.by_code();
        let back = LangStats::from_codes(codes.iter().map(|(c, n)| (c.as_str(), *n)), a.unknown);
        assert_eq!(back.unwrap(), a);
    }
}
