//! The processing signals in the human-readable formats: small tables (duplicates, personal
//! data, languages, quality) for the table and Markdown renderers, and
//! [`processing_statements`] / [`findings`], the plain sentences and the figures with their
//! sentences that the disclosure formats' processing section quotes.

use super::grid::Grid;
use super::{Report, count_noun, human_count, percent, plural, thousands};
use crate::display::ratio;
use crate::stats::Tally;
use crate::stats::signals::{LangReport, PiiCount};
use std::io::{self, Write};

/// Languages named per row; the others are summed as "other".
const TOP_LANGUAGES: usize = 3;

/// One row per source, then per category (when there are several) and the total.
fn tallies(report: &Report) -> Vec<(String, &Tally)> {
    let mut rows: Vec<(String, &Tally)> = (report.sources.iter())
        .map(|s| (s.name.clone(), &s.tally))
        .collect();
    if report.categories.len() > 1 {
        for c in &report.categories {
            rows.push((format!("[{}]", c.category.name()), &c.tally));
        }
    }
    rows.push(("total".into(), &report.totals.tally));
    rows
}

/// `part` of `whole` as a percentage (computed as a ratio, as the report's shares are).
fn part(part: u64, whole: u64) -> String {
    ratio((whole > 0).then(|| part as f64 / whole as f64))
}

/// A signal's table under its title: a row per tally that has the signal, the last (the total)
/// after a rule when there are others.
fn section(
    title: String,
    header: &[&str],
    rows: &[(String, &Tally)],
    cells: impl Fn(&Tally) -> Option<Vec<String>>,
) -> (String, Grid) {
    let mut grid = Grid::new(header, 1).markup();
    let rows: Vec<Vec<String>> = (rows.iter())
        .filter_map(|(name, t)| Some(std::iter::once(name.clone()).chain(cells(t)?).collect()))
        .collect();
    let last = rows.len().saturating_sub(1);
    for (i, row) in rows.into_iter().enumerate() {
        if i == last && i > 0 {
            grid.rule();
        }
        grid.row(row);
    }
    (title, grid)
}

/// Every signal's table, figures written by `number` (human or exact).
fn sections(report: &Report, number: fn(u64) -> String) -> Vec<(String, Grid)> {
    let rows = tallies(report);
    let mut out = Vec::new();
    let Some(total) = report.totals.tally.signals.as_ref() else {
        return out;
    };
    if let Some(d) = &total.dedup {
        let how = if d.exact {
            "exact".to_string()
        } else {
            format!(
                "estimated from sketches: relative standard error {} (documents), {} (tokens)",
                percent(100.0 * d.relative_error, Some(2)),
                percent(100.0 * d.tokens_relative_error, Some(2))
            )
        };
        out.push(section(
            format!("duplicate documents, every copy after the first ({how}; the total counts duplicates across sources)"),
            &["source", "documents", "duplicates", "dup tokens", "tokens left", "normalized dups", "dup tokens", "tokens left"],
            &rows,
            |t| {
                let d = t.signals.as_ref()?.dedup.as_ref()?;
                Some(vec![
                    number(t.by_modality.text.documents),
                    number(d.duplicate_documents),
                    number(d.duplicate_tokens),
                    ratio(d.remaining_token_share),
                    number(d.normalized_duplicate_documents),
                    number(d.normalized_duplicate_tokens),
                    ratio(d.normalized_remaining_token_share),
                ])
            },
        ));
    }
    if total.pii.is_some() {
        let cell = |c: PiiCount| format!("{} / {}", number(c.documents), number(c.matches));
        out.push(section(
            "personal data: documents with matches / matches (counts only, patterns in the README)"
                .into(),
            &[
                "source",
                "documents",
                "any",
                "e-mail",
                "phone",
                "ip",
                "payment card",
                "iban",
            ],
            &rows,
            |t| {
                let p = t.signals.as_ref()?.pii.as_ref()?;
                Some(vec![
                    number(t.by_modality.text.documents),
                    number(p.any_documents),
                    cell(p.email),
                    cell(p.phone),
                    cell(p.ip),
                    cell(p.payment_card),
                    cell(p.iban),
                ])
            },
        ));
    }
    if let Some(l) = &total.lang {
        out.push(section(
            format!(
                "languages by share of text tokens ({}, on the first {} bytes of each document)",
                l.detector, l.prefix_bytes
            ),
            &[
                "source",
                "documents",
                "top languages",
                "other",
                "unknown documents",
                "unknown tokens",
            ],
            &rows,
            |t| {
                let l = t.signals.as_ref()?.lang.as_ref()?;
                let (top, other) = top_languages(l, t.by_modality.text.tokens);
                Some(vec![
                    number(t.by_modality.text.documents),
                    top,
                    other,
                    number(l.unknown.documents),
                    number(l.unknown.tokens),
                ])
            },
        ));
    }
    if let Some(q) = &total.quality {
        let th = q.thresholds;
        out.push(section(
            format!(
                "quality flags: documents (a document may carry several; very short: under {} words; non-letters: letters under {} of visible characters; repeated lines: over {} of {} or more lines)",
                th.min_words,
                percent(100.0 * th.min_letter_share, Some(0)),
                percent(100.0 * th.max_repeated_line_share, Some(0)),
                th.min_lines
            ),
            &["source", "documents", "flagged", "flagged tokens", "empty", "very short", "non-letters", "repeated lines"],
            &rows,
            |t| {
                let q = t.signals.as_ref()?.quality.as_ref()?;
                Some(vec![
                    number(t.by_modality.text.documents),
                    number(q.flagged.documents),
                    number(q.flagged.tokens),
                    number(q.empty.documents),
                    number(q.very_short.documents),
                    number(q.mostly_non_letters.documents),
                    number(q.repeated_lines.documents),
                ])
            },
        ));
    }
    out
}

