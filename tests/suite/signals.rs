//! Processing signals against the planted truth of `fixtures/signals/` (each record says which
//! records are its copies, its normalized group, its planted personal data, its language and
//! its quality flags), and their independence of threads, reading mode, chunking, checkpoints
//! and shard merges.

use crate::common::{census_only, count_json, root, run};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use tokencensus::count::TokenizerSource;

const MANIFEST: &str = "fixtures/signals/sources.toml";
const SOURCES: [(&str, &str); 3] = [
    ("web", "public"),
    ("forum", "public"),
    ("multilingual", "licensed"),
];

/// One fixture record with its truth.
struct Record {
    source: usize,
    text: String,
    tokens: u64,
    copy: Option<String>,
    norm: Option<String>,
    pii: HashMap<String, u64>,
    lang: String,
    quality: Vec<String>,
}

fn records() -> Vec<Record> {
    let config = tokencensus::CountConfig::new(vec![]);
    assert!(matches!(config.tokenizer, TokenizerSource::EmbeddedLlama3));
    let tokenizer = config.load_tokenizer().unwrap();
    let mut out = Vec::new();
    for (source, (name, _)) in SOURCES.iter().enumerate() {
        let path = root().join(format!("fixtures/signals/{name}.jsonl"));
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap().to_string();
            let string = |k: &str| v[k].as_str().map(str::to_string);
            out.push(Record {
                source,
                tokens: tokenizer.count(&text).unwrap() as u64,
                copy: string("copy"),
                norm: string("norm"),
                pii: serde_json::from_value(v["pii"].clone()).unwrap(),
                lang: string("lang").unwrap(),
                quality: serde_json::from_value(v["quality"].clone()).unwrap(),
                text,
            });
        }
    }
    out
}

/// Duplicates (documents, tokens) among `records` by `group`: every record after the first of
/// a group is a duplicate; of each group the copy with the fewest tokens is the one kept.
fn duplicates(records: &[&Record], group: impl Fn(&Record) -> Option<String>) -> (u64, u64) {
    let mut groups: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in records {
        if let Some(g) = group(r) {
            groups.entry(g).or_default().push(r.tokens);
        }
    }
    groups.values().fold((0, 0), |(d, t), tokens| {
        let all: u64 = tokens.iter().sum();
        let kept = tokens.iter().min().unwrap();
        (d + tokens.len() as u64 - 1, t + all - kept)
    })
}

/// The tallies of a report with the records each stands for.
fn scopes<'a>(report: &'a Value, records: &'a [Record]) -> Vec<(&'a Value, Vec<&'a Record>)> {
    let mut out = Vec::new();
    for (i, (name, _)) in SOURCES.iter().enumerate() {
        let tally = &report["sources"][i];
        assert_eq!(tally["name"], *name);
        out.push((tally, records.iter().filter(|r| r.source == i).collect()));
    }
    for c in report["categories"].as_array().unwrap() {
        let category = c["category"].as_str().unwrap();
        let members = records
            .iter()
            .filter(|r| SOURCES[r.source].1 == category)
            .collect();
        out.push((c, members));
    }
    out.push((&report["totals"], records.iter().collect()));
    out
}

fn doc_tokens(records: &[&Record], keep: impl Fn(&Record) -> bool) -> (u64, u64) {
    records
        .iter()
        .filter(|r| keep(r))
        .fold((0, 0), |(d, t), r| (d + 1, t + r.tokens))
}

fn pair(v: &Value) -> (u64, u64) {
    (
        v["documents"].as_u64().unwrap(),
        v["tokens"].as_u64().unwrap(),
    )
}

