use super::*;
use crate::stats::month_key;
use proptest::prelude::*;

fn key(raw: &str) -> Option<String> {
    month_of_json(raw).map(month_key)
}

#[test]
fn reads_iso_dates_timestamps_and_unix_seconds() {
    let cases = [
        (r#""2023-07""#, Some("2023-07")),
        (r#""2023-07-31""#, Some("2023-07")),
        (r#""2013-05-18T07:24:47Z""#, Some("2013-05")),
        (r#""2013-05-18 07:24:47.123456""#, Some("2013-05")),
        (r#""2023-12-31T23:30:00-01:00""#, Some("2024-01")),
        (r#""2024-01-01T00:30:00+02:00""#, Some("2023-12")),
        (r#""2024-01-01T00:30+0200""#, Some("2023-12")),
        (r#""2024-03-01T01:00:00+05""#, Some("2024-02")),
        (r#""2024-02-29""#, Some("2024-02")),
        ("0", Some("1970-01")),
        ("1700000000", Some("2023-11")),
        ("1700000000.75", Some("2023-11")),
        ("-1", Some("1969-12")),
        // Not dates: the record is undated.
        (r#""2023-02-29""#, None),
        (r#""2023-13""#, None),
        (r#""2023-00-10""#, None),
        (r#""23-01-01""#, None),
        (r#""2023-01-01T25:00""#, None),
        (r#""2023-01-01T10:00+2""#, None),
        (r#""2023-01-01T10:00:00.""#, None),
        (r#""2023-01-01"#, None),
        (r#""yesterday""#, None),
        (r#""""#, None),
        ("null", None),
        ("true", None),
        ("[2023]", None),
        ("1e300", None),
    ];
    for (raw, want) in cases {
        assert_eq!(key(raw).as_deref(), want, "{raw}");
    }
}

proptest! {
    #[test]
    fn civil_days_round_trip(days in -700_000i64..3_000_000) {
        let (y, m, d) = civil_from_days(days);
        prop_assert_eq!(days_from_civil(y, m, d), days);
        prop_assert!((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d));
    }

    /// A Unix instant written as a local ISO timestamp with any offset is in the same UTC
    /// month as the instant itself.
    #[test]
    fn offsets_convert_to_utc(seconds in 0i64..4_102_444_800, offset in -(23 * 60 + 59)..(23 * 60 + 59i64)) {
        let local = seconds + offset * 60;
        let days = local.div_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let rem = local.rem_euclid(86_400);
        let sign = if offset < 0 { '-' } else { '+' };
        let iso = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            rem / 3600, rem / 60 % 60, rem % 60, offset.abs() / 60, offset.abs() % 60
        );
        prop_assert_eq!(month_of_iso(&iso), month_of_unix(seconds as f64), "{}", iso);
    }
}
