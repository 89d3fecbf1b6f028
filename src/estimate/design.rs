//! The sampling design of one source: its files become units (byte blocks of uncompressed
//! JSONL, row groups of Parquet, whole files otherwise), grouped by unit type and by where their
//! size comes from; each group is cut into strata of consecutive units (a large file into
//! several strata, small neighbouring files pooled into one), and units are drawn without
//! replacement within each stratum, in proportion to its size and at least two per stratum, so
//! that every stratum's variance can be estimated. Draws are reproducible: one ChaCha8 stream per
//! source, seeded from the seed and the source's name.
//!
//! Compressed JSONL files too few to be drawn whole (fewer than [`MIN_DRAWN_STREAMS`] would be
//! drawn) are sampled inside instead: every line of such a stream is read, and its lines are cut
//! into strata of consecutive lines of which a fixed number of positions are drawn
//! ([`stream_stratum_lines`], [`stream_draws`]), from a ChaCha8 stream of its own per file
//! (seeded from the seed, the source's name and the file's place in the source) and per stratum,
//! so that the draw depends on line numbers only, never on threads, blocks or storage.
use super::probe::{FileProbe, SizeSource};
use crate::plan::PlannedFile;
use crate::read::format::{Compression, Layout};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// The smallest byte block an uncompressed JSONL file is cut into.
pub const MIN_BLOCK_BYTES: u64 = 4 << 10;
/// The largest byte block: big enough for efficient reads, small enough for many units.
pub const MAX_BLOCK_BYTES: u64 = 1 << 20;
/// How many units a sample aims at when it picks the block size.
const TARGET_SAMPLED_UNITS: u64 = 1024;
/// Units drawn from each stratum (at least): two give a variance estimate.
const DRAWN_PER_STRATUM: f64 = 2.0;

/// How the units of a group are cut out of their files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitType {
    /// Fixed-size byte blocks of an uncompressed JSONL file (each counts the lines that start in
    /// it; its size is the bytes of those lines).
    Blocks,
    /// Row groups of a Parquet file.
    RowGroups,
    /// Whole files.
    Files,
}

/// A run of consecutive units of one file inside a stratum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Index of the file in the plan.
    pub file: usize,
    /// The first unit (block, row group) of the file in this segment.
    pub first: u64,
    /// How many units.
    pub count: u64,
}

/// One unit: unit `index` (block, row group, or 0 for a whole file) of plan file `file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnitRef {
    /// Index of the file in the plan.
    pub file: usize,
    /// The unit within the file.
    pub index: u64,
}

/// A stratum: its units (as segments) and the units drawn from it, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    /// The units.
    pub segments: Vec<Segment>,
    /// Their number.
    pub units: u64,
    /// The drawn units.
    pub drawn: Vec<UnitRef>,
}

/// Units of one type whose sizes come from one size source: one ratio estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// How units are cut.
    pub unit: UnitType,
    /// Where the sizes come from.
    pub size: SizeSource,
    /// The strata, in file order.
    pub strata: Vec<Stratum>,
}

/// A source's compressed JSONL files are drawn whole when at least this many of them would be
/// drawn; with fewer, their documents are drawn inside the streams as they pass.
pub const MIN_DRAWN_STREAMS: f64 = 20.0;

/// A compressed JSONL file whose documents are drawn inside its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamPlan {
    /// Index of the file in the plan.
    pub file: usize,
    /// The seed of its draws ([`stream_seed`]).
    pub seed: [u8; 32],
    /// Its documents of at least this many text bytes are all counted ([`certain_bytes`]).
    pub certain_bytes: u64,
}

/// The smallest certainty size of a stream.
pub const MIN_CERTAIN_BYTES: u64 = 64 << 10;

/// The text size from which every document of a stream of `content` bytes (as probed) sampled
/// at `fraction` is counted: 64 KiB, or a 64th of the bytes the sample expects to count in it
/// when that is more. A few large documents whose tokens per byte stand out would otherwise make
/// most samples miss them (the estimate low, its interval too narrow) and a rare one hit.
pub fn certain_bytes(content: u64, fraction: f64) -> u64 {
    MIN_CERTAIN_BYTES.max((content as f64 * fraction / 64.0) as u64)
}

/// Whether a source's `streams` compressed JSONL files are sampled inside at `fraction`.
pub fn draws_inside(streams: usize, fraction: f64) -> bool {
    streams > 0 && (streams as f64) * fraction < MIN_DRAWN_STREAMS
}

/// Whether `file` (probed as `probe`, of a source read with `chat`) is a compressed JSONL file
/// whose records could be drawn inside its stream (a failed probe counts it whole; chat records
/// are drawn whole with their files).
pub fn is_stream(file: &PlannedFile, probe: &FileProbe, chat: bool) -> bool {
    file.format.layout == Layout::Jsonl
        && file.format.compression != Compression::None
        && probe.source != SizeSource::CountedWhole
        && !chat
}

