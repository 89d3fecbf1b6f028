//! The html page's layout and an estimate's page: at 1200 and 1366 px wide, in headless
//! Chromium, no chart label leaves its chart, no table needs a horizontal scroll bar and the page
//! is no wider than the window (measured in the page by an injected script, not on pixels; the
//! screenshots are written to `target/tmp/html-layout/` for people to look at). An estimate's
//! title and bars are the estimates, and every chart or table of the sample's own figures says
//! that it is the sample's.

use crate::common::browser::{chromium, headless};
use crate::common::*;
use crate::html::{attribute, chart_tags, fixture, render_html};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use tokencensus::report::render::{thousands, words::count_rounded};

/// The window widths every page is checked at (900 px high).
const WIDTHS: [u32; 2] = [1200, 1366];

/// The height of the screenshots' window: tall enough for the whole page.
const SCREENSHOT_HEIGHT: u32 = 6000;

/// The disclosure fixture made an estimate: every tally carries an estimate a thousand times
/// its count (trillions, the widest figures a table shows) with a 3% interval.
fn estimate_fixture() -> Value {
    let mut report = fixture();
    let estimate = |t: &Value| {
        let tokens = u64_at(t, "tokens") * 1000;
        let documents = u64_at(t, "documents") * 1000;
        json!({
            "tokens": tokens, "low": tokens / 100 * 97, "high": tokens / 100 * 103,
            "confidence": 0.95, "documents": documents,
            "documents_low": documents / 100 * 96, "documents_high": documents / 100 * 104,
            "sampled_documents": u64_at(t, "documents"), "sampled_bytes": u64_at(t, "input_bytes"),
            "sampled_tokens": u64_at(t, "tokens"), "sampled_units": 1_234, "units": 1_234_000,
            "method": "stratified-ratio", "note": "1234 of 1234000 4 MiB blocks (file_size); 12 strata"
        })
    };
    for list in ["sources", "categories"] {
        for t in report[list].as_array_mut().unwrap() {
            t["estimate"] = estimate(t);
        }
    }
    report["totals"]["estimate"] = estimate(&report["totals"]);
    report["run"]["merged_parts"] = Value::Null;
    report["run"]["estimate"] = json!({
        "sample_fraction": 0.001, "sample_bytes": null, "seed": 7, "confidence": 0.95,
        "read_bytes": u64_at(&report["totals"], "input_bytes"),
        "corpus_bytes": u64_at(&report["totals"], "input_bytes") * 1000
    });
    report
}

/// The SVG of chart `id` in `page`.
fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<svg class=\"chart\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    &page[start..start + page[start..].find("</svg>").unwrap()]
}

#[test]
fn an_estimate_page_draws_the_estimates_and_labels_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let report = estimate_fixture();
    let (_, html) = render_html(&report, dir.path());
    let total = u64_at(&report["totals"]["estimate"], "tokens");
    let title = format!(
        "<title>Training data estimate: an estimated {} tokens",
        count_rounded(total)
    );
    assert!(html.contains(&title), "{title} not in the page");
    assert!(html.contains("<h1>Training data: token estimate</h1>"));
    for (id, list) in [
        ("chart-sources", "sources"),
        ("chart-categories", "categories"),
    ] {
        let svg = chart(&html, id);
        for t in report[list].as_array().unwrap() {
            let estimated = thousands(u64_at(&t["estimate"], "tokens"));
            let counted = thousands(u64_at(t, "tokens"));
            assert!(
                svg.contains(&format!(": an estimated {estimated} tokens (95% interval ")),
                "{id}: the bar of {} is not its estimate {estimated}",
                t["name"]
            );
            assert!(
                !svg.contains(&format!(": {counted} tokens")),
                "{id} draws the sample's {counted} tokens"
            );
        }
    }
    for caption in [
        "Share of tokens by modality (the sample, not the corpus)",
        "Tokens per text document (the sample, not the corpus)",
        "Tokens per month (the sample, not the corpus)",
    ] {
        assert!(
            html.contains(&format!("<figcaption>{caption}</figcaption>")),
            "{caption}"
        );
    }
    for heading in [
        "Sources",
        "Categories",
        "Modalities",
        "Time frame",
        "Processing",
    ] {
        let labelled = format!("<h2>{heading} (the sample, counted exactly: not the corpus)</h2>");
        assert!(html.contains(&labelled), "{labelled} not in the page");
    }
    // A count's page is unchanged in kind.
    let (_, census) = render_html(&fixture(), dir.path());
    assert!(census.contains("<title>Training data census: about "));
    assert!(!census.contains("the sample"));
}

