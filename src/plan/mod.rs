//! The plan: sources (from a manifest or from PATH arguments) and the deterministic list of
//! files to count, each tagged with its source. Everything that can be decided before counting
//! is decided here: missing paths and files claimed twice are fatal; symlink loops, unreadable
//! folders and files that no source claims become input errors.

mod discovery;
mod locate;
mod pattern;
mod shard;
mod walk;

pub use discovery::Discovery;
pub use shard::{ShardSpec, ShardSpecError};

use crate::display::printable;
use crate::error::{ErrorKind, FatalError, InputError};
use crate::manifest::Manifest;
use crate::media::TokenModels;
use crate::provenance::ProvenanceRule;
use crate::read::format::Format;
use crate::read::jsonl::FieldNames;
use crate::stats::{Category, Month, parse_month_key};
use globset::{GlobBuilder, GlobSetBuilder};
use pattern::Lexical;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walk::Found;

/// A source as counted: its name, category, JSONL text field and media token models.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The name reported.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// The JSONL field that holds the text.
    pub text_field: String,
    /// How its images, sounds and videos become tokens.
    pub token_models: TokenModels,
    /// The JSONL field holding each record's date, if any.
    pub date_field: Option<String>,
    /// The JSONL field holding each record's URL, if any.
    pub url_field: Option<String>,
    /// The declared collection period (first and last month), if any.
    pub collected: Option<(Month, Month)>,
    /// The JSONL or Parquet field holding each record's messages array, when the source holds
    /// chat records (each conversation is one document; the text field is not read).
    pub chat_field: Option<String>,
}

impl Source {
    /// A source with no date, URL or period: every record is undated and has no domain.
    pub fn new(name: String, category: Category, text_field: String) -> Self {
        Self {
            name,
            category,
            text_field,
            token_models: TokenModels::default(),
            date_field: None,
            url_field: None,
            collected: None,
            chat_field: None,
        }
    }

    /// How this source's records are dated and placed.
    pub fn provenance_rule(&self) -> ProvenanceRule {
        ProvenanceRule {
            dated: self.date_field.is_some(),
            declared: self.collected.is_some(),
            located: self.url_field.is_some(),
        }
    }

    /// The record fields to read for this source.
    pub fn field_names(&self) -> FieldNames<'_> {
        FieldNames {
            text: self.chat_field.as_deref().unwrap_or(&self.text_field),
            date: self.date_field.as_deref(),
            url: self.url_field.as_deref(),
            chat: self.chat_field.is_some(),
        }
    }
}

/// The fields every source reads unless its manifest entry says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDefaults {
    /// The JSONL text field.
    pub text: String,
    /// The JSONL date field, if any.
    pub date: Option<String>,
    /// The JSONL URL field, if any.
    pub url: Option<String>,
    /// The chat (messages) field, if any.
    pub chat: Option<String>,
}

impl FieldDefaults {
    /// Only a text field.
    pub fn text(field: &str) -> Self {
        Self {
            text: field.to_string(),
            date: None,
            url: None,
            chat: None,
        }
    }
}

/// A file (or an object in a store) to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// The path to open, as discovered (reported as is); for an object, its URL (never with a
    /// query string or credentials).
    pub path: PathBuf,
    /// Index into [`Plan::sources`].
    pub source: usize,
    /// Its format, from the extension.
    pub format: Format,
    /// Its size on disk.
    pub size: u64,
    /// An object's ETag as listed (`None` for a local file): reads check it, and checkpoint
    /// keys cover it.
    pub etag: Option<String>,
    /// Its modification time when it was discovered (a local file's, or an object's as listed),
    /// nanoseconds since the Unix epoch, negative before it; `None` when it could not be read.
    /// With the path, size and ETag it makes the file's fingerprint in the report
    /// (`report::files`).
    pub modified: Option<i128>,
    /// The byte range to count (the lines that start in it) when a shard counts only part of
    /// the file; `None` for the whole file.
    pub range: Option<(u64, u64)>,
}

impl PlannedFile {
    /// The bytes this entry counts: its range, or the whole file.
    pub fn span(&self) -> (u64, u64) {
        self.range.unwrap_or((0, self.size))
    }

    /// Whether this entry counts the file itself (its start): a file split into ranges counts
    /// once, in the range that starts at byte 0.
    pub fn owns_file(&self) -> bool {
        self.span().0 == 0
    }
}

