//! The eu-summary format: the quantitative parts of the EU AI Act public summary of training
//! content (AI Office template for general-purpose AI models, July 2025), in the template's
//! section order, as Markdown. Section 1 gives per modality the template's size band with the
//! exact size and the latest date of data acquisition; section 2 (in [`super::eu_sources`]) the
//! source categories; section 3 the processing figures. What a census cannot know appears as
//! `[FILL IN: ...]` fields.

use super::eu_sizes::{BOUNDARY_RULE, MAPPING, Modality};
use super::eu_sources::{self, fill};
use super::grid::Grid;
use super::markdown::escape;
use super::{
    Render, Report, count_noun, estimate_note, headline, periods, processing, tokenizers, words,
};
use std::io::{self, Write};

/// The EU public summary of training content, quantitative parts.
pub struct EuSummary;

impl Render for EuSummary {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        preamble(report, out)?;
        general(report, out)?;
        eu_sources::write(report, out)?;
        processing_section(report, out)
    }
}

fn preamble(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "# Public summary of training content: quantitative parts\n"
    )?;
    if let Some(partial) = super::partial_line(report) {
        writeln!(out, "> **{partial}**\n")?;
    }
    if let Some(notice) = estimate_note::notice(report) {
        writeln!(out, "> **{}**\n", escape(&notice))?;
    }
    writeln!(
        out,
        "Prepared by tokencensus {} for the template of the AI Office for the public summary of training content of general-purpose AI models (July 2025), in its section order. Sizes, dates, source categories and domains come from the census; fields marked {} hold what a census cannot know and must be completed before publishing.\n",
        escape(&report.tool.version),
        fill("...")
    )?;
    writeln!(
        out,
        "{} {}\n",
        escape(&headline::headline(report)),
        words::ROUNDED_NOTE
    )?;
    writeln!(
        out,
        "How tokencensus categories (the manifest's `category`) map to the template's source categories:\n"
    )?;
    let mut mapping = Grid::new(
        &["Section", "Template category", "tokencensus categories"],
        3,
    );
    for (number, title, cats) in MAPPING {
        let names: Vec<&str> = cats.iter().map(|c| c.name()).collect();
        mapping.row([
            number.to_string(),
            title.to_string(),
            if names.is_empty() {
                "none: complete 2.2.2 by hand".into()
            } else {
                names.join(", ")
            },
        ]);
    }
    mapping.write_markdown(out)?;
    writeln!(
        out,
        "`public` means datasets published by others (Common Crawl dumps, Wikipedia, FineWeb); `crawled` means data crawled or scraped by the provider or on its behalf. The census cannot tell one from the other: only the manifest's categories decide.\n"
    )
}

