//! Issue 20, machine-readable disclosure: the croissant format validates with the real
//! `mlcroissant validate --jsonld`, and the hf-card format parses with `huggingface_hub`'s
//! `DatasetCard` with the metadata the census knows. Both tools go into a private environment
//! (`common::venv`, shared by every clone) from `tests/disclosure/requirements.txt` (pinned); without
//! python3 or PyPI the tests skip with the reason, unless `TOKENCENSUS_REQUIRE_DISCLOSURE_TOOLS=1`
//! (set by `.ci/run`).

use crate::common::venv::{Venv, output_bounded};
use crate::common::{count_json_in, root, run_in};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// One validation or parse must finish within this.
const TOOL_LIMIT: Duration = Duration::from_secs(120);

/// The environment's `bin/`, provisioned once for the tests of this module.
fn tools() -> Option<&'static PathBuf> {
    static BIN: OnceLock<Option<PathBuf>> = OnceLock::new();
    BIN.get_or_init(|| {
        Venv {
            name: "disclosure-tools",
            requirements: root().join("tests/disclosure/requirements.txt"),
            require_variable: "TOKENCENSUS_REQUIRE_DISCLOSURE_TOOLS",
            limit: Duration::from_secs(15 * 60),
        }
        .bin()
    })
    .as_ref()
}

/// The signals fixture counted with every signal, written to `dir/census.json`.
fn signals_census(dir: &Path) -> Value {
    for file in [
        "sources.toml",
        "web.jsonl",
        "forum.jsonl",
        "multilingual.jsonl",
    ] {
        std::fs::copy(root().join("fixtures/signals").join(file), dir.join(file)).unwrap();
    }
    let census = count_json_in(dir, &["--manifest", "sources.toml"], 0);
    std::fs::write(dir.join("census.json"), census.to_string()).unwrap();
    census
}

/// Runs `mlcroissant validate --jsonld FILE`; panics with its output unless it passes with no
/// warning but the recommended properties a census cannot know.
fn validate(bin: &Path, file: &Path) {
    let (ok, stdout, stderr) = output_bounded(
        Command::new(bin.join("mlcroissant"))
            .args(["validate", "--jsonld"])
            .arg(file),
        TOOL_LIMIT,
    );
    assert!(
        ok,
        "mlcroissant refused {}:\n{stdout}\n{stderr}",
        file.display()
    );
    assert!(!stderr.contains("not standard"), "{stderr}");
    for line in stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("-  ["))
    {
        let unknowable = ["citeAs", "datePublished", "license", "version"]
            .iter()
            .any(|p| line.contains(&format!("{p}\" is recommended, but does not exist")));
        assert!(unknowable, "unexpected warning: {line}");
    }
}

#[test]
fn croissant_validates_with_mlcroissant() {
    let Some(bin) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let census = signals_census(dir.path());
    let written = run_in(
        dir.path(),
        &[
            "report",
            "census.json",
            "--format",
            "croissant",
            "-o",
            "croissant.json",
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    validate(bin, &dir.path().join("croissant.json"));
    let croissant: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("croissant.json")).unwrap())
            .unwrap();
    assert_eq!(croissant["name"], "sources");
    let sets = croissant["distribution"].as_array().unwrap();
    assert_eq!(sets.len(), 3);
    assert_eq!(sets[0]["includes"][0], "web.jsonl");
    assert_eq!(sets[0]["encodingFormat"][0], "application/jsonlines");
    let tokens = &croissant["variableMeasured"][0];
    assert_eq!(tokens["value"], census["totals"]["tokens"]);
    let sha = census["tokenizer"]["sha256"].as_str().unwrap();
    assert!(tokens["description"].as_str().unwrap().contains(sha));
    assert!(
        croissant["rai:personalSensitiveInformation"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    assert!(
        croissant["rai:dataPreprocessingProtocol"][0]
            .as_str()
            .unwrap()
            .contains("not removed")
    );
    assert_eq!(
        croissant["rai:dataCollectionType"][0],
        "Secondary Data Analysis"
    );

    // The bundled census with months, media and no file lists: timeframe, no distribution.
    let example = root().join("fixtures/reports/disclosure.json");
    let out = dir.path().join("example.json");
    let written = run_in(
        dir.path(),
        &[
            "report",
            example.to_str().unwrap(),
            "--format",
            "croissant",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(written.code <= 1, "{}", written.stderr);
    validate(bin, &out);
    let example: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(example.get("distribution").is_none());
    let timeframe = example["rai:dataCollectionTimeframe"].as_array().unwrap();
    assert_eq!(timeframe.len(), 2);

    // An estimate: every planned file in the distribution, the estimates with their
    // intervals, and nothing the sample cannot tell about the corpus (sizes, timeframe).
    let written = run_in(
        dir.path(),
        &[
            "estimate",
            "--manifest",
            "sources.toml",
            "--sample",
            "0.5",
            "--format",
            "json",
            "-o",
            "estimate.json",
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let estimate: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("estimate.json")).unwrap())
            .unwrap();
    let out = dir.path().join("estimate.croissant.json");
    let written = run_in(
        dir.path(),
        &[
            "report",
            "estimate.json",
            "--format",
            "croissant",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    validate(bin, &out);
    let described: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let sets = described["distribution"].as_array().unwrap();
    assert_eq!(sets.len(), 3);
    assert!(
        sets.iter().all(|s| s.get("contentSize").is_none()),
        "{sets:?}"
    );
    let tokens = &described["variableMeasured"][0];
    let estimated = &estimate["totals"]["estimate"];
    assert_eq!(tokens["value"], estimated["tokens"]);
    assert_eq!(tokens["minValue"], estimated["low"]);
    assert_eq!(tokens["maxValue"], estimated["high"]);
    assert!(described.get("rai:dataCollectionTimeframe").is_none());
}

#[test]
fn hf_card_parses_with_huggingface_hub() {
    let Some(bin) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let census = signals_census(dir.path());
    let written = run_in(
        dir.path(),
        &[
            "count",
            "-q",
            "--manifest",
            "sources.toml",
            "--format",
            "hf-card",
            "-o",
            "README.md",
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let (ok, stdout, stderr) = output_bounded(
        Command::new(bin.join("python"))
            .arg(root().join("tests/disclosure/read_card.py"))
            .arg(dir.path().join("README.md")),
        TOOL_LIMIT,
    );
    assert!(
        ok,
        "DatasetCard could not read the card:\n{stdout}\n{stderr}"
    );
    let card: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(card["pretty_name"], "sources");
    assert_eq!(card["license"], "[FILL IN]");
    let documents = census["totals"]["documents"].as_u64().unwrap();
    assert!(documents < 1000);
    assert_eq!(card["size_categories"], serde_json::json!(["n<1K"]));
    let configs = card["configs"].as_array().unwrap();
    let names: Vec<&str> = configs
        .iter()
        .map(|c| c["config_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web", "forum", "multilingual"]);
    assert_eq!(configs[0]["data_files"][0]["path"], "web.jsonl");
    assert!(card["language"].as_array().is_some_and(|l| !l.is_empty()));
    assert!(
        card["text"]
            .as_str()
            .unwrap()
            .contains("## Training data: token census")
    );
}
