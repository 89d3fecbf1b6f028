//! The integrity digest of a JSON report: SHA-256 of its content in a canonical form, written
//! into the report as `integrity` and checked whenever a report is read back (`report`,
//! `merge`), so that a part whose errors were deleted or whose figures were edited by hand is
//! refused. It covers everything but `integrity` itself and the `run` members that say how one
//! run went on one machine ([`RUN_NOT_COVERED`]): two counts of the same corpus carry the same
//! digest whatever their threads, reading mode, wall times or checkpoint. The canonical form
//! is the one Python writes with `json.dumps(report, sort_keys=True, separators=(",", ":"),
//! ensure_ascii=False)`, so that anyone can check a digest without tokencensus. A digest is a
//! seal against mistakes and careless edits, not a signature: anyone can compute one.

use super::Report;
use crate::display::hex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The name of the digest method: SHA-256 of the canonical JSON described in the module docs.
pub const METHOD: &str = "sha256-canonical-json-v1";

/// The members of `run` the digest leaves out: how one run went, not what it counted
/// (`plan_seconds` in reports that time their planning).
pub const RUN_NOT_COVERED: [&str; 5] = [
    "threads",
    "mmap",
    "elapsed_seconds",
    "plan_seconds",
    "resumed_files",
];

/// The `integrity` member of a JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// How the digest was computed: [`METHOD`].
    pub method: String,
    /// The digest, 64 lowercase hexadecimal digits.
    pub sha256: String,
}

impl Integrity {
    /// The integrity of `report` as it serializes.
    pub fn of(report: &Report) -> Integrity {
        let value = serde_json::to_value(report).expect("a report serializes");
        Integrity::of_json(&value)
    }

    /// The integrity of a report's JSON value (its own `integrity` member, if any, left out).
    pub fn of_json(report: &Value) -> Integrity {
        let mut canonical = String::new();
        write_report(report, &mut canonical);
        Integrity {
            method: METHOD.into(),
            sha256: hex(&Sha256::digest(canonical.as_bytes())),
        }
    }
}

/// Whether a report read back carried a digest that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seal {
    /// Its digest matches its content.
    Verified,
    /// It carries no digest: written before reports had one, or with it removed.
    Missing,
}

/// Why a report's JSON cannot be taken as a report.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The text is not JSON.
    #[error("not a tokencensus JSON report: {0}")]
    NotJson(serde_json::Error),
    /// The JSON is not a report of this schema.
    #[error("not a tokencensus JSON report: {0}")]
    NotAReport(serde_json::Error),
    /// The `integrity` member is not `{method, sha256}`.
    #[error("its integrity digest is malformed: {0}")]
    Malformed(serde_json::Error),
    /// The digest was made by a method this program does not know.
    #[error("its integrity digest uses the unknown method {0:?} (this program knows {METHOD:?})")]
    UnknownMethod(String),
    /// The content does not hash to the digest: the report was changed after it was written.
    #[error(
        "it was altered after it was written: its content hashes to {computed}, not to the sha256 {claimed} it carries (write it again with count, estimate or merge)"
    )]
    Altered {
        /// The digest the report carries.
        claimed: String,
        /// The digest of its content.
        computed: String,
    },
}

/// Reads a JSON report and checks its digest: the report and whether it was sealed, or why it
/// cannot be taken (not a report, an unknown method, or altered).
pub fn read(text: &str) -> Result<(Report, Seal), ReadError> {
    let value: Value = serde_json::from_str(text).map_err(ReadError::NotJson)?;
    let seal = match value.get("integrity") {
        None => Seal::Missing,
        Some(carried) => {
            let carried = Integrity::deserialize(carried).map_err(ReadError::Malformed)?;
            if carried.method != METHOD {
                return Err(ReadError::UnknownMethod(carried.method));
            }
            let computed = Integrity::of_json(&value).sha256;
            if computed != carried.sha256 {
                return Err(ReadError::Altered {
                    claimed: carried.sha256,
                    computed,
                });
            }
            Seal::Verified
        }
    };
    let report = serde_json::from_value(value).map_err(ReadError::NotAReport)?;
    Ok((report, seal))
}

/// Writes `value` (a report) canonically, without `integrity` and the uncovered `run` members.
fn write_report(value: &Value, out: &mut String) {
    let Value::Object(members) = value else {
        return write_canonical(value, out);
    };
    let skip = |parent: &str, key: &str| match parent {
        "" => key == "integrity",
        "run" => RUN_NOT_COVERED.contains(&key),
        _ => false,
    };
    out.push('{');
    let mut first = true;
    for (key, member) in sorted(members).filter(|(k, _)| !skip("", k)) {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        match member {
            Value::Object(run) if key == "run" => {
                let kept = sorted(run).filter(|(k, _)| !skip("run", k));
                write_members(kept, out);
            }
            other => write_canonical(other, out),
        }
    }
    out.push('}');
}