/// Section 1: provider, model, modalities with size bands, latest acquisition date.
fn general(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## 1. General information\n")?;
    writeln!(out, "### 1.1 Provider identification\n")?;
    writeln!(
        out,
        "- Provider name and contact details: {}",
        fill("provider")
    )?;
    writeln!(out, "- Authorised representative: {}\n", fill("if any"))?;
    writeln!(out, "### 1.2 Model identification\n")?;
    writeln!(out, "- Versioned model name(s): {}", fill("model names"))?;
    writeln!(
        out,
        "- Model dependencies: {}",
        fill("models this model was fine-tuned from, if any")
    )?;
    writeln!(
        out,
        "- Date of placement of the model on the Union market: {}\n",
        fill("date")
    )?;
    writeln!(
        out,
        "### 1.3 Modalities, overall training data size and other characteristics\n"
    )?;
    let t = &report.totals.tally;
    let header = [
        "Modality",
        "Used",
        "Training data size (template band)",
        "Exact size (this census)",
        "In words (rounded)",
    ];
    let mut sizes = Grid::new(&header, 3).markup();
    for m in Modality::ALL {
        let used = m.used(t) || (m == Modality::Text && t.estimate.is_some());
        if !used {
            sizes.row([
                m.name().into(),
                "No".into(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
            continue;
        }
        let amount = m.amount(t);
        let mut band = format!("**{}**", m.band(amount));
        let (low, high) = m.interval(t).unwrap_or((amount, amount));
        if m.band(low) != m.band(high) {
            band += &format!(
                " (the interval reaches from \"{}\" to \"{}\")",
                m.band(low),
                m.band(high)
            );
        }
        sizes.row([
            m.name().into(),
            "Yes".into(),
            band,
            m.exact_size(t),
            m.size_words(t),
        ]);
    }
    let unsupported = &t.unsupported;
    sizes.row([
        "Other".into(),
        fill("Yes or No"),
        fill("size"),
        format!(
            "{} ({}) counted, not measured{}",
            count_noun(unsupported.items, "unsupported item", "unsupported items"),
            count_noun(unsupported.bytes, "byte", "bytes"),
            estimate_note::sample_only(t)
        ),
        "-".into(),
    ]);
    sizes.write_markdown(out)?;
    writeln!(
        out,
        "{BOUNDARY_RULE} Text tokens are counted with the {} tokenizer (sha256 {}); images, sounds and videos also become tokens under each source's token models, stated in the JSON report, but the template measures them in items and hours.\n",
        escape(&headline::tokenizer_display(&report.tokenizer.name)),
        escape(&report.tokenizer.sha256)
    )?;
    if tokenizers::has_several(report) {
        writeln!(out, "{}:\n", tokenizers::HEADING)?;
        tokenizers::comparison(report, true).write_markdown(out)?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "- Types of content: {}",
        fill("e.g. fiction, news, scientific articles, code, photographs, speech")
    )?;
    let latest = match &t.periods.latest_month {
        Some(m) => format!(
            "**{}**{}",
            periods::mm_yyyy(m),
            estimate_note::sample_only(t)
        ),
        None => {
            fill("MM/YYYY: no record carries a date and no source declares a collection period")
        }
    };
    writeln!(
        out,
        "- Latest date of data acquisition or collection for model training: {latest}"
    )?;
    if t.periods.latest_month.is_some() {
        let sentence = periods::time_frame_sentence(t);
        writeln!(out, "  - {}{}", escape(&sentence), sample(t))?;
    }
    writeln!(out, "- Is data collection ongoing: {}", fill("Yes or No"))?;
    let languages = match super::signals::language_summary(report) {
        Some(summary) => format!(
            "{}. {}",
            escape(&summary),
            fill(
                "review: the detector knows 16 languages and counts any other under the closest of them"
            )
        ),
        None => fill("languages"),
    };
    writeln!(
        out,
        "- Linguistic characteristics of the overall training data: {languages}"
    )?;
    writeln!(
        out,
        "- Other relevant characteristics: {}\n",
        fill("optional")
    )
}

/// ` (These figures are the sample's.)` after a sentence of an estimate's figures, else
/// nothing.
fn sample(t: &crate::stats::Tally) -> &'static str {
    if t.estimate.is_some() {
        " (These figures are the sample's, not estimated.)"
    } else {
        ""
    }
}

/// Section 3: data processing aspects, with the census's processing figures.
fn processing_section(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## 3. Data processing aspects\n")?;
    writeln!(
        out,
        "### 3.1 Respect of reservation of rights from the text and data mining exception or limitation\n"
    )?;
    writeln!(
        out,
        "- Measures implemented before and during data collection to respect opt-outs (robots.txt, other machine-readable protocols): {}\n",
        fill("opt-out policies")
    )?;
    writeln!(out, "### 3.2 Removal of illegal content\n")?;
    writeln!(
        out,
        "- General description of measures taken: {}\n",
        fill("measures")
    )?;
    writeln!(out, "### 3.3 Other information\n")?;
    let read = if estimate_note::is_estimate(report) {
        "How the sample was read (exact figures of the sample; records with input errors are not in any estimate above)"
    } else {
        "How the census read its inputs (exact figures; records with input errors are not in any size above)"
    };
    writeln!(out, "{read}:\n")?;
    processing::grid(report).write_markdown(out)?;
    writeln!(
        out,
        "- Other processing (deduplication, filtering, de-identification): {}",
        fill("optional")
    )
}