/// Measures the layout in the page and writes what does not fit as JSON into a
/// `<script type="application/json" id="layout-problems">` (raw text in a DOM dump).
const MEASURE: &str = r#"<script>
(() => {
  const problems = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) problems.push(`the page is ${page.scrollWidth} px wide in a ${page.clientWidth} px window`);
  for (const svg of document.querySelectorAll("svg.chart")) {
    const view = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll("text")) {
      const b = text.getBBox();
      if (b.x < view.x - 0.5 || b.y < view.y - 0.5 || b.x + b.width > view.x + view.width + 0.5 || b.y + b.height > view.y + view.height + 0.5) {
        problems.push(`${svg.id}: the label "${text.firstChild.textContent}" (${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}) leaves the ${view.width}x${view.height} chart`);
      }
    }
  }
  document.querySelectorAll(".scroll").forEach((box, i) => {
    if (box.scrollWidth > box.clientWidth + 1) problems.push(`table ${i + 1} (first column "${box.querySelector("th").textContent}") needs ${box.scrollWidth} px and has ${box.clientWidth}`);
  });
  const out = document.createElement("script");
  out.type = "application/json";
  out.id = "layout-problems";
  out.textContent = JSON.stringify(problems);
  document.body.appendChild(out);
})();
</script>"#;

/// The folder the screenshots go to: `target/tmp/html-layout/`, kept after the test.
fn screenshot_folder() -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-layout");
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

#[test]
fn every_chart_label_and_table_fits_at_1200_and_1366_px() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let shots = screenshot_folder();
    let mut problems = Vec::new();
    for (name, report) in [("census", fixture()), ("estimate", estimate_fixture())] {
        let work = dir.path().join(name);
        std::fs::create_dir_all(&work).unwrap();
        let (page, html) = render_html(&report, &work);
        let measured = work.join("measured.html");
        std::fs::write(
            &measured,
            html.replace("</body>", &format!("{MEASURE}\n</body>")),
        )
        .unwrap();
        for width in WIDTHS {
            let dom = headless(&browser, &measured, (width, 900), "--dump-dom", &work);
            let start = dom.find("id=\"layout-problems\">").unwrap_or_else(|| {
                panic!("{name} at {width} px: the measuring script did not run")
            });
            let json = &dom[start + "id=\"layout-problems\">".len()..];
            let found: Vec<String> =
                serde_json::from_str(&json[..json.find("</script>").unwrap()]).unwrap();
            problems.extend(
                found
                    .into_iter()
                    .map(|p| format!("{name} at {width} px: {p}")),
            );
            // Every chart is drawn at this width too.
            for tag in chart_tags(&dom) {
                let id = attribute(tag, "id").unwrap();
                assert_eq!(
                    attribute(tag, "data-drawn-marks"),
                    attribute(tag, "data-marks"),
                    "{name} at {width} px: {id}"
                );
            }
            // The whole page, for people to look at: a window as tall as the page.
            let shot = shots.join(format!("{name}-{width}.png"));
            headless(
                &browser,
                &page,
                (width, SCREENSHOT_HEIGHT),
                &format!("--screenshot={}", shot.display()),
                &work,
            );
            assert!(shot.is_file(), "no screenshot {}", shot.display());
        }
    }
    assert!(
        problems.is_empty(),
        "layout problems (screenshots in {}):\n{}",
        shots.display(),
        problems.join("\n")
    );
}
