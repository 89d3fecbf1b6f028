//! Which files a source counted: their extensions, the folder patterns they lie under (for
//! the Croissant `FileSet` of the source), and, as a compact exact set, one 96-bit fingerprint
//! per file ([`fingerprint`]: SHA-256 of its path, size and ETag or modification time, cut to
//! 12 bytes), sorted and written as one base64 string of 16 characters per file (16 MB per
//! million files). `combine` refuses inputs that share a fingerprint (the same file counted
//! twice) and `diff` matches files by it (a re-counted unchanged file is neither added nor
//! removed). Among n different files two share a fingerprint with a probability below
//! n²/2⁹⁷: about 6 × 10⁻¹⁸ for a million files, 6 × 10⁻¹⁶ for ten million.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bytes kept of each file's SHA-256.
pub const FINGERPRINT_BYTES: usize = 12;

/// One file's fingerprint.
pub type Fingerprint = [u8; FINGERPRINT_BYTES];

/// What tells one version of a file from another besides its path and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp<'a> {
    /// An object's ETag as listed.
    ETag(&'a str),
    /// A local file's modification time (or, for an object listed without an ETag, its
    /// last-modified time), nanoseconds since the Unix epoch, negative before it.
    Modified(i128),
    /// Neither could be read: path and size alone (a rewrite of the same size in place is then
    /// not told from the file counted).
    Unknown,
}

/// The fingerprint of the file at `path` (as discovered, or its URL) of `size` bytes: the first
/// 12 bytes of SHA-256 over `tokencensus-file-v1\0`, the path's UTF-8 bytes, `\0`, the size as
/// 8 little-endian bytes, then `\0etag\0` and the ETag's bytes, or `\0mtime\0` and the
/// modification time in nanoseconds since the Unix epoch as 16 little-endian bytes (signed),
/// or `\0none` when neither is known.
pub fn fingerprint(path: &str, size: u64, stamp: Stamp<'_>) -> Fingerprint {
    let mut hash = Sha256::new();
    hash.update(b"tokencensus-file-v1\0");
    hash.update(path.as_bytes());
    hash.update(b"\0");
    hash.update(size.to_le_bytes());
    match stamp {
        Stamp::ETag(etag) => {
            hash.update(b"\0etag\0");
            hash.update(etag.as_bytes());
        }
        Stamp::Modified(nanos) => {
            hash.update(b"\0mtime\0");
            hash.update(nanos.to_le_bytes());
        }
        Stamp::Unknown => hash.update(b"\0none"),
    }
    let digest = hash.finalize();
    let mut out = [0; FINGERPRINT_BYTES];
    out.copy_from_slice(&digest[..FINGERPRINT_BYTES]);
    out
}

/// The most folder patterns a source lists; past it, one pattern under the folder all its
/// files share.
pub const PATTERNS_LISTED: usize = 32;

/// The files of one source: how many, their extensions, the patterns they lie under, and
/// their sorted fingerprints (base64) — the `files` member of a source in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileSet {
    /// How many files.
    pub count: u64,
    /// The distinct extensions of their names, lowercase, sorted (`jsonl`, `jsonl.zst`, `png`;
    /// empty for a name without one).
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Where they are, sorted: their own paths while there are at most [`PATTERNS_LISTED`],
    /// else `FOLDER/*.EXT` globs per folder and extension while those are at most as many
    /// (they may then cover files of other sources in the same folders), else one
    /// `FOLDER/**` under the folder they all share.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// The sorted fingerprints, 12 bytes each, base64 (standard alphabet, no padding needed).
    pub fingerprints: String,
}

/// Why a report's `files` member cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FileSetError {
    /// Not base64.
    #[error("its file fingerprints are not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// Not a whole number of fingerprints, a count that disagrees, or unsorted.
    #[error("its file fingerprints are damaged ({0})")]
    Damaged(&'static str),
}

impl FileSet {
    /// The set of `fingerprints` (any order; repeats kept once), with no names described.
    pub fn of(fingerprints: Vec<Fingerprint>) -> FileSet {
        FileSet::described(fingerprints, Vec::new(), Vec::new())
    }

