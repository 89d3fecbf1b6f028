//! Manifest path patterns: resolved lexically against the manifest's folder into a folder to
//! walk and globs over normalized absolute paths. The manifest folder's own name is always
//! literal (escaped), `.` and `..` are resolved, trailing slashes do not matter.

use std::path::{Component, Path, PathBuf};

/// A resolved pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The literal folder (or file) to walk, spelled for reports.
    pub base: PathBuf,
    /// Globs that found files' normalized paths must match (one of them).
    pub globs: Vec<String>,
    /// Whether the pattern has no wildcard (then `base` must exist).
    pub literal: bool,
}

/// Whether a path segment has a wildcard.
pub fn is_glob(part: &str) -> bool {
    part.contains(['*', '?', '[', '{'])
}

/// Lexical path arithmetic against one working folder, read once (planning a manifest of
/// 100,000 sources would otherwise ask the system for it several times per source).
#[derive(Debug, Clone)]
pub struct Lexical {
    cwd: PathBuf,
}

impl Lexical {
    /// Against the process's working folder as it is now.
    pub fn here() -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Self {
            cwd: lexical_clean(&cwd),
        }
    }

    /// `path` made absolute and normalized without touching the file system: no `.`, `..`
    /// resolved lexically, no trailing slash.
    pub fn normalize(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            lexical_clean(path)
        } else {
            lexical_clean(&self.cwd.join(path))
        }
    }

    /// How a normalized path is shown: relative to the working folder when inside it.
    pub fn display(&self, normalized: &Path) -> PathBuf {
        match normalized.strip_prefix(&self.cwd) {
            Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
            Ok(rel) => rel.to_path_buf(),
            Err(_) => normalized.to_path_buf(),
        }
    }
}

/// `.` dropped and `..` resolved, component by component.
fn lexical_clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Resolves `pattern` (relative to `root` unless absolute).
pub fn resolve(lexical: &Lexical, root: &Path, pattern: &str) -> Resolved {
    // (component, literal?) from the root's normalized components, then the pattern's.
    let mut parts: Vec<(String, bool)> = if pattern.starts_with('/') {
        Vec::new()
    } else {
        lexical
            .normalize(root)
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .map(|c| (c.as_os_str().to_string_lossy().into_owned(), true))
            .collect()
    };
    for part in pattern.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push((p.to_string(), !is_glob(p))),
        }
    }
    let literal_len = parts.iter().take_while(|(_, literal)| *literal).count();
    let base: PathBuf = std::iter::once("/".to_string())
        .chain(parts[..literal_len].iter().map(|(p, _)| p.clone()))
        .collect();
    let glob = |parts: &[(String, bool)]| -> String {
        parts
            .iter()
            .map(|(p, literal)| {
                if *literal {
                    globset::escape(p)
                } else {
                    p.clone()
                }
            })
            .fold(String::new(), |acc, p| acc + "/" + &p)
    };
    let literal = literal_len == parts.len();
    let globs = if literal {
        let exact = glob(&parts);
        vec![
            format!("{exact}/**"),
            if exact.is_empty() { "/".into() } else { exact },
        ]
    } else {
        vec![glob(&parts)]
    };
    Resolved {
        base: lexical.display(&base),
        globs,
        literal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_resolve_lexically_and_escape_the_root() {
        let lexical = Lexical::here();
        let resolve = |root: &str, pattern: &str| resolve(&lexical, Path::new(root), pattern);
        let r = resolve("/data/corpus[v1]", "crawl/**/*.jsonl");
        assert_eq!(r.base, lexical.display(Path::new("/data/corpus[v1]/crawl")));
        assert_eq!(
            r.globs,
            vec!["/data/corpus[[]v1[]]/crawl/**/*.jsonl".to_string()]
        );
        assert!(!r.literal);
        let r = resolve("/data/m", "../books/");
        assert_eq!(
            r.globs,
            vec!["/data/books/**".to_string(), "/data/books".to_string()]
        );
        assert!(r.literal);
        let r = resolve("/data/m", "/abs/./x/*.txt");
        assert_eq!(r.globs, vec!["/abs/x/*.txt".to_string()]);
        assert_eq!(
            lexical.normalize(Path::new("/a/b/../c/./")),
            PathBuf::from("/a/c")
        );
    }
}
