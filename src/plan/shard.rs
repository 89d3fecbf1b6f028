//! Sharding: the deterministic split of a plan into N shards for N machines. Files become work
//! units; an uncompressed JSONL file larger than half a shard's fair share is cut into byte
//! ranges (each counts the lines that start in it). Units go, largest first, to the shard with
//! the least work so far (ties to the lowest index), so shards are balanced by size and every
//! machine computes the same assignment from the same inputs. A fingerprint of the whole
//! assignment lets `merge` refuse parts of different plans.

use super::{Plan, PlannedFile};
use crate::read::format::{Compression, Layout};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Which shard of how many to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSpec {
    /// This shard, from 0.
    pub index: u32,
    /// The number of shards.
    pub count: u32,
}

/// Why a shard could not be named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardSpecError {
    /// The text is not of the form `I/N`.
    #[error("--shard {0:?}: expected I/N, such as 0/8")]
    NotIndexOfCount(String),
    /// One side of `I/N` is not a number.
    #[error("--shard {text:?}: {part:?} is not a number ({source})")]
    NotANumber {
        /// The whole text given.
        text: String,
        /// The side that is not a number.
        part: String,
        /// Why it does not parse.
        source: std::num::ParseIntError,
    },
    /// The index is not below the count (or the count is zero).
    #[error("shard {index}/{count}: the index must be from 0 to the count minus one")]
    OutOfRange {
        /// The index given.
        index: u32,
        /// The count given.
        count: u32,
    },
}

impl ShardSpec {
    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Self, ShardSpecError> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| ShardSpecError::NotIndexOfCount(text.to_string()))?;
        let number = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|source| ShardSpecError::NotANumber {
                    text: text.to_string(),
                    part: s.to_string(),
                    source,
                })
        };
        Self::new(number(i)?, number(n)?)
    }

    /// Shard `index` of `count`, checked.
    pub fn new(index: u32, count: u32) -> Result<Self, ShardSpecError> {
        if count == 0 || index >= count {
            return Err(ShardSpecError::OutOfRange { index, count });
        }
        Ok(Self { index, count })
    }
}

/// A planned file's share of work: the whole file or one byte range.
#[derive(Debug, Clone)]
struct Unit {
    file: usize,
    range: Option<(u64, u64)>,
    bytes: u64,
}

/// The units of `plan` for `count` shards, in plan order, each with its shard.
fn assign(plan: &Plan, count: u32) -> Vec<(Unit, u32)> {
    let total = plan.total_bytes();
    let piece = total.div_ceil(2 * u64::from(count)).max(1);
    let mut units = Vec::new();
    for (file, planned) in plan.files.iter().enumerate() {
        let splittable = planned.format.layout == Layout::Jsonl
            && planned.format.compression == Compression::None
            && planned.range.is_none();
        if splittable && planned.size > piece {
            let pieces = planned.size.div_ceil(piece);
            let step = planned.size.div_ceil(pieces);
            for k in 0..pieces {
                let (start, end) = (k * step, ((k + 1) * step).min(planned.size));
                if start < end {
                    units.push(Unit {
                        file,
                        range: Some((start, end)),
                        bytes: end - start,
                    });
                }
            }
        } else {
            units.push(Unit {
                file,
                range: planned.range,
                bytes: planned.size,
            });
        }
    }
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&u| (std::cmp::Reverse(units[u].bytes), u));
    let mut load = vec![0u64; count as usize];
    let mut shard_of = vec![0u32; units.len()];
    for u in order {
        let lightest = (0..load.len())
            .min_by_key(|&s| (load[s], s))
            .expect("at least one shard");
        load[lightest] += units[u].bytes;
        shard_of[u] = lightest as u32;
    }
    units.into_iter().zip(shard_of).collect()
}

/// The fingerprint of `plan` split into `count` shards: SHA-256 over the sources, every unit
/// (path, size, range) and its shard.
fn fingerprint(plan: &Plan, count: u32, assigned: &[(Unit, u32)]) -> String {
    let mut text = format!("tokencensus shard plan v1\nshards\t{count}\n");
    for source in &plan.sources {
        let models = serde_json::to_string(&source.token_models).unwrap_or_default();
        let _ = writeln!(
            text,
            "source\t{}\t{:?}\t{}\t{models}",
            source.name, source.category, source.text_field
        );
    }
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    for (unit, shard) in assigned {
        let file = &plan.files[unit.file];
        let (start, end) = unit.range.unwrap_or((0, file.size));
        hasher.update(format!("unit\t{}\t", file.source));
        hasher.update(file.path.as_os_str().as_encoded_bytes());
        hasher.update(format!("\t{}\t{start}\t{end}\t{shard}\n", file.size));
    }
    crate::display::hex(&hasher.finalize())
}

