//! The HTML format: one self-contained page (inline CSS, inline SVG drawn here, no request to
//! any network or file) with the headline in words, charts (tokens by source and by category,
//! modality share, the tokens-per-document histogram, tokens per month) and the exact tables.
//! A six-line inline script records each chart's drawn size for the layout test; the page is
//! complete without it. All text from the report is escaped.

mod charts;
mod series;
mod tables;

use super::words::{self, count_words};
use super::{Render, Report, estimate_note, headline, thousands, tokenizer_line};
use crate::stats::Category;
use charts::Bar;
use std::io::{self, Write};

/// One self-contained HTML page.
pub struct Html;

const STYLE: &str = include_str!("style.css");

/// The layout check: how many marks of each chart have a non-zero box, and the chart's size.
const LAYOUT_CHECK: &str = r#"<script>
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.getBoundingClientRect();
  const drawn = [...svg.querySelectorAll(".mark")].filter(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; }).length;
  svg.setAttribute("data-drawn-marks", drawn); svg.setAttribute("data-box", Math.round(box.width) + "x" + Math.round(box.height));
}
</script>"#;

/// `s` escaped for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Colours of the categories, in [`Category::ALL`] order.
const CATEGORY_COLORS: [&str; 7] = [
    "#4e79a7", "#e15759", "#f28e2b", "#76b7b2", "#59a14f", "#b07aa1", "#9c755f",
];

fn category_color(c: Category) -> &'static str {
    let index = Category::ALL.iter().position(|x| *x == c).unwrap_or(0);
    CATEGORY_COLORS[index % CATEGORY_COLORS.len()]
}

/// Most bars of the source chart; smaller sources are summed into one bar.
const MAX_SOURCE_BARS: usize = 20;

fn tokens_title(name: &str, tokens: u64) -> String {
    format!("{name}: {} tokens", thousands(tokens))
}

fn source_chart(report: &Report) -> String {
    let mut sources: Vec<_> = report.sources.iter().collect();
    sources.sort_by_key(|s| std::cmp::Reverse(s.tally.counts.tokens));
    let mut bars: Vec<Bar> = sources
        .iter()
        .take(MAX_SOURCE_BARS)
        .map(|s| Bar {
            label: s.name.clone(),
            value: s.tally.counts.tokens,
            color: category_color(s.category),
            title: tokens_title(
                &format!("{} ({})", s.name, s.category.name()),
                s.tally.counts.tokens,
            ),
        })
        .collect();
    if sources.len() > MAX_SOURCE_BARS {
        let rest = &sources[MAX_SOURCE_BARS..];
        let tokens = rest.iter().map(|s| s.tally.counts.tokens).sum();
        let label = format!("{} other sources", rest.len());
        bars.push(Bar {
            title: tokens_title(&label, tokens),
            label,
            value: tokens,
            color: "#bab0ac",
        });
    }
    charts::horizontal_bars("chart-sources", "Tokens by source", &bars)
}

fn category_chart(report: &Report) -> String {
    let bars: Vec<Bar> = report
        .categories
        .iter()
        .map(|c| Bar {
            label: c.category.name().into(),
            value: c.tally.counts.tokens,
            color: category_color(c.category),
            title: tokens_title(c.category.name(), c.tally.counts.tokens),
        })
        .collect();
    charts::horizontal_bars("chart-categories", "Tokens by category", &bars)
}

fn modality_chart(report: &Report) -> String {
    let m = &report.totals.tally.by_modality;
    let parts: Vec<Bar> = [
        ("Text", m.text.tokens, "#4e79a7"),
        ("Images", m.image.tokens, "#f28e2b"),
        ("Audio", m.audio.tokens, "#59a14f"),
        ("Video", m.video.tokens, "#e15759"),
    ]
    .into_iter()
    .map(|(label, value, color)| Bar {
        label: label.into(),
        value,
        color,
        title: format!("{} tokens", thousands(value)),
    })
    .collect();
    charts::stacked_share("chart-modalities", "Share of tokens by modality", &parts)
}

fn histogram_chart(report: &Report) -> (String, Vec<String>) {
    let (distribution, problems) = series::total_distribution(report);
    let bins = series::bins(&distribution);
    if bins.is_empty() {
        return (String::new(), problems);
    }
    let bars: Vec<Bar> = bins
        .iter()
        .map(|&(from, to, documents)| Bar {
            label: words::count_compact(from),
            value: documents,
            color: "#4e79a7",
            title: format!(
                "{} to {} tokens: {} documents",
                thousands(from),
                thousands(to.saturating_sub(1)),
                thousands(documents)
            ),
        })
        .collect();
    let svg = charts::columns(
        "chart-histogram",
        "Text documents by tokens per document",
        "documents",
        &bars,
        (charts::WIDTH, 1),
    );
    (svg, problems)
}

