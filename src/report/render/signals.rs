//! The processing signals in the human-readable formats: small tables (duplicates, personal
//! data, languages, quality) for the table and Markdown renderers, and
//! [`processing_statements`] / [`processing_rows`], the plain sentences and rows that the
//! disclosure formats' processing section quotes.

use super::{Report, human_count, thousands};
use crate::report::Tally;
use crate::report::signals::{LangReport, PiiCount, SignalsReport};
use std::fmt::Write as _;

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

fn percent(share: Option<f64>) -> String {
    share.map_or("-".into(), |s| format!("{:.1}%", 100.0 * s))
}

fn part(part: u64, whole: u64) -> String {
    percent((whole > 0).then(|| part as f64 / whole as f64))
}

/// A signal's tables: a title, a header and one row per tally, built with `number` (human or
/// exact figures).
struct Section {
    title: String,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

fn sections(report: &Report, number: fn(u64) -> String) -> Vec<Section> {
    let rows = tallies(report);
    let signals = |t: &Tally| {
        t.signals.clone().unwrap_or(SignalsReport {
            dedup: None,
            pii: None,
            lang: None,
            quality: None,
        })
    };
    let mut out = Vec::new();
    let Some(total) = report.totals.tally.signals.as_ref() else {
        return out;
    };
    if let Some(d) = &total.dedup {
        let how = if d.exact {
            "exact".to_string()
        } else {
            format!(
                "estimated from sketches: relative standard error {:.2}% (documents), {:.2}% (tokens)",
                100.0 * d.relative_error,
                100.0 * d.tokens_relative_error
            )
        };
        out.push(Section {
            title: format!("duplicate documents, every copy after the first ({how}; the total counts duplicates across sources)"),
            header: vec!["source", "documents", "duplicates", "dup tokens", "tokens left", "normalized dups", "dup tokens", "tokens left"],
            rows: rows
                .iter()
                .filter_map(|(name, t)| {
                    let d = signals(t).dedup?;
                    Some(vec![
                        name.clone(),
                        number(t.by_modality.text.documents),
                        number(d.duplicate_documents),
                        number(d.duplicate_tokens),
                        percent(d.remaining_token_share),
                        number(d.normalized_duplicate_documents),
                        number(d.normalized_duplicate_tokens),
                        percent(d.normalized_remaining_token_share),
                    ])
                })
                .collect(),
        });
    }
    if total.pii.is_some() {
        let cell = |c: PiiCount| format!("{} / {}", number(c.documents), number(c.matches));
        out.push(Section {
            title: "personal data: documents with matches / matches (counts only, patterns in the README)".into(),
            header: vec!["source", "documents", "any", "e-mail", "phone", "ip", "payment card", "iban"],
            rows: rows
                .iter()
                .filter_map(|(name, t)| {
                    let p = signals(t).pii?;
                    Some(vec![
                        name.clone(),
                        number(t.by_modality.text.documents),
                        number(p.any_documents),
                        cell(p.email),
                        cell(p.phone),
                        cell(p.ip),
                        cell(p.payment_card),
                        cell(p.iban),
                    ])
                })
                .collect(),
        });
    }
    if let Some(l) = &total.lang {
        out.push(Section {
            title: format!(
                "languages by share of text tokens ({}, on the first {} bytes of each document)",
                l.detector, l.prefix_bytes
            ),
            header: vec![
                "source",
                "documents",
                "top languages",
                "other",
                "unknown documents",
                "unknown tokens",
            ],
            rows: rows
                .iter()
                .filter_map(|(name, t)| {
                    let l = signals(t).lang?;
                    let (top, other) = top_languages(&l, t.by_modality.text.tokens);
                    Some(vec![
                        name.clone(),
                        number(t.by_modality.text.documents),
                        top,
                        other,
                        number(l.unknown.documents),
                        number(l.unknown.tokens),
                    ])
                })
                .collect(),
        });
    }
    if let Some(q) = &total.quality {
        let th = q.thresholds;
        out.push(Section {
            title: format!(
                "quality flags: documents (a document may carry several; very short: under {} words; non-letters: letters under {:.0}% of visible characters; repeated lines: over {:.0}% of {} or more lines)",
                th.min_words,
                100.0 * th.min_letter_share,
                100.0 * th.max_repeated_line_share,
                th.min_lines
            ),
            header: vec!["source", "documents", "flagged", "flagged tokens", "empty", "very short", "non-letters", "repeated lines"],
            rows: rows
                .iter()
                .filter_map(|(name, t)| {
                    let q = signals(t).quality?;
                    Some(vec![
                        name.clone(),
                        number(t.by_modality.text.documents),
                        number(q.flagged.documents),
                        number(q.flagged.tokens),
                        number(q.empty.documents),
                        number(q.very_short.documents),
                        number(q.mostly_non_letters.documents),
                        number(q.repeated_lines.documents),
                    ])
                })
                .collect(),
        });
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
            "{} other languages {}",
            rest.len(),
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

/// Rows for the table format: each section's title, then its aligned rows (`None`: a rule).
pub fn table_sections(report: &Report) -> Vec<(String, Vec<Option<Vec<String>>>)> {
    sections(report, human_count)
        .into_iter()
        .map(|s| {
            let mut rows = vec![Some(s.header.iter().map(|h| h.to_string()).collect()), None];
            let last = s.rows.len().saturating_sub(1);
            for (i, row) in s.rows.into_iter().enumerate() {
                if i == last && i > 0 {
                    rows.push(None);
                }
                rows.push(Some(row));
            }
            (s.title, rows)
        })
        .collect()
}

/// The Markdown tables, exact figures.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let sections = sections(report, thousands);
    if sections.is_empty() {
        return out;
    }
    out += "### Processing signals\n\n";
    for s in sections {
        let _ = writeln!(out, "{}{}:\n", s.title[..1].to_uppercase(), &s.title[1..]);
        let _ = writeln!(out, "| {} |", s.header.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(s.header.len() - 1));
        for row in s.rows {
            let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
    }
    out
}

/// The processing signals as rows of the disclosure formats' processing table: figure, exact
/// value and meaning (one sentence per signal). Empty when no signal ran.
pub fn processing_rows(report: &Report) -> Vec<[String; 3]> {
    let t = &report.totals.tally;
    let Some(s) = &t.signals else {
        return Vec::new();
    };
    let statements = processing_statements(report);
    let mut values = Vec::new();
    if let Some(d) = &s.dedup {
        let exact = if d.exact { "" } else { " (estimated)" };
        values.push((
            "duplicate documents (exact copies)",
            format!("{}{exact}", thousands(d.duplicate_documents)),
        ));
    }
    if let Some(p) = &s.pii {
        values.push(("documents with personal data", thousands(p.any_documents)));
    }
    if let Some(l) = &s.lang {
        let top = l.languages.first().map_or("-".into(), |c| {
            format!(
                "{} {}",
                c.language,
                part(c.tokens, t.by_modality.text.tokens)
            )
        });
        values.push(("largest language by tokens", top));
    }
    if let Some(q) = &s.quality {
        values.push(("low-quality documents", thousands(q.flagged.documents)));
    }
    values
        .into_iter()
        .zip(statements)
        .map(|((figure, value), (_, sentence))| [figure.to_string(), value, sentence])
        .collect()
}

/// The whole corpus's processing figures as (topic, sentence) pairs, for a disclosure
/// summary: duplicates, personal data, languages, quality. Empty when no signal ran.
pub fn processing_statements(report: &Report) -> Vec<(String, String)> {
    let t = &report.totals.tally;
    let Some(s) = &t.signals else {
        return Vec::new();
    };
    let (docs, tokens) = (t.by_modality.text.documents, t.by_modality.text.tokens);
    let mut out = Vec::new();
    if let Some(d) = &s.dedup {
        let how = if d.exact {
            "exact count".to_string()
        } else {
            format!(
                "estimate, relative standard error {:.1}%",
                100.0 * d.relative_error
            )
        };
        out.push((
            "Duplicates".into(),
            format!(
                "{} of {} text documents ({}) repeat an earlier document exactly ({}); removing them would leave {} of the {} text tokens. After normalization (Unicode NFC, lowercase, whitespace collapsed), {} documents ({}) are duplicates, leaving {} of the tokens.",
                thousands(d.duplicate_documents),
                thousands(docs),
                part(d.duplicate_documents, docs),
                how,
                percent(d.remaining_token_share),
                thousands(tokens),
                thousands(d.normalized_duplicate_documents),
                part(d.normalized_duplicate_documents, docs),
                percent(d.normalized_remaining_token_share),
            ),
        ));
    }
    if let Some(p) = &s.pii {
        out.push((
            "Personal data".into(),
            format!(
                "{} of {} text documents ({}) contain at least one e-mail address, phone number, IP address, payment card number or IBAN by the stated patterns: e-mail {} documents ({} matches), phone {} ({}), IP {} ({}), payment card {} ({}), IBAN {} ({}).",
                thousands(p.any_documents),
                thousands(docs),
                part(p.any_documents, docs),
                thousands(p.email.documents),
                thousands(p.email.matches),
                thousands(p.phone.documents),
                thousands(p.phone.matches),
                thousands(p.ip.documents),
                thousands(p.ip.matches),
                thousands(p.payment_card.documents),
                thousands(p.payment_card.matches),
                thousands(p.iban.documents),
                thousands(p.iban.matches),
            ),
        ));
    }
    if let Some(l) = &s.lang {
        let (top, other) = top_languages(l, tokens);
        out.push((
            "Languages".into(),
            format!(
                "By share of text tokens: {top}; other languages {other}; {} documents ({} of tokens) have too few letters to tell (fewer than {} in their first {} bytes; {}).",
                thousands(l.unknown.documents),
                part(l.unknown.tokens, tokens),
                crate::signals::lang::MIN_LETTERS,
                l.prefix_bytes,
                l.detector
            ),
        ));
    }
    if let Some(q) = &s.quality {
        out.push((
            "Quality".into(),
            format!(
                "{} text documents ({} of tokens) are flagged as low quality: {} empty, {} with fewer than {} words, {} with letters under {:.0}% of their characters, {} with over {:.0}% repeated lines.",
                thousands(q.flagged.documents),
                part(q.flagged.tokens, tokens),
                thousands(q.empty.documents),
                thousands(q.very_short.documents),
                q.thresholds.min_words,
                thousands(q.mostly_non_letters.documents),
                100.0 * q.thresholds.min_letter_share,
                thousands(q.repeated_lines.documents),
                100.0 * q.thresholds.max_repeated_line_share,
            ),
        ));
    }
    out
}