impl Plan {
    /// The part of this plan that shard `spec` counts, and the fingerprint of the whole split.
    /// Discovery problems go to shard 0 only, so that merged parts list each once.
    pub fn shard(&self, spec: ShardSpec) -> (Plan, String) {
        let assigned = assign(self, spec.count);
        let fingerprint = fingerprint(self, spec.count, &assigned);
        let files: Vec<PlannedFile> = assigned
            .into_iter()
            .filter(|(_, shard)| *shard == spec.index)
            .map(|(unit, _)| PlannedFile {
                range: unit.range,
                ..self.files[unit.file].clone()
            })
            .collect();
        let plan = Plan {
            sources: self.sources.clone(),
            files,
            problems: if spec.index == 0 {
                self.problems.clone()
            } else {
                Vec::new()
            },
            warnings: self.warnings.clone(),
        };
        (plan, fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Source;
    use crate::read::format::Format;
    use crate::stats::Category;
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn plan_of(sizes: &[(u64, &str)]) -> Plan {
        Plan {
            sources: vec![Source::new("s".into(), Category::Other, "text".into())],
            files: sizes
                .iter()
                .enumerate()
                .map(|(i, &(size, ext))| {
                    let path = PathBuf::from(format!("f{i:03}.{ext}"));
                    PlannedFile {
                        format: Format::of(&path),
                        path,
                        source: 0,
                        size,
                        etag: None,
                        modified: None,
                        range: None,
                    }
                })
                .collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn parses_and_checks_shard_specs() {
        assert_eq!(
            ShardSpec::parse("2/8"),
            Ok(ShardSpec { index: 2, count: 8 })
        );
        assert!(ShardSpec::parse("8/8").is_err());
        assert!(ShardSpec::parse("0/0").is_err());
        assert!(ShardSpec::parse("1").is_err());
        assert!(ShardSpec::parse("a/2").is_err());
    }

    proptest! {
        /// Every byte of every file is in exactly one shard, large uncompressed JSONL files are
        /// cut, and the split is the same every time.
        #[test]
        fn shards_cover_every_byte_once(
            sizes in prop::collection::vec((0u64..10_000, prop::sample::select(vec!["jsonl", "jsonl.gz", "txt"])), 0..20),
            count in 1u32..6,
        ) {
            let plan = plan_of(&sizes);
            let mut covered: Vec<Vec<(u64, u64)>> = vec![Vec::new(); plan.files.len()];
            let mut fingerprints = Vec::new();
            for index in 0..count {
                let (part, fp) = plan.shard(ShardSpec { index, count });
                fingerprints.push(fp);
                for f in &part.files {
                    let i = plan.files.iter().position(|p| p.path == f.path).unwrap();
                    covered[i].push(f.range.unwrap_or((0, f.size)));
                }
            }
            prop_assert!(fingerprints.windows(2).all(|w| w[0] == w[1]));
            for (file, ranges) in plan.files.iter().zip(&mut covered) {
                ranges.sort();
                let mut at = 0;
                for &(start, end) in ranges.iter() {
                    prop_assert_eq!(start, at);
                    at = end;
                }
                prop_assert_eq!(at, file.size);
                if !file.path.to_string_lossy().ends_with(".jsonl") {
                    prop_assert_eq!(ranges.len(), 1);
                }
            }
        }
    }

    #[test]
    fn shards_are_balanced_and_fingerprints_tell_plans_apart() {
        let plan = plan_of(&[
            (9000, "jsonl"),
            (100, "txt"),
            (200, "jsonl.gz"),
            (700, "txt"),
        ]);
        let loads: Vec<u64> = (0..3)
            .map(|index| {
                let (part, _) = plan.shard(ShardSpec { index, count: 3 });
                part.files
                    .iter()
                    .map(|f| f.range.map_or(f.size, |(s, e)| e - s))
                    .sum()
            })
            .collect();
        assert_eq!(loads.iter().sum::<u64>(), 10_000);
        let (min, max) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
        assert!(max - min <= 10_000 / 6, "{loads:?}");
        let (_, three) = plan.shard(ShardSpec { index: 0, count: 3 });
        let (_, four) = plan.shard(ShardSpec { index: 0, count: 4 });
        assert_ne!(three, four);
    }
}
