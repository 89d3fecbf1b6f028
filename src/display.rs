//! Numbers written for people, once for the whole crate: exact counts with thousands separators
//! (`1,234,567`), human-readable sizes (`1.23 M`, `41.7 MB`, `1.50 s`), hours (`36,039.78`),
//! percentages (`41.7%`) and hexadecimal digests, nouns in the singular or plural
//! (`1 document`, `2 documents`), and names made safe for a terminal (control characters
//! escaped). The renderers, `bench`, `verify` and the digests of plans and checkpoints all write
//! their numbers with these functions, and every name printed for people goes through
//! [`printable`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// A count with three significant digits and a K/M/B/T suffix (exact below 1,000).
pub fn human_count(n: u64) -> String {
    scaled(n, &["", " K", " M", " B", " T", " Q"])
}

/// A byte size in decimal units (`41.7 MB`).
pub fn human_bytes(n: u64) -> String {
    if n < 1000 {
        return format!("{n} B");
    }
    scaled(n, &[" B", " KB", " MB", " GB", " TB", " PB", " EB"])
}

/// `n` with three significant digits in the largest of `units` (steps of 1,000) it reaches.
fn scaled(n: u64, units: &[&str]) -> String {
    if n < 1000 {
        return format!("{n}{}", units[0]);
    }
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 999.5 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    let digits = if value >= 99.95 {
        0
    } else if value >= 9.995 {
        1
    } else {
        2
    };
    format!("{value:.digits$}{}", units[unit])
}

/// A duration: seconds below two minutes, then minutes, then hours (`1.50 s`, `2.3 min`, `4.1 h`).
pub fn human_duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.2} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!(
            "{} h",
            scaled((seconds / 3600.0).round() as u64, &["", " K", " M", " B"])
        )
    }
}

/// An exact count with thousands separators (`1,234,567`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Hours of `seconds` with two decimals and thousands separators: `36,039.78`.
pub fn hours(seconds: f64) -> String {
    let text = format!("{:.2}", seconds / 3600.0);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    format!("{}.{fraction}", thousands(whole.parse().unwrap_or(0)))
}

/// The one percentage formatter: `value` (already in percent) with `decimals` decimals
/// (`percent(41.66, Some(1))` is `41.7%`), or with `None` in the shortest form that reads back
/// as the same number (`percent(99.5, None)` is `99.5%`).
pub fn percent(value: f64, decimals: Option<usize>) -> String {
    match decimals {
        Some(decimals) => format!("{value:.decimals$}%"),
        None => format!("{value}%"),
    }
}

/// `part` as a percentage of `whole` with one decimal (`41.7%`), `-` when `whole` is zero.
pub fn share(part: u64, whole: u64) -> String {
    if whole > 0 {
        percent(100.0 * part as f64 / whole as f64, Some(1))
    } else {
        "-".into()
    }
}

/// A ratio (`0.417`) as a percentage with one decimal (`41.7%`), `-` when there is none.
pub fn ratio(value: Option<f64>) -> String {
    value.map_or("-".into(), |r| percent(100.0 * r, Some(1)))
}

/// Bytes as lowercase hexadecimal, two digits each (`[0xab, 0x01]` is `ab01`): how digests are
/// written in reports, checkpoint keys and shard fingerprints.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(2 * bytes.len()), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// `one` when `n` is 1, else `many`: `format!("{n} {}", plural(n, "document", "documents"))`.
pub fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` with thousands separators and its noun in the singular or plural: `1 document`,
/// `1,234 documents`.
pub fn count_noun(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), plural(n, one, many))
}

/// Whether `c` must not reach a terminal raw: a control character (C0, DEL, C1), which can move
/// the cursor, clear the screen or start a new line, or a bidirectional formatting character,
/// which can reorder the text around it.
fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every control and bidirectional formatting character escaped as Rust writes it
/// (`\n`, `\t`, `\r`, `\u{1b}`, `\u{202e}`), everything else unchanged (borrowed when there
/// is nothing to escape). The one escaping function for names (files, sources, fields) printed
/// in the table, Markdown and eu-summary formats and on stderr; JSON and HTML escape in their
/// own ways.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unprintable) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if unprintable(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` of several lines made printable line by line: the line breaks stay, every other
/// control character is escaped by [`printable`].
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && unprintable(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(printable).collect();
    Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sizes_and_durations() {
        assert_eq!(human_count(999), "999");
        assert_eq!(human_count(1234), "1.23 K");
        assert_eq!(human_count(1_234_567), "1.23 M");
        assert_eq!(human_count(999_999), "1.00 M");
        assert_eq!(human_count(45_600_000_000), "45.6 B");
        assert_eq!(human_bytes(41_700_000), "41.7 MB");
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(thousands(0), "0");
        assert_eq!(human_duration(1.5), "1.50 s");
        assert_eq!(human_duration(600.0), "10.0 min");
        assert_eq!(human_duration(36_000_000.0), "10.0 K h");
        assert_eq!(hours(129_743_211.0), "36,039.78");
        assert_eq!(hours(0.0), "0.00");
    }

    #[test]
    fn percentages_at_their_edges() {
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(0, 5), "0.0%");
        assert_eq!(share(5, 5), "100.0%");
        assert_eq!(share(1, 0), "-");
        assert_eq!(share(0, 0), "-");
        assert_eq!(share(1, 10_000), "0.0%");
        assert_eq!(share(u64::MAX, u64::MAX), "100.0%");
        assert_eq!(ratio(Some(0.4166)), "41.7%");
        assert_eq!(ratio(Some(1.0)), "100.0%");
        assert_eq!(ratio(None), "-");
        assert_eq!(percent(0.125, Some(2)), "0.12%");
        assert_eq!(percent(95.0, Some(0)), "95%");
        assert_eq!(percent(99.5, None), "99.5%");
        assert_eq!(percent(95.0, None), "95%");
    }

    #[test]
    fn control_and_bidirectional_characters_are_escaped() {
        assert!(matches!(printable("plain/päth.jsonl"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("x\ny\tz\r"), "x\\ny\\tz\\r");
        assert_eq!(
            printable("\u{7f}\u{85}\u{202e}cod.exe"),
            "\\u{7f}\\u{85}\\u{202e}cod.exe"
        );
        assert_eq!(printable_lines("a\u{1b}\nb\r\n"), "a\\u{1b}\nb\\r\n");
        assert!(matches!(printable_lines("a\nb\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn nouns_agree_with_their_number() {
        assert_eq!(plural(1, "document", "documents"), "document");
        assert_eq!(plural(0, "document", "documents"), "documents");
        assert_eq!(plural(2, "file", "files"), "files");
        assert_eq!(count_noun(1, "document", "documents"), "1 document");
        assert_eq!(count_noun(1234, "document", "documents"), "1,234 documents");
    }

    #[test]
    fn hex_writes_two_lowercase_digits_per_byte() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
    }
}
