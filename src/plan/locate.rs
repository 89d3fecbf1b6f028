//! Locations: a PATH (or manifest pattern, or `--files-from` entry) is a local path or an object
//! URL. Here a location becomes found files (a local walk, or a listing of a bucket prefix), a
//! URL pattern becomes a prefix to list and globs over keys, and a planned file opens as a local
//! file or a remote object. The plan stores a URL as its path (without query or credentials),
//! with the object's size and ETag.

use super::pattern::{self, Lexical};
use super::walk::{Found, walk};
use super::{Discovery, PlannedFile};
use crate::error::FatalError;
use crate::read::jsonl::FieldNames;
use crate::read::remote::{self, Known, ObjectUrl, RemoteError};
use crate::read::sequential::read_storage;
use crate::read::small_file::{MAX_LIST_BYTES, read_small_text};
use crate::read::storage::{self, Access, Storage};
use crate::read::text::io_problem;
use crate::read::{LineRef, Visitor};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The URL `path` is spelled as, if it is one; a URL that cannot be used is fatal.
pub fn url_of(path: &Path) -> Result<Option<ObjectUrl>, FatalError> {
    match path.to_str().and_then(ObjectUrl::parse) {
        Some(parsed) => parsed.map(Some).map_err(remote_fatal_url),
        None => Ok(None),
    }
}

fn remote_fatal_url(e: remote::UrlError) -> FatalError {
    fatal(RemoteError::Url(e))
}

/// A remote failure that stops the run.
fn fatal(e: RemoteError) -> FatalError {
    FatalError::Remote {
        url: e.url().to_string(),
        message: e.to_string(),
    }
}

/// What a path or URL is compared as: a URL as spelled, a path made absolute and normalized.
pub fn match_key(lexical: &Lexical, path: &Path) -> PathBuf {
    if path.to_str().is_some_and(remote::looks_like_url) {
        path.to_path_buf()
    } else {
        lexical.normalize(path)
    }
}

/// The files at `location` (a file, a folder, an object or a prefix), local paths spelled
/// against `lexical`'s working folder, each noted in `discovery`; a missing one is fatal.
pub fn discover(
    location: &Path,
    lexical: &Lexical,
    discovery: &Discovery,
) -> Result<Vec<Found>, FatalError> {
    match url_of(location)? {
        Some(url) => Ok(remote::list(&url)
            .map_err(fatal)?
            .into_iter()
            .map(|listed| found(listed, discovery))
            .collect()),
        None => walk(location, lexical, discovery),
    }
}

/// The objects under the prefix `url` when it exists, none when it does not (a glob's literal
/// prefix that matches nothing); other failures are fatal.
pub fn discover_if_present(
    url: &ObjectUrl,
    discovery: &Discovery,
) -> Result<Vec<Found>, FatalError> {
    match remote::list(url) {
        Ok(listed) => Ok(listed.into_iter().map(|l| found(l, discovery)).collect()),
        Err(RemoteError::NotFound { .. }) => Ok(Vec::new()),
        Err(e) => Err(fatal(e)),
    }
}

/// A listed object as found, noted in `discovery`.
fn found(listed: remote::Listed, discovery: &Discovery) -> Found {
    discovery.found(listed.size);
    let path = PathBuf::from(listed.url.to_string());
    Found::File {
        canonical: path.clone(),
        path,
        size: listed.size,
        etag: listed.etag,
        modified: listed.modified,
    }
}

/// A manifest pattern spelled as a URL: the prefix to list (its segments up to the first one
/// with a wildcard) and the globs its objects' URLs must match; `None` for a local pattern.
pub fn resolve_url(spelled: &str) -> Result<Option<pattern::Resolved>, FatalError> {
    let Some(url) = url_of(Path::new(spelled))? else {
        return Ok(None);
    };
    let parts: Vec<&str> = url.key.split('/').filter(|p| !p.is_empty()).collect();
    let literal_len = parts.iter().take_while(|p| !pattern::is_glob(p)).count();
    let escaped = |parts: &[&str]| -> String {
        (parts.iter())
            .map(|p| globset::escape(p))
            .collect::<Vec<_>>()
            .join("/")
    };
    let store = globset::escape(&url.store());
    let base = url.with_key(&parts[..literal_len].join("/"));
    let literal = literal_len == parts.len();
    let globs = if literal {
        let exact = format!("{store}/{}", escaped(&parts));
        vec![format!("{}/**", exact.trim_end_matches('/')), exact]
    } else {
        let rest = parts[literal_len..].join("/");
        match literal_len {
            0 => vec![format!("{store}/{rest}")],
            _ => vec![format!("{store}/{}/{rest}", escaped(&parts[..literal_len]))],
        }
    };
    Ok(Some(pattern::Resolved {
        base: PathBuf::from(base.to_string()),
        globs,
        literal,
    }))
}

