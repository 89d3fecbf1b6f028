//! `tokencensus bench`: the structure of its output, never its speed (timings vary by machine).

use crate::common::*;
use serde_json::Value;

fn bench_json(extra: &[&str]) -> Value {
    let mut args = vec![
        "bench",
        "fixtures/sample",
        "--runs",
        "1",
        "--threads",
        "1,2",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json"]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    r.json()
}

#[test]
fn json_has_both_routes_and_thread_counts_with_the_count_totals() {
    let count = run(&["count", "fixtures/sample", "--format", "json"]).json();
    let tokens = count["totals"]["tokens"].as_u64().unwrap();
    let input_bytes = count["totals"]["input_bytes"].as_u64().unwrap();
    let b = bench_json(&["--corpus-bytes", "1000000000000", "--machines", "8"]);

    assert_eq!(b["tokens_agree"], true);
    assert_eq!(b["sample"]["tokens"].as_u64(), Some(tokens));
    assert_eq!(b["sample"]["input_bytes"].as_u64(), Some(input_bytes));
    let routes = b["routes"].as_array().unwrap();
    let names: Vec<&str> = routes
        .iter()
        .map(|r| r["route"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fast", "reference"]);
    assert_eq!(routes[0]["engine"], "fast-bpe");
    assert_eq!(routes[1]["engine"], "tokenizers-0.23");
    for route in routes {
        let points = route["throughput"].as_array().unwrap();
        let threads: Vec<u64> = points
            .iter()
            .map(|p| p["threads"].as_u64().unwrap())
            .collect();
        assert_eq!(threads, [1, 2]);
        for p in points {
            assert_eq!(p["tokens"], serde_json::json!([tokens]));
            for rate in ["mb_per_second", "documents_per_second", "tokens_per_second"] {
                assert!(p[rate].as_f64().unwrap() > 0.0, "{rate}: {p}");
            }
            let (min, med, max) = (
                p["min_seconds"].as_f64().unwrap(),
                p["median_seconds"].as_f64().unwrap(),
                p["max_seconds"].as_f64().unwrap(),
            );
            assert!(min <= med && med <= max, "{p}");
        }
        let l = &route["latency"];
        assert_eq!(at(l, "documents"), at(&count, "totals.documents"));
        let q: Vec<u64> = ["p50_ns", "p90_ns", "p99_ns", "max_ns"]
            .map(|k| l[k].as_u64().unwrap())
            .to_vec();
        assert!(q[0] > 0 && q.windows(2).all(|w| w[0] <= w[1]), "{l}");
    }
    let ratios: Vec<u64> = b["ratios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["fast_over_reference"].as_f64().unwrap() > 0.0);
            r["threads"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(ratios, [1, 2]);
    let p = &b["projection"];
    assert_eq!(p["corpus_bytes"].as_u64(), Some(1_000_000_000_000));
    assert_eq!(p["corpus_bytes_from"], "--corpus-bytes");
    assert_eq!(p["machines"].as_u64(), Some(8));
    let expected = 1e12 / (p["mb_per_second"].as_f64().unwrap() * 1e6 * 8.0);
    let seconds = p["seconds"].as_f64().unwrap();
    assert!((seconds - expected).abs() <= 1e-9 * expected, "{p}");
    assert!(p["assumption"].as_str().unwrap().contains("linearly"));
    assert!(b["peak_memory_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn projection_defaults_to_the_sample_size() {
    let b = bench_json(&[]);
    let p = &b["projection"];
    assert_eq!(at(p, "corpus_bytes"), at(&b, "sample.input_bytes"));
    assert_eq!(p["corpus_bytes_from"], "sample files");
    assert_eq!(p["machines"].as_u64(), Some(1));
}

#[test]
fn table_states_the_ratio_latency_memory_and_projection() {
    let r = run(&[
        "bench",
        "fixtures/sample",
        "--runs",
        "1",
        "-j",
        "1,2",
        "--corpus-bytes",
        "1000000000000",
        "--machines",
        "8",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for needle in [
        "ratio fast/reference",
        "per-document latency",
        "p99",
        "identical in every run of both routes",
        "peak memory",
        "1.00 TB (--corpus-bytes) on 8 machines",
        "linearly",
    ] {
        assert!(r.stdout.contains(needle), "{needle} missing:\n{}", r.stdout);
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["bench", "fixtures/sample", "--threads", "0"][..],
        &["bench", "fixtures/sample", "--threads", "1,0"],
        &["bench", "fixtures/sample", "--runs", "0"],
        &["bench", "fixtures/sample", "--machines", "0"],
        &["bench", "fixtures/sample", "--threads", "x"],
        &["bench"],
        &["bench", "no/such/path"],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
    }
}
