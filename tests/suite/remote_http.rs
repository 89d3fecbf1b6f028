//! Issue 16's single objects over HTTP: an `https://` (or, for a test server, `http://`) URL names
//! one object, read with a HEAD and ranged GETs, as a Hugging Face `resolve/` URL or a public
//! bucket's object URL is. The server is moto's (`common::s3`): its path-style object URLs
//! (`http://HOST:PORT/BUCKET/KEY`) of objects uploaded `public-read` answer HEAD and ranged GET
//! without a signature. No AWS variable is set for these runs: HTTP objects are read anonymously.

use crate::common::s3::{S3Server, json, merge_parts, run_with};
use crate::common::{census_only, root, without_fingerprints};
use serde_json::Value;
use std::path::Path;

/// The objects of the test, by their path under the served folder: compressed and plain JSONL,
/// Parquet (read by footer and row-group ranges), a PNG, and a JSONL file big enough to be split
/// into byte ranges.
const FILES: [&str; 5] = [
    "big.jsonl",
    "media/image.png",
    "parquet/text.parquet",
    "sample/linux-doc.jsonl",
    "sample/man.jsonl.zst",
];

fn corpus(dir: &Path) {
    for (from, to) in [
        ("fixtures/media/image.png", FILES[1]),
        ("fixtures/parquet/text.parquet", FILES[2]),
        ("fixtures/sample/linux-doc.jsonl", FILES[3]),
        ("fixtures/sample/man.jsonl.zst", FILES[4]),
    ] {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join(from), to).unwrap();
    }
    let big: String = (0..4000)
        .map(|i| format!("{{\"text\": \"line {i}: {}\"}}\n", "Wort ".repeat(i % 30)))
        .collect();
    std::fs::write(dir.join(FILES[0]), big).unwrap();
}

/// A server for `test` serving the corpus (also kept on disk under `local/` of the returned
/// folder) as public objects of bucket `web`, and that bucket's URL; `None` when the test skips.
fn served(test: &str) -> Option<(S3Server, tempfile::TempDir, String)> {
    let server = S3Server::start(test, false)?;
    let dir = tempfile::tempdir().unwrap();
    corpus(&dir.path().join("local"));
    server.upload_public("web", &dir.path().join("local"), "");
    let base = format!("{}/web", server.endpoint);
    Some((server, dir, base))
}

#[test]
fn single_objects_over_http_count_as_their_local_files() {
    let Some((_server, dir, base)) = served("remote_http::single_objects_over_http") else {
        return;
    };
    let env: Vec<(String, String)> = [
        ("TOKENCENSUS_REMOTE_BLOCK_BYTES", "65536"),
        ("TOKENCENSUS_REMOTE_RETRIES", "3"),
        ("TOKENCENSUS_REMOTE_BACKOFF_MS", "20"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec();
    let count = |paths: &[String], extra: &[&str]| {
        let mut args = vec!["count", "-q", "--format", "json", "--chunk-size", "100000"];
        args.extend_from_slice(extra);
        args.extend(paths.iter().map(String::as_str));
        run_with(dir.path(), &env, &args)
    };
    let on_disk_paths: Vec<String> = FILES.iter().map(|f| format!("local/{f}")).collect();
    let urls: Vec<String> = FILES.iter().map(|f| format!("{base}/{f}")).collect();

    // text.parquet has rows whose text is null: input errors, the same from either storage.
    let on_disk = count(&on_disk_paths, &[]);
    assert_eq!(on_disk.code, 1, "{}", on_disk.stderr);
    let from_web = count(&urls, &[]);
    assert_eq!(from_web.code, 1, "{}", from_web.stderr);
    let web_report = json(&from_web);
    let expected = serde_json::to_string(&census_only(json(&on_disk)))
        .unwrap()
        .replace("\"local/", &format!("\"{base}/"));
    assert_eq!(
        without_fingerprints(census_only(web_report.clone())),
        without_fingerprints(serde_json::from_str::<Value>(&expected).unwrap())
    );
    assert_eq!(web_report["totals"]["files"], FILES.len() as u64);
    assert!(web_report["totals"]["documents"].as_u64().unwrap() > 4000);

    // The same URLs from a --files-from list, and as two shards merged.
    std::fs::write(dir.path().join("urls.txt"), urls.join("\n") + "\n").unwrap();
    let listed = count(&[], &["--files-from", "urls.txt"]);
    assert_eq!(listed.code, 1, "{}", listed.stderr);
    assert_eq!(json(&listed)["totals"], web_report["totals"]);
    let mut parts = Vec::new();
    for shard in ["0/2", "1/2"] {
        let out = format!("part-{}.json", &shard[..1]);
        let ran = count(&urls, &["--shard", shard, "-o", &out]);
        assert!(ran.code <= 1, "{}", ran.stderr);
        parts.push(out);
    }
    let merged = merge_parts(dir.path(), &env, &parts);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    assert_eq!(census_only(json(&merged)), census_only(web_report.clone()));

    // A checkpoint keys each object by URL, size and ETag: a second run reuses every one.
    let first = count(&urls, &["--checkpoint", "ck"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let again = json(&count(&urls, &["--checkpoint", "ck"]));
    assert_eq!(again["run"]["resumed_files"], FILES.len() as u64);
    assert_eq!(census_only(again), census_only(web_report));
}

#[test]
fn missing_and_private_objects_and_a_url_with_a_query_string_say_what_is_wrong() {
    let Some((server, dir, base)) = served("remote_http::missing_and_private_objects") else {
        return;
    };
    server.upload("vault", &dir.path().join("local/sample"), "");
    let env = [("TOKENCENSUS_REMOTE_RETRIES".to_string(), "1".to_string())];

    let missing = run_with(
        dir.path(),
        &env,
        &["count", "-q", &format!("{base}/sample/nope.jsonl")],
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains(&format!(
            "{base}/sample/nope.jsonl: no such object or prefix"
        )),
        "{}",
        missing.stderr
    );

    let private = format!("{}/vault/linux-doc.jsonl", server.endpoint);
    let denied = run_with(dir.path(), &env, &["count", "-q", &private]);
    assert_eq!(denied.code, 2, "{}", denied.stderr);
    let host = server.endpoint.trim_start_matches("http://");
    assert!(
        denied.stderr.contains(&format!(
            "{private}: the store refused access to host {host} ("
        )) && denied.stderr.contains("check that the URL is public"),
        "{}",
        denied.stderr
    );

    // A signed URL's query would be printed in every report: refused, and never echoed.
    let signed = format!("{base}/sample/linux-doc.jsonl?X-Amz-Signature=sig-4711-secret");
    let refused = run_with(dir.path(), &env, &["count", "-q", &signed]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("query string"),
        "{}",
        refused.stderr
    );
    assert!(
        !refused.stderr.contains("sig-4711-secret"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stdout.contains("sig-4711-secret"));
}