#[test]
fn every_figure_matches_the_planted_truth() {
    let records = records();
    let report = count_json(&["--manifest", MANIFEST], 0);
    let tallies = scopes(&report, &records);
    assert_eq!(tallies.len(), 6);
    for (tally, members) in tallies {
        let s = &tally["signals"];
        let d = &s["dedup"];
        assert_eq!(d["exact"], true);
        let exact = duplicates(&members, |r| r.copy.clone());
        let text_copies = duplicates(&members, |r| Some(r.text.clone()));
        assert_eq!(
            exact, text_copies,
            "the fixture's copy groups are exact copies"
        );
        let normalized = duplicates(&members, |r| r.norm.clone());
        let got = |k: &str| d[k].as_u64().unwrap();
        assert_eq!(
            (got("duplicate_documents"), got("duplicate_tokens")),
            exact,
            "{tally}"
        );
        assert_eq!(
            (
                got("normalized_duplicate_documents"),
                got("normalized_duplicate_tokens")
            ),
            normalized,
            "{}",
            tally["name"]
        );
        let tokens: u64 = members.iter().map(|r| r.tokens).sum();
        let left = d["remaining_token_share"].as_f64().unwrap();
        assert!((left - (tokens - exact.1) as f64 / tokens as f64).abs() < 1e-12);
        for kind in ["email", "phone", "ip", "payment_card", "iban"] {
            let planted = |r: &&Record| r.pii.get(kind).copied().unwrap_or(0);
            let documents = members.iter().filter(|r| planted(r) > 0).count() as u64;
            let matches: u64 = members.iter().map(planted).sum();
            let p = &s["pii"][kind];
            assert_eq!(
                (
                    p["documents"].as_u64().unwrap(),
                    p["matches"].as_u64().unwrap()
                ),
                (documents, matches),
                "{kind} in {tally}"
            );
        }
        let any = members.iter().filter(|r| !r.pii.is_empty()).count() as u64;
        assert_eq!(s["pii"]["any_documents"], any);
        let mut languages: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for r in members.iter().filter(|r| r.lang != "unknown") {
            let e = languages.entry(r.lang.clone()).or_default();
            *e = (e.0 + 1, e.1 + r.tokens);
        }
        let reported: BTreeMap<String, (u64, u64)> = s["lang"]["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["language"].as_str().unwrap().to_string(), pair(l)))
            .collect();
        assert_eq!(reported, languages, "{tally}");
        assert_eq!(
            pair(&s["lang"]["unknown"]),
            doc_tokens(&members, |r| r.lang == "unknown")
        );
        let q = &s["quality"];
        for flag in [
            "empty",
            "very_short",
            "mostly_non_letters",
            "repeated_lines",
        ] {
            let expected = doc_tokens(&members, |r| r.quality.iter().any(|f| f == flag));
            assert_eq!(pair(&q[flag]), expected, "{flag} in {tally}");
        }
        assert_eq!(
            pair(&q["flagged"]),
            doc_tokens(&members, |r| !r.quality.is_empty())
        );
        assert_eq!(q["thresholds"]["min_words"], 10);
    }
    // cross-source and cross-category duplicates are counted only where the scope spans them
    let totals = &report["totals"]["signals"]["dedup"];
    let sum_of_sources: u64 = (0..3)
        .map(|i| {
            report["sources"][i]["signals"]["dedup"]["duplicate_documents"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert!(totals["duplicate_documents"].as_u64().unwrap() > sum_of_sources);
}

/// The report of the fixture with `args` added, without `run`.
fn census(args: &[&str]) -> Value {
    let mut all = vec!["--manifest", MANIFEST];
    all.extend_from_slice(args);
    census_only(count_json(&all, 0))
}

#[test]
fn threads_reading_mode_and_chunks_change_nothing() {
    let reference = census(&["-j", "1"]);
    for args in [
        &["-j", "4"][..],
        &["--no-mmap", "-j", "3"],
        &["--chunk-size", "1", "-j", "2"],
        &["--chunk-size", "100", "-j", "4", "--no-mmap"],
    ] {
        assert_eq!(census(args), reference, "{args:?}");
    }
}

#[test]
fn a_small_exact_limit_falls_back_to_sketches_that_hold_every_text() {
    let exact = census(&[]);
    let limited = census(&["--dedup-exact-limit", "3"]);
    // Under K distinct texts the sketches are exact too: the same figures, still exact.
    let strip = |mut r: Value| {
        r["settings"]["signals"]["dedup_exact_limit"] = Value::Null;
        r
    };
    assert_eq!(strip(limited), strip(exact));
}

#[test]
fn checkpoints_resume_to_the_same_signals() {
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().to_str().unwrap();
    let plain = census(&[]);
    let first = census(&["--checkpoint", checkpoint]);
    assert_eq!(first, plain);
    // everything resumed: the duplicate figures come from the saved texts' hashes
    let resumed = count_json(&["--manifest", MANIFEST, "--checkpoint", checkpoint], 0);
    assert_eq!(resumed["run"]["resumed_files"], 3);
    assert_eq!(census_only(resumed), plain);
    // one file counted again, two resumed
    let saved: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    std::fs::remove_file(&saved[0]).unwrap();
    assert_eq!(census(&["--checkpoint", checkpoint]), plain);
    // saved results without signals are not taken for a count with them
    let other = tempfile::tempdir().unwrap();
    let other_dir = other.path().to_str().unwrap();
    let without = run(&[
        "count",
        "--quiet",
        "--format",
        "json",
        "fixtures/signals/web.jsonl",
        "--checkpoint",
        other_dir,
    ]);
    assert_eq!(without.code, 0);
    let with = count_json(
        &[
            "fixtures/signals/web.jsonl",
            "--signals",
            "dedup",
            "--checkpoint",
            other_dir,
        ],
        0,
    );
    assert_eq!(with["run"]["resumed_files"], 0);
}

/// Runs `count ARGS --shard i/N` for every shard into `dir`; returns the JSON reports' paths.
fn shard_reports(dir: &std::path::Path, args: &[&str], shards: usize) -> Vec<String> {
    (0..shards)
        .map(|i| {
            let path = dir.join(format!("part-{i}.json"));
            let shard = format!("{i}/{shards}");
            let path = path.to_str().unwrap().to_string();
            let mut count = vec!["count"];
            count.extend(args);
            count.extend([
                "--quiet", "--format", "json", "--shard", &shard, "-o", &path,
            ]);
            let r = run(&count);
            assert_eq!(r.code, 0, "{}", r.stderr);
            path
        })
        .collect()
}

#[test]
fn shard_parts_merge_to_the_whole_census() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard_reports(dir.path(), &["--manifest", MANIFEST], 3);
    let mut args = vec!["merge", "--format", "json"];
    args.extend(parts.iter().map(String::as_str));
    let merged = run(&args);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    // Fewer distinct texts than the sketch size: the merged sketches give the exact figures.
    assert_eq!(census_only(merged.json()), census(&[]));
}

#[test]
fn reports_without_signals_keep_their_shape() {
    let report = count_json(&["fixtures/signals/web.jsonl"], 0);
    assert!(report["totals"].get("signals").is_none());
    assert!(report["sources"][0].get("signals").is_none());
    assert!(report["settings"].get("signals").is_none());
    let only_pii = count_json(&["fixtures/signals/web.jsonl", "--signals", "pii"], 0);
    let s = &only_pii["totals"]["signals"];
    assert!(s.get("pii").is_some() && s.get("dedup").is_none() && s.get("lang").is_none());
    assert_eq!(
        only_pii["settings"]["signals"]["enabled"],
        serde_json::json!(["pii"])
    );
}

#[test]
fn the_report_never_contains_matched_text() {
    let report = run(&[
        "count",
        "--manifest",
        MANIFEST,
        "--quiet",
        "--format",
        "json",
    ])
    .stdout;
    for planted in [
        "jane.doe@example.org",
        "4111 1111 1111 1111",
        "DE89 3704",
        "192.168.10.20",
        "555 2671",
    ] {
        assert!(!report.contains(planted), "{planted}");
    }
}

#[test]
fn table_and_markdown_show_the_signals() {
    let table = run(&["count", "--manifest", MANIFEST, "--quiet"]);
    for title in [
        "duplicate documents",
        "personal data",
        "languages by share",
        "quality flags",
    ] {
        assert!(table.stdout.contains(title), "{title}: {}", table.stdout);
    }
    let markdown = run(&[
        "count",
        "--manifest",
        MANIFEST,
        "--quiet",
        "--format",
        "markdown",
    ]);
    assert!(markdown.stdout.contains("### Processing signals"));
    assert!(
        markdown.stdout.contains("| web | 15 | 2 |"),
        "{}",
        markdown.stdout
    );
    let report: tokencensus::Report =
        serde_json::from_value(count_json(&["--manifest", MANIFEST], 0)).unwrap();
    let statements = tokencensus::report::render::signals::processing_statements(&report);
    let topics: Vec<&str> = statements.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        topics,
        ["Duplicates", "Personal data", "Languages", "Quality"]
    );
    assert!(
        statements[0].1.starts_with("5 of 28 text documents"),
        "{}",
        statements[0].1
    );
    // the disclosure summary's processing table carries one row per signal
    let summary = run(&[
        "count",
        "--manifest",
        MANIFEST,
        "--quiet",
        "--format",
        "eu-summary",
    ]);
    for figure in [
        "duplicate documents (exact copies)",
        "documents with personal data",
        "largest language by tokens",
        "low-quality documents",
    ] {
        assert!(
            summary.stdout.contains(figure),
            "{figure}: {}",
            summary.stdout
        );
    }
    // section 2 states the languages the census detected, by name and share of text tokens
    let linguistic = (summary.stdout.lines())
        .find(|l| l.starts_with("- Linguistic characteristics"))
        .expect("the template's linguistic line");
    let lang = report
        .totals
        .tally
        .signals
        .as_ref()
        .unwrap()
        .lang
        .as_ref()
        .unwrap();
    let text_tokens = report.totals.tally.by_modality.text.tokens;
    for language in &lang.languages {
        if language.tokens * 100 >= text_tokens {
            assert!(
                linguistic.contains(&language.name),
                "{language:?}: {linguistic}"
            );
        }
    }
    assert!(linguistic.contains("whichlang"), "{linguistic}");
    assert!(linguistic.contains("of the text tokens"), "{linguistic}");
}

#[test]
fn bad_signal_settings_are_refused() {
    let r = run(&[
        "count",
        "fixtures/signals/web.jsonl",
        "--signals",
        "toxicity",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("toxicity"), "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("sources.toml");
    let web = root().join("fixtures/signals/web.jsonl");
    for table in [
        "[signals]\nenable = [\"all\"]\ncolour = 1\n",
        "[signals]\nmin_letter_share = 2.0\n",
        "[signals]\nenable = [\"x\"]\n",
    ] {
        let text = format!(
            "{table}\n[[source]]\nname = \"web\"\ncategory = \"public\"\npaths = [{:?}]\n",
            web.display().to_string()
        );
        std::fs::write(&manifest, text).unwrap();
        let r = run(&["count", "--manifest", manifest.to_str().unwrap(), "--quiet"]);
        assert_eq!(r.code, 2, "{table}: {}", r.stderr);
    }
}

#[test]
fn merged_shards_beyond_the_sketch_size_state_their_error() {
    // 12,000 documents over two files, 9,000 distinct texts: each text i < 3,000 appears twice
    // (once in each file), so every scope holds more distinct texts than the sketch keeps.
    let dir = tempfile::tempdir().unwrap();
    let second: Vec<u32> = (6000..9000).chain(0..3000).collect();
    for (file, texts) in [("a.jsonl", (0..6000).collect()), ("b.jsonl", second)] {
        let mut text = String::new();
        for i in texts {
            let body = format!(
                "document number {i} says {}",
                "word ".repeat((i % 7) as usize)
            );
            text += &serde_json::json!({ "text": body }).to_string();
            text.push('\n');
        }
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let corpus = dir.path().to_str().unwrap();
    let whole = count_json(&[corpus, "--signals", "dedup"], 0);
    let exact = &whole["totals"]["signals"]["dedup"];
    assert_eq!(exact["exact"], true);
    assert_eq!(exact["duplicate_documents"], 3000);
    let out = tempfile::tempdir().unwrap();
    let parts = shard_reports(out.path(), &[corpus, "--signals", "dedup"], 2);
    let mut args = vec!["merge", "--format", "json"];
    args.extend(parts.iter().map(String::as_str));
    let merged = run(&args).json();
    let estimate = &merged["totals"]["signals"]["dedup"];
    assert_eq!(estimate["exact"], false);
    let error = estimate["relative_error"].as_f64().unwrap();
    assert!(error > 0.0 && error < 0.016);
    // the estimate of 9,000 distinct texts within four standard errors
    let duplicates = estimate["duplicate_documents"].as_f64().unwrap();
    assert!(
        (duplicates - 3000.0).abs() <= 4.0 * error * 9000.0,
        "{estimate}"
    );
    let tokens = whole["totals"]["tokens"].as_f64().unwrap();
    let exact_tokens = exact["duplicate_tokens"].as_f64().unwrap();
    let token_error = estimate["tokens_relative_error"].as_f64().unwrap();
    let estimated_tokens = estimate["duplicate_tokens"].as_f64().unwrap();
    assert!(
        (estimated_tokens - exact_tokens).abs() <= 4.0 * token_error * (tokens - exact_tokens),
        "{estimate}"
    );
    // PII, languages and quality would still merge exactly; the sketches merge order-free
    let mut reversed = vec!["merge", "--format", "json"];
    reversed.extend(parts.iter().rev().map(String::as_str));
    assert_eq!(census_only(run(&reversed).json()), census_only(merged));
}
