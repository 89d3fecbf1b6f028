//! Collection months and web domains: records are dated by their date field (ISO 8601 or Unix
//! seconds, in UTC) or by their source's declared period, and placed by the registered domain
//! of their URL field. Each month's and domain's tokens are checked against a plain count of
//! exactly its records, and the figures survive threads, reading modes, shards, merges and
//! checkpoints unchanged.

use crate::common::{self, at, census_only, count_json_in, run_in};
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

/// Months of the corpus, each with the date spellings its records use.
const MONTHS: [(&str, [&str; 3]); 4] = [
    // 2023-01: a date, a timestamp, a timestamp whose offset keeps it in January.
    (
        "2023-01",
        [
            "\"2023-01-17\"",
            "\"2023-01-31T23:59:59Z\"",
            "\"2023-02-01T00:30:00+01:00\"",
        ],
    ),
    // 2023-11: Unix seconds (1700000000 is 2023-11-14T22:13:20Z), a float, a month.
    ("2023-11", ["1700000000", "1700000000.5", "\"2023-11\""]),
    // 2024-02: leap day, a space separator with fraction, an offset that crosses back.
    (
        "2024-02",
        [
            "\"2024-02-29\"",
            "\"2024-02-10 08:00:00.25\"",
            "\"2024-03-01T01:00:00+02:00\"",
        ],
    ),
    // 1969-12: before the epoch.
    ("1969-12", ["-1", "\"1969-12-31T23:59:59Z\"", "-86400"]),
];

/// Dates that are not dates: the record is undated, not an error.
const UNDATED: [&str; 5] = ["\"2023-02-30\"", "\"soon\"", "null", "[2023]", "\"\""];

/// Domains of the corpus, each with the URL spellings its records use.
const DOMAINS: [(&str, [&str; 3]); 3] = [
    (
        "bbc.co.uk",
        [
            "https://news.bbc.co.uk/sport",
            "http://WWW.BBC.CO.UK./x?y#z",
            "https:\\/\\/bbc.co.uk\\/escaped",
        ],
    ),
    (
        "example.org",
        [
            "https://user@a.b.example.org:8443/p",
            "//cdn.example.org/lib.js",
            "example.org/bare",
        ],
    ),
    (
        "foo.github.io",
        [
            "https://foo.github.io/",
            "https://docs.foo.github.io/a",
            "https://foo.github.io",
        ],
    ),
];

/// URLs without a registered domain.
const NO_DOMAIN: [&str; 4] = [
    "https://192.168.1.1/",
    "mailto:x@example.com",
    "https://co.uk/",
    "not a url",
];

fn record(text: &str, date: Option<&str>, url: Option<&str>) -> String {
    let mut line = format!("{{\"text\":{}", json!(text));
    if let Some(date) = date {
        line += &format!(",\"date\":{date}");
    }
    if let Some(url) = url {
        // Escaped slashes stay escaped in the file (they are JSON escapes, decoded by us).
        line += &format!(",\"url\":\"{url}\"");
    }
    line + "}\n"
}

fn text_of(i: usize) -> String {
    format!("record {i}: {}", "words of a document ".repeat(i % 7 + 1))
}

