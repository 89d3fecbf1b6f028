//! The layout that keeps the integration tests one binary: every test file is a module of
//! `tests/suite/main.rs`. A `.rs` file straight in `tests/` (or a `tests/NAME/main.rs`) would
//! build and link a binary of its own; a file in `tests/suite/` that `main.rs` does not declare
//! would never be compiled, its tests silently not run. And the pages a newcomer reads (README,
//! docs/) name no folder outside a fresh clone.

use crate::common::root;
use std::collections::BTreeSet;
use std::path::Path;

/// The `.rs` files of `dir` (names without the extension).
fn rust_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn tests_has_no_test_binary_but_the_suite() {
    let tests = root().join("tests");
    let stray: Vec<String> = rust_files(&tests)
        .into_iter()
        .map(|name| format!("tests/{name}.rs"))
        .chain(
            std::fs::read_dir(&tests)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|dir| dir.join("main.rs").is_file() && !dir.ends_with("suite"))
                .map(|dir| format!("{}/main.rs", dir.display())),
        )
        .collect();
    assert!(
        stray.is_empty(),
        "{stray:?} would each be a test binary of their own: move them to tests/suite/NAME.rs \
         and declare `mod NAME;` in tests/suite/main.rs"
    );
}

#[test]
fn main_declares_every_module_of_the_suite() {
    let suite = root().join("tests/suite");
    let main = std::fs::read_to_string(suite.join("main.rs")).unwrap();
    let declared: BTreeSet<String> = main
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect();
    let mut files = rust_files(&suite);
    files.remove("main");
    let undeclared: Vec<String> = files
        .difference(&declared)
        .map(|name| format!("tests/suite/{name}.rs"))
        .collect();
    assert!(
        undeclared.is_empty(),
        "{undeclared:?} are not modules of tests/suite/main.rs: their tests never run"
    );
}

#[test]
fn readme_and_docs_name_no_folder_outside_the_repository() {
    let mut pages = vec![
        root().join("README.md"),
        root().join("bindings/python/README.md"),
    ];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (number, line) in text.lines().enumerate() {
            for outside in ["../shared", "/work/", "/home/", "/root/", "/Users/"] {
                assert!(
                    !line.contains(outside),
                    "{}:{}: names {outside}, a folder beside one machine's checkout: {line}",
                    page.display(),
                    number + 1
                );
            }
        }
    }
}