/// Sources, files and the problems found while discovering them.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The sources, in declaration (or argument) order.
    pub sources: Vec<Source>,
    /// The files to count, sorted by source then path.
    pub files: Vec<PlannedFile>,
    /// Input errors found during discovery (symlink loops, unmatched files, unreadable folders).
    pub problems: Vec<InputError>,
    /// Notes for the user that are not errors (a pattern that matched nothing).
    pub warnings: Vec<String>,
}

impl Plan {
    /// One source per PATH argument, named exactly as given; a PATH given twice (however
    /// spelled) is one source. The entries of a `files_from` list are one more source, named
    /// as the list is. Files found are noted in `discovery`.
    pub fn from_paths(
        paths: &[PathBuf],
        files_from: Option<&Path>,
        fields: &FieldDefaults,
        discovery: &Discovery,
    ) -> Result<Plan, FatalError> {
        let mut plan = Plan::default();
        let lexical = Lexical::here();
        let mut claims = Claims::default();
        let mut given: Vec<PathBuf> = Vec::new();
        for path in paths {
            let normalized = locate::match_key(&lexical, path);
            if given.contains(&normalized) {
                plan.warnings
                    .push(format!("{} is given twice; counted once", path.display()));
                continue;
            }
            given.push(normalized);
            let index = plan.add_path_source(path, fields);
            for found in locate::discover(path, &lexical, discovery)? {
                plan.take(found, |_| Owner::One(index), &mut claims, &mut [])?;
            }
        }
        if let Some(list) = files_from {
            let index = plan.add_path_source(list, fields);
            for found in locate::discover_list(list, Path::new("."), &lexical, discovery)? {
                plan.take(found, |_| Owner::One(index), &mut claims, &mut [])?;
            }
        }
        plan.finish(claims);
        Ok(plan)
    }

    /// A source for the PATH argument (or list) `path`, named as given; its index.
    fn add_path_source(&mut self, path: &Path, fields: &FieldDefaults) -> usize {
        self.sources.push(Source {
            date_field: fields.date.clone(),
            url_field: fields.url.clone(),
            chat_field: fields.chat.clone(),
            ..Source::new(
                path.display().to_string(),
                Category::Other,
                fields.text.clone(),
            )
        });
        self.sources.len() - 1
    }

