//! From the counted sample to estimated figures: per source, each group's ratio estimate of
//! tokens, documents and text bytes (plus the files counted whole, exactly), and its streams'
//! ratio estimate of tokens over their text bytes (their documents and bytes are exact), summed; per
//! category and in total, the sums of the sources' independent estimates. Then the report's
//! `estimate` entries, with intervals at the chosen confidence.

use super::Population;
use super::design::{Segment, UnitRef, UnitType};
use super::estimator::{StratumSample, Total, ratio_total};
use super::measure::Measured;
use super::probe::SizeSource;
use super::sample::{Coverage, Slot, SlotKind, SourceSample};
use super::stream::{StratumTally, StreamTotals, collapse};
use crate::display::count_noun;
use crate::stats::{Estimate, SizeCount};
use std::collections::BTreeMap;

/// A source's (or a sum of sources') estimated totals and what the sample took.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Tokens of every modality.
    pub tokens: Total,
    /// Text documents.
    pub documents: Total,
    /// UTF-8 text bytes.
    pub bytes: Total,
    /// Units counted.
    pub sampled_units: u64,
    /// Units in the population.
    pub units: u64,
    /// Input bytes read.
    pub sampled_bytes: u64,
    /// Where sizes came from.
    pub sizes: BTreeMap<SizeSource, (u64, u64)>,
    /// The plain-language note.
    pub note: String,
    /// Whether every figure is exact (all sources counted whole).
    pub exact: bool,
}

/// What one drawn unit measured: auxiliary sizes for tokens/bytes and for documents, and the
/// input bytes read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitSize {
    /// The size its tokens and bytes are scaled by.
    pub bytes: f64,
    /// The size its documents are scaled by (rows for Parquet, bytes otherwise).
    pub documents: f64,
    /// Input bytes the sample takes for it: a block's length, a row group's compressed bytes,
    /// a file's size (the figure `estimate` announces before counting).
    pub read: u64,
}

impl Population {
    /// The known auxiliary sizes of a segment of units (blocks: their nominal lengths).
    fn segment_size(&self, unit: UnitType, segment: &Segment, block: u64) -> (f64, f64) {
        let file = &self.plan.files[segment.file];
        match unit {
            UnitType::Blocks => {
                let start = segment.first * block;
                let end = ((segment.first + segment.count) * block).min(file.size);
                let bytes = end.saturating_sub(start) as f64;
                (bytes, bytes)
            }
            UnitType::Files => {
                let bytes = self.probes[segment.file].bytes as f64;
                (bytes, bytes)
            }
            UnitType::RowGroups => {
                let groups = &self.probes[segment.file].row_groups;
                let range = segment.first as usize..(segment.first + segment.count) as usize;
                groups[range].iter().fold((0.0, 0.0), |(b, d), g| {
                    let documents = g.rows.saturating_sub(g.text_nulls.unwrap_or(0));
                    (b + g.uncompressed as f64, d + documents as f64)
                })
            }
        }
    }

    /// The auxiliary sizes of a drawn unit whose size is known before reading it (not a block).
    pub fn known_unit_size(&self, unit: UnitType, at: UnitRef, block: u64) -> UnitSize {
        let segment = Segment {
            file: at.file,
            first: at.index,
            count: 1,
        };
        let (bytes, documents) = self.segment_size(unit, &segment, block);
        UnitSize {
            bytes,
            documents,
            read: self.unit_read_bytes(unit, at, block),
        }
    }

