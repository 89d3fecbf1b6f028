//! A record's collection month from its date field: ISO 8601 dates and timestamps (converted
//! to UTC when they carry an offset) or Unix seconds. Months are numbered as
//! `year * 12 + month - 1` so that they sort and subtract as integers.

use crate::stats::{Month, ascii_digits as digits, month_of};

/// The UTC month of a date value: a JSON string holding an ISO 8601 date or timestamp, or a
/// JSON number of Unix seconds. `None` for anything else (the record is then undated).
pub fn month_of_json(raw: &str) -> Option<Month> {
    match raw.as_bytes().first()? {
        b'"' => month_of_iso(raw.strip_prefix('"')?.strip_suffix('"')?),
        b'-' | b'0'..=b'9' => month_of_unix(raw.parse::<f64>().ok()?),
        _ => None,
    }
}

/// The UTC month of `seconds` since 1970-01-01T00:00:00Z (years 1 to 9999 only).
pub fn month_of_unix(seconds: f64) -> Option<Month> {
    // 0001-01-01 and 10000-01-01 in Unix seconds.
    if !(-62_135_596_800.0..253_402_300_800.0).contains(&seconds) {
        return None;
    }
    let days = (seconds / 86_400.0).floor() as i64;
    let (year, month, _) = civil_from_days(days);
    Some(month_of(year as i32, month))
}

/// The UTC month of an ISO 8601 date (`YYYY-MM`, `YYYY-MM-DD`) or timestamp
/// (`YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM`, `±HHMM` or `±HH`; `T` or a space).
/// Without an offset the time is taken as UTC.
pub fn month_of_iso(text: &str) -> Option<Month> {
    let b = text.trim().as_bytes();
    if b.len() < 7 || b[4] != b'-' {
        return None;
    }
    let year = digits(&b[..4])? as i64;
    let month = digits(&b[5..7])?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if b.len() == 7 {
        return Some(month_of(year as i32, month));
    }
    if b.len() < 10 || b[7] != b'-' {
        return None;
    }
    let day = digits(&b[8..10])?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if b.len() == 10 {
        return Some(month_of(year as i32, month));
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let offset_minutes = time_offset(&b[11..])?;
    if offset_minutes == 0 {
        return Some(month_of(year as i32, month));
    }
    // The UTC instant is the local time minus its offset; only the offset can move the month,
    // so the local time of day decides whether the day crosses.
    let (hour, minute) = (digits(&b[11..13])? as i64, digits(&b[14..16])? as i64);
    let local = days_from_civil(year, month, day) * 1440 + hour * 60 + minute;
    let utc_days = (local - offset_minutes).div_euclid(1440);
    let (year, month, _) = civil_from_days(utc_days);
    Some(month_of(year as i32, month))
}

/// Checks the time part `HH:MM[:SS[.fff…]][offset]` and returns the offset in minutes.
fn time_offset(t: &[u8]) -> Option<i64> {
    if t.len() < 5 || t[2] != b':' || digits(&t[..2])? > 24 || digits(&t[3..5])? > 59 {
        return None;
    }
    let mut rest = &t[5..];
    if rest.first() == Some(&b':') {
        if rest.len() < 3 || digits(&rest[1..3])? > 60 {
            return None;
        }
        rest = &rest[3..];
        if matches!(rest.first(), Some(b'.' | b',')) {
            let fraction = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if fraction == 0 {
                return None;
            }
            rest = &rest[1 + fraction..];
        }
    }
    match rest {
        [] | [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let (hours, minutes) = match zone {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = (hours * 60 + minutes) as i64;
            Some(if *sign == b'-' { -minutes } else { minutes })
        }
        _ => None,
    }
}

/// The value of a run of ASCII digits.
fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the "days from civil" algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number since 1970-01-01 (inverse of
/// [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