/// The top languages as "eng 91.2%, deu 4.0%" and the share of the others.
fn top_languages(l: &LangReport, tokens: u64) -> (String, String) {
    let top: Vec<String> = (l.languages.iter().take(TOP_LANGUAGES))
        .map(|c| format!("{} {}", c.language, part(c.tokens, tokens)))
        .collect();
    let other: u64 = l
        .languages
        .iter()
        .skip(TOP_LANGUAGES)
        .map(|c| c.tokens)
        .sum();
    let top = if top.is_empty() {
        "-".into()
    } else {
        top.join(", ")
    };
    (top, part(other, tokens))
}

/// The languages of all text tokens in words, for the disclosure's "linguistic
/// characteristics": every detected language with at least 1% of the text tokens by name and
/// share, the rest and the undetermined summed, and the detector named; `None` without the
/// language signal.
pub fn language_summary(report: &Report) -> Option<String> {
    let t = &report.totals.tally;
    let l = t.signals.as_ref()?.lang.as_ref()?;
    let tokens = t.by_modality.text.tokens;
    let (named, rest): (Vec<_>, Vec<_>) = (l.languages.iter())
        .filter(|c| c.tokens > 0)
        .partition(|c| c.tokens.saturating_mul(100) >= tokens);
    let mut parts: Vec<String> = named
        .iter()
        .map(|c| format!("{} {}", c.name, part(c.tokens, tokens)))
        .collect();
    if !rest.is_empty() {
        let other: u64 = rest.iter().map(|c| c.tokens).sum();
        parts.push(format!(
            "{} {}",
            count_noun(rest.len() as u64, "other language", "other languages"),
            part(other, tokens)
        ));
    }
    if l.unknown.documents > 0 {
        parts.push(format!("undetermined {}", part(l.unknown.tokens, tokens)));
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "{} of the text tokens (each document's language detected by {} on its first {} bytes)",
        parts.join(", "),
        l.detector,
        l.prefix_bytes
    ))
}

/// The table format's tables, human-readable, each under its title.
pub fn human(report: &Report) -> Vec<(String, Grid)> {
    sections(report, human_count)
}

/// Writes the Markdown format's tables, exact, under a heading; nothing when no signal ran.
pub fn write_markdown(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let sections = sections(report, thousands);
    if sections.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Processing signals\n")?;
    for (title, grid) in sections {
        writeln!(out, "{}{}:\n", title[..1].to_uppercase(), &title[1..])?;
        grid.write_markdown(out)?;
    }
    Ok(())
}

/// What one signal found in the whole corpus, for the disclosure formats: a topic, a figure
/// with its exact value, and a sentence that says what it means.
pub struct Finding {
    /// The signal's topic: `Duplicates`, `Personal data`, `Languages` or `Quality`.
    pub topic: &'static str,
    /// The name of the figure: `duplicate documents (exact copies)`.
    pub figure: &'static str,
    /// The figure's exact value.
    pub value: String,
    /// The findings of the signal in one or two sentences.
    pub sentence: String,
}

/// The whole corpus's processing figures as (topic, sentence) pairs, for a disclosure
/// summary: duplicates, personal data, languages, quality. Empty when no signal ran.
pub fn processing_statements(report: &Report) -> Vec<(String, String)> {
    (findings(report).into_iter())
        .map(|f| (f.topic.to_string(), f.sentence))
        .collect()
}

