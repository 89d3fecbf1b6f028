//! The exact tables of the HTML format: sources, categories, modalities, tokens per document,
//! time frame, domains, estimates and processing (with the first input errors), every figure
//! exact with thousands separators and every cell escaped.

use super::esc;
use crate::report::Report;
use crate::report::render::counts::{self, Format};
use crate::report::render::grid::Grid;
use crate::report::render::{
    chat, count_noun, estimate_note, modality, periods, processing, share, thousands, tokenizers,
};
use std::io::{self, Write};

/// How many input errors the page lists before pointing to the JSON report.
const ERRORS_SHOWN: usize = 20;

/// A section heading; for an estimate, the tables under it count the sample and it says so.
fn heading(report: &Report, title: &str) -> String {
    if estimate_note::is_estimate(report) {
        format!(
            "<h2>{} (the sample, counted exactly: not the corpus)</h2>",
            esc(title)
        )
    } else {
        format!("<h2>{}</h2>", esc(title))
    }
}

fn sources_and_categories(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section>{}", heading(report, "Sources"))?;
    counts::sources(report, Format::Html).write_html(out)?;
    writeln!(out, "{}", heading(report, "Categories"))?;
    counts::categories(report, Format::Html).write_html(out)?;
    writeln!(out, "</section>")
}

fn modalities(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section>{}<p class=\"note\">Images, sounds and videos are measured from their headers and become tokens under each source's token models (stated in the JSON report); unsupported items are counted, not measured.</p>",
        heading(report, "Modalities")
    )?;
    modality::totals(report).write_html(out)?;
    if let Some(grid) = modality::media_sources(report) {
        grid.write_html(out)?;
    }
    writeln!(out, "</section>")
}

fn tokenizer_comparison(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !tokenizers::has_several(report) {
        return Ok(());
    }
    writeln!(
        out,
        "<section>{}<p class=\"note\">{}.</p>",
        heading(report, "Tokenizers"),
        esc(tokenizers::HEADING)
    )?;
    tokenizers::comparison(report, true).write_html(out)?;
    writeln!(out, "</section>")
}

fn conversations(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !chat::has_chat(report) {
        return Ok(());
    }
    writeln!(
        out,
        "<section>{}<p class=\"note\">Each conversation is one text document; turns are messages per conversation; template tokens are the rendered conversations' tokens minus their contents'.</p>",
        heading(report, "Conversations")
    )?;
    chat::conversations(report, true).write_html(out)?;
    chat::roles(report, true).write_html(out)?;
    writeln!(out, "</section>")
}

fn distribution(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section>{}<p class=\"note\">p50, p90 and p99 within 0.1%; min, mean and max exact.</p>",
        heading(report, "Tokens per text document")
    )?;
    counts::distribution(report, Format::Html).write_html(out)?;
    writeln!(out, "</section>")
}

fn time_frame(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let t = &report.totals.tally;
    writeln!(
        out,
        "<section>{}<p>{}</p>",
        heading(report, "Time frame"),
        esc(&periods::time_frame_sentence(t))
    )?;
    if periods::has_periods(t) {
        periods::years(t).write_html(out)?;
        periods::sources(report).write_html(out)?;
    }
    writeln!(out, "</section>")
}

/// The largest web domains over all sources, the other domains summed, and the documents
/// without a usable URL, each with its share of the text tokens.
fn domains(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let d = &report.totals.tally.domains;
    if d.domains.is_empty() && d.domains_other.domains == 0 {
        return Ok(());
    }
    let whole = report.totals.tally.by_modality.text.tokens;
    let mut grid = Grid::new(
        &["Domain", "Documents", "Tokens", "Share of text tokens"],
        1,
    );
    let mut row = |label: String, documents: u64, tokens: u64| {
        grid.row([
            label,
            thousands(documents),
            thousands(tokens),
            share(tokens, whole),
        ])
    };
    for x in &d.domains {
        row(x.domain.clone(), x.documents, x.tokens);
    }
    let o = &d.domains_other;
    row(
        count_noun(o.domains, "other domain", "other domains"),
        o.documents,
        o.tokens,
    );
    let w = &d.without_domain;
    row("no usable URL".into(), w.documents, w.tokens);
    let exact = if d.domains_exact {
        ""
    } else {
        " Per-domain figures are approximate (bounded memory or merged partial lists); the sums are exact."
    };
    writeln!(
        out,
        "<section>{}<p class=\"note\">Registered domains of the records' URLs, largest by tokens, over all sources.{exact}</p>",
        heading(report, "Web domains")
    )?;
    grid.write_html(out)?;
    writeln!(out, "</section>")
}

fn estimates(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !estimate_note::is_estimate(report) {
        return Ok(());
    }
    writeln!(out, "<section><h2>Estimates</h2>")?;
    estimate_note::grid(report).wrapping().write_html(out)?;
    writeln!(out, "</section>")
}

/// The first input errors: path, line or row, kind and message.
fn errors(report: &Report) -> Grid {
    let mut grid = Grid::new(&["Path", "Line or row", "Kind", "Message"], 4);
    for e in report.errors.iter().take(ERRORS_SHOWN) {
        grid.row([
            e.path.clone(),
            e.line.map_or("-".into(), thousands),
            e.kind.to_string(),
            e.message.clone(),
        ]);
    }
    grid
}

fn processing_and_errors(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section>{}", heading(report, "Processing"))?;
    processing::grid(report).write_html(out)?;
    if !report.errors.is_empty() {
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
        errors(report).write_html(out)?;
    }
    writeln!(out, "</section>")
}

/// Every table section, in page order.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    estimates(report, out)?;
    sources_and_categories(report, out)?;
    tokenizer_comparison(report, out)?;
    modalities(report, out)?;
    conversations(report, out)?;
    distribution(report, out)?;
    time_frame(report, out)?;
    domains(report, out)?;
    processing_and_errors(report, out)
}
