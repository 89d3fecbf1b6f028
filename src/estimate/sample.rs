//! The sample of a whole corpus: per source, either a census (the source is counted whole) or
//! its sampling design with the units drawn and the streams whose documents are drawn inside,
//! and the list of things to count ("slots": one per drawn unit, one per stream, one per census
//! source, one per file whose size probe failed).

use super::Population;
use super::design::{self, Group, StreamPlan, UnitRef, UnitType};
use super::probe::SizeSource;
use crate::plan::PlannedFile;
use std::collections::BTreeMap;

/// A source this small (input bytes) is counted whole: counting it costs next to nothing.
pub const CENSUS_BYTES: u64 = 1 << 20;

/// Why a source is counted whole, or that it is sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Sampled: its groups' drawn units are counted.
    Sampled,
    /// The sample fraction is 1.
    FullFraction,
    /// The source is at most [`CENSUS_BYTES`].
    Small,
    /// The sample would count at least half of it anyway.
    MostlyDrawn,
    /// Its streams held too few documents for two to be drawn (found once they were read).
    FewDrawn,
}

/// One source's design.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSample {
    /// Whether (and why) it is counted whole.
    pub coverage: Coverage,
    /// The block size of its uncompressed JSONL files.
    pub block: u64,
    /// Its groups of units with their strata and draws (kept for a census too, unused then).
    pub groups: Vec<Group>,
    /// Files counted whole in any case, because their size probe failed.
    pub whole: Vec<usize>,
    /// Compressed JSONL files read whole, whose documents are drawn inside the stream.
    pub streams: Vec<StreamPlan>,
    /// Input bytes the sample reads from this source (streams whole).
    pub planned_bytes: u64,
}

/// What one slot of the count is: a drawn unit, a source counted whole, or a whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// Drawn unit of group `group`, stratum `stratum`, position `position` among its draws.
    Unit {
        /// The group within the source.
        group: usize,
        /// The stratum within the group.
        stratum: usize,
        /// The draw within the stratum.
        position: usize,
    },
    /// Every document of a stream is read, the drawn ones counted: stream `stream` of the
    /// estimate (numbered over every source's streams, in plan order).
    Stream {
        /// The stream's number.
        stream: usize,
    },
    /// Every file of the source.
    Census,
    /// One file whose size probe failed.
    Whole,
}

/// One thing counted on its own: its source, what it is, and the planned files (with ranges).
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// The source (index in the plan).
    pub source: usize,
    /// What it is.
    pub kind: SlotKind,
    /// The files or ranges to count.
    pub files: Vec<PlannedFile>,
}

impl Population {
    /// The planned file entry of `unit` of a group of type `unit_type` (blocks of `block` bytes).
    pub fn unit_file(&self, unit_type: UnitType, unit: UnitRef, block: u64) -> PlannedFile {
        let file = &self.plan.files[unit.file];
        let range = match unit_type {
            UnitType::Files => None,
            UnitType::Blocks => {
                let start = unit.index * block;
                Some((start, (start + block).min(file.size)))
            }
            // The range holding just the row group's first byte selects it, whatever the order
            // of row groups in the file.
            UnitType::RowGroups => {
                let start = self.probes[unit.file].row_groups[unit.index as usize].start;
                Some((start, start + 1))
            }
        };
        PlannedFile {
            range,
            ..file.clone()
        }
    }

    /// The input bytes reading `unit` takes (a block's length, a row group's compressed bytes,
    /// a file's size on disk).
    pub fn unit_read_bytes(&self, unit_type: UnitType, unit: UnitRef, block: u64) -> u64 {
        let file = &self.plan.files[unit.file];
        match unit_type {
            UnitType::Files => file.size,
            UnitType::Blocks => block.min(file.size - unit.index * block),
            UnitType::RowGroups => {
                self.probes[unit.file].row_groups[unit.index as usize].compressed
            }
        }
    }

