//! Collection months: numbered as `year * 12 + month - 1` so that they sort and subtract as
//! integers, written as `YYYY-MM` keys in reports and manifests.

/// A month as `year * 12 + (month - 1)`.
pub type Month = i32;

/// Month names in English, January first (reports and the `%B`/`%b` of chat templates).
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month of `year` and `month` (1-12).
pub fn month_of(year: i32, month: u32) -> Month {
    year * 12 + month as i32 - 1
}

/// `YYYY-MM` for a month.
pub fn month_key(month: Month) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// The month of a `YYYY-MM` key (as written by [`month_key`] or in a manifest).
pub fn parse_month_key(key: &str) -> Option<Month> {
    let b = key.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let year = ascii_digits(&b[..4])? as i32;
    let month = ascii_digits(&b[5..7])?;
    (1..=12).contains(&month).then(|| month_of(year, month))
}

/// The value of a short run of ASCII digits (`None` if any byte is not a digit).
pub(crate) fn ascii_digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_keys_round_trip() {
        for raw in ["0001-01", "1969-12", "2024-02", "9999-12"] {
            assert_eq!(month_key(parse_month_key(raw).unwrap()), raw);
        }
        for bad in ["2024-2", "2024/02", "2024-13", "24-02", "2024-02-01"] {
            assert_eq!(parse_month_key(bad), None, "{bad}");
        }
    }
}