/// Writes the dated corpus (`corpus/`) and, per month and per domain, a file of exactly those
/// records' texts (`by-month/M.jsonl`, `by-domain/D.jsonl`) for plain counts.
fn corpus(dir: &Path) {
    for sub in ["corpus", "by-month", "by-domain"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let (mut lines, mut i) = (Vec::new(), 0);
    let mut extra = String::new();
    for (m, (month, dates)) in MONTHS.iter().enumerate() {
        let (domain, urls) = DOMAINS[m % DOMAINS.len()];
        let mut own = String::new();
        for (k, date) in dates.iter().enumerate() {
            let text = text_of(i);
            lines.push(record(&text, Some(date), Some(urls[k])));
            own += &record(&text, None, None);
            let path = dir.join("by-domain").join(format!("{domain}.jsonl"));
            let mut d = fs::read_to_string(&path).unwrap_or_default();
            d += &record(&text, None, None);
            fs::write(path, d).unwrap();
            i += 1;
        }
        fs::write(dir.join("by-month").join(format!("{month}.jsonl")), own).unwrap();
    }
    for (k, date) in UNDATED.iter().enumerate() {
        let text = text_of(i);
        let url = NO_DOMAIN.get(k).copied();
        lines.push(record(&text, Some(date), url));
        extra += &record(&text, None, None);
        i += 1;
    }
    lines.push(record("no date and no url at all", None, None));
    extra += &record("no date and no url at all", None, None);
    fs::write(dir.join("undated.jsonl"), extra).unwrap();
    // Two files, so that threads, shards and checkpoints have something to split.
    let half = lines.len() / 2;
    fs::write(dir.join("corpus/a.jsonl"), lines[..half].concat()).unwrap();
    fs::write(dir.join("corpus/b.jsonl"), lines[half..].concat()).unwrap();
}

/// The report of a `count` of `args` in `dir` that finds no input error.
fn count(dir: &Path, args: &[&str]) -> Value {
    count_json_in(dir, args, 0)
}

fn tokens_of(dir: &Path, path: &str) -> u64 {
    count(dir, &[path])["totals"]["tokens"].as_u64().unwrap()
}

const DATED: [&str; 5] = ["corpus", "--date-field", "date", "--url-field", "url"];

#[test]
fn months_and_domains_match_plain_counts_of_their_records() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let report = count(dir.path(), &DATED);
    let totals = &report["totals"];
    assert!(report["errors"].as_array().unwrap().is_empty());
    for (month, dates) in MONTHS {
        let got = &totals["by_month"][month];
        assert_eq!(got["documents"], dates.len() as u64, "{month}");
        let path = format!("by-month/{month}.jsonl");
        assert_eq!(got["tokens"], tokens_of(dir.path(), &path), "{month}");
    }
    assert_eq!(totals["by_month"].as_object().unwrap().len(), MONTHS.len());
    assert_eq!(totals["earliest_month"], "1969-12");
    assert_eq!(totals["latest_month"], "2024-02");
    assert_eq!(totals["by_year"]["2023"]["documents"], 6);
    assert_eq!(totals["undated"]["documents"], UNDATED.len() as u64 + 1);
    assert_eq!(
        totals["undated"]["tokens"],
        tokens_of(dir.path(), "undated.jsonl")
    );
    assert_eq!(totals["declared"]["documents"], 0);

    let domains = totals["domains"].as_array().unwrap();
    assert_eq!(domains.len(), DOMAINS.len());
    for (d, (domain, urls)) in DOMAINS.iter().enumerate() {
        let got = domains.iter().find(|x| x["domain"] == *domain).unwrap();
        let path = format!("by-domain/{domain}.jsonl");
        assert_eq!(got["tokens"], tokens_of(dir.path(), &path), "{domain}");
        let months = (0..MONTHS.len()).filter(|m| m % DOMAINS.len() == d).count();
        assert_eq!(got["documents"], (months * urls.len()) as u64, "{domain}");
    }
    let tokens: Vec<u64> = domains
        .iter()
        .map(|d| d["tokens"].as_u64().unwrap())
        .collect();
    assert!(tokens.windows(2).all(|w| w[0] >= w[1]), "sorted by tokens");
    assert_eq!(
        totals["without_domain"]["documents"],
        UNDATED.len() as u64 + 1
    );
    assert_eq!(totals["domains_other"]["domains"], 0);
    assert_eq!(totals["domains_exact"], true);
    // The table names the time frame and the largest domains.
    let table = run_in(dir.path(), &[&["count", "-q"][..], &DATED].concat()).stdout;
    assert!(
        table.contains("collected 1969-12 to 2024-02; 6 documents"),
        "{table}"
    );
    assert!(table.contains("domains: bbc.co.uk "), "{table}");
    // The source says which fields it read.
    assert_eq!(report["sources"][0]["date_field"], "date");
    assert_eq!(report["sources"][0]["url_field"], "url");
}

#[test]
fn figures_do_not_depend_on_threads_reading_shards_or_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let whole = census_only(count(dir.path(), &[&DATED[..], &["-j1"]].concat()));
    let other = count(
        dir.path(),
        &[&DATED[..], &["-j3", "--no-mmap", "--chunk-size", "97"]].concat(),
    );
    assert_eq!(census_only(other), whole);
    for n in [2, 3] {
        let mut merge = vec!["merge".to_string(), "--format".into(), "json".into()];
        for i in 0..n {
            let shard = format!("{i}/{n}");
            let part = count(dir.path(), &[&DATED[..], &["--shard", &shard]].concat());
            let name = format!("part{i}.json");
            fs::write(dir.path().join(&name), part.to_string()).unwrap();
            merge.push(name);
        }
        let args: Vec<&str> = merge.iter().map(String::as_str).collect();
        let merged = run_in(dir.path(), &args);
        assert_eq!(merged.code, 0, "{}", merged.stderr);
        assert_eq!(census_only(merged.json()), whole, "{n} shards");
    }
    for _ in 0..2 {
        let resumed = count(
            dir.path(),
            &[&DATED[..], &["--checkpoint", "saved"]].concat(),
        );
        assert_eq!(census_only(resumed), whole);
    }
}

