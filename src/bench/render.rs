//! The output formats of `bench`: an aligned table for people, JSON (the [`BenchReport`]
//! serialized) for machines.

use super::{BenchReport, LatencySummary};
use crate::display::{human_bytes, human_count, human_duration, plural, thousands};
use crate::report::render::grid::Grid;
use std::fmt::Write as _;

/// The output formats of `bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BenchFormat {
    /// Aligned tables with human-readable numbers.
    #[default]
    Table,
    /// The report as pretty-printed JSON.
    Json,
}

/// Renders `report` in `format`.
pub fn render(report: &BenchReport, format: BenchFormat) -> String {
    match format {
        BenchFormat::Table => table(report),
        BenchFormat::Json => {
            let mut json = serde_json::to_string_pretty(report).expect("the report serializes");
            json.push('\n');
            json
        }
    }
}

/// The human-readable tables.
pub fn table(r: &BenchReport) -> String {
    let mut out = String::new();
    let s = &r.sample;
    let _ = writeln!(
        out,
        "bench: {} tokenizer (sha256 {}), {} {}, {} {}, {} input, {} {}; {} {}",
        r.tokenizer,
        &r.tokenizer_sha256[..12.min(r.tokenizer_sha256.len())],
        thousands(s.files),
        plural(s.files, "file", "files"),
        thousands(s.documents),
        plural(s.documents, "document", "documents"),
        human_bytes(s.input_bytes),
        thousands(s.tokens),
        plural(s.tokens, "token", "tokens"),
        r.cores,
        plural(r.cores as u64, "core", "cores")
    );
    let _ = writeln!(
        out,
        "whole count, {} {} per point: median wall time (min-max); rates at the median, MB = 10^6 input bytes\n",
        r.runs,
        plural(r.runs as u64, "run", "runs")
    );
    let mut throughput = Grid::new(
        &[
            "route", "engine", "threads", "median", "min-max", "MB/s", "docs/s", "tokens/s",
        ],
        3,
    );
    for route in &r.routes {
        for t in &route.throughput {
            throughput.row([
                route.route.clone(),
                route.engine.clone(),
                t.threads.to_string(),
                seconds(t.median_seconds),
                seconds_range(t.min_seconds, t.max_seconds),
                format!("{:.2}", t.mb_per_second),
                human_count(t.documents_per_second.round() as u64),
                human_count(t.tokens_per_second.round() as u64),
            ]);
        }
    }
    out += &throughput.to_text();
    let ratios: Vec<String> = r
        .ratios
        .iter()
        .map(|x| {
            format!(
                "{:.2}x at {} {}",
                x.fast_over_reference,
                x.threads,
                plural(x.threads as u64, "thread", "threads")
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\nratio fast/reference (throughput): {}",
        ratios.join(", ")
    );
    for route in r.routes.iter().filter(|r| r.fallback_reason.is_some()) {
        let _ = writeln!(
            out,
            "note: no fast route for this tokenizer, `{}` ran the tokenizers crate ({})",
            route.route,
            route.fallback_reason.as_deref().unwrap_or_default()
        );
    }
    latency_table(&mut out, r);
    let _ = writeln!(
        out,
        "\ntoken totals: {}",
        if r.tokens_agree {
            format!(
                "identical in every run of both routes ({} {})",
                thousands(s.tokens),
                plural(s.tokens, "token", "tokens")
            )
        } else {
            "MISMATCH between runs or routes (see the JSON format's `tokens` per point)".into()
        }
    );
    if s.input_errors > 0 {
        let _ = writeln!(
            out,
            "input errors: {} per count (`count` lists them)",
            thousands(s.input_errors)
        );
    }
    let _ = match r.peak_memory_bytes {
        Some(b) => writeln!(
            out,
            "peak memory: {} (VmHWM: the process peak over the whole bench, both routes' tokenizers and the latency pass's texts included)",
            human_bytes(b)
        ),
        None => writeln!(out, "peak memory: not available on this system"),
    };
    let p = &r.projection;
    let _ = writeln!(
        out,
        "\nprojection: {} ({}) on {} {} of this kind: {}\n{}",
        human_bytes(p.corpus_bytes),
        p.corpus_bytes_from,
        p.machines,
        plural(p.machines, "machine", "machines"),
        projected(p.seconds),
        wrap(&p.assumption, 96, "  ")
    );
    out
}

fn latency_table(out: &mut String, r: &BenchReport) {
    let _ = writeln!(
        out,
        "\nper-document latency (sequential, one thread, reading excluded):\n"
    );
    let mut latency = Grid::new(
        &["route", "documents", "p50", "p90", "p99", "max", "mean"],
        1,
    );
    for route in &r.routes {
        let l: &LatencySummary = &route.latency;
        latency.row([
            route.route.clone(),
            thousands(l.documents),
            nanos(l.p50_ns as f64),
            nanos(l.p90_ns as f64),
            nanos(l.p99_ns as f64),
            nanos(l.max_ns as f64),
            nanos(l.mean_ns),
        ]);
    }
    out.push_str(&latency.to_text());
    for route in &r.routes {
        if let Some(why) = &route.latency.capped {
            let _ = writeln!(out, "{}: {why}", route.route);
        }
    }
}

fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// `23.9-34.6 ms`, in the unit of the larger value.
fn seconds_range(min: f64, max: f64) -> String {
    if max < 1.0 {
        format!("{:.1}-{:.1} ms", min * 1e3, max * 1e3)
    } else {
        format!("{min:.2}-{max:.2} s")
    }
}

/// A projected duration: seconds, minutes, hours or days with one decimal.
fn duration(s: f64) -> String {
    match s {
        s if s < 120.0 => human_duration(s),
        s if s < 7200.0 => format!("{:.1} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s => format!("{:.1} days", s / 86_400.0),
    }
}

/// `text` cut into lines of at most `width` characters at spaces, each after `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
        .iter()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn nanos(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// A projected wall time: the duration, and its whole seconds beside it once it is written
/// in minutes or more (`2.3 min (138 s)`, `0.04 s`).
fn projected(seconds: f64) -> String {
    let written = duration(seconds);
    if written.ends_with(" s") {
        written
    } else {
        format!("{written} ({} s)", thousands(seconds.round() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::projected;

    #[test]
    fn projections_give_seconds_only_beside_larger_units() {
        assert_eq!(projected(0.04), "0.04 s");
        assert_eq!(projected(119.0), "119.00 s");
        assert_eq!(projected(138.0), "2.3 min (138 s)");
        assert_eq!(projected(90_000.0), "25.0 h (90,000 s)");
    }
}
