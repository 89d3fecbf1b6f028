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

/// The plan of one folder given as a PATH argument.
fn plan_of_folder(dir: &Path) -> Plan {
    Plan::from_paths(
        &[dir.to_path_buf()],
        None,
        &FieldDefaults::text("text"),
        &Discovery::silent(),
    )
    .unwrap()
}

#[test]
fn paths_are_walked_in_sorted_order_without_hidden_entries() {
    let dir = tree(&["b.jsonl", "a/z.txt", "a/b.jsonl.gz", ".git/x.txt", "a/.env"]);
    let plan = plan_of_folder(dir.path());
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
    let plan = plan_of_folder(dir.path());
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
    let plan = Plan::from_manifest(
        &manifest,
        &[],
        None,
        &FieldDefaults::text("text"),
        &Discovery::silent(),
    )
    .unwrap();
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

fn manifest_in(dir: &Path, text: &str) -> Manifest {
    Manifest::parse(text, dir.to_path_buf(), dir.join("sources.toml")).unwrap()
}

fn plan_of(manifest: &Manifest, discovery: &Discovery) -> Plan {
    Plan::from_manifest(manifest, &[], None, &FieldDefaults::text("text"), discovery).unwrap()
}

/// 10,000 sources took 4 min 27 s to plan when every file was matched against every source's
/// own glob set; with one set for all it is linear. The bound is a guard against going back to
/// quadratic (minutes), not a speed claim (`scripts/bench-plan` measures).
#[test]
fn twenty_thousand_sources_plan_in_one_pass() {
    let n = 20_000;
    let names: Vec<String> = (0..n)
        .map(|i| format!("data/{:02}/f{i:05}.jsonl", i / 1000))
        .collect();
    let dir = tree(&names.iter().map(String::as_str).collect::<Vec<_>>());
    let text: String = (names.iter().enumerate())
        .map(|(i, name)| {
            format!("[[source]]\nname = \"s{i}\"\ncategory = \"public\"\npaths = [\"{name}\"]\n")
        })
        .collect();
    let manifest = manifest_in(dir.path(), &text);
    let discovery = Discovery::silent();
    let started = std::time::Instant::now();
    let plan = plan_of(&manifest, &discovery);
    let seconds = started.elapsed().as_secs_f64();
    assert!(seconds < 60.0, "planning {n} sources took {seconds:.1} s");
    assert_eq!(plan.files.len(), n);
    assert!(
        plan.files
            .iter()
            .enumerate()
            .all(|(i, f)| f.source == i && f.path.ends_with(&names[i]))
    );
    assert_eq!(discovery.figures().0, n as u64);
    assert!(plan.problems.is_empty() && plan.warnings.is_empty());
}

#[test]
fn a_manifest_its_own_pattern_matches_is_named_and_never_counted() {
    let dir = tree(&["a.jsonl"]);
    fs::write(dir.path().join("sources.toml"), "").unwrap();
    let manifest = manifest_in(
        dir.path(),
        "[[source]]\nname = \"all\"\ncategory = \"public\"\npaths = [\"*\"]\n",
    );
    let plan = plan_of(&manifest, &Discovery::silent());
    assert_eq!(plan.files.len(), 1);
    assert!(plan.files[0].path.ends_with("a.jsonl"));
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(plan.warnings[0].contains("sources.toml matches source \"all\""));
}

#[test]
fn patterns_outside_the_manifest_folder_are_named() {
    let dir = tree(&["m/inside.jsonl", "data/outside.jsonl"]);
    let manifest = manifest_in(
        &dir.path().join("m"),
        "[[source]]\nname = \"in\"\ncategory = \"public\"\npaths = [\"inside.jsonl\"]\n\n\
         [[source]]\nname = \"out\"\ncategory = \"public\"\npaths = [\"../data/*.jsonl\"]\n",
    );
    let plan = plan_of(&manifest, &Discovery::silent());
    assert_eq!(plan.files.len(), 2);
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    let warning = &plan.warnings[0];
    assert!(warning.starts_with("1 pattern read outside the manifest's folder"));
    assert!(
        warning.ends_with("source \"out\": ../data/*.jsonl"),
        "{warning}"
    );
}

#[test]
fn a_sources_files_from_list_claims_its_files_relative_to_the_manifest() {
    let dir = tree(&["web/a.jsonl", "web/extra.txt", "books/c.txt"]);
    let web = "[[source]]\nname = \"web\"\ncategory = \"public\"\npaths = [\"web/*.jsonl\"]\n\n";
    let lists =
        "[[source]]\nname = \"listed\"\ncategory = \"licensed\"\nfiles_from = \"list.txt\"\n";
    let manifest = manifest_in(dir.path(), &format!("{web}{lists}"));
    // extra.txt lies under the folder web's pattern walks, matched by no pattern: the list
    // claims it, so it is neither unmatched nor counted twice.
    fs::write(
        dir.path().join("list.txt"),
        "# the licensed files\nbooks/c.txt\n\nweb/extra.txt\n",
    )
    .unwrap();
    let plan = plan_of(&manifest, &Discovery::silent());
    let owned: Vec<_> = (plan.files.iter())
        .map(|f| (f.source, f.path.file_name().unwrap().to_str().unwrap()))
        .collect();
    assert_eq!(owned, [(0, "a.jsonl"), (1, "c.txt"), (1, "extra.txt")]);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);

    // A listed file another source's pattern matches is a file claimed twice.
    let refused = |list: &str| {
        fs::write(dir.path().join("list.txt"), list).unwrap();
        Plan::from_manifest(
            &manifest,
            &[],
            None,
            &FieldDefaults::text("text"),
            &Discovery::silent(),
        )
        .unwrap_err()
        .to_string()
    };
    let twice = refused("web/a.jsonl\n");
    assert!(twice.contains("claimed by two sources"), "{twice}");

    // An entry that names nothing is fatal, naming the list and the line.
    let gone = refused("books/c.txt\nbooks/gone.txt\n");
    assert!(
        gone.contains("list.txt:2: books/gone.txt: no such file or object"),
        "{gone}"
    );
}
