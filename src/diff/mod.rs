//! What changed between two censuses of a rolling collection (`tokencensus diff OLD NEW`): per
//! source, category, modality and month, the documents, bytes and tokens added and removed;
//! sources that appeared or vanished; files added, removed and unchanged (matched by their
//! fingerprints, so a re-counted unchanged file is not "added"); the latest acquisition month;
//! and the EU summary size bands that changed (banded by the EU summary's own code).
//!
//! Figures are compared as totals: a row's `added` is how much it grew and `removed` how much
//! it shrank (one of the two is zero), since a census keeps no figures per file.

pub mod render;
#[cfg(test)]
mod tests;

use crate::error::FatalError;
use crate::report::files::{Fingerprint, shared};
use crate::report::render::eu_sizes::Modality;
use crate::report::{Report, SourceReport};
use crate::stats::{DocTokens, Tally};
use serde::Serialize;
use std::collections::BTreeMap;

/// Documents (or items), bytes and tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Text documents, or items of a medium.
    pub documents: u64,
    /// UTF-8 bytes of text (absent where a census keeps none: months, media).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Tokens.
    pub tokens: u64,
}

/// How one row's figures changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The row: a source, category, modality or month.
    pub name: String,
    /// Its figures in the old census (zero when it is new).
    pub old: Figures,
    /// Its figures in the new census (zero when it is gone).
    pub new: Figures,
    /// How much each figure grew.
    pub added: Figures,
    /// How much each figure shrank.
    pub removed: Figures,
}

impl Change {
    /// The change from `old` to `new`; a row missing on one side (all zero there) takes the
    /// other side's kinds of figure.
    fn of(name: impl Into<String>, mut old: Figures, mut new: Figures) -> Change {
        if old.bytes.is_none() {
            old.bytes = new.bytes.map(|_| 0);
        }
        if new.bytes.is_none() {
            new.bytes = old.bytes.map(|_| 0);
        }
        let up = |a: u64, b: u64| b.saturating_sub(a);
        let grown = |a: Figures, b: Figures| Figures {
            documents: up(a.documents, b.documents),
            bytes: a.bytes.zip(b.bytes).map(|(a, b)| up(a, b)),
            tokens: up(a.tokens, b.tokens),
        };
        Change {
            name: name.into(),
            added: grown(old, new),
            removed: grown(new, old),
            old,
            new,
        }
    }

    fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// Files of a source matched by fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Files only the new census lists.
    pub added: u64,
    /// Files only the old census lists.
    pub removed: u64,
    /// Files both list (same path, size and modification time or ETag).
    pub unchanged: u64,
}

/// One source's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceChange {
    /// `appeared`, `vanished` or `changed`.
    pub status: &'static str,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Change,
    /// Its files, when both censuses list them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<FileChange>,
}

/// A value that changed from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved<T> {
    /// Before.
    pub old: T,
    /// After.
    pub new: T,
}

/// What changed between two censuses; every list holds changed rows only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The tokenizer both censuses were counted with.
    pub tokenizer: String,
    /// All sources together.
    pub totals: Change,
    /// Sources that appeared, vanished or changed, in the new census's order then the old's.
    pub sources: Vec<SourceChange>,
    /// Categories whose figures changed.
    pub categories: Vec<Change>,
    /// Modalities (text, image, audio, video) whose figures changed.
    pub modalities: Vec<Change>,
    /// Months (`YYYY-MM`) whose dated documents or tokens changed.
    pub months: Vec<Change>,
    /// With several tokenizers: the totals under each tokenizer (`NAME (SHA-256 prefix)`) whose
    /// figures changed; a tokenizer one census was not counted with is new or gone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tokenizers: Vec<Change>,
    /// The latest acquisition month, before and after.
    pub latest_month: Moved<Option<String>>,
    /// The EU summary size bands that changed, per modality.
    pub eu_size_bands: Vec<BandChange>,
}

/// An EU summary modality whose size band changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BandChange {
    /// The template's modality (`Text`, `Images`, `Audio`, `Video`).
    pub modality: &'static str,
    /// The band before and after.
    #[serde(flatten)]
    pub band: Moved<&'static str>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.totals.changed()
            && self.sources.is_empty()
            && self.categories.is_empty()
            && self.modalities.is_empty()
            && self.months.is_empty()
            && self.tokenizers.is_empty()
            && self.latest_month.old == self.latest_month.new
            && self.eu_size_bands.is_empty()
    }
}

fn text(t: &Tally) -> Figures {
    let text = t.by_modality.text;
    Figures {
        documents: text.documents,
        bytes: Some(text.bytes),
        tokens: t.counts.tokens,
    }
}

fn month(d: DocTokens) -> Figures {
    Figures {
        documents: d.documents,
        bytes: None,
        tokens: d.tokens,
    }
}