#[test]
fn declared_periods_bound_the_time_frame() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    fs::create_dir(dir.path().join("books")).unwrap();
    fs::write(
        dir.path().join("books/b.jsonl"),
        record("a licensed book", Some("\"1999-01-01\""), None).repeat(3),
    )
    .unwrap();
    let manifest = "[[source]]\nname = \"web\"\ncategory = \"public\"\npaths = [\"corpus\"]\n\
         date_field = \"date\"\nurl_field = \"url\"\n\n\
         [[source]]\nname = \"books\"\ncategory = \"licensed\"\npaths = [\"books\"]\n\
         collected = { from = \"2021-03\", to = \"2025-06\" }\n";
    fs::write(dir.path().join("sources.toml"), manifest).unwrap();
    let report = count(dir.path(), &["--manifest", "sources.toml"]);
    let books = common::source(&report, "books");
    assert_eq!(
        books["collected"],
        json!({"from": "2021-03", "to": "2025-06"})
    );
    assert_eq!(books["declared"]["documents"], 3);
    assert!(books["by_month"].as_object().unwrap().is_empty());
    assert_eq!(books["earliest_month"], "2021-03");
    assert_eq!(books["latest_month"], "2025-06");
    assert_eq!(report["totals"]["earliest_month"], "1969-12");
    assert_eq!(report["totals"]["latest_month"], "2025-06");
    assert_eq!(report["totals"]["declared"]["documents"], 3);

    for (bad, says) in [
        (
            "collected = { from = \"2024-07\", to = \"2024-06\" }",
            "after",
        ),
        (
            "collected = { from = \"2024\", to = \"2024-06\" }",
            "YYYY-MM",
        ),
        (
            "collected = { from = \"2024-01\", to = \"2024-06\" }\ndate_field = \"d\"",
            "both",
        ),
        ("date_field = \"\"", "empty date_field"),
    ] {
        let manifest = format!(
            "[[source]]\nname = \"x\"\ncategory = \"public\"\npaths = [\"books\"]\n{bad}\n"
        );
        fs::write(dir.path().join("bad.toml"), manifest).unwrap();
        let run = run_in(dir.path(), &["count", "--manifest", "bad.toml"]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains(says), "{bad}: {}", run.stderr);
    }
}

#[test]
fn the_domain_list_is_cut_and_the_rest_summed() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let full = count(dir.path(), &DATED);
    let cut = count(
        dir.path(),
        &[&DATED[..], &["--domains-listed", "1"]].concat(),
    );
    let (full, cut) = (&full["totals"], &cut["totals"]);
    assert_eq!(cut["domains"].as_array().unwrap().len(), 1);
    assert_eq!(at(cut, "domains.0"), at(full, "domains.0"));
    let rest = &full["domains"].as_array().unwrap()[1..];
    let sum = |key: &str| rest.iter().map(|d| d[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(cut["domains_other"]["domains"], rest.len() as u64);
    assert_eq!(cut["domains_other"]["documents"], sum("documents"));
    assert_eq!(cut["domains_other"]["tokens"], sum("tokens"));
    assert_eq!(cut["domains_exact"], true, "the listed figures are exact");

    // Shards whose cut lists are merged keep exact sums, but per-domain figures may be short.
    let mut merge = vec!["merge".to_string(), "--format".into(), "json".into()];
    for i in 0..2 {
        let shard = format!("{i}/2");
        let args = [&DATED[..], &["--domains-listed", "1", "--shard", &shard]].concat();
        fs::write(
            dir.path().join(format!("p{i}.json")),
            count(dir.path(), &args).to_string(),
        )
        .unwrap();
        merge.push(format!("p{i}.json"));
    }
    let args: Vec<&str> = merge.iter().map(String::as_str).collect();
    let merged = run_in(dir.path(), &args).json();
    let m = &merged["totals"];
    let all = |t: &Value, key: &str| {
        t["domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d[key].as_u64().unwrap())
            .sum::<u64>()
            + t["domains_other"][key].as_u64().unwrap()
    };
    assert_eq!(all(m, "tokens"), all(full, "tokens"));
    assert_eq!(all(m, "documents"), all(full, "documents"));
    assert_eq!(m["domains_exact"], false);
}

#[test]
fn bad_fields_are_refused_before_counting() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    for args in [
        &["corpus", "--date-field", ""][..],
        &["corpus", "--url-field", "text"][..],
    ] {
        let run = run_in(dir.path(), &[&["count"][..], args].concat());
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn parquet_string_columns_give_the_same_months_and_domains_as_jsonl() {
    let root = common::root();
    let dir = root.join("fixtures/provenance");
    let fields = ["--date-field", "date", "--url-field", "url"];
    let parquet = count(&dir, &[&["records.parquet"][..], &fields].concat());
    let jsonl = count(&dir, &[&["records.jsonl"][..], &fields].concat());
    let (p, j) = (&parquet["totals"], &jsonl["totals"]);
    for key in [
        "documents",
        "tokens",
        "by_month",
        "by_year",
        "undated",
        "domains",
    ] {
        assert_eq!(at(p, key), at(j, key), "{key}");
    }
    assert_eq!(p["by_month"].as_object().unwrap().len(), 12);
    assert_eq!(p["domains"].as_array().unwrap().len(), 3);
    assert_eq!(p["without_domain"]["documents"], 24);

    // A timestamp column is not read as dates: one error says so, the records still count.
    let run = run_in(
        &dir,
        &[
            "count",
            "records.parquet",
            "--date-field",
            "ts",
            "--format",
            "json",
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["kind"], "field_type");
    assert!(errors[0]["message"].as_str().unwrap().contains("`ts`"));
    assert_eq!(report["totals"]["documents"], 60);
    assert_eq!(report["totals"]["undated"]["documents"], 60);
}