    /// The sources of a manifest; `extra` PATH arguments and the entries of a `files_from`
    /// list are matched against its patterns too, and any file found that no source claims is
    /// an `unmatched` error. Folders and prefixes are walked and listed in parallel; files found
    /// are noted in `discovery`.
    pub fn from_manifest(
        manifest: &Manifest,
        extra: &[PathBuf],
        files_from: Option<&Path>,
        fields: &FieldDefaults,
        discovery: &Discovery,
    ) -> Result<Plan, FatalError> {
        let mut plan = Plan::default();
        let lexical = Lexical::here();
        let root = lexical.normalize(&manifest.root);
        let mut outside = Vec::new();
        // One glob set for all sources (matching a path costs the same for 10 or 100,000
        // sources), and the source of each of its globs.
        let mut globs = GlobSetBuilder::new();
        let mut glob_source = Vec::new();
        // URL prefixes of patterns with wildcards: listed if they exist, skipped otherwise.
        let mut remote_globs: Vec<PathBuf> = Vec::new();
        let mut bases: Vec<PathBuf> = extra
            .iter()
            .map(|p| match locate::url_of(p) {
                Ok(Some(_)) => p.clone(),
                _ => lexical.display(&lexical.normalize(p)),
            })
            .collect();
        for path in extra {
            if locate::url_of(path)?.is_none() && std::fs::symlink_metadata(path).is_err() {
                return Err(FatalError::PathNotFound { path: path.clone() });
            }
        }
        for (source, entry) in manifest.sources.iter().enumerate() {
            plan.sources.push(Source {
                name: entry.name.clone(),
                category: entry.category,
                text_field: entry
                    .text_field
                    .clone()
                    .unwrap_or_else(|| fields.text.clone()),
                token_models: entry.token_models.clone(),
                // A declared period dates every record; it replaces a default date field.
                date_field: match &entry.collected {
                    Some(_) => None,
                    None => entry.date_field.clone().or_else(|| fields.date.clone()),
                },
                url_field: entry.url_field.clone().or_else(|| fields.url.clone()),
                chat_field: entry.chat_field.clone().or_else(|| fields.chat.clone()),
                collected: entry
                    .collected
                    .as_ref()
                    .and_then(|c| Some((parse_month_key(&c.from)?, parse_month_key(&c.to)?))),
            });
            for spelled in &entry.paths {
                let resolved = match locate::resolve_url(spelled)? {
                    Some(remote) => {
                        remote_globs.extend((!remote.literal).then(|| remote.base.clone()));
                        remote
                    }
                    None => pattern::resolve(&lexical, &manifest.root, spelled),
                };
                let local = !remote_globs.contains(&resolved.base)
                    && locate::url_of(&resolved.base)?.is_none();
                if local && resolved.literal && std::fs::symlink_metadata(&resolved.base).is_err() {
                    return Err(FatalError::PathNotFound {
                        path: resolved.base,
                    });
                }
                for glob in &resolved.globs {
                    let built = GlobBuilder::new(glob)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| FatalError::Manifest {
                            path: manifest.path.clone(),
                            message: format!(
                                "source \"{}\": bad pattern {spelled:?}: {e}",
                                entry.name
                            ),
                        })?;
                    globs.add(built);
                    glob_source.push(source);
                }
                let remote = locate::url_of(&resolved.base)?.is_some();
                if !remote && !lexical.normalize(&resolved.base).starts_with(&root) {
                    outside.push(format!("source \"{}\": {spelled}", entry.name));
                }
                bases.push(resolved.base);
            }
        }
        if !outside.is_empty() {
            plan.warnings.push(format!(
                "{} pattern{} read outside the manifest's folder {}: {}",
                outside.len(),
                if outside.len() == 1 { "" } else { "s" },
                lexical.display(&root).display(),
                outside.join(", ")
            ));
        }
        let globs = globs.build().map_err(|e| FatalError::Manifest {
            path: manifest.path.clone(),
            message: e.to_string(),
        })?;
        let manifest_file = manifest.path.canonicalize().ok();
        let mut claims = Claims::default();
        let mut matched = vec![false; plan.sources.len()];
        let owner = |p: &Path| {
            let mut owners: Vec<usize> = (globs.matches(locate::match_key(&lexical, p)).iter())
                .map(|&g| glob_source[g])
                .collect();
            owners.sort_unstable();
            owners.dedup();
            match owners[..] {
                [] => Owner::Nobody,
                [one] => Owner::One(one),
                [a, b, ..] => Owner::Two(a, b),
            }
        };
        let mut kept = Vec::new();
        for base in outermost(&lexical, bases) {
            let url = locate::url_of(&base)?;
            // A glob's literal folder that does not exist simply matches nothing.
            if url.is_some() || base.exists() {
                kept.push((base, url));
            }
        }
        let mut found_all: Vec<Result<Vec<Found>, FatalError>> = (kept.par_iter())
            .map(|(base, url)| match url {
                Some(url) if remote_globs.contains(base) => {
                    locate::discover_if_present(url, discovery)
                }
                _ => locate::discover(base, &lexical, discovery),
            })
            .collect();
        if let Some(list) = files_from {
            found_all.push(locate::discover_list(
                list,
                Path::new("."),
                &lexical,
                discovery,
            ));
        }
        // The sources' own lists first: their files belong to them whatever the patterns say
        // (another source's pattern matching one is a file claimed twice).
        for (source, entry) in manifest.sources.iter().enumerate() {
            let Some(list) = &entry.files_from else {
                continue;
            };
            let list = manifest.root.join(list);
            for found in locate::discover_list(&list, &manifest.root, &lexical, discovery)? {
                let owner = |p: &Path| match owner(p) {
                    Owner::Nobody => Owner::One(source),
                    Owner::One(other) if other == source => Owner::One(source),
                    Owner::One(other) => Owner::Two(source, other),
                    Owner::Two(a, b) => Owner::Two(source, if a == source { b } else { a }),
                };
                plan.take(found, owner, &mut claims, &mut matched)?;
            }
        }
        for found in found_all {
            for found in found? {
                // A file a source's list claims, found again under a walked folder.
                if let Found::File {
                    path, canonical, ..
                } = &found
                    && matches!(owner(path), Owner::Nobody)
                    && claims.owners.contains_key(canonical)
                {
                    continue;
                }
                if let Found::File {
                    path, canonical, ..
                } = &found
                    && Some(canonical) == manifest_file.as_ref()
                {
                    if let Owner::One(source) | Owner::Two(source, _) = owner(path) {
                        plan.warnings.push(format!(
                            "the manifest {} matches source \"{}\"'s patterns; it is not counted",
                            path.display(),
                            plan.sources[source].name
                        ));
                    }
                    continue;
                }
                plan.take(found, owner, &mut claims, &mut matched)?;
            }
        }
        for (i, hit) in matched.iter().enumerate() {
            if !hit {
                plan.warnings.push(format!(
                    "source \"{}\" matched no files",
                    plan.sources[i].name
                ));
            }
        }
        plan.finish(claims);
        Ok(plan)
    }

    /// The total size on disk of all planned files (of their ranges, in a shard).
    pub fn total_bytes(&self) -> u64 {
        self.files
            .iter()
            .map(|f| {
                let (start, end) = f.span();
                end - start
            })
            .sum()
    }
}

