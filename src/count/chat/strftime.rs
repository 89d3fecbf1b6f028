//! Python's `strftime` over a UTC time, for templates that print today's date
//! (`strftime_now("%d %b %Y")`): the C89 directives Python documents, in the C locale.

use crate::provenance::date::{civil_from_days, days_from_civil};
use crate::stats::MONTH_NAMES;

/// Weekday names, Monday first.
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `format` applied to the time `seconds` after the Unix epoch (UTC), or the directive that
/// is not supported.
pub fn format(seconds: u64, format: &str) -> Result<String, String> {
    let days = (seconds / 86_400) as i64;
    let in_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    let weekday = (days + 3).rem_euclid(7) as usize; // 1970-01-01 was a Thursday.
    let day_of_year = days - days_from_civil(year, 1, 1) + 1;
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let directive = chars.next().ok_or("strftime_now: a format ending in %")?;
        let month_name = MONTH_NAMES[month as usize - 1];
        let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
        match directive {
            'Y' => out += &year.to_string(),
            'y' => out += &format!("{:02}", year % 100),
            'm' => out += &format!("{month:02}"),
            'd' => out += &format!("{day:02}"),
            '-' if chars.as_str().starts_with('d') => {
                chars.next();
                out += &day.to_string();
            }
            'e' => out += &format!("{day:>2}"),
            'H' => out += &format!("{hour:02}"),
            'I' => out += &format!("{hour12:02}"),
            'M' => out += &format!("{minute:02}"),
            'S' => out += &format!("{second:02}"),
            'p' => out += if hour < 12 { "AM" } else { "PM" },
            'b' | 'h' => out += &month_name[..3],
            'B' => out += month_name,
            'a' => out += &DAYS[weekday][..3],
            'A' => out += DAYS[weekday],
            'j' => out += &format!("{day_of_year:03}"),
            'w' => out += &((weekday + 1) % 7).to_string(),
            'u' => out += &(weekday + 1).to_string(),
            'F' => out += &format!("{year}-{month:02}-{day:02}"),
            'T' => out += &format!("{hour:02}:{minute:02}:{second:02}"),
            '%' => out.push('%'),
            other => return Err(format!("strftime_now: %{other} is not supported")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python_strftime() {
        // 2024-02-29T13:05:09Z, a Thursday.
        let at = 1_709_211_909;
        assert_eq!(format(at, "%d %b %Y").unwrap(), "29 Feb 2024");
        assert_eq!(
            format(at, "%A %B %-d, %y %I:%M:%S %p %j %%").unwrap(),
            "Thursday February 29, 24 01:05:09 PM 060 %"
        );
        assert_eq!(format(0, "%F %T %a").unwrap(), "1970-01-01 00:00:00 Thu");
        assert!(format(at, "%Z").is_err());
    }
}
