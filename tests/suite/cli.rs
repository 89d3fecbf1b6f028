//! The command line: manifests, formats, `--output`, and exit status 2 with a helpful message
//! for every fatal problem.

use crate::common::*;

fn write(dir: &std::path::Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[test]
fn the_sample_manifest_gives_sources_and_categories() {
    let report = count_json(&["--manifest", "fixtures/sample/sources.toml"], 0);
    let expected = expected();
    let e = &expected["tokenizers"]["llama3"]["plain"];
    let tokens = |f: &str| e[f]["tokens"].as_u64().unwrap();
    let kernel = tokens("sample/linux-doc.jsonl")
        + tokens("sample/docs/translations-zh_TW-sparse.txt")
        + tokens("sample/docs/userspace-api-media-v4l-pixfmt-srggb16.rst");
    assert_eq!(source(&report, "kernel-docs")["tokens"], kernel);
    assert_eq!(source(&report, "kernel-docs")["files"], 3);
    assert_eq!(source(&report, "kernel-docs")["category"], "public");
    assert_eq!(
        source(&report, "man-pages")["tokens"],
        tokens("sample/man.jsonl.zst")
    );
    assert_eq!(source(&report, "man-pages")["category"], "licensed");
    let categories = report["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 2);
    assert_eq!(categories[0]["category"], "public");
    assert_eq!(categories[0]["sources"], 2);
    assert_eq!(
        categories[0]["tokens"],
        kernel + tokens("sample/fortunes.jsonl.gz")
    );
    assert_eq!(
        report["totals"]["tokens"],
        kernel + tokens("sample/fortunes.jsonl.gz") + tokens("sample/man.jsonl.zst")
    );
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn manifest_text_fields_unmatched_files_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "data/web/a.jsonl", "{\"text\":\"one two\"}\n");
    write(d, "data/web/deep/b.jsonl", "{\"text\":\"three\"}\n");
    write(d, "data/books/c.jsonl", "{\"body\":\"four five six\"}\n");
    write(d, "data/README.txt", "not claimed by anyone\n");
    write(d, "data/.hidden.jsonl", "{\"text\":\"skipped\"}\n");
    write(
        d,
        "data/sources.toml",
        "[[source]]\nname = \"web\"\ncategory = \"public\"\npaths = [\"web/**/*.jsonl\"]\n\n\
         [[source]]\nname = \"books\"\ncategory = \"licensed\"\npaths = [\"books\"]\ntext_field = \"body\"\n\n\
         [[source]]\nname = \"chat\"\ncategory = \"interactions\"\npaths = [\"chat/*.jsonl\"]\n",
    );
    let r = run_in(
        d,
        &[
            "count",
            "--format",
            "json",
            "--manifest",
            "data/sources.toml",
            "data",
        ],
    );
    assert_eq!(r.code, 1, "the unclaimed README is an error: {}", r.stderr);
    let report = r.json();
    assert_eq!(source(&report, "web")["files"], 2);
    assert_eq!(source(&report, "web")["documents"], 2);
    assert_eq!(source(&report, "books")["bytes"], "four five six".len());
    assert_eq!(source(&report, "books")["text_field"], "body");
    assert_eq!(source(&report, "chat")["files"], 0);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "data/README.txt");
    assert_eq!(errors[0]["kind"], "unmatched");
    assert!(
        r.stderr.contains("\"chat\" matched no files"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_claimed_by_two_sources_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x/a.jsonl", "{\"text\":\"a\"}\n");
    write(
        dir.path(),
        "sources.toml",
        "[[source]]\nname = \"one\"\ncategory = \"public\"\npaths = [\"x\"]\n\n\
         [[source]]\nname = \"two\"\ncategory = \"synthetic\"\npaths = [\"x/*.jsonl\"]\n",
    );
    let r = run_in(dir.path(), &["count", "--manifest", "sources.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("claimed by two sources") && r.stderr.contains("\"one\""),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());

    let r = run_in(dir.path(), &["count", "x", "x/a.jsonl"]);
    assert_eq!(r.code, 2, "overlapping PATH arguments: {}", r.stderr);
}

#[test]
fn fatal_problems_exit_2_and_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.toml",
        "[[source]]\nname = \"a\"\ncategory = \"public\"\npaths = [\"x\"]\nweight = 3\n",
    );
    write(
        dir.path(),
        "cat.toml",
        "[[source]]\nname = \"a\"\ncategory = \"scraped\"\npaths = [\"x\"]\n",
    );
    write(dir.path(), "tok.json", "{\"not\": \"a tokenizer\"}");
    write(dir.path(), "a.jsonl", "{\"text\":\"a\"}\n");
    let cases: [(&[&str], &str); 7] = [
        (&["count"], "nothing to count"),
        (&["count", "no/such/path"], "no such file"),
        (&["count", "--manifest", "bad.toml"], "line 5"),
        (&["count", "--manifest", "cat.toml"], "scraped"),
        (&["count", "--manifest", "missing.toml"], "missing.toml"),
        (
            &["count", "--tokenizer", "tok.json", "a.jsonl"],
            "cannot load tokenizer",
        ),
        (&["count", "--threads", "0", "a.jsonl"], "at least 1"),
    ];
    for (args, needle) in cases {
        let r = run_in(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(needle),
            "{args:?} should mention {needle:?}: {}",
            r.stderr
        );
    }
    let r = run_in(dir.path(), &["count", "--format", "yaml", "a.jsonl"]);
    assert_eq!(r.code, 2, "clap rejects unknown values");
}