    /// The set of `fingerprints` with the `extensions` of the files' names and the `paths` (or
    /// patterns of earlier sets) they are listed by (any order, repeats allowed).
    pub fn described(
        mut fingerprints: Vec<Fingerprint>,
        extensions: Vec<String>,
        paths: Vec<String>,
    ) -> FileSet {
        fingerprints.sort_unstable();
        fingerprints.dedup();
        let bytes: Vec<u8> = fingerprints.concat();
        FileSet {
            count: fingerprints.len() as u64,
            extensions: sorted_distinct(extensions),
            patterns: bounded(sorted_distinct(paths)),
            fingerprints: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// The fingerprints, sorted, checked against `count`.
    pub fn decode(&self) -> Result<Vec<Fingerprint>, FileSetError> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(&self.fingerprints)?;
        if bytes.len() % FINGERPRINT_BYTES != 0 {
            return Err(FileSetError::Damaged("not a whole number of fingerprints"));
        }
        let set: Vec<Fingerprint> = bytes
            .chunks_exact(FINGERPRINT_BYTES)
            .map(|c| c.try_into().expect("chunks are whole"))
            .collect();
        if set.len() as u64 != self.count {
            return Err(FileSetError::Damaged("count differs from the fingerprints"));
        }
        if set.windows(2).any(|w| w[0] >= w[1]) {
            return Err(FileSetError::Damaged("not sorted"));
        }
        Ok(set)
    }

    /// The union of several sets.
    pub fn union<'a>(sets: impl IntoIterator<Item = &'a FileSet>) -> Result<FileSet, FileSetError> {
        let (mut all, mut extensions, mut patterns) = (Vec::new(), Vec::new(), Vec::new());
        for set in sets {
            all.extend(set.decode()?);
            extensions.extend(set.extensions.iter().cloned());
            patterns.extend(set.patterns.iter().cloned());
        }
        Ok(FileSet::described(all, extensions, patterns))
    }
}

fn sorted_distinct(mut values: Vec<String>) -> Vec<String> {
    values.sort_unstable();
    values.dedup();
    values
}

/// The lowercase extension of a file name: everything after its first dot (`a.jsonl.zst`:
/// `jsonl.zst`), empty without one.
pub fn extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name.trim_start_matches('.');
    name.split_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The pattern a file lies under: its folder and extension (`corpus/web/*.jsonl`).
pub fn pattern(path: &str) -> String {
    let folder = path.rsplit_once('/').map(|(folder, _)| folder);
    let ext = extension(path);
    let name = if ext.is_empty() {
        "*".to_string()
    } else {
        format!("*.{ext}")
    };
    match folder {
        Some(folder) => format!("{folder}/{name}"),
        None => name,
    }
}

/// The entries a source lists: its files' own paths while there are at most
/// [`PATTERNS_LISTED`]; else one `FOLDER/*.EXT` per folder and extension while those are at most
/// as many; else `FOLDER/**` under the longest folder they share (`**` when none). `entries`
/// may mix paths and the patterns of earlier sets (a shard's): the rule gives the same list
/// for the union of shards' sets as for the whole count's files.
fn bounded(entries: Vec<String>) -> Vec<String> {
    let is_pattern = |e: &String| e.contains('*');
    if entries.len() <= PATTERNS_LISTED && !entries.iter().any(is_pattern) {
        return entries;
    }
    let patterns = sorted_distinct(
        entries
            .iter()
            .map(|e| if is_pattern(e) { e.clone() } else { pattern(e) })
            .collect(),
    );
    if patterns.len() <= PATTERNS_LISTED && !patterns.iter().any(|p| p.ends_with("**")) {
        return patterns;
    }
    // Folders as their segments, empty ones kept: `/data` is `["", "data"]` and
    // `s3://bucket/key` is `["s3:", "", "bucket"]`, so that joining shared segments gives the
    // folder back as it was spelled; a name with no folder has no segment.
    let folders: Vec<Vec<&str>> = patterns
        .iter()
        .map(|p| {
            let folder = match p.strip_suffix("/**") {
                Some(folder) => Some(folder),
                None => p.rsplit_once('/').map(|(folder, _)| folder),
            };
            folder.map_or_else(Vec::new, |f| f.split('/').collect())
        })
        .collect();
    let mut shared = folders[0].clone();
    for folder in &folders[1..] {
        let same = shared
            .iter()
            .zip(folder)
            .take_while(|(a, b)| a == b)
            .count();
        shared.truncate(same);
    }
    if shared.is_empty() {
        vec!["**".into()]
    } else {
        vec![format!("{}/**", shared.join("/"))]
    }
}

