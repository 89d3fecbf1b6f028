//! The `files` member of each source of a count: the extensions and folder patterns of the
//! files the plan gave it, and their fingerprints (path as discovered, size, and the object's
//! ETag or the local file's modification time),
//! so that `combine` can refuse a file counted twice and `diff` can match unchanged files.

use crate::plan::Plan;
use crate::report::files::{FileSet, Stamp, extension, fingerprint};
use std::time::UNIX_EPOCH;

/// One file set per source of `plan`, in its order. A file cut into byte ranges is one file
/// (the range that starts it lists it), so the sets of a plan's shards add up to the plan's.
pub fn file_sets(plan: &Plan) -> Vec<FileSet> {
    let mut per_source = vec![(Vec::new(), Vec::new(), Vec::new()); plan.sources.len()];
    for file in plan.files.iter().filter(|f| f.owns_file()) {
        let path = file.path.to_string_lossy();
        let modified = match &file.etag {
            Some(_) => None,
            None => std::fs::metadata(&file.path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as i128),
        };
        let stamp = match (&file.etag, modified) {
            (Some(etag), _) => Stamp::ETag(etag),
            (None, Some(nanos)) => Stamp::Modified(nanos),
            (None, None) => Stamp::Unknown,
        };
        let (fingerprints, extensions, paths) = &mut per_source[file.source];
        fingerprints.push(fingerprint(&path, file.size, stamp));
        extensions.push(extension(&path));
        paths.push(path.into_owned());
    }
    per_source
        .into_iter()
        .map(|(f, e, p)| FileSet::described(f, e, p))
        .collect()
}
