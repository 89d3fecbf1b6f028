//! The layer rule of `docs/ARCHITECTURE.md`: every top-level module of `src/` belongs to one
//! layer, and a module may import only modules of its own layer or of the layers below it,
//! without cycles. This test reads the layer table from the document and every `crate::`
//! (or, in the binary, `tokencensus::`) path from the sources, and fails naming the two
//! modules of any import that runs upward or closes a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One import: from which module, to which, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    from: String,
    to: String,
    at: String,
}

/// The layers from bottom to top, each a list of modules, from the ```layers block of the
/// architecture document (`name: module module ...`, one layer a line, bottom first).
fn layers(document: &str) -> Vec<(String, Vec<String>)> {
    let block = document
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ARCHITECTURE.md has a ```layers block");
    block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (name, modules) = line.split_once(':').expect("`layer: modules` lines");
            let modules = modules.split_whitespace().map(str::to_string).collect();
            (name.trim().to_string(), modules)
        })
        .collect()
}

/// The top-level module a source file belongs to (`lib` for the crate root, `cli` for the
/// binary's files).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap().as_os_str();
    let name = first.to_str().unwrap().trim_end_matches(".rs");
    match name {
        "main" => "cli".to_string(),
        other => other.to_string(),
    }
}

/// The modules `code` names after `prefix` (`crate::x`, `crate::{x, y::{z, w}}`, groups over
/// several lines too), each with the byte offset where its path starts.
fn named_modules(code: &str, prefix: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix).map(|i| from + i) {
        from = at + prefix.len();
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[from..];
        if rest.starts_with('{') {
            // The first path segment of each item at the group's top level.
            let (mut depth, mut item_start) = (0, true);
            for (i, c) in rest.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => item_start = true,
                    c if depth == 1 && item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = rest[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        found.push((at, name));
                        item_start = false;
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push((at, name));
        }
    }
    found
}

/// Every import between top-level modules in `files` (path relative to `src/`, text).
fn imports(files: &[(PathBuf, String)]) -> Vec<Import> {
    let mut found = BTreeSet::new();
    for (relative, text) in files {
        let from = module_of(relative);
        let prefix = if from == "cli" {
            "tokencensus::"
        } else {
            "crate::"
        };
        // Comment lines are blanked (documentation links are not imports); lines keep their
        // numbers.
        let code: String = text
            .lines()
            .map(|line| match line.trim_start().starts_with("//") {
                true => "\n".to_string(),
                false => format!("{line}\n"),
            })
            .collect();
        for (offset, to) in named_modules(&code, prefix) {
            // Names that are not modules (items re-exported at the root) belong to `lib`.
            let to = if files.iter().any(|(p, _)| module_of(p) == to) {
                to
            } else {
                "lib".to_string()
            };
            if to != from {
                let number = code[..offset].matches('\n').count() + 1;
                let at = format!("src/{}:{number}", relative.display());
                found.insert(Import {
                    from: from.clone(),
                    to,
                    at,
                });
            }
        }
    }
    found.into_iter().collect()
}

/// The layer rule's violations: upward imports, modules missing from the table, loops.
fn violations(layers: &[(String, Vec<String>)], imports: &[Import]) -> Vec<String> {
    let layer_of: BTreeMap<&str, (usize, &str)> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, (name, modules))| {
            modules
                .iter()
                .map(move |m| (m.as_str(), (i, name.as_str())))
        })
        .collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for import in imports {
        let (Some(&(from, from_layer)), Some(&(to, to_layer))) = (
            layer_of.get(import.from.as_str()),
            layer_of.get(import.to.as_str()),
        ) else {
            problems.push(format!(
                "`{}` or `{}` is in no layer of docs/ARCHITECTURE.md ({})",
                import.from, import.to, import.at
            ));
            continue;
        };
        if to > from {
            problems.push(format!(
                "`{}` ({from_layer}) imports `{}` ({to_layer}, a layer above it) at {}",
                import.from, import.to, import.at
            ));
        }
        edges.entry(&import.from).or_default().insert(&import.to);
    }
    // A loop within a layer: some module reaches itself.
    for &start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = edges[start].iter().copied().collect();
        while let Some(module) = stack.pop() {
            if module == start {
                let back = imports
                    .iter()
                    .find(|i| i.to == start && reaches(&edges, start, &i.from));
                problems.push(format!(
                    "`{start}` imports, through others, a module that imports it{}",
                    back.map(|i| format!(": `{}` imports `{start}` at {}", i.from, i.at))
                        .unwrap_or_default()
                ));
                break;
            }
            if seen.insert(module) {
                stack.extend(edges.get(module).into_iter().flatten().copied());
            }
        }
    }
    problems
}

/// Whether `to` is reachable from `from` along the edges.
fn reaches(edges: &BTreeMap<&str, BTreeSet<&str>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(m) = stack.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m) {
            stack.extend(edges.get(m).into_iter().flatten().copied());
        }
    }
    false
}

fn source_files(root: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path.strip_prefix(root).unwrap().to_path_buf(), text));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_import_runs_down_the_documented_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let document = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let layers = layers(&document);
    let files = source_files(&root.join("src"));
    let imports = imports(&files);
    assert!(
        imports.len() > 50,
        "the scan found the imports: {}",
        imports.len()
    );
    let documented: BTreeSet<&str> = layers
        .iter()
        .flat_map(|(_, m)| m)
        .map(String::as_str)
        .collect();
    for (path, _) in &files {
        let module = module_of(path);
        assert!(
            documented.contains(module.as_str()),
            "module `{module}` is in no layer of docs/ARCHITECTURE.md"
        );
    }
    let problems = violations(&layers, &imports);
    assert!(
        problems.is_empty(),
        "layer rule broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn an_upward_import_or_a_loop_is_named() {
    let layers = layers("```layers\nvalues: stats media\ncore: read count\ntop: report\n```\n");
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_string());
    let files = vec![
        file(
            "stats/mod.rs",
            "use crate::report::Report;\n// see [`crate::count`]\n",
        ),
        file(
            "read/mod.rs",
            "use crate::{stats::Counts, count::Counter};\n",
        ),
        file("count/mod.rs", "fn f() { crate::read::x(); }\n"),
        file("report/mod.rs", "pub struct Report;\n"),
        // a group over several lines, nested, is read item by item
        file(
            "media/mod.rs",
            "use crate::{\n    stats::{Counts, Tally},\n    report::Report,\n};\n",
        ),
    ];
    let problems = violations(&layers, &imports(&files));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`stats` (values) imports `report` (top")
                && p.contains("src/stats/mod.rs:1")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`count` imports, through others")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`read` imports, through others")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`media` (values) imports `report` (top")
                && p.contains("src/media/mod.rs:1")),
        "{problems:#?}"
    );
    // the documentation link and the downward imports are fine
    assert_eq!(problems.len(), 4, "{problems:#?}");
}