    /// The figures of source `source` from its sample, its slots and their measurements
    /// (`sizes[i]` for slot `i`, what its streams held among them).
    pub fn source_figures(
        &self,
        source: usize,
        sample: &SourceSample,
        slots: &[Slot],
        measured: &Measured,
        sizes: &[UnitSize],
    ) -> Figures {
        let mut figures = Figures {
            tokens: Total::exact(0.0),
            documents: Total::exact(0.0),
            bytes: Total::exact(0.0),
            sampled_units: 0,
            units: 0,
            sampled_bytes: 0,
            sizes: BTreeMap::new(),
            note: String::new(),
            exact: sample.coverage != Coverage::Sampled,
        };
        // Per stream slot of the source, its strata (in plan order: slots follow it).
        let streams: Vec<(usize, &[StratumTally])> = (slots.iter())
            .filter(|slot| slot.source == source)
            .filter_map(|slot| match slot.kind {
                SlotKind::Stream { stream } => Some((stream, measured.streams[stream].as_slice())),
                _ => None,
            })
            .collect();
        let files = self.plan.files.iter().enumerate();
        for (i, _) in files.filter(|(_, f)| f.source == source) {
            let read =
                sample.coverage == Coverage::Sampled && sample.streams.iter().any(|s| s.file == i);
            if !read {
                let entry = figures.sizes.entry(self.probes[i].source).or_default();
                entry.0 += 1;
                entry.1 += self.probes[i].bytes;
            }
        }
        if !streams.is_empty() {
            let totals = StreamTotals::of(streams.iter().flat_map(|(_, s)| s.iter()));
            let entry = figures.sizes.entry(SizeSource::StreamRecords).or_default();
            entry.0 += streams.len() as u64;
            entry.1 += totals.bytes;
        }
        // Per group and stratum, the (size, tokens, documents, bytes) of each drawn unit.
        type Draw = (UnitSize, f64, f64, f64);
        let mut draws: Vec<Vec<Vec<Draw>>> = sample
            .groups
            .iter()
            .map(|g| vec![Vec::new(); g.strata.len()])
            .collect();
        let (mut exact_tokens, mut exact_documents, mut exact_bytes) = (0.0, 0.0, 0.0);
        for (i, slot) in slots.iter().enumerate().filter(|(_, s)| s.source == source) {
            let counted = measured.slots[i];
            figures.sampled_bytes += sizes[i].read;
            if !matches!(slot.kind, SlotKind::Stream { .. }) {
                figures.sampled_units += slot.files.len() as u64;
            }
            match slot.kind {
                // Its drawn documents are its units, counted with the other streams below.
                SlotKind::Stream { stream } => {
                    let held = streams.iter().filter(|(s, _)| *s == stream);
                    figures.sampled_units +=
                        StreamTotals::of(held.flat_map(|(_, s)| s.iter())).drawn;
                }
                SlotKind::Census | SlotKind::Whole => {
                    exact_tokens += counted.tokens as f64;
                    exact_documents += counted.documents as f64;
                    exact_bytes += counted.bytes as f64;
                }
                SlotKind::Unit {
                    group,
                    stratum,
                    position: _,
                } => draws[group][stratum].push((
                    sizes[i],
                    counted.tokens as f64,
                    counted.documents as f64,
                    counted.bytes as f64,
                )),
            }
        }
        if figures.exact {
            figures.units = figures.sampled_units;
            figures.tokens = Total::exact(exact_tokens);
            figures.documents = Total::exact(exact_documents);
            figures.bytes = Total::exact(exact_bytes);
            figures.note = census_note(sample.coverage).into();
            return figures;
        }
        let mut parts = (
            vec![Total::exact(exact_tokens)],
            vec![Total::exact(exact_documents)],
            vec![Total::exact(exact_bytes)],
        );
        let mut strata_count = 0;
        let mut described = Vec::new();
        if !sample.whole.is_empty() {
            described.push(format!(
                "{} counted whole (their size could not be read)",
                count_noun(sample.whole.len() as u64, "file", "files")
            ));
        }
        figures.units = sample.whole.len() as u64;
        for (group, drawn) in sample.groups.iter().zip(&draws) {
            let (mut aux_bytes, mut aux_documents) = (0.0, 0.0);
            for segment in group.strata.iter().flat_map(|s| &s.segments) {
                let (b, d) = self.segment_size(group.unit, segment, sample.block);
                aux_bytes += b;
                aux_documents += d;
            }
            let strata = |pick: fn(&Draw) -> (f64, f64)| -> Vec<StratumSample> {
                group
                    .strata
                    .iter()
                    .zip(drawn)
                    .map(|(s, d)| StratumSample {
                        units: s.units,
                        drawn: d.iter().map(pick).collect(),
                    })
                    .collect()
            };
            parts
                .0
                .push(ratio_total(&strata(|d| (d.0.bytes, d.1)), aux_bytes));
            parts.1.push(ratio_total(
                &strata(|d| (d.0.documents, d.2)),
                aux_documents,
            ));
            parts
                .2
                .push(ratio_total(&strata(|d| (d.0.bytes, d.3)), aux_bytes));
            strata_count += group.strata.len();
            let units: u64 = group.strata.iter().map(|s| s.units).sum();
            let drawn: usize = group.strata.iter().map(|s| s.drawn.len()).sum();
            figures.units += units;
            let what = match group.unit {
                UnitType::Blocks => format!("{} KiB blocks", sample.block >> 10),
                UnitType::RowGroups => "row groups".into(),
                UnitType::Files => "files".into(),
            };
            described.push(format!("{drawn} of {units} {what} ({})", group.size.name()));
        }
        if !streams.is_empty() {
            // Every document of the streams was read: documents and bytes are exact, tokens
            // scale with the text bytes.
            let strata: Vec<&StratumTally> = streams.iter().flat_map(|(_, s)| s.iter()).collect();
            let totals = StreamTotals::of(strata.iter().copied());
            let pooled = collapse(strata);
            let sampled_bytes = (totals.bytes - totals.certain_bytes) as f64;
            parts.0.push(ratio_total(&pooled, sampled_bytes));
            parts.0.push(Total::exact(totals.certain_tokens as f64));
            parts.1.push(Total::exact(totals.documents as f64));
            parts.2.push(Total::exact(totals.bytes as f64));
            strata_count += pooled.len();
            figures.units += totals.documents;
            described.push(format!(
                "{} of {} drawn inside {} read whole (documents and text bytes exact; {} always counted)",
                totals.drawn,
                count_noun(totals.documents, "document", "documents"),
                count_noun(streams.len() as u64, "compressed stream", "compressed streams"),
                count_noun(totals.certain, "large document", "large documents"),
            ));
        }
        figures.tokens = Total::sum(parts.0);
        figures.documents = Total::sum(parts.1);
        figures.bytes = Total::sum(parts.2);
        figures.note = format!("{}; {strata_count} strata", described.join(", "));
        figures
    }
}

