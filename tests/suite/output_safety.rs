//! What a report lets through: control characters in file and source names are escaped in
//! every format a terminal may show (table, Markdown, eu-summary, HTML, the stderr summary and
//! warnings), so that a name cannot clear the screen or fake a line; and a report's integrity
//! digest, which `merge` and `report` check, so that a part whose errors were deleted or whose
//! figures were edited is refused by name (and the recipe in `docs/report.md` checks it too).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// A corpus whose file and source names hold an escape sequence, a carriage return, a line
/// break and a right-to-left override, with one malformed line so that the file is named in
/// the errors; returns the manifest's path.
fn hostile_corpus(dir: &Path) -> String {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let name = "evil\u{1b}[2J\r\nfake line\u{202e}.jsonl";
    std::fs::write(data.join(name), "{\"text\": \"hello\"}\nnot json\n").unwrap();
    let manifest = dir.join("sources.toml");
    std::fs::write(
        &manifest,
        "[[source]]\nname = \"web\\u001b[31m\\r\\nred\"\ncategory = \"crawled\"\npaths = [\"data/**\"]\n\n\
         [[source]]\nname = \"empty\\u0007\"\ncategory = \"public\"\npaths = [\"nothing/*.jsonl\"]\n",
    )
    .unwrap();
    manifest.display().to_string()
}

/// Whether `text` holds a character that must not reach a terminal raw (line breaks aside).
fn has_raw_control(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
}

#[test]
fn names_with_control_characters_are_escaped_in_every_human_format_and_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = hostile_corpus(dir.path());
    for format in ["table", "markdown", "eu-summary", "html"] {
        let r = run_in(
            dir.path(),
            &["count", "--manifest", &manifest, "--format", format],
        );
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        for (what, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
            assert_eq!(
                has_raw_control(text),
                None,
                "{format} {what} prints a control character raw:\n{text}"
            );
        }
        assert!(
            r.stdout.contains("web\\u{1b}[31m\\r\\nred") || format != "table",
            "{format}: the source name is shown escaped:\n{}",
            r.stdout
        );
        // The summary line names the file, escaped, and stays one line.
        let summary: Vec<&str> = (r.stderr.lines())
            .filter(|l| l.contains("input error"))
            .collect();
        assert_eq!(summary.len(), 1, "{}", r.stderr);
        assert!(
            summary[0].contains("evil\\u{1b}[2J\\r\\nfake line\\u{202e}.jsonl:2"),
            "{}",
            summary[0]
        );
        // The warning about the source that matched nothing names it escaped.
        assert!(
            r.stderr.contains("source \"empty\\u{7}\" matched no files"),
            "{}",
            r.stderr
        );
    }
    // JSON keeps the names exact (JSON escapes them itself).
    let report = count_json_in(dir.path(), &["--manifest", &manifest], 1);
    assert_eq!(report["sources"][0]["name"], "web\u{1b}[31m\r\nred");
    assert!((report["errors"][0]["path"].as_str().unwrap()).ends_with("fake line\u{202e}.jsonl"));
}

#[test]
fn markdown_cells_stay_on_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = hostile_corpus(dir.path());
    let r = run_in(
        dir.path(),
        &["count", "--manifest", &manifest, "--format", "markdown"],
    );
    let row = (r.stdout.lines())
        .find(|l| l.starts_with("| web"))
        .unwrap_or_else(|| panic!("no row of source web:\n{}", r.stdout));
    assert!(row.ends_with('|'), "the row is cut by the name: {row}");
    assert!(row.contains("web\\\\u{1b}\\[31m\\\\r\\\\nred"), "{row}");
}