/// How many members two sorted sets share.
pub fn shared(a: &[Fingerprint], b: &[Fingerprint]) -> u64 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_exact_and_sixteen_characters_per_file() {
        let a = fingerprint("a.jsonl", 10, Stamp::Modified(5));
        let b = fingerprint("b.jsonl", 10, Stamp::Modified(5));
        let set = FileSet::of(vec![b, a, b]);
        assert_eq!(set.count, 2);
        assert_eq!(set.fingerprints.len(), 32);
        let decoded = set.decode().unwrap();
        assert_eq!(decoded, {
            let mut v = vec![a, b];
            v.sort();
            v
        });
        assert_eq!(shared(&decoded, &[a]), 1);
    }

    #[test]
    fn path_size_and_stamp_each_change_the_fingerprint() {
        let base = fingerprint("a", 1, Stamp::Modified(1));
        assert_ne!(base, fingerprint("b", 1, Stamp::Modified(1)));
        assert_ne!(base, fingerprint("a", 2, Stamp::Modified(1)));
        assert_ne!(base, fingerprint("a", 1, Stamp::Modified(2)));
        assert_ne!(base, fingerprint("a", 1, Stamp::ETag("1")));
        assert_ne!(base, fingerprint("a", 1, Stamp::Unknown));
    }

    #[test]
    fn names_give_extensions_and_patterns_bounded_the_same_however_split() {
        assert_eq!(extension("corpus/web/a.JSONL.zst"), "jsonl.zst");
        assert_eq!(extension("corpus/.hidden"), "");
        assert_eq!(pattern("corpus/web/a.jsonl"), "corpus/web/*.jsonl");
        assert_eq!(pattern("README"), "*");
        let few: Vec<String> = vec!["web.jsonl".into(), "forum.jsonl".into()];
        let fps = few
            .iter()
            .map(|p| fingerprint(p, 1, Stamp::Unknown))
            .collect();
        let listed = FileSet::described(fps, vec![], few.clone());
        assert_eq!(listed.patterns, ["forum.jsonl", "web.jsonl"]);
        let folders: Vec<String> = (0..40).map(|i| format!("c/d{}/x{i}.txt", i % 2)).collect();
        let fps = folders
            .iter()
            .map(|p| fingerprint(p, 1, Stamp::Unknown))
            .collect();
        let by_folder = FileSet::described(fps, vec![], folders.clone());
        assert_eq!(by_folder.patterns, ["c/d0/*.txt", "c/d1/*.txt"]);
        let halves = |sets: [&[String]; 2]| {
            let parts: Vec<FileSet> = sets
                .iter()
                .map(|paths| {
                    let fps = paths
                        .iter()
                        .map(|p| fingerprint(p, 1, Stamp::Unknown))
                        .collect();
                    FileSet::described(fps, vec![], paths.to_vec())
                })
                .collect();
            FileSet::union(&parts).unwrap()
        };
        assert_eq!(halves([&folders[..35], &folders[35..]]), by_folder);
        let paths: Vec<String> = (0..40)
            .map(|i| format!("/data/crawl/d{i}/x.jsonl"))
            .collect();
        let set = |paths: &[String]| {
            let fps = paths
                .iter()
                .map(|p| fingerprint(p, 1, Stamp::Unknown))
                .collect();
            FileSet::described(
                fps,
                paths.iter().map(|p| extension(p)).collect(),
                paths.to_vec(),
            )
        };
        let whole = set(&paths);
        assert_eq!(whole.patterns, ["/data/crawl/**"]);
        assert_eq!(whole.extensions, ["jsonl"]);
        let halves = FileSet::union([&set(&paths[..20]), &set(&paths[20..])]).unwrap();
        assert_eq!(halves, whole);
        // Object URLs keep their `//`; files with no shared folder lie under `**` or `/**`.
        let urls: Vec<String> = (0..40)
            .map(|i| format!("s3://corpus/crawl/d{i}/x.jsonl"))
            .collect();
        assert_eq!(set(&urls).patterns, ["s3://corpus/crawl/**"]);
        let roots: Vec<String> = (0..40).map(|i| format!("/d{i}/x.jsonl")).collect();
        assert_eq!(set(&roots).patterns, ["/**"]);
        let relative: Vec<String> = (0..40).map(|i| format!("d{i}/x.jsonl")).collect();
        assert_eq!(set(&relative).patterns, ["**"]);
        let mut top: Vec<String> = (0..40).map(|i| format!("x.e{i}")).collect();
        assert_eq!(set(&top).patterns, ["**"]);
        top.push("/abs/y.txt".into());
        assert_eq!(set(&top).patterns, ["**"]);
    }

    #[test]
    fn damaged_sets_are_refused() {
        let mut set = FileSet::of(vec![fingerprint("a", 1, Stamp::Unknown)]);
        set.count = 2;
        assert!(set.decode().is_err());
        let unsorted = FileSet {
            count: 2,
            fingerprints: base64::engine::general_purpose::STANDARD
                .encode([[9u8; 12], [1; 12]].concat()),
            ..FileSet::default()
        };
        assert!(unsorted.decode().is_err());
    }
}
