//! The `file_set` member of each source of a count or an estimate: the extensions and folder
//! patterns of the files the plan gave it, and their fingerprints (path as discovered, size,
//! and the object's ETag or the modification time the plan read when it found the file), so
//! that `combine` can refuse a file counted twice and `diff` can match unchanged files. Nothing
//! here reads a file: the plan's walk or listing already holds what the fingerprint needs.

use crate::plan::{Plan, PlannedFile};
use crate::report::files::{FileSet, Stamp, extension, fingerprint};

/// One file set per source of `plan`, in its order. A file cut into byte ranges is one file
/// (the range that starts it lists it), so the sets of a plan's shards add up to the plan's.
pub fn file_sets(plan: &Plan) -> Vec<FileSet> {
    let mut per_source = vec![(Vec::new(), Vec::new(), Vec::new()); plan.sources.len()];
    for file in plan.files.iter().filter(|f| f.owns_file()) {
        let path = file.path.to_string_lossy();
        let (fingerprints, extensions, paths) = &mut per_source[file.source];
        fingerprints.push(fingerprint(&path, file.size, stamp(file)));
        extensions.push(extension(&path));
        paths.push(path.into_owned());
    }
    per_source
        .into_iter()
        .map(|(f, e, p)| FileSet::described(f, e, p))
        .collect()
}

/// What tells this version of `file` from another of the same path and size: an object's ETag,
/// else the modification time found with it, else nothing.
fn stamp(file: &PlannedFile) -> Stamp<'_> {
    match (&file.etag, file.modified) {
        (Some(etag), _) => Stamp::ETag(etag),
        (None, Some(nanos)) => Stamp::Modified(nanos),
        (None, None) => Stamp::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Source;
    use crate::read::format::Format;
    use crate::stats::Category;
    use std::path::PathBuf;

    fn planned(path: &str, etag: Option<&str>, modified: Option<i128>) -> PlannedFile {
        PlannedFile {
            path: PathBuf::from(path),
            source: 0,
            format: Format::of(std::path::Path::new(path)),
            size: 7,
            etag: etag.map(str::to_string),
            modified,
            range: None,
        }
    }

    #[test]
    fn an_etag_comes_first_then_the_time_then_nothing() {
        let object = planned("s3://b/a.jsonl", Some("\"e1\""), Some(9));
        assert_eq!(stamp(&object), Stamp::ETag("\"e1\""));
        assert_eq!(
            stamp(&planned("a.jsonl", None, Some(-3))),
            Stamp::Modified(-3)
        );
        assert_eq!(stamp(&planned("a.jsonl", None, None)), Stamp::Unknown);
    }

    #[test]
    fn a_file_in_ranges_is_listed_once_by_the_range_that_starts_it() {
        let whole = planned("big.jsonl", None, Some(1));
        let plan = Plan {
            sources: vec![Source::new("s".into(), Category::Other, "text".into())],
            files: vec![
                PlannedFile {
                    range: Some((0, 4)),
                    ..whole.clone()
                },
                PlannedFile {
                    range: Some((4, 7)),
                    ..whole.clone()
                },
            ],
            ..Plan::default()
        };
        let sets = file_sets(&plan);
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].count, 1);
        assert_eq!(sets[0].patterns, ["big.jsonl"]);
        assert_eq!(sets[0].extensions, ["jsonl"]);
        let expected = fingerprint("big.jsonl", 7, Stamp::Modified(1));
        assert_eq!(sets[0].decode().unwrap(), [expected]);
    }
}