/// Two shard parts of a corpus with an input error in each, written as `p0.json` and `p1.json`
/// in `dir`.
fn shard_parts(dir: &Path) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for (name, text) in [
        ("a", "alpha"),
        ("b", "beta"),
        ("c", "gamma"),
        ("d", "delta"),
    ] {
        let body = format!("{{\"text\": \"{text} one\"}}\nbroken\n{{\"text\": \"{text} two\"}}\n");
        std::fs::write(data.join(format!("{name}.jsonl")), body).unwrap();
    }
    for shard in ["0", "1"] {
        let out = format!("p{shard}.json");
        let args = [
            "count",
            "-q",
            "data",
            "--shard",
            &format!("{shard}/2"),
            "--format",
            "json",
            "-o",
            &out,
        ];
        assert!(run_in(dir, &args).code <= 1);
    }
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn merge_and_report_refuse_an_altered_part_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shard_parts(d);
    let part = read(&d.join("p1.json"));
    assert_eq!(part["integrity"]["method"], "sha256-canonical-json-v1");
    // The errors deleted, the totals made to agree.
    let mut no_errors = part.clone();
    no_errors["errors"] = Value::Array(Vec::new());
    no_errors["totals"]["errors"] = 0.into();
    std::fs::write(d.join("no-errors.json"), no_errors.to_string()).unwrap();
    // A thousand tokens more, in the source, its category and the totals alike.
    let mut edited = part.clone();
    for pointer in [
        "/sources/0/tokens",
        "/categories/0/tokens",
        "/totals/tokens",
    ] {
        let tokens = edited.pointer_mut(pointer).unwrap();
        *tokens = (tokens.as_u64().unwrap() + 1000).into();
    }
    std::fs::write(d.join("edited.json"), edited.to_string()).unwrap();
    let mut unsealed = no_errors.clone();
    unsealed.as_object_mut().unwrap().remove("integrity");
    std::fs::write(d.join("unsealed.json"), unsealed.to_string()).unwrap();
    for (name, needle) in [
        (
            "no-errors.json",
            "no-errors.json: it was altered after it was written",
        ),
        (
            "edited.json",
            "edited.json: it was altered after it was written",
        ),
        (
            "unsealed.json",
            "cannot merge: unsealed.json carries no integrity digest",
        ),
    ] {
        let r = run_in(d, &["merge", "p0.json", name]);
        assert_eq!(r.code, 2, "{name} must be refused: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
    }
    for name in ["no-errors.json", "edited.json"] {
        let r = run_in(d, &["report", name]);
        assert_eq!(r.code, 2, "{name}");
        assert!(
            r.stderr.contains(&format!("{name}: it was altered")),
            "{}",
            r.stderr
        );
    }
    // Without a digest, `report` renders it and says it is unverified.
    let r = run_in(d, &["report", "unsealed.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("unsealed.json carries no integrity digest"),
        "{}",
        r.stderr
    );
    // The parts as written merge, and the merged report is sealed.
    let r = run_in(d, &["merge", "p0.json", "p1.json", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["totals"]["errors"], 4);
    assert!(r.json()["integrity"]["sha256"].is_string());
}

#[test]
fn the_digest_is_the_census_not_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    shard_parts(d);
    let digest = |report: &Value| report["integrity"]["sha256"].as_str().unwrap().to_string();
    let fast = count_json_in(d, &["data"], 1);
    let slow = count_json_in(
        d,
        &["data", "-j", "1", "--no-mmap", "--chunk-size", "64"],
        1,
    );
    assert_ne!(fast["run"], slow["run"]);
    assert_eq!(digest(&fast), digest(&slow));
    // Rendered again as JSON, a report keeps its digest; another corpus has another.
    std::fs::write(d.join("fast.json"), fast.to_string()).unwrap();
    let again = run_in(d, &["report", "fast.json", "--format", "json"]);
    assert_eq!(digest(&again.json()), digest(&fast));
    assert_ne!(digest(&read(&d.join("p0.json"))), digest(&fast));
}

/// The Python recipe of `docs/report.md` (the `python` block of its `integrity` section).
fn documented_recipe() -> String {
    let text = std::fs::read_to_string(root().join("docs/report.md")).unwrap();
    let section = &text[text
        .find("## `integrity`")
        .expect("docs/report.md: ## `integrity`")..];
    let block = &section[section.find("```python\n").expect("a python block") + 10..];
    block[..block.find("```").unwrap()].to_string()
}

#[test]
fn the_documented_python_recipe_checks_a_digest() {
    let Some(python) = tool_or_skip(
        &["python3"],
        (
            "TOKENCENSUS_REQUIRE_PYTHON3",
            "apt-get install python3-minimal",
        ),
        "the Python recipe of docs/report.md was NOT checked",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let recipe = dir.path().join("check.py");
    std::fs::write(&recipe, documented_recipe()).unwrap();
    // A report with floats, escapes and non-ASCII names: the disclosure fixture, and it edited.
    let fixture = root().join("fixtures/reports/disclosure.json");
    let mut edited = read(&fixture);
    edited["errors"][0]["message"] = "changed".into();
    let edited_path = dir.path().join("edited.json");
    std::fs::write(&edited_path, edited.to_string()).unwrap();
    let hostile = dir.path().join("hostile");
    std::fs::create_dir_all(&hostile).unwrap();
    let manifest = hostile_corpus(&hostile);
    let counted = hostile.join("counted.json");
    let args = [
        "count",
        "-q",
        "--manifest",
        &manifest,
        "--format",
        "json",
        "-o",
    ];
    let mut args = args.to_vec();
    args.push(counted.to_str().unwrap());
    run_in(&hostile, &args);
    for (path, expected) in [
        (&fixture, "intact"),
        (&counted, "intact"),
        (&edited_path, "ALTERED"),
    ] {
        let out = std::process::Command::new(&python)
            .arg(&recipe)
            .arg(path)
            .output()
            .expect("python3 runs");
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            said.trim(),
            expected,
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
