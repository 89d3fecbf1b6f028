use super::*;
use std::fs;

fn tree(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let p = dir.path().join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, "x").unwrap();
    }
    dir
}

#[test]
fn paths_are_walked_in_sorted_order_without_hidden_entries() {
    let dir = tree(&["b.jsonl", "a/z.txt", "a/b.jsonl.gz", ".git/x.txt", "a/.env"]);
    let plan = Plan::from_paths(
        &[dir.path().to_path_buf()],
        None,
        &FieldDefaults::text("text"),
    )
    .unwrap();
    let names: Vec<_> = plan
        .files
        .iter()
        .map(|f| f.path.strip_prefix(dir.path()).unwrap().to_path_buf())
        .collect();
    assert_eq!(
        names,
        [
            PathBuf::from("a/b.jsonl.gz"),
            "a/z.txt".into(),
            "b.jsonl".into()
        ]
    );
    assert_eq!(plan.sources[0].name, dir.path().display().to_string());
    assert_eq!(plan.total_bytes(), 3);
}

#[test]
fn a_file_reached_twice_in_one_source_counts_once() {
    let dir = tree(&["data/a.jsonl"]);
    std::os::unix::fs::symlink("data", dir.path().join("alias")).unwrap();
    let plan = Plan::from_paths(
        &[dir.path().to_path_buf()],
        None,
        &FieldDefaults::text("text"),
    )
    .unwrap();
    assert_eq!(plan.files.len(), 1);
}

#[test]
fn manifest_patterns_claim_files_and_report_the_rest() {
    let dir = tree(&[
        "web/x/a.jsonl",
        "web/b.jsonl",
        "web/notes.txt",
        "books/c.txt",
    ]);
    let text = "[[source]]\nname = \"web\"\ncategory = \"public\"\npaths = [\"web/**/*.jsonl\"]\n\n\
                [[source]]\nname = \"books\"\ncategory = \"licensed\"\npaths = [\"books/c.txt\"]\n";
    let manifest = Manifest::parse(
        text,
        dir.path().to_path_buf(),
        dir.path().join("sources.toml"),
    )
    .unwrap();
    let plan = Plan::from_manifest(&manifest, &[], None, &FieldDefaults::text("text")).unwrap();
    let owned: Vec<_> = plan
        .files
        .iter()
        .map(|f| (f.source, f.path.file_name().unwrap().to_str().unwrap()))
        .collect();
    assert_eq!(owned, [(0, "b.jsonl"), (0, "a.jsonl"), (1, "c.txt")]);
    assert_eq!(plan.problems.len(), 1);
    assert_eq!(plan.problems[0].kind, ErrorKind::Unmatched);
    assert!(plan.problems[0].path.ends_with("web/notes.txt"));
}
