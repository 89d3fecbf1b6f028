//! `sources.toml`: the declared sources of a corpus, each with a name, a category, path
//! patterns relative to the manifest's folder and optional per-source settings.

use crate::error::FatalError;
use crate::media::TokenModels;
use crate::read::small_file::{MAX_MANIFEST_BYTES, read_small_text};
use crate::signals::SignalsTable;
use crate::stats::Category;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The manifest file's folder: patterns are relative to it.
    pub root: PathBuf,
    /// The manifest file itself (never counted as input).
    pub path: PathBuf,
    /// The declared sources, in file order.
    pub sources: Vec<SourceEntry>,
    /// The optional `[signals]` table: processing signals to compute and their thresholds.
    pub signals: Option<SignalsTable>,
    /// The optional `tokenizers` list: the `tokenizer.json` files to count with, relative to
    /// the manifest's folder, the primary first (empty: none declared).
    pub tokenizers: Vec<PathBuf>,
}

/// One `[[source]]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// The source's name, unique in the manifest.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// Files, folders or glob patterns (`**` crosses folders), relative to the manifest.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A local file listing the source's files or object URLs, one per line (the list and the
    /// local entries in it relative to the manifest's folder), read instead of listing a
    /// bucket.
    pub files_from: Option<String>,
    /// The JSONL field holding the text (overrides `--text-field`).
    pub text_field: Option<String>,
    /// How the source's images, sounds and videos become tokens (defaults per modality:
    /// [`TokenModels::default`]).
    #[serde(default)]
    pub token_models: TokenModels,
    /// The JSONL field holding each record's date (overrides `--date-field`).
    pub date_field: Option<String>,
    /// The JSONL field holding each record's URL (overrides `--url-field`).
    pub url_field: Option<String>,
    /// The collection period of every record, instead of a date field.
    pub collected: Option<CollectedEntry>,
    /// The field holding each record's chat messages array (overrides `--chat-field`).
    pub chat_field: Option<String>,
}