    /// Designs and draws the sample of source `source` at `fraction` with `seed`.
    pub fn sample_source(&self, source: usize, fraction: f64, seed: u64) -> SourceSample {
        let files: Vec<usize> = (0..self.plan.files.len())
            .filter(|&i| self.plan.files[i].source == source)
            .collect();
        let mut kinds: Vec<Option<UnitType>> = files
            .iter()
            .map(|&i| design::unit_type(&self.plan.files[i], &self.probes[i]))
            .collect();
        let name = &self.plan.sources[source].name;
        let chat = self.plan.sources[source].chat_field.is_some();
        let candidates: Vec<usize> = (0..files.len())
            .filter(|&k| {
                design::is_stream(&self.plan.files[files[k]], &self.probes[files[k]], chat)
            })
            .collect();
        let mut streams = Vec::new();
        if design::draws_inside(candidates.len(), fraction.min(1.0)) {
            for k in candidates {
                kinds[k] = None;
                streams.push(StreamPlan {
                    file: files[k],
                    seed: design::stream_seed(seed, name, k as u64),
                    certain_bytes: design::certain_bytes(self.probes[files[k]].bytes, fraction),
                });
            }
        }
        let block_input: u64 = files
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| **k == Some(UnitType::Blocks))
            .map(|(&i, _)| self.plan.files[i].size)
            .sum();
        let block = design::block_bytes(block_input, fraction);
        let mut by_group: BTreeMap<(UnitType, SizeSource), Vec<(usize, u64)>> = BTreeMap::new();
        let mut whole = Vec::new();
        for (&i, kind) in files.iter().zip(&kinds) {
            let (file, probe) = (&self.plan.files[i], &self.probes[i]);
            match kind {
                Some(unit) => by_group
                    .entry((*unit, probe.source))
                    .or_default()
                    .push((i, design::unit_count(*unit, file, probe, block))),
                None if streams.iter().any(|s| s.file == i) => {}
                None => whole.push(i),
            }
        }
        let mut rng = design::source_rng(seed, name);
        let mut planned_bytes: u64 = whole.iter().map(|&i| self.plan.files[i].size).sum();
        let mut groups = Vec::new();
        for ((unit, size), members) in by_group {
            let mut strata = design::strata(&members, fraction.min(1.0));
            for stratum in &mut strata {
                design::draw(stratum, fraction.min(1.0), &mut rng);
                planned_bytes += stratum
                    .drawn
                    .iter()
                    .map(|&u| self.unit_read_bytes(unit, u, block))
                    .sum::<u64>();
            }
            groups.push(Group { unit, size, strata });
        }
        // Streams are read whole, but only their drawn share is counted.
        let stream_bytes: u64 = streams.iter().map(|s| self.plan.files[s.file].size).sum();
        let lines = design::stream_stratum_lines(fraction.min(1.0));
        let share = design::draw_count(lines, fraction.min(1.0)) as f64 / lines as f64;
        let counted = planned_bytes + (stream_bytes as f64 * share) as u64;
        planned_bytes += stream_bytes;
        let input: u64 = files.iter().map(|&i| self.plan.files[i].size).sum();
        let coverage = if fraction >= 1.0 {
            Coverage::FullFraction
        } else if input <= CENSUS_BYTES {
            Coverage::Small
        } else if counted.saturating_mul(2) >= input {
            Coverage::MostlyDrawn
        } else {
            Coverage::Sampled
        };
        if coverage != Coverage::Sampled {
            planned_bytes = input;
        }
        SourceSample {
            coverage,
            block,
            groups,
            whole,
            streams,
            planned_bytes,
        }
    }

    /// The streams of `samples` whose documents are drawn, numbered as their slots number them.
    pub fn streams(&self, samples: &[SourceSample]) -> Vec<StreamPlan> {
        let sampled = samples.iter().filter(|s| s.coverage == Coverage::Sampled);
        sampled.flat_map(|s| s.streams.iter().copied()).collect()
    }

    /// The slots that count `samples` (one per source, in plan order).
    pub fn slots(&self, samples: &[SourceSample]) -> Vec<Slot> {
        let mut slots = Vec::new();
        let mut streams = 0;
        for (source, sample) in samples.iter().enumerate() {
            if sample.coverage != Coverage::Sampled {
                let files = self.plan.files.iter().filter(|f| f.source == source);
                slots.push(Slot {
                    source,
                    kind: SlotKind::Census,
                    files: files.cloned().collect(),
                });
                continue;
            }
            for &file in &sample.whole {
                slots.push(Slot {
                    source,
                    kind: SlotKind::Whole,
                    files: vec![self.plan.files[file].clone()],
                });
            }
            for stream in &sample.streams {
                slots.push(Slot {
                    source,
                    kind: SlotKind::Stream { stream: streams },
                    files: vec![self.plan.files[stream.file].clone()],
                });
                streams += 1;
            }
            for (g, group) in sample.groups.iter().enumerate() {
                for (s, stratum) in group.strata.iter().enumerate() {
                    for (position, &unit) in stratum.drawn.iter().enumerate() {
                        slots.push(Slot {
                            source,
                            kind: SlotKind::Unit {
                                group: g,
                                stratum: s,
                                position,
                            },
                            files: vec![self.unit_file(group.unit, unit, sample.block)],
                        });
                    }
                }
            }
        }
        slots
    }
}