/// What each signal that ran found in the whole corpus: duplicates, personal data, languages,
/// quality. Empty when no signal ran.
pub fn findings(report: &Report) -> Vec<Finding> {
    let t = &report.totals.tally;
    let Some(s) = &t.signals else {
        return Vec::new();
    };
    let (docs, tokens) = (t.by_modality.text.documents, t.by_modality.text.tokens);
    let mut out = Vec::new();
    if let Some(d) = &s.dedup {
        let (how, value) = if d.exact {
            ("exact count".to_string(), "")
        } else {
            let error = percent(100.0 * d.relative_error, Some(1));
            (
                format!("estimate, relative standard error {error}"),
                " (estimated)",
            )
        };
        out.push(Finding {
            topic: "Duplicates",
            figure: "duplicate documents (exact copies)",
            value: format!("{}{value}", thousands(d.duplicate_documents)),
            sentence: format!(
                "{} of {} ({}) {} an earlier document exactly ({}); removing them would leave {} of the {}. After normalization (Unicode NFC, lowercase, whitespace collapsed), {} ({}) {}, leaving {} of the tokens.",
                thousands(d.duplicate_documents),
                count_noun(docs, "text document", "text documents"),
                part(d.duplicate_documents, docs),
                plural(d.duplicate_documents, "repeats", "repeat"),
                how,
                ratio(d.remaining_token_share),
                count_noun(tokens, "text token", "text tokens"),
                count_noun(d.normalized_duplicate_documents, "document", "documents"),
                part(d.normalized_duplicate_documents, docs),
                plural(d.normalized_duplicate_documents, "is a duplicate", "are duplicates"),
                ratio(d.normalized_remaining_token_share),
            ),
        });
    }
    if let Some(p) = &s.pii {
        out.push(Finding {
            topic: "Personal data",
            figure: "documents with personal data",
            value: thousands(p.any_documents),
            sentence: format!(
                "{} of {} ({}) {} at least one e-mail address, phone number, IP address, payment card number or IBAN by the stated patterns: e-mail {} ({}), phone {} ({}), IP {} ({}), payment card {} ({}), IBAN {} ({}).",
                thousands(p.any_documents),
                count_noun(docs, "text document", "text documents"),
                part(p.any_documents, docs),
                plural(p.any_documents, "contains", "contain"),
                count_noun(p.email.documents, "document", "documents"),
                count_noun(p.email.matches, "match", "matches"),
                thousands(p.phone.documents),
                thousands(p.phone.matches),
                thousands(p.ip.documents),
                thousands(p.ip.matches),
                thousands(p.payment_card.documents),
                thousands(p.payment_card.matches),
                thousands(p.iban.documents),
                thousands(p.iban.matches),
            ),
        });
    }
    if let Some(l) = &s.lang {
        let (top, other) = top_languages(l, tokens);
        let largest = l.languages.first();
        out.push(Finding {
            topic: "Languages",
            figure: "largest language by tokens",
            value: largest.map_or("-".into(), |c| format!("{} {}", c.language, part(c.tokens, tokens))),
            sentence: format!(
                "By share of text tokens: {top}; other languages {other}; {} ({} of tokens) {} too few letters to tell (fewer than {} in their first {} bytes; {}).",
                count_noun(l.unknown.documents, "document", "documents"),
                part(l.unknown.tokens, tokens),
                plural(l.unknown.documents, "has", "have"),
                crate::signals::lang::MIN_LETTERS,
                l.prefix_bytes,
                l.detector
            ),
        });
    }
    if let Some(q) = &s.quality {
        out.push(Finding {
            topic: "Quality",
            figure: "low-quality documents",
            value: thousands(q.flagged.documents),
            sentence: format!(
                "{} ({} of tokens) {} flagged as low quality: {} empty, {} with fewer than {} words, {} with letters under {} of their characters, {} with over {} repeated lines.",
                count_noun(q.flagged.documents, "text document", "text documents"),
                part(q.flagged.tokens, tokens),
                plural(q.flagged.documents, "is", "are"),
                thousands(q.empty.documents),
                thousands(q.very_short.documents),
                q.thresholds.min_words,
                thousands(q.mostly_non_letters.documents),
                percent(100.0 * q.thresholds.min_letter_share, Some(0)),
                thousands(q.repeated_lines.documents),
                percent(100.0 * q.thresholds.max_repeated_line_share, Some(0)),
            ),
        });
    }
    out
}