fn month_chart(report: &Report) -> String {
    let months = series::months(&report.totals.tally);
    if months.is_empty() {
        return String::new();
    }
    let tick_every = months.len().div_ceil(24);
    let bars: Vec<Bar> = months
        .iter()
        .map(|(key, d)| Bar {
            label: super::periods::mm_yyyy(key),
            value: d.tokens,
            color: "#59a14f",
            title: format!(
                "{}: {} tokens in {} documents",
                super::periods::month_name(key),
                thousands(d.tokens),
                thousands(d.documents)
            ),
        })
        .collect();
    charts::columns(
        "chart-months",
        "Tokens of dated records per month",
        "tokens",
        &bars,
        (2.0 * charts::WIDTH, tick_every),
    )
}

/// One chart in a card; a `wide` card spans the page.
fn figure(out: &mut dyn Write, caption: &str, svg: &str, note: &str, wide: bool) -> io::Result<()> {
    let class = if wide { "card wide" } else { "card" };
    write!(
        out,
        "<figure class=\"{class}\"><figcaption>{}</figcaption>",
        esc(caption)
    )?;
    if svg.is_empty() {
        write!(out, "<p class=\"empty\">{}</p>", esc(note))?;
    } else {
        write!(out, "{svg}<p class=\"note\">{}</p>", esc(note))?;
    }
    writeln!(out, "</figure>")
}

fn charts_section(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rounded =
        "Labels rounded to two significant figures; hover for exact figures, or see the tables.";
    writeln!(out, "<section class=\"charts\">")?;
    figure(
        out,
        "Tokens by source",
        &source_chart(report),
        &format!("Colour: category. {rounded}"),
        false,
    )?;
    figure(
        out,
        "Tokens by category",
        &category_chart(report),
        rounded,
        false,
    )?;
    figure(
        out,
        "Share of tokens by modality",
        &modality_chart(report),
        "Images, sounds and videos become tokens under each source's token models.",
        false,
    )?;
    let (svg, problems) = histogram_chart(report);
    let mut note = "Text documents per bin of tokens per document (bins start at the value shown; from HDR histograms, within 0.1%).".to_string();
    if !problems.is_empty() {
        note += &format!(" Left out of this chart: {}.", problems.join("; "));
    }
    if svg.is_empty() {
        note = "No text document was counted.".into();
    }
    figure(out, "Tokens per text document", &svg, &note, false)?;
    let t = &report.totals.tally;
    let month_note = if t.periods.by_month.is_empty() {
        "No record carries a date (sources with a declared collection period have no per-record month).".to_string()
    } else {
        format!(
            "Dated records only: {} undated documents and {} documents of declared periods are not drawn. {rounded}",
            thousands(t.periods.undated.documents),
            thousands(t.periods.declared.documents)
        )
    };
    figure(
        out,
        "Tokens per month",
        &month_chart(report),
        &month_note,
        true,
    )?;
    writeln!(out, "</section>")
}

impl Render for Html {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let name = headline::tokenizer_display(&report.tokenizer.name);
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
        )?;
        writeln!(
            out,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        )?;
        writeln!(
            out,
            "<title>Training data census: {} tokens ({} tokenizer)</title>",
            esc(&count_words(report.totals.tally.counts.tokens)),
            esc(&name)
        )?;
        writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>\n<main>")?;
        writeln!(out, "<header><h1>Training data: token census</h1>")?;
        if let Some(partial) = super::partial_line(report) {
            writeln!(out, "<p class=\"warning\">{}</p>", esc(&partial))?;
        }
        if let Some(notice) = estimate_note::notice(report) {
            writeln!(out, "<p class=\"warning\">{}</p>", esc(&notice))?;
        }
        writeln!(
            out,
            "<p class=\"headline\">{}</p>",
            esc(&headline::headline(report))
        )?;
        writeln!(
            out,
            "<p class=\"note\">{} Counted with the {}.</p></header>",
            esc(words::ROUNDED_NOTE),
            esc(&tokenizer_line(report))
        )?;
        charts_section(report, out)?;
        tables::write(report, out)?;
        writeln!(
            out,
            "<footer>tokencensus {} · tokenizer sha256 {}</footer>\n</main>\n{LAYOUT_CHECK}\n</body>\n</html>",
            esc(&report.tool.version),
            esc(&report.tokenizer.sha256)
        )
    }
}