fn census_note(coverage: Coverage) -> &'static str {
    match coverage {
        Coverage::FullFraction => "counted whole: the sample fraction is 1",
        Coverage::Small => "counted whole: 1 MiB or smaller",
        Coverage::MostlyDrawn => "counted whole: the sample would read half of it or more",
        Coverage::FewDrawn => {
            "counted whole: its compressed streams held too few documents to draw two"
        }
        Coverage::Sampled => "",
    }
}

/// The sum of independent figures (a category's sources, or all sources).
pub fn sum(parts: &[&Figures]) -> Figures {
    let mut sizes: BTreeMap<SizeSource, (u64, u64)> = BTreeMap::new();
    for part in parts {
        for (source, (files, bytes)) in &part.sizes {
            let entry = sizes.entry(*source).or_default();
            entry.0 += files;
            entry.1 += bytes;
        }
    }
    let exact = parts.iter().all(|p| p.exact);
    Figures {
        tokens: Total::sum(parts.iter().map(|p| p.tokens)),
        documents: Total::sum(parts.iter().map(|p| p.documents)),
        bytes: Total::sum(parts.iter().map(|p| p.bytes)),
        sampled_units: parts.iter().map(|p| p.sampled_units).sum(),
        units: parts.iter().map(|p| p.units).sum(),
        sampled_bytes: parts.iter().map(|p| p.sampled_bytes).sum(),
        sizes,
        note: if exact {
            "every source counted whole".into()
        } else {
            format!("sum of {} sources' independent estimates", parts.len())
        },
        exact,
    }
}

/// Rounds an interval outward to whole numbers, never below what the sample itself counted.
fn bounds(total: &Total, confidence: f64, counted: u64) -> (u64, u64, u64) {
    let (low, high) = total.interval(confidence);
    let point = total.value.round().max(counted as f64) as u64;
    let low = (low.floor().max(counted as f64) as u64).min(point);
    let high = (high.ceil().max(0.0) as u64).max(point);
    (point, low, high)
}

/// The report entry of `figures`, whose sample counted `tokens` and `documents` exactly.
pub fn estimate(figures: &Figures, confidence: f64, tokens: u64, documents: u64) -> Estimate {
    let (point, low, high) = bounds(&figures.tokens, confidence, tokens);
    let (doc_point, doc_low, doc_high) = bounds(&figures.documents, confidence, documents);
    let df = [figures.tokens.df, figures.documents.df]
        .into_iter()
        .filter(|df| df.is_finite())
        .reduce(f64::min);
    let mut note = figures.note.clone();
    if df.is_some_and(|df| df < 10.0) {
        note += "; few units: the t quantile of few degrees of freedom widens the interval";
    }
    Estimate {
        tokens: point,
        low,
        high,
        confidence,
        documents: doc_point,
        sampled_documents: documents,
        sampled_bytes: figures.sampled_bytes,
        method: if figures.exact {
            "census".into()
        } else {
            "stratified-ratio".into()
        },
        documents_low: doc_low,
        documents_high: doc_high,
        bytes: figures.bytes.value.round().max(0.0) as u64,
        sampled_tokens: tokens,
        sampled_units: figures.sampled_units,
        units: figures.units,
        degrees_of_freedom: df,
        size_sources: figures
            .sizes
            .iter()
            .map(|(source, (files, bytes))| SizeCount {
                size_source: *source,
                files: *files,
                bytes: *bytes,
            })
            .collect(),
        note,
    }
}
