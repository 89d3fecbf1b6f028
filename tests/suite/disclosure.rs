//! The disclosure formats (markdown, eu-summary, html) on `fixtures/reports/disclosure.json`, a
//! census with months, domains, every category and modality and input errors: the fixture is
//! what its builder makes and is consistent, and each format shows its figures.

use crate::common::*;
use serde_json::Value;
use tokencensus::report::Report;
use tokencensus::stats::SourceStats;

const FIXTURE: &str = "fixtures/reports/disclosure.json";

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(FIXTURE)).unwrap()).unwrap()
}

#[test]
fn the_fixture_is_what_its_builder_makes() {
    let text = serde_json::to_string_pretty(&report_fixture::build()).unwrap() + "\n";
    if std::env::var_os("TOKENCENSUS_WRITE_FIXTURES").is_some() {
        // Other tests of this process read the fixture meanwhile (html::, and this module's):
        // they see the old file or the new one, never half of it.
        let path = root().join(FIXTURE);
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, &text).unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    // Through text, as the fixture was: float parsing may differ from the built value in the
    // last bit, the same way on both sides.
    let built: Value = serde_json::from_str(&text).unwrap();
    assert!(
        fixture() == built,
        "{FIXTURE} differs from its builder; regenerate it with TOKENCENSUS_WRITE_FIXTURES=1 cargo test --test suite disclosure::"
    );
}

#[test]
fn the_fixture_is_a_consistent_report() {
    let report: Report = serde_json::from_value(fixture()).unwrap();
    let mut sum = SourceStats::default();
    for s in &report.sources {
        let stats = s
            .tally
            .to_stats(s.tokens_per_document_hdr.as_deref())
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        sum += &stats;
    }
    let totals = &report.totals.tally;
    assert_eq!(sum.counts.documents, totals.counts.documents);
    assert_eq!(sum.counts.bytes, totals.counts.bytes);
    assert_eq!(sum.counts.tokens + sum.media.tokens(), totals.counts.tokens);
    assert_eq!(
        sum.tokens_per_document.summary(),
        totals.tokens_per_document
    );
    let dated: u64 = totals.periods.by_month.values().map(|d| d.tokens).sum();
    assert_eq!(
        dated + totals.periods.undated.tokens + totals.periods.declared.tokens,
        totals.by_modality.text.tokens
    );
    let category_tokens: u64 = report
        .categories
        .iter()
        .map(|c| c.tally.counts.tokens)
        .sum();
    assert_eq!(category_tokens, totals.counts.tokens);
    assert_eq!(report.totals.errors, report.errors.len() as u64);
}

/// Renders `report` with `report REPORT.json --format FORMAT` and returns the output.
fn render(report: &Value, format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(
        &path,
        serde_json::to_string(&sealed(report.clone())).unwrap(),
    )
    .unwrap();
    let r = run(&["report", path.to_str().unwrap(), "--format", format]);
    assert_eq!(r.code, status_of(report), "{format}: {}", r.stderr);
    r.stdout
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

/// The category entry named `name`.
fn category_mut<'a>(report: &'a mut Value, name: &str) -> &'a mut Value {
    report["categories"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["category"] == name)
        .unwrap()
}

