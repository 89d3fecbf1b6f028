//! Walking a PATH: files in a deterministic (sorted) order, hidden entries skipped below the
//! starting point, symbolic links followed with loops detected and reported.

use crate::error::{ErrorKind, FatalError, InputError};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

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
    },
    /// A symlink loop, an unreadable folder or a broken link.
    Problem(InputError),
}

/// Walks `start` (a file or a folder); a missing `start` is fatal.
pub fn walk(start: &Path) -> Result<Vec<Found>, FatalError> {
    if std::fs::metadata(start).is_err() && std::fs::symlink_metadata(start).is_err() {
        return Err(FatalError::PathNotFound {
            path: start.to_path_buf(),
        });
    }
    let walker = WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let path = e.path().to_path_buf();
                let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
                found.push(Found::File {
                    path,
                    canonical,
                    size,
                    etag: None,
                });
            }
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => found.push(Found::Problem(InputError {
                path: e.path().display().to_string(),
                line: None,
                kind: ErrorKind::Io,
                message: "not a regular file (a FIFO, socket or device); not read".into(),
            })),
            Err(err) => {
                let path = err.path().unwrap_or(start).display().to_string();
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
