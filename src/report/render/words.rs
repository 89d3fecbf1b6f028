//! Numbers in words, for headlines, summaries and chart labels: every figure written in words is
//! rounded here, to two significant figures (half away from zero), and carries "about" whenever
//! rounding changed it. Tables never use these functions: they show exact figures.

use super::thousands;

/// The sentence that labels numbers in words as rounded.
pub const ROUNDED_NOTE: &str = "Numbers in words are rounded to two significant figures (\"about\" marks a rounded figure); the tables give the exact figures.";

/// Short-scale names, largest first.
const SCALES: [(u128, &str, &str); 5] = [
    (1_000_000_000_000_000_000, "quintillion", "Qi"),
    (1_000_000_000_000_000, "quadrillion", "Q"),
    (1_000_000_000_000, "trillion", "T"),
    (1_000_000_000, "billion", "B"),
    (1_000_000, "million", "M"),
];

/// `n` rounded to two significant figures, half away from zero (`1_250` → `1_300`).
pub fn round2(n: u64) -> u128 {
    let n = u128::from(n);
    let digits = n.checked_ilog10().map_or(1, |d| d + 1);
    if digits <= 2 {
        return n;
    }
    let unit = 10u128.pow(digits - 2);
    (n + unit / 2) / unit * unit
}

/// A rounded value in a scale: `1.2` of `trillion`, or `34,000` below a million.
fn scaled(r: u128, compact: bool) -> String {
    for (scale, name, short) in SCALES {
        if r >= scale {
            let whole = r / scale;
            let tenth = r % scale / (scale / 10);
            let number = if tenth == 0 || whole >= 10 {
                whole.to_string()
            } else {
                format!("{whole}.{tenth}")
            };
            return format!("{number} {}", if compact { short } else { name });
        }
    }
    if compact && r >= 1_000 {
        let (whole, tenth) = (r / 1_000, r % 1_000 / 100);
        return match (tenth, whole >= 10) {
            (0, _) | (_, true) => format!("{whole} K"),
            _ => format!("{whole}.{tenth} K"),
        };
    }
    thousands(r as u64)
}

/// A count in words: `about 1.2 trillion`, `about 34,000`, `12`, `3 million` (exact).
pub fn count_words(n: u64) -> String {
    let r = round2(n);
    let about = if r == u128::from(n) { "" } else { "about " };
    format!("{about}{}", scaled(r, false))
}

/// A count rounded like [`count_words`] but without "about", for phrases that say "rounded"
/// themselves (estimates and their intervals): `1.2 trillion`.
pub fn count_rounded(n: u64) -> String {
    scaled(round2(n), false)
}

/// A count for a chart label, rounded like [`count_words`] but short: `1.2 T`, `34 K`, `950`.
pub fn count_compact(n: u64) -> String {
    scaled(round2(n), true)
}

/// A measured quantity (hours) in words with the same rounding: `about 36,000`, `about 1.3`,
/// `about 0.05`.
pub fn quantity_words(x: f64) -> String {
    if !x.is_finite() || x < 0.0 {
        return format!("{x}");
    }
    if x >= 99.5 {
        let r = round2(x.round() as u64);
        let about = if r as f64 == x { "" } else { "about " };
        return format!("{about}{}", scaled(r, false));
    }
    if x == 0.0 {
        return "0".into();
    }
    let decimals = (1 - x.log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    let about = if text.parse::<f64>() == Ok(x) {
        ""
    } else {
        "about "
    };
    format!("{about}{text}")
}

/// `n` things in words with a singular or plural noun: `about 3.4 million images`, `1 image`.
pub fn counted(n: u64, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        count_words(n),
        if n == 1 { singular } else { plural }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_significant_figures_half_away_from_zero() {
        assert_eq!(round2(0), 0);
        assert_eq!(round2(99), 99);
        assert_eq!(round2(1_249), 1_200);
        assert_eq!(round2(1_250), 1_300);
        assert_eq!(round2(995), 1_000);
        assert_eq!(round2(u64::MAX), 18_000_000_000_000_000_000);
    }

    #[test]
    fn counts_in_words_are_labelled_when_rounded() {
        assert_eq!(count_words(1_234_567_890_123), "about 1.2 trillion");
        assert_eq!(count_words(15_000_000_000_000), "15 trillion");
        assert_eq!(count_words(14_960_000_000_000), "about 15 trillion");
        assert_eq!(count_words(3_400_000), "3.4 million");
        assert_eq!(count_words(3_449_999), "about 3.4 million");
        assert_eq!(count_words(999_999), "about 1 million");
        assert_eq!(count_words(1_000_000_000), "1 billion");
        assert_eq!(count_words(123_456_789), "about 120 million");
        assert_eq!(count_words(33_712), "about 34,000");
        assert_eq!(count_words(12), "12");
        assert_eq!(count_words(0), "0");
        assert_eq!(counted(1, "image", "images"), "1 image");
        assert_eq!(
            counted(3_412_345, "image", "images"),
            "about 3.4 million images"
        );
    }

    #[test]
    fn compact_labels_round_the_same_way() {
        assert_eq!(count_compact(1_234_567_890_123), "1.2 T");
        assert_eq!(count_compact(45_678), "46 K");
        assert_eq!(count_compact(1_049), "1 K");
        assert_eq!(count_compact(1_250), "1.3 K");
        assert_eq!(count_compact(950), "950");
    }

    #[test]
    fn quantities_in_words() {
        assert_eq!(quantity_words(36_123.4), "about 36,000");
        assert_eq!(quantity_words(1.26), "about 1.3");
        assert_eq!(quantity_words(0.05), "0.05");
        assert_eq!(quantity_words(0.0123), "about 0.012");
        assert_eq!(quantity_words(40.0), "40");
        assert_eq!(quantity_words(1_200.0), "1,200");
        assert_eq!(quantity_words(0.0), "0");
    }
}