#[test]
fn markdown_has_the_headline_shares_time_frame_and_processing() {
    use tokencensus::report::render::{thousands, words};
    let report = fixture();
    let md = render(&report, "markdown");
    let totals = &report["totals"];
    let text = u(&totals["by_modality"]["text"]["tokens"]);
    let images = u(&totals["by_modality"]["image"]["items"]);
    let headline = format!(
        "{} tokens of text, {} images,",
        words::count_words(text),
        words::count_words(images)
    );
    assert!(md.contains(&headline[..1].to_uppercase()), "{md}");
    assert!(md.contains(&headline[1..]), "{headline}\n{md}");
    assert!(md.contains("counted with the Llama 3 tokenizer"), "{md}");
    assert!(md.contains(words::ROUNDED_NOTE), "{md}");
    assert!(md.contains(&thousands(u(&totals["tokens"]))), "exact total");
    let web = source(&report, "web-crawl");
    let share = 100.0 * u(&web["tokens"]) as f64 / u(&totals["tokens"]) as f64;
    let row = md
        .lines()
        .find(|l| l.starts_with("| web-crawl | crawled |"))
        .unwrap();
    assert!(row.contains(&format!("| {share:.1}% |")), "{row}");
    assert!(md.contains("| **Total** |"));
    assert_eq!(totals["latest_month"], "2023-12");
    assert_eq!(totals["earliest_month"], "2019-01");
    assert!(
        md.contains("### Time frame") && md.contains("from January 2019 up to December 2023"),
        "{md}"
    );
    for (year, d) in totals["by_year"].as_object().unwrap() {
        let row = format!(
            "| {year} | {} | {} |",
            thousands(u(&d["documents"])),
            thousands(u(&d["tokens"]))
        );
        assert!(md.contains(&row), "{row}");
    }
    assert!(
        md.contains("| wikipedia | declared 01/2023 to 11/2023 | 01/2023 | 11/2023 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("### Processing") && md.contains("| errors: json | 1 record (line or row) |"),
        "{md}"
    );
    let unsupported = u(&totals["unsupported"]["items"]);
    assert!(
        md.contains(&format!(
            "| unsupported items | {} (",
            thousands(unsupported)
        )),
        "{md}"
    );
    assert!(md.contains("Tokens by modality"), "the modality table");
}

#[test]
fn markdown_escapes_source_names() {
    let mut report = fixture();
    report["sources"][0]["name"] = "web|<b>crawl</b>_*".into();
    let md = render(&report, "markdown");
    assert!(md.contains("web\\|\\<b\\>crawl\\</b\\>\\_\\*"), "{md}");
    assert!(!md.contains("<b>"), "{md}");
}

#[test]
fn eu_summary_follows_the_template() {
    let report = fixture();
    let eu = render(&report, "eu-summary");
    let mut at = 0;
    for heading in [
        "## 1. General information",
        "### 1.1 Provider identification",
        "### 1.2 Model identification",
        "### 1.3 Modalities, overall training data size",
        "## 2. List of data sources",
        "### 2.1 Publicly available datasets",
        "### 2.2 Private non-publicly available datasets",
        "#### 2.2.1 ",
        "#### 2.2.2 ",
        "### 2.3 Data crawled and scraped",
        "### 2.4 User data",
        "### 2.5 Synthetic data",
        "### 2.6 Other sources of data",
        "## 3. Data processing aspects",
        "### 3.1 Respect of reservation of rights",
        "### 3.2 Removal of illegal content",
        "### 3.3 Other information",
    ] {
        let found = eu[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} after byte {at}\n{eu}"));
        at += found + heading.len();
    }
    // 4.3 trillion text tokens, 3.4 million images, 36,000 hours of audio, 1,200 of video.
    assert!(
        eu.contains(
            "| Text | Yes | **1 billion to 10 trillion tokens** | 4,306,677,834,555 tokens |"
        ),
        "{eu}"
    );
    assert!(
        eu.contains("| Images | Yes | **1 million to 1 billion images** | 3,412,345 images |"),
        "{eu}"
    );
    assert!(
        eu.contains("| Audio | Yes | **10,000 to 1 million hours** |"),
        "{eu}"
    );
    assert!(
        eu.contains("| Video | Yes | **Less than 10,000 hours** |"),
        "{eu}"
    );
    assert!(
        eu.contains(
            "exactly 1 billion tokens and exactly 10 trillion tokens both fall in the band"
        ),
        "boundary rule"
    );
    assert!(
        eu.contains(
            "Latest date of data acquisition or collection for model training: **12/2023**"
        ),
        "{eu}"
    );
    for fill in ["crawler names", "opt-out policies", "provider", "languages"] {
        assert!(eu.contains(&format!("**[FILL IN: {fill}]**")), "{fill}");
    }
    assert!(eu.contains("| 2.3 | Data crawled and scraped from online sources (by the provider or on its behalf) | crawled |"), "the mapping");
}

#[test]
fn eu_summary_names_public_datasets_above_three_percent() {
    let report = fixture();
    let eu = render(&report, "eu-summary");
    let public: Vec<&Value> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["category"] == "public")
        .collect();
    let text_whole: u64 = public
        .iter()
        .map(|s| u(&s["by_modality"]["text"]["tokens"]))
        .sum();
    for s in &public {
        let text = u(&s["by_modality"]["text"]["tokens"]);
        let name = s["name"].as_str().unwrap();
        let row = format!("| {name} | Text |");
        assert_eq!(
            eu.contains(&row),
            text * 100 > text_whole * 3,
            "{name}\n{eu}"
        );
    }
    assert!(
        eu.contains("| laion-images | Images | 3,412,345 images | 100.0% |"),
        "{eu}"
    );
    assert!(eu.contains("Other publicly available datasets (3% or less of their modality's public data): wikipedia."), "{eu}");
    assert!(
        eu.contains("`fineweb-edu` carries URLs"),
        "public data with URLs is pointed out"
    );
}

