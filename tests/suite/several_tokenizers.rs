//! Several tokenizers in one pass: each tokenizer's figures in a run with several equal those
//! of a separate run with that tokenizer alone (tokens, text tokens, bytes per token, tokens
//! per document and its histogram, tokens per month and year, per source, category and in
//! total), for every tokenizer of `fixtures/tokenizers` on the sample corpus, dated records
//! with media, and chat records with a template; the primary tokenizer's figures are the
//! single run's, byte for byte. Shards merged and a resumed checkpoint give the same report; a
//! changed tokenizer list does not reuse a checkpoint; parts counted with different lists do
//! not merge; the same tokenizer twice is refused; estimates carry an estimate per tokenizer;
//! every human-readable format shows the comparison.

use crate::common::{at, census_only, root, run, run_in};
use serde_json::Value;

/// Every tokenizer of `fixtures/tokenizers`, in name order.
fn fixture_tokenizers() -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root().join("fixtures/tokenizers"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tokenizer.json.zst"))
        .map(|name| format!("fixtures/tokenizers/{name}"))
        .collect();
    found.sort();
    assert!(found.len() >= 6, "{found:?}");
    found
}

/// The three tokenizers of the benchmark: Llama 3, Gemma 3, Qwen3.
fn three() -> Vec<String> {
    ["llama3", "gemma3", "qwen3"]
        .map(|n| format!("fixtures/tokenizers/{n}.tokenizer.json.zst"))
        .to_vec()
}

/// `--tokenizer T` for each of `tokenizers`.
fn tokenizer_args(tokenizers: &[String]) -> Vec<String> {
    tokenizers
        .iter()
        .flat_map(|t| ["--tokenizer".to_string(), t.clone()])
        .collect()
}

