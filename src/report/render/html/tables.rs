//! The exact tables of the HTML format: sources, categories, modalities, tokens per document,
//! time frame, domains, estimates and processing (with the first input errors), every figure
//! exact with thousands separators and every cell escaped.

use super::esc;
use crate::report::render::{estimate_note, hours, periods, processing, share, thousands};
use crate::report::{Report, Tally};
use std::io::{self, Write};

/// How many input errors the page lists before pointing to the JSON report.
const ERRORS_SHOWN: usize = 20;

/// A table: columns from `numeric_from` on are right-aligned; a last row in bold if `total`.
fn table(
    out: &mut dyn Write,
    header: &[&str],
    numeric_from: usize,
    rows: &[Vec<String>],
    total: Option<Vec<String>>,
) -> io::Result<()> {
    let cell = |tag: &str, i: usize, text: &str| {
        let class = if i >= numeric_from {
            " class=\"num\""
        } else {
            ""
        };
        format!("<{tag}{class}>{}</{tag}>", esc(text))
    };
    write!(out, "<div class=\"scroll\"><table><thead><tr>")?;
    for (i, h) in header.iter().enumerate() {
        write!(out, "{}", cell("th", i, h))?;
    }
    write!(out, "</tr></thead><tbody>")?;
    for row in rows {
        let cells: String = row
            .iter()
            .enumerate()
            .map(|(i, c)| cell("td", i, c))
            .collect();
        write!(out, "<tr>{cells}</tr>")?;
    }
    if let Some(row) = total {
        let cells: String = row
            .iter()
            .enumerate()
            .map(|(i, c)| cell("td", i, c))
            .collect();
        write!(out, "<tr class=\"total\">{cells}</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")
}

fn counts(t: &Tally, whole: u64) -> Vec<String> {
    let c = &t.counts;
    vec![
        thousands(c.files),
        thousands(c.documents),
        thousands(c.bytes),
        thousands(c.input_bytes),
        thousands(c.tokens),
        share(c.tokens, whole),
        t.bytes_per_token.map_or("-".into(), |b| format!("{b:.2}")),
    ]
}

const COUNT_HEADER: [&str; 7] = [
    "Files",
    "Documents",
    "Text bytes (UTF-8)",
    "Input bytes",
    "Tokens",
    "Share of tokens",
    "Bytes per token",
];

fn sources_and_categories(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let whole = report.totals.tally.counts.tokens;
    let header: Vec<&str> = ["Source", "Category"]
        .into_iter()
        .chain(COUNT_HEADER)
        .collect();
    let rows: Vec<Vec<String>> = report
        .sources
        .iter()
        .map(|s| {
            let mut row = vec![s.name.clone(), s.category.name().to_string()];
            row.extend(counts(&s.tally, whole));
            row
        })
        .collect();
    let mut total = vec!["Total".to_string(), String::new()];
    total.extend(counts(&report.totals.tally, whole));
    writeln!(out, "<section><h2>Sources</h2>")?;
    table(out, &header, 2, &rows, Some(total))?;
    let header: Vec<&str> = ["Category", "Sources"]
        .into_iter()
        .chain(COUNT_HEADER)
        .collect();
    let rows: Vec<Vec<String>> = report
        .categories
        .iter()
        .map(|c| {
            let mut row = vec![c.category.name().to_string(), thousands(c.sources)];
            row.extend(counts(&c.tally, whole));
            row
        })
        .collect();
    writeln!(out, "<h2>Categories</h2>")?;
    table(out, &header, 1, &rows, None)?;
    writeln!(out, "</section>")
}

fn media_row(name: &str, t: &Tally) -> Vec<String> {
    let m = &t.by_modality;
    vec![
        name.to_string(),
        thousands(m.image.items),
        thousands(m.image.tokens),
        thousands(m.audio.items),
        hours(m.audio.seconds),
        thousands(m.audio.tokens),
        thousands(m.video.items),
        hours(m.video.seconds),
        thousands(m.video.tokens),
        thousands(t.unsupported.items),
    ]
}

fn modalities(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals.tally;
    let m = &t.by_modality;
    let whole = t.counts.tokens;
    let rows = vec![
        vec![
            "Text".into(),
            format!("{} documents", thousands(m.text.documents)),
            format!("{} UTF-8 bytes", thousands(m.text.bytes)),
            thousands(m.text.tokens),
            share(m.text.tokens, whole),
        ],
        vec![
            "Images".into(),
            format!("{} images", thousands(m.image.items)),
            format!("{} pixels", thousands(m.image.pixels)),
            thousands(m.image.tokens),
            share(m.image.tokens, whole),
        ],
        vec![
            "Audio".into(),
            format!("{} sounds", thousands(m.audio.items)),
            format!("{} hours", hours(m.audio.seconds)),
            thousands(m.audio.tokens),
            share(m.audio.tokens, whole),
        ],
        vec![
            "Video".into(),
            format!("{} videos", thousands(m.video.items)),
            format!(
                "{} hours, {} sampled frames",
                hours(m.video.seconds),
                thousands(m.video.frames)
            ),
            thousands(m.video.tokens),
            share(m.video.tokens, whole),
        ],
        vec![
            "Unsupported".into(),
            format!("{} items", thousands(t.unsupported.items)),
            format!("{} bytes", thousands(t.unsupported.bytes)),
            "-".into(),
            "-".into(),
        ],
    ];
    writeln!(
        out,
        "<section><h2>Modalities</h2><p class=\"note\">Images, sounds and videos are measured from their headers and become tokens under each source's token models (stated in the JSON report); unsupported items are counted, not measured.</p>"
    )?;
    table(
        out,
        &["Modality", "Items", "Size", "Tokens", "Share of tokens"],
        1,
        &rows,
        None,
    )?;
    let with_media: Vec<Vec<String>> = report
        .sources
        .iter()
        .filter(|s| {
            let m = &s.tally.by_modality;
            m.image.items + m.audio.items + m.video.items + s.tally.unsupported.items > 0
        })
        .map(|s| media_row(&s.name, &s.tally))
        .collect();
    if !with_media.is_empty() {
        let header = [
            "Source",
            "Images",
            "Image tokens",
            "Sounds",
            "Audio hours",
            "Audio tokens",
            "Videos",
            "Video hours",
            "Video tokens",
            "Unsupported items",
        ];
        table(out, &header, 1, &with_media, Some(media_row("Total", t)))?;
    }
    writeln!(out, "</section>")
}

fn distribution_row(name: &str, t: &Tally) -> Vec<String> {
    match t.tokens_per_document {
        None => vec![
            name.to_string(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
        ],
        Some(d) => vec![
            name.to_string(),
            thousands(d.min),
            format!("{:.1}", d.mean),
            thousands(d.p50),
            thousands(d.p90),
            thousands(d.p99),
            thousands(d.max),
        ],
    }
}

fn distribution(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Vec<String>> = report
        .sources
        .iter()
        .map(|s| distribution_row(&s.name, &s.tally))
        .collect();
    writeln!(
        out,
        "<section><h2>Tokens per text document</h2><p class=\"note\">p50, p90 and p99 within 0.1%; min, mean and max exact.</p>"
    )?;
    table(
        out,
        &["Source", "Min", "Mean", "p50", "p90", "p99", "Max"],
        1,
        &rows,
        Some(distribution_row("Total", &report.totals.tally)),
    )?;
    writeln!(out, "</section>")
}

fn time_frame(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals.tally;
    writeln!(
        out,
        "<section><h2>Time frame</h2><p>{}</p>",
        esc(&periods::time_frame_sentence(t))
    )?;
    if periods::has_periods(t) {
        let rows: Vec<Vec<String>> = periods::year_rows(t).into_iter().map(Vec::from).collect();
        table(
            out,
            &["Year", "Documents", "Tokens", "Share of text tokens"],
            1,
            &rows,
            None,
        )?;
        let rows: Vec<Vec<String>> = periods::source_rows(report)
            .into_iter()
            .map(Vec::from)
            .collect();
        table(
            out,
            &[
                "Source",
                "Dated by",
                "Earliest (MM/YYYY)",
                "Latest (MM/YYYY)",
                "Undated documents",
            ],
            2,
            &rows,
            None,
        )?;
    }
    writeln!(out, "</section>")
}

fn domains(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let d = &report.totals.tally.domains;
    if d.domains.is_empty() && d.domains_other.domains == 0 {
        return Ok(());
    }
    let whole = report.totals.tally.by_modality.text.tokens;
    let mut rows: Vec<Vec<String>> = d
        .domains
        .iter()
        .map(|x| {
            vec![
                x.domain.clone(),
                thousands(x.documents),
                thousands(x.tokens),
                share(x.tokens, whole),
            ]
        })
        .collect();
    let o = &d.domains_other;
    rows.push(vec![
        format!("{} other domains", thousands(o.domains)),
        thousands(o.documents),
        thousands(o.tokens),
        share(o.tokens, whole),
    ]);
    let w = &d.without_domain;
    rows.push(vec![
        "no usable URL".into(),
        thousands(w.documents),
        thousands(w.tokens),
        share(w.tokens, whole),
    ]);
    let exact = if d.domains_exact {
        ""
    } else {
        " Per-domain figures are approximate (bounded memory or merged partial lists); the sums are exact."
    };
    writeln!(
        out,
        "<section><h2>Web domains</h2><p class=\"note\">Registered domains of the records' URLs, largest by tokens, over all sources.{exact}</p>"
    )?;
    table(
        out,
        &["Domain", "Documents", "Tokens", "Share of text tokens"],
        1,
        &rows,
        None,
    )?;
    writeln!(out, "</section>")
}

fn estimates(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !estimate_note::is_estimate(report) {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = estimate_note::rows(report)
        .into_iter()
        .map(Vec::from)
        .collect();
    writeln!(out, "<section><h2>Estimates</h2>")?;
    table(out, &estimate_note::HEADER, 1, &rows, None)?;
    writeln!(out, "</section>")
}

fn processing_and_errors(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Vec<String>> = processing::rows(report)
        .into_iter()
        .map(Vec::from)
        .collect();
    writeln!(out, "<section><h2>Processing</h2>")?;
    table(out, &["Figure", "Exact value", "Meaning"], 3, &rows, None)?;
    if !report.errors.is_empty() {
        let rows: Vec<Vec<String>> = report
            .errors
            .iter()
            .take(ERRORS_SHOWN)
            .map(|e| {
                vec![
                    e.path.clone(),
                    e.line.map_or("-".into(), thousands),
                    e.kind.to_string(),
                    e.message.clone(),
                ]
            })
            .collect();
        let more = report.errors.len().saturating_sub(ERRORS_SHOWN);
        let caption = if more > 0 {
            format!(
                "First {ERRORS_SHOWN} input errors ({} more in the JSON report)",
                thousands(more as u64)
            )
        } else {
            "Input errors".into()
        };
        writeln!(out, "<h3>{}</h3>", esc(&caption))?;
        table(
            out,
            &["Path", "Line or row", "Kind", "Message"],
            4,
            &rows,
            None,
        )?;
    }
    writeln!(out, "</section>")
}

/// Every table section, in page order.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    estimates(report, out)?;
    sources_and_categories(report, out)?;
    modalities(report, out)?;
    distribution(report, out)?;
    time_frame(report, out)?;
    domains(report, out)?;
    processing_and_errors(report, out)
}