#[test]
fn formats_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let out_s = out.display().to_string();
    let r = run(&[
        "count",
        "--format",
        "json",
        "--output",
        &out_s,
        "fixtures/edge/edge.jsonl",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let tokens = report["totals"]["tokens"].as_u64().unwrap();
    let expected = expected();
    assert_eq!(
        tokens,
        u64_at(
            oracle(&expected, "llama3", "plain", "edge/edge.jsonl"),
            "tokens"
        )
    );

    let table = run(&["count", "fixtures/edge/edge.jsonl"]);
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.contains("llama3 tokenizer") && table.stdout.contains("total"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains(&tokencensus::report::render::human_count(tokens)),
        "{}",
        table.stdout
    );

    for column in ["min", "mean", "p50", "p90", "p99", "max", "bytes/tok"] {
        let header = table
            .stdout
            .lines()
            .find(|l| l.starts_with("source"))
            .unwrap();
        assert!(
            header.split_whitespace().any(|w| w == column),
            "table lacks {column}: {header}"
        );
    }

    let md = run(&[
        "count",
        "--format",
        "markdown",
        "--manifest",
        "fixtures/sample/sources.toml",
    ]);
    assert_eq!(md.code, 0);
    assert!(
        md.stdout.contains("| kernel-docs | public |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("| **Total** |"));
    assert!(
        md.stdout
            .contains("| Source | Min | Mean | p50 | p90 | p99 | Max |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("Input bytes"), "{}", md.stdout);
    let total = count_json(&["--manifest", "fixtures/sample/sources.toml"], 0)["totals"]["tokens"]
        .as_u64()
        .unwrap();
    assert!(
        md.stdout
            .contains(&tokencensus::report::render::thousands(total)),
        "exact total in markdown"
    );
}

#[test]
fn help_lists_every_flag_the_readme_and_docs_show() {
    let help = [
        "count", "estimate", "merge", "combine", "diff", "report", "verify", "bench",
    ]
    .map(|sub| run(&[sub, "--help"]).stdout)
    .concat();
    let mut readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            readme += &std::fs::read_to_string(path).unwrap();
        }
    }
    for flag in readme
        .split(|c: char| c.is_whitespace() || "`|[](),".contains(c))
        .filter(|w| w.starts_with("--"))
    {
        let flag = flag.split('=').next().unwrap();
        if flag.len() > 2
            && !["--release", "--all-targets", "--check", "--"].contains(&flag)
            && !flag.starts_with("---")
        {
            let known = help.contains(flag)
                || flag == "--help"
                || flag == "--version"
                || flag == "--bench"
                || flag == "--test"
                || flag == "--workspace"
                || flag == "--manifest-path"
                || flag == "--path" // cargo install's, in the install notes
                || flag == "--array" // sbatch's, in the Slurm notes
                || flag == "--source" // examples/ray/count_with_ray.py's, in docs/python.md
                || flag == "--num-cpus"
                || flag == "--jsonld" // mlcroissant's, in docs/publishing.md
                || flag == "--single-thread" // zstd's, in docs/performance.md
                || flag == "--tool" // valgrind's, in docs/performance.md
                || flag == "--cache-sim"
                || flag == "--LL";
            assert!(
                known,
                "README or docs/ show {flag}, which no subcommand's --help knows"
            );
        }
    }
}

#[test]
fn manifest_paths_resolve_however_they_are_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "data/a.jsonl", "{\"text\":\"alpha\"}\n");
    write(d, "data/sub/b.jsonl", "{\"text\":\"beta\"}\n");
    write(d, "data/sub/notes.md", "unclaimed\n");
    write(d, "other/o.jsonl", "{\"text\":\"omega\"}\n");
    write(d, "odd[v1]/c.jsonl", "{\"text\":\"gamma\"}\n");
    std::os::unix::fs::symlink("data", d.join("dlink")).unwrap();
    write(
        d,
        "man/s.toml",
        "[[source]]\nname = \"up\"\ncategory = \"public\"\npaths = [\"../data/*.jsonl\", \"../data/sub/*.jsonl\"]\n\n\
         [[source]]\nname = \"slash\"\ncategory = \"licensed\"\npaths = [\"../other/\"]\n",
    );
    write(
        d,
        "odd[v1]/s.toml",
        "[[source]]\nname = \"odd\"\ncategory = \"public\"\npaths = [\"*.jsonl\"]\n",
    );
    let r = run_in(
        d,
        &[
            "count",
            "--format",
            "json",
            "--manifest",
            "man/s.toml",
            "data",
            "./dlink/",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    assert_eq!(source(&report, "up")["files"], 2);
    assert_eq!(
        source(&report, "slash")["files"],
        1,
        "a trailing slash names the folder"
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        1,
        "the unclaimed file once, the linked copies not at all: {errors:?}"
    );
    assert_eq!(errors[0]["path"], "data/sub/notes.md");

    let r = run_in(
        d,
        &["count", "--format", "json", "--manifest", "odd[v1]/s.toml"],
    );
    assert_eq!(
        r.code, 0,
        "glob characters in the manifest's folder are literal: {}",
        r.stderr
    );
    assert_eq!(source(&r.json(), "odd")["documents"], 1);

    let r = run_in(d, &["count", "--format", "json", "data", "./data/"]);
    assert_eq!(r.code, 0, "the same PATH twice is one source: {}", r.stderr);
    assert_eq!(r.json()["sources"].as_array().unwrap().len(), 1);
}

#[test]
fn report_renders_a_saved_census_as_count_would() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("census.json");
    let saved = saved.to_str().unwrap();
    let manifest = ["--manifest", "fixtures/sample/sources.toml"];
    let mut args = vec!["count", "-q", "--format", "json", "-o", saved];
    args.extend(manifest);
    assert_eq!(run(&args).code, 0);
    for format in ["table", "markdown", "json", "eu-summary", "html"] {
        let mut direct = vec!["count", "-q", "--format", format];
        direct.extend(manifest);
        let rendered = run(&["report", saved, "--format", format]);
        assert_eq!(rendered.code, 0, "{}", rendered.stderr);
        if format == "json" {
            assert_eq!(
                census_only(rendered.json()),
                census_only(run(&direct).json())
            );
        } else {
            assert_eq!(rendered.stdout, run(&direct).stdout, "{format}");
        }
    }
    std::fs::write(dir.path().join("junk.json"), "[1, 2]").unwrap();
    let junk = dir.path().join("junk.json");
    let r = run(&["report", junk.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a tokencensus JSON report"),
        "{}",
        r.stderr
    );
}

/// A manifest whose pattern matches only itself counts nothing; `--quiet` hides warnings, but
/// not the ones that explain an empty census. With other files it stays quiet.
#[test]
fn quiet_still_says_why_nothing_was_counted() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "[[source]]\nname = \"all\"\ncategory = \"public\"\npaths = [\"*\"]\n";
    write(dir.path(), "sources.toml", manifest);
    let empty = run_in(dir.path(), &["count", "-q", "--manifest", "sources.toml"]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(
        empty
            .stderr
            .contains("sources.toml matches source \"all\"'s patterns; it is not counted"),
        "{}",
        empty.stderr
    );
    write(dir.path(), "a.jsonl", "{\"text\": \"hello\"}\n");
    let counted = run_in(dir.path(), &["count", "-q", "--manifest", "sources.toml"]);
    assert_eq!((counted.code, counted.stderr.as_str()), (0, ""));
    let loud = run_in(dir.path(), &["count", "--manifest", "sources.toml"]);
    assert!(
        loud.stderr.contains("matches source \"all\""),
        "{}",
        loud.stderr
    );
}