/// A declared collection period: `collected = { from = "2023-01", to = "2024-06" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectedEntry {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM` (inclusive).
    pub to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    tokenizers: Vec<String>,
    source: Vec<SourceEntry>,
    signals: Option<SignalsTable>,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, FatalError> {
        let text = read_small_text(path, MAX_MANIFEST_BYTES, "manifest").map_err(|e| {
            FatalError::Manifest {
                path: path.to_path_buf(),
                message: e.to_string(),
            }
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        Manifest::parse(&text, root, path.to_path_buf())
    }

    /// Parses manifest text; `root` is the folder patterns are relative to.
    pub fn parse(text: &str, root: PathBuf, path: PathBuf) -> Result<Manifest, FatalError> {
        let invalid = |message: String| FatalError::Manifest {
            path: path.clone(),
            message,
        };
        let file: ManifestFile =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        if file.source.is_empty() {
            return Err(invalid("declares no [[source]]".into()));
        }
        let mut names = HashSet::new();
        for s in &file.source {
            if s.name.trim().is_empty() {
                return Err(invalid("a source has an empty name".into()));
            }
            if !names.insert(s.name.as_str()) {
                return Err(invalid(format!(
                    "source name \"{}\" is declared twice",
                    s.name
                )));
            }
            if s.text_field.as_deref() == Some("") {
                return Err(invalid(format!(
                    "source \"{}\" has an empty text_field",
                    s.name
                )));
            }
            for (key, value) in [
                ("date_field", &s.date_field),
                ("url_field", &s.url_field),
                ("chat_field", &s.chat_field),
            ] {
                if value.as_deref() == Some("") {
                    return Err(invalid(format!("source \"{}\" has an empty {key}", s.name)));
                }
            }
            if let Some(c) = &s.collected {
                check_collected(&s.name, c, s.date_field.is_some()).map_err(invalid)?;
            }
            if s.files_from.as_deref().is_some_and(|f| f.trim().is_empty()) {
                return Err(invalid(format!(
                    "source \"{}\" has an empty files_from",
                    s.name
                )));
            }
            if s.paths.is_empty() && s.files_from.is_none() {
                return Err(invalid(format!(
                    "source \"{}\" has no paths (give paths, files_from or both)",
                    s.name
                )));
            }
            if let Err(e) = s.token_models.validate() {
                return Err(invalid(format!("source \"{}\": token_models: {e}", s.name)));
            }
        }
        if let Some(table) = &file.signals {
            crate::signals::SignalsRequest::default()
                .resolve(Some(table))
                .map_err(|e| invalid(e.to_string()))?;
        }
        if file.tokenizers.iter().any(|t| t.trim().is_empty()) {
            return Err(invalid("tokenizers lists an empty path".into()));
        }
        Ok(Manifest {
            tokenizers: file.tokenizers.iter().map(|t| root.join(t)).collect(),
            root,
            path,
            sources: file.source,
            signals: file.signals,
        })
    }
}

/// Checks a declared period: months written `YYYY-MM`, in order, and no date field beside it.
fn check_collected(name: &str, c: &CollectedEntry, has_date_field: bool) -> Result<(), String> {
    use crate::stats::parse_month_key as month;
    match (month(&c.from), month(&c.to)) {
        (Some(from), Some(to)) if from > to => Err(format!(
            "source \"{name}\": collected.from {} is after collected.to {}",
            c.from, c.to
        )),
        (Some(_), Some(_)) if has_date_field => Err(format!(
            "source \"{name}\" has both date_field and collected; give one"
        )),
        (Some(_), Some(_)) => Ok(()),
        _ => Err(format!(
            "source \"{name}\": collected months must be written YYYY-MM, not {:?} and {:?}",
            c.from, c.to
        )),
    }
}

/// How much of a `.toml` file [`looks_like_manifest`] reads.
const MANIFEST_SNIFF_BYTES: u64 = 64 << 10;

/// Whether the file at `path` looks like a manifest: a `.toml` file named `sources.toml`, or
/// with a `[[source]]` table header in its first 64 KiB. Discovery warns when it counts one as a
/// document (a manifest in use is never counted).
pub fn looks_like_manifest(path: &Path) -> bool {
    if path.extension().is_none_or(|e| e != "toml") {
        return false;
    }
    if path.file_name().is_some_and(|n| n == "sources.toml") {
        return true;
    }
    // A FIFO or a device named `*.toml` is not waited on nor read from.
    let Ok(head) = crate::read::small_file::read_head(path, MANIFEST_SNIFF_BYTES) else {
        return false;
    };
    String::from_utf8_lossy(&head)
        .lines()
        .any(|line| line.trim_start().starts_with("[[source]]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_recognised_by_name_or_by_their_source_tables() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        assert!(looks_like_manifest(&write("sources.toml", "")));
        assert!(looks_like_manifest(&write(
            "m.toml",
            "# x\n  [[source]]\nname = \"a\"\n"
        )));
        assert!(!looks_like_manifest(&write(
            "Cargo.toml",
            "[package]\nname = \"a\"\n"
        )));
        assert!(!looks_like_manifest(&write("notes.txt", "[[source]]\n")));
    }

    fn parse(text: &str) -> Result<Manifest, FatalError> {
        Manifest::parse(text, ".".into(), "sources.toml".into())
    }

    #[test]
    fn reads_sources() {
        let m = parse(
            "[[source]]\nname = \"web\"\ncategory = \"public\"\npaths = [\"crawl/**/*.jsonl\"]\n\n\
             [[source]]\nname = \"books\"\ncategory = \"licensed\"\npaths = [\"books\"]\ntext_field = \"body\"\n",
        )
        .unwrap();
        assert_eq!(m.sources.len(), 2);
        assert_eq!(m.sources[1].category, Category::Licensed);
        assert_eq!(m.sources[1].text_field.as_deref(), Some("body"));
    }

    #[test]
    fn every_category_name_reads_back() {
        for category in Category::ALL {
            let m = parse(&format!(
                "[[source]]\nname = \"a\"\ncategory = \"{}\"\npaths = [\"x\"]\n",
                category.name()
            ))
            .unwrap();
            assert_eq!(m.sources[0].category, category);
        }
        assert_eq!(Category::ALL[1].name(), "crawled");
    }

    #[test]
    fn unknown_keys_and_categories_name_the_line() {
        let err =
            parse("[[source]]\nname = \"a\"\ncategory = \"public\"\npaths = [\"x\"]\ncolour = 1\n")
                .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 5") && msg.contains("colour"), "{msg}");
        let err = parse("[[source]]\nname = \"a\"\ncategory = \"stolen\"\npaths = [\"x\"]\n")
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 3") && msg.contains("stolen"), "{msg}");
    }

    #[test]
    fn rejects_duplicates_and_empties() {
        let two = "[[source]]\nname = \"a\"\ncategory = \"public\"\npaths = [\"x\"]\n";
        assert!(
            parse(&format!("{two}{two}"))
                .unwrap_err()
                .to_string()
                .contains("declared twice")
        );
        assert!(parse("[[source]]\nname = \"a\"\ncategory = \"public\"\npaths = []\n").is_err());
        assert!(parse("").is_err());
        let empty_field =
            "[[source]]\nname = \"a\"\ncategory = \"public\"\npaths = [\"x\"]\ntext_field = \"\"\n";
        assert!(
            parse(empty_field)
                .unwrap_err()
                .to_string()
                .contains("empty text_field")
        );
    }
}
