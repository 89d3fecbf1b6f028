//! Human-readable numbers: `1.23 M`, `41.7 MB`, `1,234,567`, `41.7%`.

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

/// `part` as a percentage of `whole` with one decimal (`41.7%`), `-` when `whole` is zero.
pub fn share(part: u64, whole: u64) -> String {
    percent(part as f64, whole as f64)
}

/// [`share`] of measured quantities (seconds, hours).
pub fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}%", 100.0 * part / whole)
    } else {
        "-".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(human_count(999), "999");
        assert_eq!(human_count(1234), "1.23 K");
        assert_eq!(human_count(1_234_567), "1.23 M");
        assert_eq!(human_count(999_999), "1.00 M");
        assert_eq!(human_count(45_600_000_000), "45.6 B");
        assert_eq!(human_bytes(41_700_000), "41.7 MB");
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(human_duration(1.5), "1.50 s");
        assert_eq!(human_duration(600.0), "10.0 min");
        assert_eq!(human_duration(36_000_000.0), "10.0 K h");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(1, 0), "-");
        assert_eq!(hours(129_743_211.0), "36,039.78");
    }
}