/// Compares `old` with `new` (refused when their token counts are defined by different
/// tokenizers).
pub fn diff_reports(old: &Report, new: &Report) -> Result<Diff, FatalError> {
    let (a, b) = (&old.tokenizer, &new.tokenizer);
    if (&a.sha256, a.special_tokens) != (&b.sha256, b.special_tokens) {
        return Err(FatalError::Diff(format!(
            "the censuses were counted with different tokenizers ({} {} and {} {}): their tokens are not comparable",
            a.name,
            &a.sha256[..a.sha256.len().min(12)],
            b.name,
            &b.sha256[..b.sha256.len().min(12)]
        )));
    }
    Ok(Diff {
        tokenizer: format!("{} (sha256 {})", b.name, b.sha256),
        totals: Change::of("total", text(&old.totals.tally), text(&new.totals.tally)),
        sources: sources(old, new)?,
        categories: keyed(
            old.categories
                .iter()
                .map(|c| (c.category.name().to_string(), text(&c.tally))),
            new.categories
                .iter()
                .map(|c| (c.category.name().to_string(), text(&c.tally))),
        ),
        modalities: keyed(modalities(&old.totals.tally), modalities(&new.totals.tally)),
        months: keyed(
            old.totals
                .tally
                .periods
                .by_month
                .iter()
                .map(|(k, d)| (k.clone(), month(*d))),
            new.totals
                .tally
                .periods
                .by_month
                .iter()
                .map(|(k, d)| (k.clone(), month(*d))),
        ),
        tokenizers: keyed(by_tokenizer(old), by_tokenizer(new)),
        latest_month: Moved {
            old: old.totals.tally.periods.latest_month.clone(),
            new: new.totals.tally.periods.latest_month.clone(),
        },
        eu_size_bands: Modality::ALL
            .into_iter()
            .filter_map(|m| {
                let band = Moved {
                    old: m.band(m.amount(&old.totals.tally)),
                    new: m.band(m.amount(&new.totals.tally)),
                };
                (band.old != band.new).then_some(BandChange {
                    modality: m.name(),
                    band,
                })
            })
            .collect(),
    })
}

/// The totals under each tokenizer of a census counted with several (none otherwise), keyed
/// `NAME (SHA-256 prefix)`: text documents and bytes, and tokens of every modality.
fn by_tokenizer(report: &Report) -> Vec<(String, Figures)> {
    let totals = &report.totals.tally;
    let entries = report.tokenizers.iter().filter_map(|t| {
        let figures = totals.tokens_by_tokenizer.get(&t.name)?;
        let key = format!("{} ({})", t.name, &t.sha256[..t.sha256.len().min(12)]);
        Some((
            key,
            Figures {
                tokens: figures.tokens,
                ..text(totals)
            },
        ))
    });
    entries.collect()
}

/// Text, image, audio and video: documents or items, and tokens.
fn modalities(t: &Tally) -> Vec<(String, Figures)> {
    let m = &t.by_modality;
    let items = |documents, tokens| Figures {
        documents,
        bytes: None,
        tokens,
    };
    vec![
        (
            "text".into(),
            Figures {
                documents: m.text.documents,
                bytes: Some(m.text.bytes),
                tokens: m.text.tokens,
            },
        ),
        ("image".into(), items(m.image.items, m.image.tokens)),
        ("audio".into(), items(m.audio.items, m.audio.tokens)),
        ("video".into(), items(m.video.items, m.video.tokens)),
    ]
}

/// The changed rows of two keyed lists, in key order (a key missing on one side is zero there).
fn keyed(
    old: impl IntoIterator<Item = (String, Figures)>,
    new: impl IntoIterator<Item = (String, Figures)>,
) -> Vec<Change> {
    let mut rows: BTreeMap<String, (Figures, Figures)> = BTreeMap::new();
    for (key, figures) in old {
        rows.entry(key).or_default().0 = figures;
    }
    for (key, figures) in new {
        rows.entry(key).or_default().1 = figures;
    }
    rows.into_iter()
        .map(|(key, (a, b))| Change::of(key, a, b))
        .filter(Change::changed)
        .collect()
}

/// The sources that appeared, vanished or changed (figures or files).
fn sources(old: &Report, new: &Report) -> Result<Vec<SourceChange>, FatalError> {
    fn find(report: &Report, name: &str) -> Option<SourceReport> {
        report.sources.iter().find(|s| s.name == name).cloned()
    }
    let mut names: Vec<&str> = new.sources.iter().map(|s| s.name.as_str()).collect();
    for s in &old.sources {
        if !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    let mut changes = Vec::new();
    for name in names {
        let (a, b) = (find(old, name), find(new, name));
        let status = match (&a, &b) {
            (None, _) => "appeared",
            (_, None) => "vanished",
            _ => "changed",
        };
        let figures =
            |s: &Option<SourceReport>| s.as_ref().map(|s| text(&s.tally)).unwrap_or_default();
        let change = Change::of(name, figures(&a), figures(&b));
        let files = match (file_list(&a, name)?, file_list(&b, name)?) {
            (Some(x), Some(y)) => {
                let same = shared(&x, &y);
                Some(FileChange {
                    added: y.len() as u64 - same,
                    removed: x.len() as u64 - same,
                    unchanged: same,
                })
            }
            _ => None,
        };
        let files_changed = files.is_some_and(|f| f.added + f.removed > 0);
        if status != "changed" || change.changed() || files_changed {
            changes.push(SourceChange {
                status,
                figures: change,
                files,
            });
        }
    }
    Ok(changes)
}

/// The sorted fingerprints of a source's files: none for a source that is not there, `None`
/// when the census does not list them.
fn file_list(
    source: &Option<SourceReport>,
    name: &str,
) -> Result<Option<Vec<Fingerprint>>, FatalError> {
    let Some(source) = source else {
        return Ok(Some(Vec::new()));
    };
    source
        .file_set
        .as_ref()
        .map(|set| set.decode())
        .transpose()
        .map_err(|e| FatalError::Diff(format!("source {name:?}: {e}")))
}