/// The strata of a stream: runs of this many consecutive lines (at least 2 / fraction, as for
/// other units).
pub fn stream_stratum_lines(fraction: f64) -> u64 {
    ((DRAWN_PER_STRATUM / fraction).ceil() as u64).max(1)
}

/// The seed of the draws inside the stream of a source's `ordinal`-th file (plan order).
pub fn stream_seed(seed: u64, source_name: &str, ordinal: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"tokencensus estimate stream v1\0");
    hasher.update(seed.to_le_bytes());
    hasher.update(source_name.as_bytes());
    hasher.update(b"\0");
    hasher.update(ordinal.to_le_bytes());
    hasher.finalize().into()
}

/// The positions (from 0, sorted) drawn among the `lines` lines of stratum `stratum` of a stream
/// seeded `seed`: [`draw_count`] of them, without replacement. Every line of the stream has the
/// same chance to be drawn, whether or not its stratum is complete.
pub fn stream_draws(seed: &[u8; 32], stratum: u64, lines: u64, fraction: f64) -> Vec<u64> {
    let mut rng = ChaCha8Rng::from_seed(*seed);
    rng.set_stream(stratum);
    let wanted = draw_count(lines, fraction) as usize;
    let mut picked: Vec<u64> = rand::seq::index::sample(&mut rng, lines as usize, wanted)
        .into_iter()
        .map(|i| i as u64)
        .collect();
    picked.sort_unstable();
    picked
}

/// The block size for a source whose uncompressed JSONL holds `bytes` bytes, sampled at
/// `fraction`: a power of two from 4 KiB to 1 MiB, so that the sample holds about 1,024 blocks.
pub fn block_bytes(bytes: u64, fraction: f64) -> u64 {
    let per_unit = (bytes as f64 * fraction / TARGET_SAMPLED_UNITS as f64) as u64;
    let power = if per_unit == 0 {
        1
    } else {
        1u64 << (63 - per_unit.leading_zeros())
    };
    power.clamp(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES)
}

/// The unit type of a probed file, or `None` when it is counted whole outside any group.
pub fn unit_type(file: &PlannedFile, probe: &FileProbe) -> Option<UnitType> {
    match probe.source {
        SizeSource::CountedWhole => None,
        SizeSource::ParquetMetadata => Some(UnitType::RowGroups),
        _ if file.format.layout == Layout::Jsonl
            && file.format.compression == Compression::None =>
        {
            Some(UnitType::Blocks)
        }
        _ => Some(UnitType::Files),
    }
}

/// How many units `file` has.
pub fn unit_count(unit: UnitType, file: &PlannedFile, probe: &FileProbe, block: u64) -> u64 {
    match unit {
        UnitType::Blocks => file.size.div_ceil(block),
        UnitType::RowGroups => probe.row_groups.len() as u64,
        UnitType::Files => 1,
    }
}

/// The random stream of one source's draws.
pub fn source_rng(seed: u64, source_name: &str) -> ChaCha8Rng {
    let mut hasher = Sha256::new();
    hasher.update(b"tokencensus estimate v1\0");
    hasher.update(seed.to_le_bytes());
    hasher.update(source_name.as_bytes());
    ChaCha8Rng::from_seed(hasher.finalize().into())
}

/// Cuts a group's files (plan index and unit count, in plan order) into strata of at least
/// `2 / fraction` units: a file that large is cut into consecutive strata of that size, smaller
/// neighbouring files are pooled until they reach it (a last, smaller pool joins the stratum
/// before it).
pub fn strata(files: &[(usize, u64)], fraction: f64) -> Vec<Stratum> {
    let target = ((DRAWN_PER_STRATUM / fraction).ceil() as u64).max(1);
    let mut strata: Vec<Stratum> = Vec::new();
    let mut pool: Vec<Segment> = Vec::new();
    let stratum = |segments: Vec<Segment>| Stratum {
        units: segments.iter().map(|s| s.count).sum(),
        segments,
        drawn: Vec::new(),
    };
    for &(file, count) in files.iter().filter(|(_, count)| *count > 0) {
        if count >= target {
            if !pool.is_empty() {
                strata.push(stratum(std::mem::take(&mut pool)));
            }
            let pieces = count / target;
            let mut first = 0;
            for k in 0..pieces {
                let size = count / pieces + u64::from(k < count % pieces);
                strata.push(stratum(vec![Segment {
                    file,
                    first,
                    count: size,
                }]));
                first += size;
            }
            continue;
        }
        pool.push(Segment {
            file,
            first: 0,
            count,
        });
        if pool.iter().map(|s| s.count).sum::<u64>() >= target {
            strata.push(stratum(std::mem::take(&mut pool)));
        }
    }
    if !pool.is_empty() {
        match strata.last_mut() {
            Some(last) => {
                last.units += pool.iter().map(|s| s.count).sum::<u64>();
                last.segments.extend(pool);
            }
            None => strata.push(stratum(pool)),
        }
    }
    strata
}