/// The members of an object sorted by key (by code point, as Python sorts).
fn sorted(members: &serde_json::Map<String, Value>) -> impl Iterator<Item = (&str, &Value)> {
    let mut sorted: Vec<(&str, &Value)> = members.iter().map(|(k, v)| (k.as_str(), v)).collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    sorted.into_iter()
}

/// Writes the members of an object, given in order, as `{"a":1,"b":2}`.
fn write_members<'a>(members: impl Iterator<Item = (&'a str, &'a Value)>, out: &mut String) {
    out.push('{');
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        write_canonical(value, out);
    }
    out.push('}');
}

/// Writes `value` as Python's `json.dumps(sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` does.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => {
                let _ = write!(out, "{u}");
            }
            (None, Some(i), _) => {
                let _ = write!(out, "{i}");
            }
            (None, None, Some(f)) => out.push_str(&python_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => write_members(sorted(members), out),
    }
}

/// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, `\r`, `\b`, `\f` or
/// `\u001f` (lowercase), everything else as it is (serde_json and Python agree on this).
fn write_string(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).expect("a string serializes"));
}

/// `x` as Python's `repr` writes a float: the shortest digits that read back as `x`, in plain
/// notation with at least one decimal (`5412.5`, `100.0`, `0.0001`) when the exponent is from
/// -4 to 15, else in scientific notation with a signed two-digit exponent (`1e+16`, `1.5e-07`).
pub fn python_float(x: f64) -> String {
    if !x.is_finite() {
        return (if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        })
        .into();
    }
    // Rust's `{:e}` writes the shortest round-trip digits: `-1.5e-7`, `1e16`, `0e0`.
    let scientific = format!("{x:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("the exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the decimal point
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if digits.len() <= point as usize {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (whole, fraction) = digits.split_at(point as usize);
            format!("{whole}.{fraction}")
        };
        format!("{sign}{text}")
    } else {
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_are_written_as_python_writes_them() {
        for (x, python) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (5412.5, "5412.5"),
            (100.0, "100.0"),
            (0.95, "0.95"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.2345e300, "1.2345e+300"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.3333333333333333"),
        ] {
            assert_eq!(python_float(x), python, "{x:e}");
        }
    }

    #[test]
    fn the_canonical_form_sorts_keys_and_leaves_out_the_run_facts() {
        let report = json!({
            "b": [1, -2, 2.5, "é\n\"\u{1}"], "a": {"z": null, "y": true},
            "integrity": {"method": METHOD, "sha256": "00"},
            "run": {"threads": 8, "mmap": true, "elapsed_seconds": 1.5, "resumed_files": null,
                    "plan_seconds": 0.25, "shard": null, "merged_parts": 2}
        });
        let mut out = String::new();
        write_report(&report, &mut out);
        assert_eq!(
            out,
            r#"{"a":{"y":true,"z":null},"b":[1,-2,2.5,"é\n\"\u0001"],"run":{"merged_parts":2,"shard":null}}"#
        );
        // The run facts and the digest itself do not change it; anything else does.
        let mut other = report.clone();
        other["run"]["threads"] = json!(1);
        other["run"]["elapsed_seconds"] = json!(99.0);
        other["run"]["plan_seconds"] = json!(7.0);
        other["integrity"]["sha256"] = json!("ff");
        assert_eq!(Integrity::of_json(&other), Integrity::of_json(&report));
        other["run"]["merged_parts"] = json!(3);
        assert_ne!(Integrity::of_json(&other), Integrity::of_json(&report));
    }

    #[test]
    fn reading_refuses_altered_reports_and_says_which_are_unsealed() {
        assert!(matches!(read("[1"), Err(ReadError::NotJson(_))));
        assert!(matches!(read("{}"), Err(ReadError::NotAReport(_))));
        let unknown = r#"{"integrity": {"method": "md5", "sha256": "00"}}"#;
        assert!(matches!(read(unknown), Err(ReadError::UnknownMethod(m)) if m == "md5"));
        let altered = format!(r#"{{"integrity": {{"method": "{METHOD}", "sha256": "00"}}}}"#);
        assert!(
            matches!(read(&altered), Err(ReadError::Altered { claimed, .. }) if claimed == "00")
        );
    }
}
