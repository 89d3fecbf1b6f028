//! The headline of a census in words, shared by the Markdown, eu-summary and HTML formats:
//! "about 1.2 trillion tokens of text and 3.4 million images, counted with the Llama 3
//! tokenizer", rounded by [`super::words`].

use super::words::{count_rounded, counted, quantity_words};
use super::{percent, plural};
use crate::report::Report;
use crate::stats::Tally;

/// The tokenizer's name as people write it (`llama3` → `Llama 3`); unknown names unchanged.
pub fn tokenizer_display(name: &str) -> String {
    match name {
        "llama3" => "Llama 3",
        "gpt4o" => "GPT-4o",
        "qwen3" => "Qwen3",
        "gemma3" => "Gemma 3",
        "minilm" => "MiniLM",
        other => other,
    }
    .to_string()
}

/// Tokens of images, sounds and videos together.
pub fn media_tokens(t: &Tally) -> u64 {
    let m = &t.by_modality;
    m.image.tokens + m.audio.tokens + m.video.tokens
}

/// Hours of `seconds` in words: `about 36,000 hours`, `1 hour`.
pub fn hours_words(seconds: f64) -> String {
    let words = quantity_words(seconds / 3600.0);
    let unit = if words == "1" { "hour" } else { "hours" };
    format!("{words} {unit}")
}

/// "x, y and z".
pub fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The text tokens of a tally and, for an estimate, their interval: the estimate's figures
/// with the media tokens (counted from headers, not estimated) taken out.
pub fn text_tokens(t: &Tally) -> (u64, Option<(u64, u64)>) {
    match &t.estimate {
        None => (t.by_modality.text.tokens, None),
        Some(e) => {
            let media = media_tokens(t);
            (
                e.tokens.saturating_sub(media),
                Some((e.low.saturating_sub(media), e.high.saturating_sub(media))),
            )
        }
    }
}

/// The text part of the headline: exact tokens in words, or an estimate with its interval.
fn text_phrase(t: &Tally) -> String {
    match (text_tokens(t), &t.estimate) {
        ((point, Some((low, high))), Some(e)) => format!(
            "an estimated {} {} of text (rounded; {} interval {} to {})",
            count_rounded(point),
            plural(point, "token", "tokens"),
            percent(e.confidence * 100.0, Some(0)),
            count_rounded(low),
            count_rounded(high)
        ),
        ((text, _), _) => format!("{} of text", counted(text, "token", "tokens")),
    }
}

/// One sentence: what the census holds per modality, in words, and the tokenizer.
pub fn headline(report: &Report) -> String {
    let t = &report.totals.tally;
    let m = &t.by_modality;
    let mut parts = Vec::new();
    if m.text.tokens > 0 || m.text.documents > 0 || t.estimate.is_some() {
        parts.push(text_phrase(t));
    }
    // An estimate scales tokens and documents only: its media are the sample's.
    let sample = if t.estimate.is_some() {
        " in the sample"
    } else {
        ""
    };
    if m.image.items > 0 {
        let images = counted(m.image.items, "image", "images");
        parts.push(format!("{images}{sample}"));
    }
    if m.audio.items > 0 {
        let hours = hours_words(m.audio.seconds);
        parts.push(format!("{hours} of audio{sample}"));
    }
    if m.video.items > 0 {
        let hours = hours_words(m.video.seconds);
        parts.push(format!("{hours} of video{sample}"));
    }
    if parts.is_empty() {
        parts.push("no tokens".into());
    }
    let mut sentence = join_and(&parts);
    if let Some(first) = sentence.get(..1) {
        sentence = first.to_uppercase() + &sentence[1..];
    }
    sentence += &format!(
        ", counted with the {} tokenizer",
        tokenizer_display(&report.tokenizer.name)
    );
    if media_tokens(t) > 0 {
        let all = match &t.estimate {
            Some(e) => format!(
                "an estimated {} {} (rounded)",
                count_rounded(e.tokens),
                plural(e.tokens, "token", "tokens")
            ),
            None => counted(t.counts.tokens, "token", "tokens"),
        };
        sentence += &format!(
            " ({all} in all, images, sounds and videos turned into tokens by each source's token models)"
        );
    }
    sentence + "."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_names() {
        assert_eq!(join_and(&["a".into()]), "a");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(tokenizer_display("llama3"), "Llama 3");
        assert_eq!(tokenizer_display("my-tok"), "my-tok");
        assert_eq!(hours_words(3600.0), "1 hour");
        assert_eq!(hours_words(36_000.0 * 3600.0 + 1.0), "about 36,000 hours");
    }
}
