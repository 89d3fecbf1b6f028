//! What a report lets through: control characters in file and source names are escaped in
//! every format a terminal may show (table, Markdown, eu-summary, HTML, the stderr summary and
//! warnings), so that a name cannot clear the screen or fake a line.

use crate::common::*;
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
