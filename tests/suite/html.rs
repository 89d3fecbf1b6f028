//! The html format in a real browser: `fixtures/reports/disclosure.json` rendered to a file and
//! opened in headless Chromium (Debian's `chromium`, installed by `.ci/run`) at 1366x768; every
//! chart must be drawn (its marks have non-zero boxes, as many as the report has non-zero
//! values) and the page must be self-contained and escape what the report says. Without
//! Chromium the browser tests skip loudly, unless `TOKENCENSUS_REQUIRE_CHROMIUM=1`, which makes
//! them fail. The layout at 1200 and 1366 px, and an estimate's page, are in `html_layout`.

use crate::common::browser::{chromium, headless};
use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The charts every page of the fixture draws, in page order.
const CHARTS: [&str; 5] = [
    "chart-sources",
    "chart-categories",
    "chart-modalities",
    "chart-histogram",
    "chart-months",
];

pub fn fixture() -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/reports/disclosure.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `report` rendered as HTML into `dir/report.html`, returned with its text.
pub fn render_html(report: &Value, dir: &Path) -> (PathBuf, String) {
    let json = dir.join("report.json");
    std::fs::write(
        &json,
        serde_json::to_string(&sealed(report.clone())).unwrap(),
    )
    .unwrap();
    let html = dir.join("report.html");
    let r = run(&[
        "report",
        json.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(r.code, status_of(report), "{}", r.stderr);
    let text = std::fs::read_to_string(&html).unwrap();
    (html, text)
}

/// The value of attribute `name` in the tag `tag`.
pub fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Each chart's opening tag in a page (or a DOM dump), in order.
pub fn chart_tags(page: &str) -> Vec<&str> {
    page.match_indices("<svg class=\"chart\"")
        .map(|(at, _)| &page[at..at + page[at..].find('>').unwrap()])
        .collect()
}

fn nonzero(values: impl Iterator<Item = u64>) -> usize {
    values.filter(|v| *v > 0).count()
}

#[test]
fn the_page_is_self_contained_and_marks_match_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = fixture();
    let (_, html) = render_html(&report, dir.path());
    for network in [
        "http:", "https:", "src=", "<link", "@import", "url(", "<iframe",
    ] {
        assert!(
            !html.contains(network),
            "the page must not load anything: {network}"
        );
    }
    let tags = chart_tags(&html);
    let ids: Vec<&str> = tags.iter().map(|t| attribute(t, "id").unwrap()).collect();
    assert_eq!(ids, CHARTS);
    let marks = |id: &str| -> usize {
        let tag = tags
            .iter()
            .find(|t| attribute(t, "id") == Some(id))
            .unwrap();
        attribute(tag, "data-marks").unwrap().parse().unwrap()
    };
    let tokens = |list: &Value| {
        let list = list.as_array().unwrap().clone();
        list.into_iter().map(|x| x["tokens"].as_u64().unwrap())
    };
    assert_eq!(marks("chart-sources"), nonzero(tokens(&report["sources"])));
    assert_eq!(
        marks("chart-categories"),
        nonzero(tokens(&report["categories"]))
    );
    assert_eq!(marks("chart-modalities"), 4);
    let months = report["totals"]["by_month"].as_object().unwrap();
    assert_eq!(
        marks("chart-months"),
        nonzero(months.values().map(|d| d["tokens"].as_u64().unwrap()))
    );
    assert!(
        marks("chart-histogram") >= 5,
        "the fixture's distributions span many bins"
    );
}

#[test]
fn report_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = fixture();
    report["sources"][0]["name"] = "<script>alert(1)</script>".into();
    report["totals"]["domains"][0]["domain"] = "<img src=x onerror=alert(2)>".into();
    report["errors"][0]["message"] = "\"quoted\" & <b>bold</b>".into();
    let (_, html) = render_html(&report, dir.path());
    assert!(!html.contains("<script>alert") && !html.contains("<img") && !html.contains("<b>bold"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
}

#[test]
fn charts_are_drawn_in_headless_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (page, _) = render_html(&fixture(), dir.path());
    let dom = headless(&browser, &page, (1366, 768), "--dump-dom", dir.path());
    let tags = chart_tags(&dom);
    assert_eq!(tags.len(), CHARTS.len(), "{dom}");
    for tag in tags {
        let id = attribute(tag, "id").unwrap();
        let expected: usize = attribute(tag, "data-marks").unwrap().parse().unwrap();
        let drawn: usize = attribute(tag, "data-drawn-marks")
            .unwrap_or_else(|| panic!("{id}: the layout check did not run: {tag}"))
            .parse()
            .unwrap();
        assert!(
            expected > 0 && drawn == expected,
            "{id}: {drawn} of {expected} marks drawn"
        );
        let (width, height) = attribute(tag, "data-box").unwrap().split_once('x').unwrap();
        let (width, height): (u32, u32) = (width.parse().unwrap(), height.parse().unwrap());
        assert!(
            width >= 400 && height >= 100,
            "{id} is {width}x{height} at 1366x768"
        );
    }
    let shot = dir.path().join("page.png");
    headless(
        &browser,
        &page,
        (1366, 768),
        &format!("--screenshot={}", shot.display()),
        dir.path(),
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}