/// Canonical path → source, to find files that two sources claim, and the files no source
/// claimed (reported unless the same file was claimed under another spelling).
#[derive(Default)]
struct Claims {
    owners: BTreeMap<PathBuf, usize>,
    unclaimed: BTreeMap<PathBuf, InputError>,
}

/// Which sources' patterns match a file.
enum Owner {
    Nobody,
    One(usize),
    Two(usize, usize),
}

impl Plan {
    /// Adds a found file to its source, or records why it cannot be counted; `matched` marks
    /// sources that matched at least one file.
    fn take(
        &mut self,
        found: Found,
        owner: impl Fn(&Path) -> Owner,
        claims: &mut Claims,
        matched: &mut [bool],
    ) -> Result<(), FatalError> {
        let (path, canonical, size, etag, modified) = match found {
            Found::Problem(p) => {
                self.problems.push(p);
                return Ok(());
            }
            Found::File {
                path,
                canonical,
                size,
                etag,
                modified,
            } => (path, canonical, size, etag, modified),
        };
        let source = match owner(&path) {
            Owner::One(source) => source,
            Owner::Two(a, b) => return Err(self.claimed_twice(&path, a, b)),
            Owner::Nobody => {
                let problem = InputError {
                    path: path.display().to_string(),
                    line: None,
                    kind: ErrorKind::Unmatched,
                    message: "no source in the manifest claims this file".into(),
                };
                claims.unclaimed.entry(canonical).or_insert(problem);
                return Ok(());
            }
        };
        if let Some(hit) = matched.get_mut(source) {
            *hit = true;
        }
        match claims.owners.get(&canonical) {
            Some(&other) if other == source => Ok(()), // the same file reached twice
            Some(&other) => Err(self.claimed_twice(&path, other, source)),
            None => {
                claims.owners.insert(canonical, source);
                if crate::manifest::looks_like_manifest(&path) {
                    self.warnings.push(format!(
                        "{} looks like a tokencensus manifest but is not the one in use: it is counted as a document of source \"{}\" (to count by it, give --manifest {})",
                        printable(&path.display().to_string()),
                        printable(&self.sources[source].name),
                        printable(&path.display().to_string())
                    ));
                }
                self.files.push(PlannedFile {
                    format: Format::of(&path),
                    path,
                    source,
                    size,
                    etag,
                    modified,
                    range: None,
                });
                Ok(())
            }
        }
    }

    fn claimed_twice(&self, path: &Path, a: usize, b: usize) -> FatalError {
        FatalError::Usage(format!(
            "{} is claimed by two sources, \"{}\" and \"{}\": each file must belong to exactly one source",
            printable(&path.display().to_string()),
            printable(&self.sources[a].name),
            printable(&self.sources[b].name)
        ))
    }

    fn finish(&mut self, claims: Claims) {
        let Claims { owners, unclaimed } = claims;
        self.problems.extend(
            unclaimed
                .into_iter()
                .filter(|(c, _)| !owners.contains_key(c))
                .map(|(_, e)| e),
        );
        self.files
            .sort_by(|a, b| (a.source, &a.path).cmp(&(b.source, &b.path)));
        self.problems
            .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        self.problems.dedup();
    }
}

/// The bases to walk, each once: duplicates and bases inside another base are dropped.
/// Sorted component by component, a folder's descendants follow it directly, so each base
/// needs comparing with the last one kept only.
fn outermost(lexical: &Lexical, bases: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut bases: Vec<(PathBuf, PathBuf)> = (bases.into_iter())
        .map(|b| (locate::match_key(lexical, &b), b))
        .collect();
    bases.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kept: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (normalized, base) in bases {
        if !kept.last().is_some_and(|(k, _)| normalized.starts_with(k)) {
            kept.push((normalized, base));
        }
    }
    kept.into_iter().map(|(_, base)| base).collect()
}

#[cfg(test)]
mod tests;
