//! Helpers for the integration tests: run the binary from the project root (with the suite's
//! compiled-route cache), read JSON reports and the oracle's expected counts; the
//! disclosure fixture's builder.

pub mod browser;
pub mod fixture_tokenizers;
pub mod report_fixture;
pub mod report_specs;
pub mod s3;
pub mod venv;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The project root, where `fixtures/` lives.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The environment variables that make `count` count one shard.
pub const SHARD_VARIABLES: [&str; 7] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
    "TOKENCENSUS_SHARD_COUNT",
];

/// The result of one run of the binary.
pub struct Run {
    /// Exit status code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as a JSON report.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

/// The suite's compiled-route cache folder, made on first use.
static CACHE_HOME: OnceLock<PathBuf> = OnceLock::new();

/// The `XDG_CACHE_HOME` of every command the tests run: one folder per run of the suite (empty
/// when the run starts, `target/tmp/suite-cache-home-PID`), shared by its tests as a user's runs
/// share the platform cache folder, so that each tokenizer is compiled once per run instead of
/// once per test (compiling Gemma 3 takes seconds in a test build). Entries are keyed by the
/// tokenizer's SHA-256 and written by rename, so tests running at once share them safely; the
/// tests of the cache itself (`compiled_cache.rs`) give their commands folders of their own.
/// Folders of earlier runs whose process has ended are removed.
pub fn test_cache_home() -> PathBuf {
    CACHE_HOME
        .get_or_init(|| {
            let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
            remove_ended_runs_cache_homes(tmp);
            let dir = tmp.join(format!("suite-cache-home-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("a cache folder for the suite");
            dir
        })
        .clone()
}

/// Removes the cache folders of earlier suite runs whose process no longer exists (where
/// `/proc` tells; elsewhere they stay).
fn remove_ended_runs_cache_homes(tmp: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("suite-cache-home-"))
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A command running the built binary with the suite's cache folder
/// ([`test_cache_home`]) and otherwise the test's environment.
pub fn tokencensus_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tokencensus"));
    command.env("XDG_CACHE_HOME", test_cache_home());
    command
}

/// A command running the built binary ([`tokencensus_command`]), without the scheduler's
/// shard variables (a test run inside a job array must not shard the counts it checks).
pub fn binary() -> Command {
    let mut command = tokencensus_command();
    for var in SHARD_VARIABLES {
        command.env_remove(var);
    }
    command
}

/// Runs `tokencensus ARGS...` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = binary()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `tokencensus ARGS...` from the project root.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args)
}

/// Runs `count --format json --quiet ARGS...` from the project root and returns the report,
/// asserting the exit code.
pub fn count_json(args: &[&str], expected_code: i32) -> Value {
    count_json_in(&root(), args, expected_code)
}

/// Runs `count --format json --quiet ARGS...` in `dir` and returns the report, asserting the
/// exit code.
pub fn count_json_in(dir: &Path, args: &[&str], expected_code: i32) -> Value {
    let mut all = vec!["count", "--format", "json", "--quiet"];
    all.extend_from_slice(args);
    let r = run_in(dir, &all);
    assert_eq!(
        r.code, expected_code,
        "exit code of {all:?}; stderr: {}",
        r.stderr
    );
    r.json()
}

/// The first of `names` found on PATH, or `None` after saying loudly on stderr that `skipped`
/// (a failure instead when the variable `require.0` is `1`; `require.1` says how to install it).
pub fn tool_or_skip(names: &[&str], require: (&str, &str), skipped: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
            .find(|candidate| candidate.is_file())
    });
    let (variable, install) = require;
    if found.is_none() {
        let required = std::env::var(variable).as_deref() == Ok("1");
        assert!(
            !required,
            "{variable}=1 but no {} on PATH ({install})",
            names[0]
        );
        // Straight to stderr, past the test harness's capture: a skip must be seen.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: {skipped}: no `{}` on PATH ({install}; set {variable}=1 to make this a failure) ***\n",
            names[0]
        );
    }
    found
}

/// `report` with its integrity digest computed anew: a report a test built or edited, sealed as
/// `count` seals what it writes (so that `report` and `merge` take it).
pub fn sealed(mut report: Value) -> Value {
    let integrity = tokencensus::report::integrity::Integrity::of_json(&report);
    report["integrity"] = serde_json::to_value(integrity).unwrap();
    report
}

/// The exit status `report` and `merge` give a report: 1 when it lists input errors, else 0.
pub fn status_of(report: &Value) -> i32 {
    i32::from(report["errors"].as_array().is_some_and(|e| !e.is_empty()))
}

/// The report without its `run` section (threads, reading mode, time, and whether it is a
/// shard, a merge or an estimate), which may differ, and without the integrity digest, which
/// covers part of `run` (a merge's digest is not a single count's).
pub fn census_only(mut report: Value) -> Value {
    let members = report.as_object_mut().unwrap();
    members.remove("run");
    members.remove("integrity");
    report
}

