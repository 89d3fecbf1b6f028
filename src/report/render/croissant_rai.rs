//! The RAI and measured parts of the croissant format, from the processing signals and the
//! counts: what was measured (never claimed as removed), the personal data found, and the
//! figures with their definitions.

use super::Report;
use super::croissant::token_definition;
use crate::stats::Tally;
use serde_json::{Value, json};

/// `rai:dataPreprocessingProtocol`: what the signals measured in the counting pass. Nothing
/// is removed by tokencensus, and the lines say so.
pub fn preprocessing(report: &Report) -> Vec<String> {
    let Some(signals) = &report.totals.tally.signals else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if let Some(d) = &signals.dedup {
        let how = match d.exact {
            true => "exact".to_string(),
            false => format!(
                "estimated from bottom-k sketches, relative standard error {:.2}%",
                100.0 * d.relative_error
            ),
        };
        lines.push(format!(
            "Duplicate documents measured by tokencensus (not removed; {how}): {} documents ({} tokens) repeat an earlier exact text, {} documents ({} tokens) an earlier normalized text.",
            d.duplicate_documents,
            d.duplicate_tokens,
            d.normalized_duplicate_documents,
            d.normalized_duplicate_tokens
        ));
    }
    if let Some(q) = &signals.quality {
        let t = &q.thresholds;
        lines.push(format!(
            "Quality heuristics measured by tokencensus (not applied): {} documents ({} tokens) flagged: {} empty, {} under {} words, {} with letters under {:.0}% of their characters, {} with over {:.0}% of their lines repeated.",
            q.flagged.documents,
            q.flagged.tokens,
            q.empty.documents,
            q.very_short.documents,
            t.min_words,
            q.mostly_non_letters.documents,
            100.0 * t.min_letter_share,
            q.repeated_lines.documents,
            100.0 * t.max_repeated_line_share
        ));
    }
    if let Some(l) = &signals.lang {
        lines.push(format!(
            "Languages identified by {} on the first {} bytes of each document; {} documents of no reliably detected language.",
            l.detector, l.prefix_bytes, l.unknown.documents
        ));
    }
    lines
}

/// `rai:personalSensitiveInformation`: the kinds of personal data found, with the documents
/// they were found in (when the signal ran and found any).
pub fn personal(t: &Tally) -> Vec<String> {
    let Some(p) = t.signals.as_ref().and_then(|s| s.pii.as_ref()) else {
        return Vec::new();
    };
    [
        ("E-mail addresses", p.email),
        ("Phone numbers", p.phone),
        ("IP addresses", p.ip),
        ("Payment card numbers (Luhn-valid)", p.payment_card),
        ("IBANs (checksum-valid)", p.iban),
    ]
    .into_iter()
    .filter(|(_, c)| c.matches > 0)
    .map(|(kind, c)| {
        format!(
            "{kind}: {} matches in {} documents (pattern matches found by tokencensus, not removed)",
            c.matches, c.documents
        )
    })
    .collect()
}

/// One measured figure as a `PropertyValue`.
fn value(name: &str, value: impl Into<Value>, unit: &str, definition: String) -> Value {
    json!({
        "@type": "sc:PropertyValue",
        "name": name,
        "value": value.into(),
        "unitText": unit,
        "description": definition,
    })
}

/// `variableMeasured`: tokens (defined by the tokenizer and its SHA-256), text documents and
/// bytes, and each medium that was counted; for an estimate, its point estimates of tokens,
/// documents and text bytes with their intervals. With several tokenizers, then the tokens
/// under each of the others (its point estimate and interval for an estimate), each defined by
/// its tokenizer and SHA-256.
pub fn measured(report: &Report) -> Vec<Value> {
    let mut values = primary_measured(report);
    let totals = &report.totals.tally;
    for t in report.tokenizers.iter().skip(1) {
        let Some(figures) = totals.tokens_by_tokenizer.get(&t.name) else {
            continue;
        };
        let name = format!("tokens ({})", t.name);
        let definition = super::croissant::token_definition_of(report, t);
        values.push(match &figures.estimate {
            Some(e) => {
                let level = format!(
                    "estimated from a sample; interval at {}% confidence",
                    e.confidence * 100.0
                );
                let mut v = value(&name, e.tokens, "tokens", format!("{definition} ({level})"));
                v["minValue"] = e.low.into();
                v["maxValue"] = e.high.into();
                v
            }
            None => value(&name, figures.tokens, "tokens", definition),
        });
    }
    values
}

/// [`measured`] for the primary tokenizer alone.
fn primary_measured(report: &Report) -> Vec<Value> {
    let t = &report.totals.tally;
    if let Some(e) = &t.estimate {
        let level = format!(
            "estimated from a sample; interval at {}% confidence",
            e.confidence * 100.0
        );
        let within = |mut value: Value, low: u64, high: u64| {
            value["minValue"] = low.into();
            value["maxValue"] = high.into();
            value
        };
        let tokens = format!("{} ({level})", token_definition(report));
        return vec![
            within(value("tokens", e.tokens, "tokens", tokens), e.low, e.high),
            within(
                value(
                    "documents",
                    e.documents,
                    "documents",
                    format!("text documents ({level})"),
                ),
                e.documents_low,
                e.documents_high,
            ),
            value(
                "text bytes",
                e.bytes,
                "bytes",
                "UTF-8 bytes of the text, after JSON unescaping (estimated from a sample)".into(),
            ),
        ];
    }
    let m = &t.by_modality;
    let mut values = vec![
        value(
            "tokens",
            t.counts.tokens,
            "tokens",
            token_definition(report),
        ),
        value(
            "text tokens",
            m.text.tokens,
            "tokens",
            format!("text only: {}", token_definition(report)),
        ),
        value(
            "documents",
            t.counts.documents,
            "documents",
            "text documents (JSONL records, whole text files, Parquet rows) counted by tokencensus"
                .into(),
        ),
        value(
            "text bytes",
            t.counts.bytes,
            "bytes",
            "UTF-8 bytes of the counted text, after JSON unescaping".into(),
        ),
    ];
    if m.image.items > 0 {
        values.push(value(
            "images",
            m.image.items,
            "images",
            "still images probed from their headers".into(),
        ));
    }
    if m.audio.items > 0 {
        values.push(value(
            "audio",
            m.audio.seconds,
            "seconds",
            format!("total duration of {} sounds", m.audio.items),
        ));
    }
    if m.video.items > 0 {
        values.push(value(
            "video",
            m.video.seconds,
            "seconds",
            format!("total duration of {} videos", m.video.items),
        ));
    }
    values
}
