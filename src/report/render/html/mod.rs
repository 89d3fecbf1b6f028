//! The HTML format: one self-contained page (inline CSS, inline SVG drawn here, no request to
//! any network or file) with the headline in words, charts (tokens by source and by category,
//! modality share, the tokens-per-document histogram, tokens per month) and the exact tables.
//! A six-line inline script records each chart's drawn size for the layout test; the page is
//! complete without it. All text from the report is escaped. For an estimate, the title and
//! the source and category bars are the estimates, and every chart or table of the sample's
//! own figures says so in its caption.

mod charts;
mod series;
mod tables;

use super::words::{self, counted};
use super::{
    Render, Report, count_noun, estimate_note, headline, plural, thousands, tokenizer_line,
};
use crate::stats::{Category, Tally};
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

/// The tokens a bar of `t` draws: its estimate for an estimate's report, else its count.
fn bar_tokens(t: &Tally) -> u64 {
    t.estimate.as_ref().map_or(t.counts.tokens, |e| e.tokens)
}

/// A bar's tooltip: `name: 1,234 tokens`, or for an estimate `name: an estimated 1,234 tokens
/// (95% interval 1,100 to 1,400)`.
fn tokens_title(name: &str, t: &Tally) -> String {
    let tokens = count_noun(bar_tokens(t), "token", "tokens");
    match &t.estimate {
        Some(e) => format!(
            "{name}: an estimated {tokens} ({} interval {} to {})",
            estimate_note::confidence(e),
            thousands(e.low),
            thousands(e.high)
        ),
        None => format!("{name}: {tokens}"),
    }
}

fn source_chart(report: &Report) -> String {
    let mut sources: Vec<_> = report.sources.iter().collect();
    sources.sort_by_key(|s| std::cmp::Reverse(bar_tokens(&s.tally)));
    let mut bars: Vec<Bar> = sources
        .iter()
        .take(MAX_SOURCE_BARS)
        .map(|s| Bar {
            label: s.name.clone(),
            value: bar_tokens(&s.tally),
            color: category_color(s.category),
            title: tokens_title(&format!("{} ({})", s.name, s.category.name()), &s.tally),
        })
        .collect();
    if sources.len() > MAX_SOURCE_BARS {
        let rest = &sources[MAX_SOURCE_BARS..];
        let tokens = rest.iter().map(|s| bar_tokens(&s.tally)).sum();
        let label = count_noun(rest.len() as u64, "other source", "other sources");
        let estimated = if estimate_note::is_estimate(report) {
            "an estimated "
        } else {
            ""
        };
        bars.push(Bar {
            title: format!(
                "{label}: {estimated}{}",
                count_noun(tokens, "token", "tokens")
            ),
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
            value: bar_tokens(&c.tally),
            color: category_color(c.category),
            title: tokens_title(c.category.name(), &c.tally),
        })
        .collect();
    charts::horizontal_bars("chart-categories", "Tokens by category", &bars)
}

fn modality_chart(report: &Report) -> String {
    let m = &report.totals.tally.by_modality;
    let sample = if estimate_note::is_estimate(report) {
        " in the sample"
    } else {
        ""
    };
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
        title: format!("{}{sample}", count_noun(value, "token", "tokens")),
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
                "{}: {}",
                match to.saturating_sub(1) {
                    last if last <= from => count_noun(from, "token", "tokens"),
                    last => format!("{} to {} tokens", thousands(from), thousands(last)),
                },
                count_noun(documents, "document", "documents")
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
                "{}: {} in {}",
                super::periods::month_name(key),
                count_noun(d.tokens, "token", "tokens"),
                count_noun(d.documents, "document", "documents")
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
    let estimated = estimate_note::is_estimate(report);
    let rounded = if estimated {
        "Bars: the estimates for the corpus. Labels rounded to two significant figures; hover for the exact estimate and its interval, or see the estimates table."
    } else {
        "Labels rounded to two significant figures; hover for exact figures, or see the tables."
    };
    // The caption of a chart of the sample's own figures.
    let sample = |caption: &str| {
        if estimated {
            format!("{caption} (the sample, not the corpus)")
        } else {
            caption.to_string()
        }
    };
    writeln!(out, "<section class=\"charts\">")?;
    figure(
        out,
        if estimated {
            "Estimated tokens by source"
        } else {
            "Tokens by source"
        },
        &source_chart(report),
        &format!("Colour: category. {rounded}"),
        false,
    )?;
    figure(
        out,
        if estimated {
            "Estimated tokens by category"
        } else {
            "Tokens by category"
        },
        &category_chart(report),
        rounded,
        false,
    )?;
    figure(
        out,
        &sample("Share of tokens by modality"),
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
    figure(out, &sample("Tokens per text document"), &svg, &note, false)?;
    let t = &report.totals.tally;
    let month_note = if t.periods.by_month.is_empty() {
        "No record carries a date (sources with a declared collection period have no per-record month).".to_string()
    } else {
        format!(
            "Dated records only: {} and {} of declared periods are not drawn. Labels rounded to two significant figures; hover for exact figures, or see the tables.",
            count_noun(
                t.periods.undated.documents,
                "undated document",
                "undated documents"
            ),
            count_noun(t.periods.declared.documents, "document", "documents")
        )
    };
    figure(
        out,
        &sample("Tokens per month"),
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
        let t = &report.totals.tally;
        let (kind, tokens) = match &t.estimate {
            Some(e) => (
                "estimate",
                format!(
                    "an estimated {} {}",
                    words::count_rounded(e.tokens),
                    plural(e.tokens, "token", "tokens")
                ),
            ),
            None => ("census", counted(t.counts.tokens, "token", "tokens")),
        };
        writeln!(
            out,
            "<title>Training data {kind}: {} ({} tokenizer)</title>",
            esc(&tokens),
            esc(&name)
        )?;
        writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>\n<main>")?;
        writeln!(out, "<header><h1>Training data: token {kind}</h1>")?;
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