/// `census` with each source's file fingerprints left out, and only them: a fingerprint covers
/// the file's path and its modification time or ETag, which legitimately differ between local
/// disk and a bucket; every figure and the rest of `file_set` (how many files, their extensions
/// and where they lie, paths spelled as URLs by the caller) are still compared.
pub fn without_fingerprints(mut census: Value) -> Value {
    for source in census["sources"].as_array_mut().unwrap() {
        let name = source["name"].to_string();
        let files = source["file_set"].as_object_mut();
        let files = files.unwrap_or_else(|| panic!("source {name} lists no files"));
        let fingerprints = files.remove("fingerprints").unwrap();
        assert_eq!(
            fingerprints.as_str().unwrap().len() as u64,
            16 * files["count"].as_u64().unwrap()
        );
    }
    census
}

/// `fixtures/expected.json`: counts recorded with the Python `tokenizers` package.
pub fn expected() -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The source named `name` in a report.
pub fn source<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no source {name} in {report}"))
}

/// The value at `path` in `value`: keys separated by dots, array positions as numbers
/// (`"totals.tokens"`, `"sources.0.by_modality.text"`). A missing key panics, naming the path
/// and what is there instead, so that comparing two reports never passes on `null == null`
/// when a field was renamed or dropped on both sides. A key present with the value `null` is
/// returned as it is.
#[track_caller]
pub fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    let mut here = value;
    for (depth, key) in path.split('.').enumerate() {
        let next = match here {
            Value::Object(map) => map.get(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        here = next.unwrap_or_else(|| {
            let parent = path.split('.').take(depth).collect::<Vec<_>>().join(".");
            panic!(
                "no `{path}`: no `{key}` in `{parent}`, which is {}",
                describe(here)
            )
        });
    }
    here
}

/// The unsigned integer at `path` in `value` (see [`at`]); panics if it is not one.
#[track_caller]
pub fn u64_at(value: &Value, path: &str) -> u64 {
    let found = at(value, path);
    found
        .as_u64()
        .unwrap_or_else(|| panic!("`{path}` is {found}, not an unsigned integer"))
}

/// A short description of `value` for a panic message: the keys of an object, the length of an
/// array, a scalar itself.
fn describe(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            format!("an object with keys {keys:?}")
        }
        Value::Array(items) => format!("an array of length {}", items.len()),
        other => other.to_string(),
    }
}

/// The oracle's counts of `file` (a path under `fixtures/`) for `tokenizer` in `mode`
/// (`"plain"` or `"special"`), from [`expected`]; panics naming what is missing. File names hold
/// dots, so they are looked up here rather than through [`at`].
#[track_caller]
pub fn oracle<'a>(expected: &'a Value, tokenizer: &str, mode: &str, file: &str) -> &'a Value {
    at(expected, &format!("tokenizers.{tokenizer}.{mode}"))
        .get(file)
        .unwrap_or_else(|| {
            panic!("fixtures/expected.json has no {tokenizer} {mode} counts of {file}")
        })
}

/// The tokenizers the tests use: the five vendored real ones and the Unigram one trained on the
/// sample corpus.
pub const TOKENIZERS: [&str; 6] = [
    "llama3",
    "gpt4o",
    "qwen3",
    "gemma3",
    "minilm",
    "unigram-sample",
];

/// The vendored tokenizer file of `name`.
pub fn tokenizer_path(name: &str) -> String {
    format!("fixtures/tokenizers/{name}.tokenizer.json.zst")
}

/// The `tokenizer.json` text of the vendored tokenizer `name`.
pub fn tokenizer_json(name: &str) -> String {
    let packed = std::fs::read(root().join(tokenizer_path(name))).unwrap();
    String::from_utf8(zstd::decode_all(&packed[..]).unwrap()).unwrap()
}

/// A Llama 3 tokenizer whose Split regex was changed (it gains a useless alternative), so that no
/// fast route recognises it: written into `dir`, its path returned.
pub fn unrecognised_tokenizer(dir: &Path) -> String {
    let json = tokenizer_json("llama3");
    let changed = json.replacen(r#"|\\s+(?!\\S)|\\s+""#, r#"|\\s+(?!\\S)|\\s+|\\s""#, 1);
    assert_ne!(changed, json, "the regex must have been found and changed");
    let path = dir.join("changed.tokenizer.json");
    std::fs::write(&path, changed).unwrap();
    path.display().to_string()
}

#[cfg(test)]
mod strict_lookup {
    use super::*;
    use serde_json::json;

    #[test]
    fn at_follows_keys_and_array_positions_and_keeps_a_present_null() {
        let report = json!({"sources": [{"by_modality": {"text": {"tokens": 7}}}], "x": null});
        assert_eq!(at(&report, "sources.0.by_modality.text.tokens"), 7);
        assert_eq!(u64_at(&report, "sources.0.by_modality.text.tokens"), 7);
        assert!(at(&report, "x").is_null());
    }

    #[test]
    #[should_panic(expected = "no `totals.tokens`: no `tokens` in `totals`")]
    fn a_key_missing_on_both_sides_fails_instead_of_comparing_null_with_null() {
        let (a, b) = (
            json!({"totals": {"tokenz": 1}}),
            json!({"totals": {"tokenz": 1}}),
        );
        assert_eq!(
            a["totals"]["tokens"], b["totals"]["tokens"],
            "indexing lets this pass"
        );
        let _ = at(&a, "totals.tokens") == at(&b, "totals.tokens");
    }

    #[test]
    #[should_panic(expected = "no `sources.1`: no `1` in `sources`, which is an array of length 1")]
    fn a_position_past_the_end_fails() {
        at(&json!({"sources": [0]}), "sources.1");
    }
}
