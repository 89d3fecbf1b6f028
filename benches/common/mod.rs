//! What the criterion benchmarks share: the median a finished benchmark saved.

use std::path::{Path, PathBuf};

/// The median time in nanoseconds criterion saved for benchmark `name` of `group` (from
/// `CRITERION_HOME`, else the cargo target directory), if it ran.
pub fn median_ns(group: &str, name: &str) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("criterion"))
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion"));
    let file = home.join(group).join(name).join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}