#[test]
fn eu_summary_lists_the_top_tenth_of_crawled_domains() {
    let mut report = fixture();
    let eu = render(&report, "eu-summary");
    let crawled = category_mut(&mut report, "crawled");
    let listed = crawled["domains"].as_array().unwrap().len() as u64;
    let n = listed + u(&crawled["domains_other"]["domains"]);
    let k = n.div_ceil(10);
    assert!(k > listed, "the fixture's list is cut");
    assert!(
        eu.contains(&format!(
            "{k} of {} registered domains",
            tokencensus::report::render::thousands(n)
        )),
        "{eu}"
    );
    assert!(eu.contains("| 1 | wikipedia.org |"), "{eu}");
    assert!(
        eu.contains(&format!("| {listed} | ")),
        "every listed domain is shown"
    );
    assert!(
        eu.contains(&format!(
            "The list was cut at the report's limit of {listed} domains"
        )),
        "{eu}"
    );
    assert!(
        eu.contains("Period of data collection: 01/2022 to 12/2023"),
        "{eu}"
    );

    // Fourteen domains in all: the top 10% are the largest two, and nothing was cut.
    crawled["domains_other"] = serde_json::json!({ "domains": 0, "documents": 0, "tokens": 0 });
    crawled["domains"].as_array_mut().unwrap().truncate(14);
    let eu = render(&report, "eu-summary");
    assert!(eu.contains("2 of 14 registered domains"), "{eu}");
    assert!(
        eu.contains("| 2 | github.com |") && !eu.contains("| 3 | "),
        "{eu}"
    );
    assert!(!eu.contains("The list was cut"), "{eu}");
}

#[test]
fn eu_summary_says_no_for_unused_categories_and_fills_in_unknown_dates() {
    let mut report = fixture();
    report["categories"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["category"] != "synthetic");
    for key in ["earliest_month", "latest_month"] {
        report["totals"][key] = Value::Null;
    }
    let eu = render(&report, "eu-summary");
    assert!(
        eu.contains("### 2.5 Synthetic data\n\n- Used: **No** (tokencensus category `synthetic`)"),
        "{eu}"
    );
    assert!(eu.contains("### 2.3 Data crawled and scraped from online sources (by the provider or on its behalf)\n\n- Used: **Yes**"), "{eu}");
    assert!(
        eu.contains("for model training: **[FILL IN: MM/YYYY"),
        "{eu}"
    );
}

#[test]
fn estimates_are_said_to_be_estimates_with_their_interval() {
    let mut report = fixture();
    let media =
        u(&report["totals"]["tokens"]) - u(&report["totals"]["by_modality"]["text"]["tokens"]);
    let estimate = |tokens: u64, low: u64, high: u64| {
        serde_json::json!({ "tokens": tokens, "low": low, "high": high, "confidence": 0.95,
            "documents": 3_950_000_000u64, "sampled_documents": 1_234_567, "sampled_bytes": 987_654_321,
            "method": "ratio estimator, cluster variance" })
    };
    // The interval reaches across the 10-trillion-token bound.
    report["totals"]["estimate"] = estimate(
        9_800_000_000_000 + media,
        9_500_000_000_000 + media,
        10_100_000_000_000 + media,
    );
    report["sources"][0]["estimate"] =
        estimate(2_800_000_000_000, 2_700_000_000_000, 2_900_000_000_000);
    let md = render(&report, "markdown");
    assert!(md.contains("> **ESTIMATE, not a full count"), "{md}");
    assert!(md.contains("95% interval"), "{md}");
    assert!(md.contains("An estimated 9.8 trillion tokens of text (rounded; 95% interval 9.5 trillion to 10 trillion)"), "{md}");
    assert!(
        md.contains(
            "| web-crawl | 2,800,000,000,000 | 2,700,000,000,000 to 2,900,000,000,000 | 95% |"
        ),
        "{md}"
    );
    let eu = render(&report, "eu-summary");
    assert!(eu.contains("ESTIMATE, not a full count"), "{eu}");
    assert!(eu.contains("| Text | Yes | **1 billion to 10 trillion tokens** (the interval reaches from \"1 billion to 10 trillion tokens\" to \"More than 10 trillion tokens\") | 9,800,000,000,000 tokens (estimate; interval 9,500,000,000,000 to 10,100,000,000,000) |"), "{eu}");
    let html = render(&report, "html");
    assert!(
        html.contains("ESTIMATE, not a full count") && html.contains("<h2>Estimates</h2>"),
        "{html}"
    );
    // What an estimate does not scale is said to be the sample's, never passed off as the
    // corpus's: images and hours, the collection period, the sample's own tables.
    let row = |text: &str, start: &str| -> String {
        let line = text.lines().find(|l| l.starts_with(start));
        line.unwrap_or_else(|| panic!("no line {start}:\n{text}"))
            .to_string()
    };
    for modality in ["| Images | Yes |", "| Audio | Yes |", "| Video | Yes |"] {
        let line = row(&eu, modality);
        assert!(line.contains("(in the sample, not estimated)"), "{line}");
        assert!(line.ends_with(" in the sample |"), "{line}");
    }
    assert!(!row(&eu, "| Text | Yes |").contains("in the sample"));
    assert!(
        row(&eu, "- Latest date of data acquisition").ends_with("(in the sample, not estimated)")
    );
    assert!(
        md.contains("### Time frame (the sample)") && md.contains("### Processing (the sample)")
    );
    assert!(
        md.contains("of video in the sample, counted with the Llama 3 tokenizer"),
        "{md}"
    );
}

