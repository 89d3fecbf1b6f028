//! What a new user meets in the first hour: one exit rule for every command that ends in a
//! census (1 when it lists input errors), `--quiet` that says what it keeps, nouns that agree
//! with their numbers, error paths spelled by one rule however the manifest or PATH was named,
//! and a manifest inside a counted folder never counted silently.

use crate::common::*;
use std::path::Path;

/// A folder `data` of one JSONL file: one good document and one line that is not JSON.
fn one_of_each(dir: &Path) {
    let data = dir.join("data/web");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("b.jsonl"),
        "{\"text\": \"hello\"}\nnot json at all\n",
    )
    .unwrap();
}

#[test]
fn report_exits_like_count_and_merge_and_quiet_keeps_the_error_summary() {
    let dir = tempfile::tempdir().unwrap();
    one_of_each(dir.path());
    let save = |out: &str| {
        run_in(
            dir.path(),
            &["count", "-q", "data", "--format", "json", "-o", out],
        )
    };
    let counted = save("census.json");
    assert_eq!(counted.code, 1);
    assert!(
        counted
            .stderr
            .contains("tokencensus: 1 input error (first: "),
        "--quiet keeps the one-line summary: {}",
        counted.stderr
    );
    let rendered = run_in(dir.path(), &["report", "census.json"]);
    assert_eq!(rendered.code, 1, "report of a census with input errors");
    assert!(
        rendered.stderr.contains("1 input error (first: "),
        "{}",
        rendered.stderr
    );
    // The help of --quiet says what it keeps.
    let help = run(&["count", "--help"]).stdout;
    let quiet = (help.split("--quiet").nth(1)).unwrap_or_else(|| panic!("{help}"));
    let quiet = quiet.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        quiet.contains("errors are still said") && quiet.contains("summary of input errors"),
        "{quiet}"
    );
    // A clean census renders with 0.
    std::fs::write(
        dir.path().join("data/web/b.jsonl"),
        "{\"text\": \"hello\"}\n",
    )
    .unwrap();
    assert_eq!(save("clean.json").code, 0);
    assert_eq!(run_in(dir.path(), &["report", "clean.json"]).code, 0);
}

/// Nouns that must be singular after the number 1.
const NOUNS: [&str; 16] = [
    "documents",
    "tokens",
    "files",
    "errors",
    "input errors",
    "sources",
    "records",
    "items",
    "bytes",
    "UTF-8 bytes",
    "images",
    "sounds",
    "videos",
    "pixels",
    "domains",
    "matches",
];

/// Each `1 NOUNS` in `text` (a `1` that is a whole number, not the end of `21` or `0.1`).
fn plural_after_one(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for noun in NOUNS {
        let phrase = format!("1 {noun}");
        for (at, _) in text.match_indices(&phrase) {
            let before = text[..at].chars().next_back();
            let after = text[at + phrase.len()..].chars().next();
            let whole = !before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',');
            if whole && !after.is_some_and(char::is_alphanumeric) {
                let line = text[..at].rfind('\n').map_or(0, |n| n + 1);
                let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
                found.push(text[line..end].to_string());
            }
        }
    }
    found
}

#[test]
fn one_of_a_thing_is_singular_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    one_of_each(dir.path());
    for format in ["table", "markdown", "eu-summary", "html"] {
        let r = run_in(dir.path(), &["count", "data", "--format", format]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let wrong = plural_after_one(&format!("{}\n{}", r.stdout, r.stderr));
        assert!(wrong.is_empty(), "{format}:\n{}", wrong.join("\n"));
    }
    let r = run_in(
        dir.path(),
        &[
            "estimate", "data", "--sample", "0.5", "--format", "markdown",
        ],
    );
    let wrong = plural_after_one(&format!("{}\n{}", r.stdout, r.stderr));
    assert!(wrong.is_empty(), "estimate:\n{}", wrong.join("\n"));
}

#[test]
fn error_paths_follow_one_rule_however_the_input_was_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let project = root.join("project");
    one_of_each(&project);
    std::fs::write(
        project.join("data/sources.toml"),
        "[[source]]\nname = \"web\"\ncategory = \"crawled\"\npaths = [\"web/**\"]\n",
    )
    .unwrap();
    let path_of = |cwd: &Path, args: &[&str]| -> String {
        let report = count_json_in(cwd, args, 1);
        report["errors"][0]["path"].as_str().unwrap().to_string()
    };
    let manifest = project.join("data/sources.toml");
    let absolute = manifest.to_str().unwrap();
    // Below the working folder: relative to it, however the manifest or PATH is spelled.
    for args in [
        vec!["--manifest", "data/sources.toml"],
        vec!["--manifest", absolute],
        vec!["--manifest", "./data/../data/sources.toml"],
        vec!["data"],
        vec!["./data/"],
        vec![project.join("data").to_str().unwrap()],
    ] {
        assert_eq!(path_of(&project, &args), "data/web/b.jsonl", "{args:?}");
    }
    let inside = project.join("data/web");
    assert_eq!(
        path_of(&inside, &["--manifest", "../sources.toml"]),
        "b.jsonl"
    );
    assert_eq!(path_of(&inside, &["."]), "b.jsonl");
    // Outside the working folder: absolute, however spelled.
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let full = project.join("data/web/b.jsonl").display().to_string();
    for args in [
        vec!["--manifest", "../project/data/sources.toml"],
        vec!["../project/data"],
    ] {
        assert_eq!(path_of(&elsewhere, &args), full, "{args:?}");
    }
}

#[test]
fn a_manifest_in_a_counted_folder_is_skipped_when_in_use_and_named_when_not() {
    let dir = tempfile::tempdir().unwrap();
    one_of_each(dir.path());
    std::fs::write(
        dir.path().join("data/web/b.jsonl"),
        "{\"text\": \"hello\"}\n",
    )
    .unwrap();
    let manifest = "[[source]]\nname = \"all\"\ncategory = \"crawled\"\npaths = [\"**\"]\n";
    std::fs::write(dir.path().join("data/sources.toml"), manifest).unwrap();
    // In use, matched by its own pattern: not a document, and nothing to warn about.
    let r = run_in(
        dir.path(),
        &[
            "count",
            "--manifest",
            "data/sources.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(u64_at(&r.json(), "totals.files"), 1);
    assert!(!r.stderr.contains("looks like"), "{}", r.stderr);
    // Not in use: counted as the user asked, and named.
    let r = run_in(dir.path(), &["count", "data", "--format", "json"]);
    assert_eq!(u64_at(&r.json(), "totals.files"), 2);
    assert!(
        r.stderr.contains(
            "data/sources.toml looks like a tokencensus manifest but is not the one in use: it is counted as a document of source \"data\" (to count by it, give --manifest data/sources.toml)"
        ),
        "{}",
        r.stderr
    );
    // Another manifest under the one in use is named too, by its [[source]] tables.
    std::fs::write(dir.path().join("data/web/old.toml"), manifest).unwrap();
    let r = run_in(
        dir.path(),
        &["count", "--manifest", "data/sources.toml", "-q"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(dir.path(), &["count", "--manifest", "data/sources.toml"]);
    assert!(
        r.stderr
            .contains("data/web/old.toml looks like a tokencensus manifest"),
        "{}",
        r.stderr
    );
}