impl PlannedFile {
    /// Opens this file's bytes with `access` (a local file), or the object it names at the size
    /// and ETag the plan saw.
    pub fn open(&self, access: Access) -> io::Result<Arc<dyn Storage>> {
        match self.url() {
            Some(url) => remote::open(
                &url,
                Some(Known {
                    size: self.size,
                    etag: self.etag.clone(),
                }),
            ),
            None => storage::open(&self.path, access),
        }
    }

    /// What identifies this version of the file without reading it: a local file's metadata,
    /// or an object's size and ETag as listed; `None` when it cannot be told.
    pub fn fingerprint(&self) -> Option<String> {
        match self.url() {
            Some(_) => Some(remote::fingerprint(self.size, self.etag.as_deref())),
            None => storage::local_fingerprint(&self.path),
        }
    }

    /// Hands `visitor` every item of this file in order, on the calling thread (memory-mapped
    /// where `mmap` allows and the file is local), documents of at most `max` bytes.
    pub fn read_items<V: Visitor + ?Sized>(
        &self,
        names: &FieldNames<'_>,
        (mmap, max): (bool, u64),
        visitor: &mut V,
    ) {
        match self.open(self.format.access(mmap)) {
            Ok(storage) => {
                let name = self.path.to_string_lossy();
                read_storage(storage, &name, self.format, names, max, visitor);
            }
            Err(e) => visitor.problem(LineRef::None, io_problem(&e)),
        }
    }

    /// The URL this file is, when it is an object in a store.
    pub fn url(&self) -> Option<ObjectUrl> {
        self.path.to_str().and_then(ObjectUrl::parse)?.ok()
    }
}

/// A `--files-from` list: its entries, one per line (blank lines and lines starting with `#`
/// skipped), each with its line number. The list is read as a small file (a regular file of at
/// most [`MAX_LIST_BYTES`]: a device or a FIFO is refused, not read or waited on).
pub fn read_list(list: &Path) -> Result<Vec<(usize, String)>, FatalError> {
    let text =
        read_small_text(list, MAX_LIST_BYTES, "files-from list").map_err(|e| FatalError::Io {
            path: list.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok((text.lines().enumerate())
        .map(|(i, line)| (i + 1, line.trim().to_string()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .collect())
}

/// The files a `--files-from` list (or a manifest source's `files_from` list) names (objects
/// asked of their stores all at once); an entry that names nothing is fatal, naming the list,
/// the line and the entry. Local entries are paths as on the command line (folders are
/// walked), relative to `relative_to` (`.` for the command line's list, the manifest's folder
/// for a manifest's), spelled against `lexical`'s working folder; each file is noted in
/// `discovery`.
pub fn discover_list(
    list: &Path,
    relative_to: &Path,
    lexical: &Lexical,
    discovery: &Discovery,
) -> Result<Vec<Found>, FatalError> {
    let entries = read_list(list)?;
    let mut urls = Vec::new();
    let mut found = Vec::new();
    for (line, entry) in &entries {
        match url_of(Path::new(entry))? {
            Some(url) => urls.push((*line, url)),
            None => {
                let path = relative_to.join(entry);
                let walked = walk(&path, lexical, discovery)
                    .map_err(|_| missing_entry(list, *line, entry))?;
                found.extend(walked);
            }
        }
    }
    let heads = remote::head_all(&urls.iter().map(|(_, u)| u.clone()).collect::<Vec<_>>());
    for ((line, url), head) in urls.iter().zip(heads) {
        match head {
            Ok(listed) => found.push(self::found(listed, discovery)),
            Err(RemoteError::NotFound { .. }) => {
                return Err(missing_entry(list, *line, &url.to_string()));
            }
            Err(e) => return Err(fatal(e)),
        }
    }
    Ok(found)
}

fn missing_entry(list: &Path, line: usize, entry: &str) -> FatalError {
    FatalError::Usage(format!(
        "{}:{line}: {entry}: no such file or object (listed in a files-from list)",
        list.display()
    ))
}