#[test]
fn count_renders_the_new_formats_of_a_census_without_dates() {
    for format in ["eu-summary", "html"] {
        let r = run(&[
            "count",
            "-q",
            "--format",
            format,
            "--manifest",
            "fixtures/sample/sources.toml",
        ]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert!(
            r.stdout.contains("About 190,000 tokens of text"),
            "{format}: {}",
            r.stdout
        );
    }
    let eu = run(&[
        "count",
        "-q",
        "--format",
        "eu-summary",
        "--manifest",
        "fixtures/sample/sources.toml",
    ])
    .stdout;
    assert!(
        eu.contains("| Text | Yes | **Less than 1 billion tokens** | 193,521 tokens |"),
        "{eu}"
    );
    assert!(eu.contains("### 2.3 Data crawled and scraped from online sources (by the provider or on its behalf)\n\n- Used: **No**"), "{eu}");
}

#[test]
fn a_counted_corpus_with_dates_and_urls_renders_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Thirty crawled domains, site29.org the largest; eighteen months from 01/2022.
    let mut crawl = String::new();
    for i in 0..300u32 {
        let domain = i % 30;
        let month = i % 18;
        let date = format!("{}-{:02}-15", 2022 + month / 12, month % 12 + 1);
        let text = "alpha ".repeat(5 * (domain as usize + 1));
        crawl += &format!(
            "{{\"text\":\"{text}\",\"url\":\"https://www.site{domain}.org/page/{i}\",\"date\":\"{date}\"}}\n"
        );
    }
    std::fs::write(d.join("crawl.jsonl"), crawl).unwrap();
    std::fs::write(
        d.join("public.jsonl"),
        "{\"text\":\"beta gamma\"}\n".repeat(50),
    )
    .unwrap();
    std::fs::write(
        d.join("sources.toml"),
        "[[source]]\nname = \"crawl\"\ncategory = \"crawled\"\npaths = [\"crawl.jsonl\"]\n\
         date_field = \"date\"\nurl_field = \"url\"\n\n\
         [[source]]\nname = \"wiki\"\ncategory = \"public\"\npaths = [\"public.jsonl\"]\n\
         collected = { from = \"2021-01\", to = \"2021-06\" }\n",
    )
    .unwrap();
    let r = run_in(
        d,
        &[
            "count",
            "-q",
            "--format",
            "json",
            "-o",
            "census.json",
            "--manifest",
            "sources.toml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("census.json")).unwrap()).unwrap();
    let eu = render(&report, "eu-summary");
    assert!(
        eu.contains(
            "Latest date of data acquisition or collection for model training: **06/2023**"
        ),
        "{eu}"
    );
    assert!(
        eu.contains("Period of data collection: 01/2022 to 06/2023"),
        "{eu}"
    );
    assert!(eu.contains("3 of 30 registered domains"), "{eu}");
    assert!(
        eu.contains("| 1 | site29.org |")
            && eu.contains("| 3 | site27.org |")
            && !eu.contains("| 4 | "),
        "{eu}"
    );
    assert!(
        eu.contains("| wiki | Text |"),
        "the only public dataset is above 3%"
    );
    let md = render(&report, "markdown");
    assert!(md.contains("from January 2021 up to June 2023"), "{md}");
    assert!(
        md.contains("| wiki | declared 01/2021 to 06/2021 | 01/2021 | 06/2021 | 0 |"),
        "{md}"
    );
    let html = render(&report, "html");
    assert!(
        html.contains("id=\"chart-months\"") && html.contains("data-marks=\"18\""),
        "eighteen months drawn"
    );
}
