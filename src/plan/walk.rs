//! Walking a PATH: files in a deterministic (sorted) order, hidden entries skipped below the
//! starting point, symbolic links followed with loops detected and reported. Every path found is
//! spelled by one rule, however the starting point was given: relative to the working folder
//! when inside it, else absolute.

use super::Discovery;
use super::pattern::Lexical;
use crate::error::{ErrorKind, FatalError, InputError};
use std::path::{Component, Path, PathBuf};
use walkdir::WalkDir;

/// How the paths found under `start` are spelled: `start` relative to the working folder when
/// inside it, else absolute (`..` resolved on the file system, so that a link is not skipped
/// over lexically; `.` and the spelling of the way there do not matter).
fn spelling(lexical: &Lexical, start: &Path) -> PathBuf {
    let resolved = if start.components().any(|c| c == Component::ParentDir) {
        start
            .canonicalize()
            .unwrap_or_else(|_| lexical.normalize(start))
    } else {
        lexical.normalize(start)
    };
    lexical.display(&resolved)
}

/// `found` (a path under `start`, as the walk spelled it) spelled from `shown` instead.
fn respell(found: &Path, start: &Path, shown: &Path) -> PathBuf {
    match found.strip_prefix(start) {
        Ok(rest) if shown == Path::new(".") && !rest.as_os_str().is_empty() => rest.to_path_buf(),
        Ok(rest) if rest.as_os_str().is_empty() => shown.to_path_buf(),
        Ok(rest) => shown.join(rest),
        Err(_) => found.to_path_buf(),
    }
}

/// A file's modification time in nanoseconds since the Unix epoch (negative before it), read
/// from the metadata the walk already holds; `None` where the system keeps none.
pub fn modified_nanos(metadata: &std::fs::Metadata) -> Option<i128> {
    metadata.modified().ok().map(nanos_since_epoch)
}

/// `time` in nanoseconds since the Unix epoch, negative before it.
pub fn nanos_since_epoch(time: std::time::SystemTime) -> i128 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// What a walk finds: a file to consider, or a problem to report.
pub enum Found {
    /// A regular file (or a link to one).
    File {
        /// The path as found under the starting point.
        path: PathBuf,
        /// Its canonical path, to recognise one file reached twice.
        canonical: PathBuf,
        /// Its size on disk.
        size: u64,
        /// An object's ETag (`None` for a local file).
        etag: Option<String>,
        /// Its modification time as found, nanoseconds since the Unix epoch (negative before
        /// it; `None` when the system cannot tell it).
        modified: Option<i128>,
    },
    /// A symlink loop, an unreadable folder or a broken link.
    Problem(InputError),
}

/// Walks `start` (a file or a folder), spelling what it finds against `lexical`'s working
/// folder and noting each file in `discovery`; a missing `start` is fatal.
pub fn walk(
    start: &Path,
    lexical: &Lexical,
    discovery: &Discovery,
) -> Result<Vec<Found>, FatalError> {
    if std::fs::metadata(start).is_err() && std::fs::symlink_metadata(start).is_err() {
        return Err(FatalError::PathNotFound {
            path: start.to_path_buf(),
        });
    }
    let shown = spelling(lexical, start);
    let spell = |found: &Path| respell(found, start, &shown);
    let walker = WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let path = spell(e.path());
                let metadata = e.metadata().ok();
                let size = metadata.as_ref().map_or(0, |m| m.len());
                let modified = metadata.as_ref().and_then(modified_nanos);
                let canonical = (e.path().canonicalize()).unwrap_or_else(|_| path.clone());
                discovery.found(size);
                found.push(Found::File {
                    path,
                    canonical,
                    size,
                    etag: None,
                    modified,
                });
            }
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => found.push(Found::Problem(InputError {
                path: spell(e.path()).display().to_string(),
                line: None,
                kind: ErrorKind::Io,
                message: "not a regular file (a FIFO, socket or device); not read".into(),
            })),
            Err(err) => {
                let path = spell(err.path().unwrap_or(start)).display().to_string();
                let (kind, message) = match err.loop_ancestor() {
                    Some(ancestor) => (
                        ErrorKind::SymlinkLoop,
                        format!(
                            "symbolic link loop back to {}; not followed",
                            ancestor.display()
                        ),
                    ),
                    None => (
                        ErrorKind::Io,
                        err.io_error()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| err.to_string()),
                    ),
                };
                found.push(Found::Problem(InputError {
                    path,
                    line: None,
                    kind,
                    message,
                }));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_paths_are_spelled_from_the_working_folder() {
        let cwd = std::env::current_dir().unwrap();
        let here = Lexical::here();
        let spelling = |start: &Path| spelling(&here, start);
        let shown = spelling(&cwd.join("fixtures/./sample"));
        assert_eq!(shown, PathBuf::from("fixtures/sample"));
        assert_eq!(spelling(Path::new("./fixtures/sample")), shown);
        assert_eq!(spelling(Path::new(".")), PathBuf::from("."));
        // `..` is resolved on the file system: the same spelling when no link is in the way.
        if cwd.canonicalize().unwrap() == cwd {
            assert_eq!(spelling(Path::new("fixtures/sample/../sample")), shown);
            assert_eq!(spelling(Path::new("..")), cwd.parent().unwrap());
        }
        let start = Path::new("./fixtures/sample");
        assert_eq!(
            respell(&start.join("docs/a.rst"), start, &shown),
            PathBuf::from("fixtures/sample/docs/a.rst")
        );
        assert_eq!(
            respell(Path::new("./a.jsonl"), Path::new("."), Path::new(".")),
            PathBuf::from("a.jsonl")
        );
        assert_eq!(respell(start, start, &shown), shown);
    }

    #[test]
    fn modification_times_are_signed_nanoseconds() {
        use std::time::{Duration, UNIX_EPOCH};
        assert_eq!(nanos_since_epoch(UNIX_EPOCH), 0);
        let later = UNIX_EPOCH + Duration::new(1_700_000_000, 5);
        assert_eq!(nanos_since_epoch(later), 1_700_000_000_000_000_005);
        let earlier = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(nanos_since_epoch(earlier), -1_500_000_000);
    }
}