/// How many units to draw from a stratum of `units` units: the fraction, rounded, but at least
/// two (or all, when fewer).
pub fn draw_count(units: u64, fraction: f64) -> u64 {
    let proportional = (units as f64 * fraction).round() as u64;
    proportional.max(units.min(2)).min(units)
}

/// Draws `draw_count` units of `stratum` without replacement.
pub fn draw(stratum: &mut Stratum, fraction: f64, rng: &mut ChaCha8Rng) {
    let wanted = draw_count(stratum.units, fraction);
    let mut picked: Vec<u64> =
        rand::seq::index::sample(rng, stratum.units as usize, wanted as usize)
            .into_iter()
            .map(|i| i as u64)
            .collect();
    picked.sort_unstable();
    let mut drawn = Vec::with_capacity(picked.len());
    let (mut segment, mut before) = (0, 0);
    for i in picked {
        while i >= before + stratum.segments[segment].count {
            before += stratum.segments[segment].count;
            segment += 1;
        }
        let s = stratum.segments[segment];
        drawn.push(UnitRef {
            file: s.file,
            index: s.first + (i - before),
        });
    }
    stratum.drawn = drawn;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_sizes_are_powers_of_two_in_bounds() {
        assert_eq!(block_bytes(1_000_000, 0.05), MIN_BLOCK_BYTES);
        assert_eq!(block_bytes(1 << 40, 0.05), MAX_BLOCK_BYTES);
        let mid = block_bytes(1 << 30, 0.05);
        assert!(mid.is_power_of_two() && mid == 32 << 10, "{mid}");
    }

    #[test]
    fn strata_pool_small_files_and_cut_large_ones() {
        // Fraction 0.1: strata of at least 20 units.
        let files = [(0, 5), (1, 7), (2, 9), (3, 45), (4, 3), (5, 0), (6, 4)];
        let strata = strata(&files, 0.1);
        let sizes: Vec<u64> = strata.iter().map(|s| s.units).collect();
        assert_eq!(sizes, vec![21, 23, 22 + 7]);
        assert_eq!(strata[0].segments.len(), 3);
        assert_eq!(
            strata[2].segments,
            vec![
                Segment {
                    file: 3,
                    first: 23,
                    count: 22
                },
                Segment {
                    file: 4,
                    first: 0,
                    count: 3
                },
                Segment {
                    file: 6,
                    first: 0,
                    count: 4
                },
            ]
        );
        assert_eq!(strata.iter().map(|s| s.units).sum::<u64>(), 73);
        assert_eq!(super::strata(&[(0, 3)], 0.1)[0].units, 3);
    }

    #[test]
    fn streams_are_drawn_inside_only_when_too_few_to_draw_whole() {
        assert!(draws_inside(1, 0.05) && draws_inside(399, 0.05));
        assert!(!draws_inside(400, 0.05) && !draws_inside(0, 0.05));
        assert_eq!(stream_stratum_lines(0.05), 40);
        assert_eq!(stream_stratum_lines(0.3), 7);
        let seed = stream_seed(1, "web", 0);
        assert_ne!(seed, stream_seed(1, "web", 1));
        assert_ne!(seed, stream_seed(2, "web", 0));
        let drawn = stream_draws(&seed, 7, 40, 0.05);
        assert_eq!(drawn, stream_draws(&seed, 7, 40, 0.05), "reproducible");
        assert_eq!(drawn.len(), 2);
        assert!(drawn[0] < drawn[1] && drawn[1] < 40);
        // Over many strata every position is drawn about equally often (2 in 40).
        let mut hits = [0u32; 40];
        for stratum in 0..4000 {
            for p in stream_draws(&seed, stratum, 40, 0.05) {
                hits[p as usize] += 1;
            }
        }
        assert!(hits.iter().all(|&h| (120..=280).contains(&h)), "{hits:?}");
    }

    #[test]
    fn draws_are_reproducible_proportional_and_inside_their_stratum() {
        assert_eq!(draw_count(40, 0.05), 2);
        assert_eq!(draw_count(100, 0.05), 5);
        assert_eq!(draw_count(1, 0.05), 1);
        let files = [(0, 30), (1, 50), (2, 25)];
        let run = |seed| {
            let mut rng = source_rng(seed, "web");
            let mut all = strata(&files, 0.1);
            for s in &mut all {
                draw(s, 0.1, &mut rng);
            }
            all
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        for s in run(7) {
            assert_eq!(s.drawn.len() as u64, draw_count(s.units, 0.1));
            for u in &s.drawn {
                assert!(
                    s.segments.iter().any(
                        |g| g.file == u.file && (g.first..g.first + g.count).contains(&u.index)
                    )
                );
            }
            let mut sorted = s.drawn.clone();
            sorted.dedup();
            assert_eq!(sorted.len(), s.drawn.len(), "without replacement");
        }
    }
}