/// `count --format json -q` of `corpus` with `tokenizers`: the exit status and the report.
fn count(corpus: &[&str], tokenizers: &[String], extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["count", "--format", "json", "-q"];
    args.extend_from_slice(corpus);
    let tokenizers = tokenizer_args(tokenizers);
    args.extend(tokenizers.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let r = run(&args);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    (r.code, r.json())
}

/// Every tally of a report with the path it sits at: totals, each source, each category.
fn tallies(report: &Value) -> Vec<(String, &Value)> {
    let mut all = vec![("totals".to_string(), &report["totals"])];
    for list in ["sources", "categories"] {
        for (i, tally) in report[list].as_array().unwrap().iter().enumerate() {
            all.push((format!("{list}.{i}"), tally));
        }
    }
    all
}

/// The report without `tokenizers` and without any tally's `tokens_by_tokenizer`.
fn without_comparison(mut report: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("tokens_by_tokenizer");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    report.as_object_mut().unwrap().remove("tokenizers");
    strip(&mut report);
    report
}

/// Checks that the figures of `name` in every tally of `several` are those of `single`.
fn assert_figures_equal(several: &Value, name: &str, single: &Value, corpus: &str) {
    for ((path, tally), (_, alone)) in tallies(several).into_iter().zip(tallies(single)) {
        let entry = at(tally, &format!("tokens_by_tokenizer.{name}"));
        let place = format!("{corpus}: {name} at {path}");
        assert_eq!(entry["tokens"], alone["tokens"], "{place}: tokens");
        assert_eq!(
            entry["text_tokens"], alone["by_modality"]["text"]["tokens"],
            "{place}: text tokens"
        );
        assert_eq!(
            entry["bytes_per_token"], alone["bytes_per_token"],
            "{place}"
        );
        assert_eq!(
            entry["tokens_per_document"], alone["tokens_per_document"],
            "{place}: tokens per document"
        );
        for (period, figures) in [("by_month", "by_month"), ("by_year", "by_year")] {
            let months = alone[figures].as_object().unwrap();
            let tokens: serde_json::Map<String, Value> = months
                .iter()
                .map(|(k, v)| (k.clone(), v["tokens"].clone()))
                .collect();
            assert_eq!(entry[period], Value::Object(tokens), "{place}: {period}");
        }
        assert_eq!(
            entry["undated_tokens"], alone["undated"]["tokens"],
            "{place}"
        );
        assert_eq!(
            entry["declared_tokens"], alone["declared"]["tokens"],
            "{place}"
        );
        if path.starts_with("sources") && several["tokenizers"][0]["name"] != name {
            assert_eq!(
                entry["tokens_per_document_hdr"], alone["tokens_per_document_hdr"],
                "{place}: histogram"
            );
        }
    }
}

/// A run with `tokenizers` against a run with each alone, on `corpus`.
fn assert_each_equals_its_own_count(corpus: &[&str], tokenizers: &[String]) {
    let what = corpus.join(" ");
    let (status, several) = count(corpus, tokenizers, &[]);
    let names: Vec<&str> = several["tokenizers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), tokenizers.len(), "{what}");
    for (i, (tokenizer, name)) in tokenizers.iter().zip(&names).enumerate() {
        let (alone_status, alone) = count(corpus, std::slice::from_ref(tokenizer), &[]);
        assert_eq!(status, alone_status, "{what}: {tokenizer}");
        assert_eq!(
            several["tokenizers"][i]["sha256"], alone["tokenizer"]["sha256"],
            "{what}"
        );
        assert_figures_equal(&several, name, &alone, &what);
        if i == 0 {
            assert_eq!(several["tokenizer"], alone["tokenizer"], "{what}");
            assert_eq!(
                census_only(without_comparison(several.clone())),
                census_only(alone),
                "{what}: the primary tokenizer's figures are its own count's"
            );
        }
    }
}

#[test]
fn each_fixture_tokenizer_counts_in_one_pass_what_it_counts_alone() {
    let all = fixture_tokenizers();
    assert_each_equals_its_own_count(&["--manifest", "fixtures/sample/sources.toml"], &all);
    let dated = [
        "fixtures/provenance",
        "fixtures/media",
        "--date-field",
        "date",
        "--url-field",
        "url",
    ];
    assert_each_equals_its_own_count(&dated, &all);
}

#[test]
fn conversations_with_a_template_count_under_each_tokenizer_as_alone() {
    let chat = [
        "fixtures/chat/conversations.jsonl",
        "--chat-field",
        "messages",
        "--chat-template",
        "fixtures/tokenizers/qwen3.tokenizer_config.json.zst",
    ];
    assert_each_equals_its_own_count(&chat, &three());
    let contents = [
        "fixtures/chat/conversations.jsonl",
        "--chat-field",
        "messages",
    ];
    assert_each_equals_its_own_count(&contents, &three());
}

/// A corpus whose documents straddle chunk boundaries: dated records with URLs, bad lines
/// between good ones, a compressed stream, and a document longer than the texts a chunk keeps
/// for the tokenizers after the primary one.
fn straddling_corpus(dir: &std::path::Path) -> Vec<String> {
    for from in [
        "fixtures/provenance/records.jsonl",
        "fixtures/sample/linux-doc.jsonl",
        "fixtures/sample/fortunes.jsonl.gz",
    ] {
        let to = dir.join(from.replace('/', "-"));
        std::fs::copy(root().join(from), to).unwrap();
    }
    // Bad lines (invalid UTF-8 among them) first, then records around a long one.
    let mut mixed = std::fs::read(root().join("fixtures/bad/records.jsonl")).unwrap();
    let long = "A long line of text, repeated. ".repeat(40_000);
    let mut line = |record: serde_json::Value| mixed.extend(format!("{record}\n").bytes());
    line(serde_json::json!({"text": long, "date": "2024-02-03"}));
    for i in 0..200 {
        let text = format!("record {i}: {}", "short words ".repeat(i % 17));
        let url = format!("https://site{}.example.org/{i}", i % 5);
        line(serde_json::json!({"text": text, "url": url}));
        if i % 40 == 7 {
            line(serde_json::json!("not a record"));
        }
    }
    std::fs::write(dir.join("mixed.jsonl"), mixed).unwrap();
    vec![dir.display().to_string()]
}

#[test]
fn chunking_and_threads_change_no_figure_of_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = straddling_corpus(dir.path());
    let chat = root().join("fixtures/chat/conversations.jsonl");
    let template = root().join("fixtures/tokenizers/qwen3.tokenizer_config.json.zst");
    let (chat, template) = (chat.to_str().unwrap(), template.to_str().unwrap());
    let cases: [(Vec<&str>, &[&str]); 2] = [
        (
            corpus.iter().map(String::as_str).collect(),
            &[
                "--date-field",
                "date",
                "--url-field",
                "url",
                "--signals",
                "all",
            ],
        ),
        (
            vec![chat],
            &["--chat-field", "messages", "--chat-template", template],
        ),
    ];
    let splits = [
        ["-j", "1", "--chunk-size", "4194304"],
        ["-j", "2", "--chunk-size", "3000"],
        ["-j", "2", "--chunk-size", "65536"],
    ];
    for (paths, flags) in cases {
        let runs: Vec<(i32, Value)> = (splits.iter())
            .map(|split| {
                let extra = [flags, split.as_slice()].concat();
                let (code, report) = count(&paths, &three(), &extra);
                (code, census_only(report))
            })
            .collect();
        // Not a vacuous comparison: the corpus has over 200 records, the chat fixture 19
        // conversations (a few of them bad records).
        let documents = runs[0].1["totals"]["documents"].as_u64().unwrap();
        assert!(documents >= 10, "{flags:?}: {documents} documents");
        for run in &runs[1..] {
            assert_eq!(run, &runs[0], "{flags:?}");
        }
    }
    let mut straddling: Vec<&str> = corpus.iter().map(String::as_str).collect();
    straddling.extend(["--date-field", "date", "-j", "2", "--chunk-size", "3000"]);
    assert_each_equals_its_own_count(&straddling, &three());
}

#[test]
fn one_tokenizer_adds_nothing_to_the_report() {
    let (_, report) = count(&["fixtures/sample/docs"], &[], &[]);
    assert!(report.get("tokenizers").is_none());
    assert!(report["totals"].get("tokens_by_tokenizer").is_none());
    let table = run(&["count", "-q", "fixtures/sample/docs"]);
    assert!(
        !table.stdout.contains("Tokens by tokenizer"),
        "{}",
        table.stdout
    );
}

#[test]
fn shards_merged_and_a_resumed_checkpoint_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = root().join("fixtures/sample/sources.toml");
    let manifest = manifest.to_str().unwrap();
    let tokenizers: Vec<String> = three()
        .iter()
        .map(|t| root().join(t).display().to_string())
        .collect();
    let with = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["count", "-q", "--format", "json", "--manifest", manifest]
            .map(String::from)
            .to_vec();
        args.extend(tokenizer_args(&tokenizers));
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let go = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run_in(dir.path(), &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    let whole = go(&with(&[])).json();
    assert_eq!(whole["tokenizers"].as_array().unwrap().len(), 3);
    for shard in ["0/2", "1/2"] {
        let part = go(&with(&["--shard", shard])).stdout;
        std::fs::write(dir.path().join(format!("part-{}.json", &shard[..1])), part).unwrap();
    }
    let merged = run_in(
        dir.path(),
        &["merge", "--format", "json", "part-0.json", "part-1.json"],
    );
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(census_only(merged.json()), census_only(whole.clone()));

    let first = go(&with(&["--checkpoint", "ck"])).json();
    assert_eq!(census_only(first), census_only(whole.clone()));
    let resumed = go(&with(&["--checkpoint", "ck"])).json();
    assert!(at(&resumed, "run.resumed_files").as_u64().unwrap() > 0);
    assert_eq!(census_only(resumed), census_only(whole.clone()));

    // The same tokenizers in another order, or fewer of them: nothing is reused.
    let mut reordered = ["count", "-q", "--format", "json", "--manifest", manifest]
        .map(String::from)
        .to_vec();
    let swapped = [
        tokenizers[0].clone(),
        tokenizers[2].clone(),
        tokenizers[1].clone(),
    ];
    reordered.extend(tokenizer_args(&swapped));
    reordered.extend(["--checkpoint", "ck"].map(String::from));
    let other = go(&reordered).json();
    assert_eq!(at(&other, "run.resumed_files"), 0);
    let mut single = ["count", "-q", "--format", "json", "--manifest", manifest]
        .map(String::from)
        .to_vec();
    single.extend(tokenizer_args(&tokenizers[..1]));
    single.extend(["--checkpoint", "ck"].map(String::from));
    assert_eq!(at(&go(&single).json(), "run.resumed_files"), 0);
}

#[test]
fn parts_of_different_tokenizer_lists_do_not_merge() {
    let dir = tempfile::tempdir().unwrap();
    let [llama, gemma, qwen] = [0, 1, 2].map(|i| root().join(&three()[i]).display().to_string());
    let manifest = root()
        .join("fixtures/sample/sources.toml")
        .display()
        .to_string();
    for (shard, second) in [("0/2", &gemma), ("1/2", &qwen)] {
        let args = [
            "count",
            "-q",
            "--format",
            "json",
            "--manifest",
            &manifest,
            "--shard",
            shard,
            "--tokenizer",
            &llama,
            "--tokenizer",
            second,
            "-o",
        ];
        let out = format!("part-{}.json", &shard[..1]);
        let r = run_in(dir.path(), &[&args[..], &[out.as_str()]].concat());
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let merged = run_in(dir.path(), &["merge", "part-0.json", "part-1.json"]);
    assert_eq!(merged.code, 2, "{}", merged.stdout);
    assert!(
        merged.stderr.contains("same tokenizers in the same order"),
        "{}",
        merged.stderr
    );
    assert!(merged.stderr.contains("gemma3") && merged.stderr.contains("qwen3"));
}

#[test]
fn the_same_tokenizer_twice_is_refused() {
    let llama = "fixtures/tokenizers/llama3.tokenizer.json.zst";
    let r = run(&[
        "count",
        "fixtures/sample/docs",
        "--tokenizer",
        llama,
        "--tokenizer",
        llama,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the same tokenizer is given twice"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_estimate_carries_an_estimate_per_tokenizer() {
    let sample = ["--manifest", "fixtures/sample/sources.toml", "--seed", "5"];
    let estimate = |tokenizers: &[String]| {
        let mut args = vec!["estimate", "--format", "json", "-q"];
        args.extend_from_slice(&sample);
        let tokenizers = tokenizer_args(tokenizers);
        args.extend(tokenizers.iter().map(String::as_str));
        let r = run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()
    };
    let several = estimate(&three());
    for (i, tokenizer) in three().iter().enumerate() {
        let alone = estimate(std::slice::from_ref(tokenizer));
        let name = several["tokenizers"][i]["name"]
            .as_str()
            .unwrap()
            .to_string();
        for ((path, tally), (_, single)) in tallies(&several).into_iter().zip(tallies(&alone)) {
            let entry = at(tally, &format!("tokens_by_tokenizer.{name}"));
            assert_eq!(entry["estimate"], single["estimate"], "{name} at {path}");
        }
    }
}

#[test]
fn every_human_readable_format_shows_the_comparison() {
    let tokenizers = tokenizer_args(&three());
    for format in ["table", "markdown", "html", "eu-summary"] {
        let mut args = vec!["count", "-q", "--format", format, "fixtures/sample/docs"];
        args.extend(tokenizers.iter().map(String::as_str));
        let r = run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains("Tokens by tokenizer"),
            "{format}: {}",
            r.stdout
        );
        for name in ["llama3", "gemma3", "qwen3", "bytes per token", "vs primary"] {
            assert!(r.stdout.contains(name), "{format} lacks {name}");
        }
    }
}

#[test]
fn a_manifest_declares_its_tokenizers_and_the_command_line_overrides_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    for name in ["gemma3", "qwen3"] {
        let file = format!("{name}.tokenizer.json.zst");
        let from = root().join("fixtures/tokenizers").join(&file);
        std::fs::copy(from, dir.path().join("models").join(&file)).unwrap();
    }
    let linux = root().join("fixtures/sample/linux-doc.jsonl");
    std::fs::copy(linux, dir.path().join("linux-doc.jsonl")).unwrap();
    let manifest = "tokenizers = [\"models/gemma3.tokenizer.json.zst\", \"models/qwen3.tokenizer.json.zst\"]\n\n\
         [[source]]\nname = \"docs\"\ncategory = \"public\"\npaths = [\"linux-doc.jsonl\"]\n";
    std::fs::write(dir.path().join("sources.toml"), manifest).unwrap();
    let declared = run_in(
        dir.path(),
        &[
            "count",
            "-q",
            "--format",
            "json",
            "--manifest",
            "sources.toml",
        ],
    );
    assert_eq!(declared.code, 0, "{}", declared.stderr);
    let report = declared.json();
    assert_eq!(report["tokenizer"]["name"], "gemma3");
    assert_eq!(report["tokenizers"][1]["name"], "qwen3");
    let llama = root().join("fixtures/tokenizers/llama3.tokenizer.json.zst");
    let args = [
        "count",
        "-q",
        "--format",
        "json",
        "--manifest",
        "sources.toml",
        "--tokenizer",
    ];
    let overridden = run_in(
        dir.path(),
        &[&args[..], &[llama.to_str().unwrap()]].concat(),
    );
    assert_eq!(overridden.code, 0, "{}", overridden.stderr);
    let report = overridden.json();
    assert_eq!(report["tokenizer"]["name"], "llama3");
    assert!(report.get("tokenizers").is_none());
}

#[test]
fn combine_diff_and_croissant_carry_every_tokenizer() {
    let dir = tempfile::tempdir().unwrap();
    let [llama, gemma, qwen] = [0, 1, 2].map(|i| root().join(&three()[i]).display().to_string());
    let docs = root().join("fixtures/sample/docs").display().to_string();
    let fortunes = root()
        .join("fixtures/sample/fortunes.jsonl.gz")
        .display()
        .to_string();
    let save = |out: &str, corpus: &[&str], tokenizers: &[&String]| {
        let mut args = vec!["count", "-q", "--format", "json", "-o", out];
        args.extend_from_slice(corpus);
        for t in tokenizers {
            args.extend(["--tokenizer", t.as_str()]);
        }
        let r = run_in(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    save("docs.json", &[&docs], &[&llama, &gemma]);
    save("fortunes.json", &[&fortunes], &[&llama, &gemma]);
    save("fortunes-qwen.json", &[&fortunes], &[&llama, &qwen]);
    save("both.json", &[&docs, &fortunes], &[&llama, &gemma]);

    let combined = run_in(
        dir.path(),
        &["combine", "--format", "json", "docs.json", "fortunes.json"],
    );
    assert_eq!(combined.code, 0, "{}", combined.stderr);
    let combined = combined.json();
    let whole: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("both.json")).unwrap())
            .unwrap();
    assert_eq!(
        combined["totals"]["tokens_by_tokenizer"], whole["totals"]["tokens_by_tokenizer"],
        "combining equals counting both at once"
    );
    let refused = run_in(dir.path(), &["combine", "docs.json", "fortunes-qwen.json"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("differ in tokenizers"),
        "{}",
        refused.stderr
    );

    let diff = run_in(
        dir.path(),
        &["diff", "--format", "json", "docs.json", "both.json"],
    );
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let rows = diff.json()["tokenizers"].as_array().unwrap().clone();
    let gemma_row = rows
        .iter()
        .find(|r| r["name"].as_str().unwrap().starts_with("gemma3 ("));
    let gemma_row = gemma_row.expect("the diff lists the Gemma 3 totals");
    assert_eq!(
        gemma_row["new"]["tokens"],
        whole["totals"]["tokens_by_tokenizer"]["gemma3"]["tokens"]
    );

    let croissant = run_in(
        dir.path(),
        &["report", "--format", "croissant", "both.json"],
    );
    assert_eq!(croissant.code, 0, "{}", croissant.stderr);
    let croissant: Value = serde_json::from_str(&croissant.stdout).unwrap();
    let measured = croissant["variableMeasured"].as_array().unwrap();
    let gemma_sha = whole["tokenizers"][1]["sha256"].as_str().unwrap();
    let gemma_tokens = measured
        .iter()
        .find(|v| v["name"] == "tokens (gemma3)")
        .unwrap();
    assert_eq!(
        gemma_tokens["value"],
        whole["totals"]["tokens_by_tokenizer"]["gemma3"]["tokens"]
    );
    assert!(
        gemma_tokens["description"]
            .as_str()
            .unwrap()
            .contains(gemma_sha)
    );
    let tools = croissant["rai:machineAnnotationTools"].as_array().unwrap();
    assert!(
        tools
            .iter()
            .any(|t| t.as_str().unwrap().contains(gemma_sha))
    );
}
