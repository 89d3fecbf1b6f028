//! Issue 16 against a real S3-compatible server (`common::s3`): a corpus of every format counted
//! from a bucket gives the report it gives from local disk; shards and a checkpointed count
//! killed part-way give it too; refused credentials, a missing bucket and a missing listed key
//! stop the run with messages that name what to check; no output ever shows the secret key.

use crate::common::s3::{Ran, S3Server, command, files_under, json, merge_parts, run_with};
use crate::common::{census_only, root, without_fingerprints};
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A corpus of every format: the sample corpus (plain JSONL, .gz, .zst, Markdown), Parquet,
/// media, a WebDataset shard, bad inputs, a JSONL file large enough to be split into ranges, and
/// a hidden file that neither a walk nor a listing counts.
fn corpus(dir: &Path) {
    let copy = |from: &str, to: &str| {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join(from), to).unwrap();
    };
    for name in ["fortunes.jsonl.gz", "linux-doc.jsonl", "man.jsonl.zst"] {
        copy(
            &format!("fixtures/sample/{name}"),
            &format!("sample/{name}"),
        );
    }
    for entry in std::fs::read_dir(root().join("fixtures/sample/docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        copy(
            &format!("fixtures/sample/docs/{name}"),
            &format!("sample/docs/{name}"),
        );
    }
    for name in [
        "text.parquet",
        "hf-image-audio.parquet",
        "bad-truncated.parquet",
    ] {
        copy(
            &format!("fixtures/parquet/{name}"),
            &format!("parquet/{name}"),
        );
    }
    for name in ["image.png", "tone.wav", "clip.mp4", "bad-truncated.png"] {
        copy(&format!("fixtures/media/{name}"), &format!("media/{name}"));
    }
    for name in ["truncated.jsonl.gz", "records.jsonl", "binary.txt"] {
        copy(&format!("fixtures/bad/{name}"), &format!("bad/{name}"));
    }
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in [
        ("s/1.txt", b"A caption for the first sample.".to_vec()),
        (
            "s/1.png",
            std::fs::read(root().join("fixtures/media/image.png")).unwrap(),
        ),
        ("s/2.txt", "Ein zweiter Text.".as_bytes().to_vec()),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, &bytes[..]).unwrap();
    }
    std::fs::write(dir.join("shards-000.tar"), tar.into_inner().unwrap()).unwrap();
    let big: String = (0..6000)
        .map(|i| {
            format!(
                "{{\"text\": \"line {i} of a file split into ranges, {}\"}}\n",
                "word ".repeat(i % 40)
            )
        })
        .collect();
    std::fs::write(dir.join("big.jsonl"), big).unwrap();
    std::fs::write(dir.join(".hidden.jsonl"), "{\"text\": \"never counted\"}\n").unwrap();
}

/// A report's census with every local path spelled as its URL.
fn as_remote(report: &Value, local: &str, url: &str) -> Value {
    let text = serde_json::to_string(&census_only(report.clone())).unwrap();
    serde_json::from_str(&text.replace(&format!("\"{local}"), &format!("\"{url}"))).unwrap()
}

/// Asserts that nothing `ran` printed shows the server's secret or key ID.
fn no_secret(server: &S3Server, ran: &Ran) {
    for secret in [&server.secret, &server.key_id] {
        assert!(
            !ran.stdout.contains(secret.as_str()),
            "stdout shows a secret"
        );
        assert!(
            !ran.stderr.contains(secret.as_str()),
            "stderr shows a secret: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_bucket_counts_as_local_disk_whole_sharded_and_resumed() {
    let Some(server) = S3Server::start("remote::a_bucket_counts_as_local_disk", false) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    corpus(&local);
    server.upload("corpus", &local, "data/");
    // Small blocks and chunks: objects are read in many ranged requests, big.jsonl in ranges.
    let mut env = server.env();
    env.push(("TOKENCENSUS_REMOTE_BLOCK_BYTES".into(), "65536".into()));
    let count = |what: &str, extra: &[&str]| {
        let mut args = vec![
            "count",
            "-q",
            "--format",
            "json",
            "--chunk-size",
            "100000",
            what,
        ];
        args.extend_from_slice(extra);
        let ran = run_with(dir.path(), &env, &args);
        no_secret(&server, &ran);
        ran
    };
    let on_disk = count("local", &[]);
    assert_eq!(on_disk.code, 1, "{}", on_disk.stderr);
    let from_bucket = count("s3://corpus/data", &[]);
    assert_eq!(from_bucket.code, 1, "{}", from_bucket.stderr);
    let bucket_report = json(&from_bucket);
    let expected = as_remote(&json(&on_disk), "local", "s3://corpus/data");
    assert_eq!(
        without_fingerprints(census_only(bucket_report.clone())),
        without_fingerprints(expected)
    );
    assert!(bucket_report["totals"]["documents"].as_u64().unwrap() > 6000);

    // Three shards from the bucket merge into the single count.
    let mut parts = Vec::new();
    for i in 0..3 {
        let out = format!("part-{i}.json");
        let shard = format!("{i}/3");
        let ran = count("s3://corpus/data", &["--shard", &shard, "-o", &out]);
        assert!(ran.code <= 1, "{}", ran.stderr);
        parts.push(out);
    }
    let merged = merge_parts(dir.path(), &env, &parts);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    assert_eq!(
        census_only(json(&merged)),
        census_only(bucket_report.clone())
    );

    // A checkpointed count killed part-way resumes to the same report.
    let checkpoints = dir.path().join("ck");
    let mut child = command(dir.path(), &env)
        .args([
            "count",
            "-q",
            "-j",
            "1",
            "--engine",
            "reference",
            "--checkpoint",
            "ck",
        ])
        .arg("s3://corpus/data")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let saved = || {
        let names = files_under(&checkpoints);
        (names.iter())
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .count()
    };
    while saved() < 2 && Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().ok();
    child.wait().unwrap();
    let before = saved();
    let resumed = count("s3://corpus/data", &["--checkpoint", "ck"]);
    assert_eq!(resumed.code, 1, "{}", resumed.stderr);
    let resumed = json(&resumed);
    assert!(before >= 1, "the kill landed after a file was saved");
    assert_eq!(resumed["run"]["resumed_files"], before as u64);
    assert_eq!(census_only(resumed), census_only(bucket_report));
    for file in files_under(&checkpoints) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            !text.contains(&server.secret) && !text.contains(&server.key_id),
            "{}",
            file.display()
        );
    }
}

#[test]
fn refused_keys_missing_buckets_and_missing_listed_keys_say_what_to_check() {
    let Some(server) = S3Server::start("remote::refused_keys_and_missing_buckets", true) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    std::fs::create_dir(&local).unwrap();
    std::fs::copy(
        root().join("fixtures/sample/linux-doc.jsonl"),
        local.join("a.jsonl"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/sample/man.jsonl.zst"),
        local.join("b.jsonl.zst"),
    )
    .unwrap();
    server.upload("corpus", &local, "data/");
    let env = server.env();
    let run = |env: &[(String, String)], args: &[&str]| {
        let ran = run_with(dir.path(), env, args);
        no_secret(&server, &ran);
        ran
    };
    // A list of objects (no listing), counted as the local files are.
    std::fs::write(
        dir.path().join("keys.txt"),
        "# two objects\ns3://corpus/data/a.jsonl\n\ns3://corpus/data/b.jsonl.zst\n",
    )
    .unwrap();
    let listed = run(
        &env,
        &[
            "count",
            "-q",
            "--format",
            "json",
            "--files-from",
            "keys.txt",
        ],
    );
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let on_disk = run(&env, &["count", "-q", "--format", "json", "local"]);
    let (listed, on_disk) = (json(&listed), json(&on_disk));
    assert_eq!(listed["totals"], on_disk["totals"]);
    assert_eq!(listed["sources"][0]["name"], "keys.txt");

    // The same list as a manifest source's files_from, beside a source of local files.
    std::fs::write(
        dir.path().join("sources.toml"),
        "[[source]]\nname = \"objects\"\ncategory = \"licensed\"\nfiles_from = \"keys.txt\"\n\n\
         [[source]]\nname = \"disk\"\ncategory = \"public\"\npaths = [\"local\"]\n",
    )
    .unwrap();
    let both = run(
        &env,
        &[
            "count",
            "-q",
            "--format",
            "json",
            "--manifest",
            "sources.toml",
        ],
    );
    assert_eq!(both.code, 0, "{}", both.stderr);
    let both = json(&both);
    let names: Vec<&str> = (both["sources"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["objects", "disk"]);
    for key in ["files", "documents", "bytes", "tokens"] {
        for source in 0..2 {
            assert_eq!(
                both["sources"][source][key], on_disk["totals"][key],
                "{key}"
            );
        }
    }

    std::fs::write(
        dir.path().join("gone.txt"),
        "s3://corpus/data/a.jsonl\ns3://corpus/data/nope.jsonl\n",
    )
    .unwrap();
    let gone = run(&env, &["count", "-q", "--files-from", "gone.txt"]);
    assert_eq!(gone.code, 2);
    assert!(
        gone.stderr
            .contains("gone.txt:2: s3://corpus/data/nope.jsonl: no such file or object"),
        "{}",
        gone.stderr
    );

    let mut wrong = env.clone();
    for (key, value) in &mut wrong {
        if key == "AWS_SECRET_ACCESS_KEY" {
            *value = "a-wrong-secret-4711".into();
        }
    }
    let refused = run(&wrong, &["count", "-q", "s3://corpus/data"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("refused access to bucket \"corpus\""),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("a-wrong-secret-4711"));

    let missing = run(&env, &["count", "-q", "s3://no-such-bucket"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("bucket \"no-such-bucket\" does not exist"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("AWS_ENDPOINT_URL"),
        "{}",
        missing.stderr
    );
}

/// A TCP proxy in front of the server that goes down (closing every connection and refusing new
/// ones) once it has passed `budget` bytes of answers, and can be brought back up.
struct Proxy {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    budget: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Proxy {
    fn start(target: u16, budget: i64) -> Proxy {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy = Proxy {
            port: listener.local_addr().unwrap().port(),
            up: std::sync::Arc::new(true.into()),
            budget: std::sync::Arc::new(budget.into()),
        };
        let (up, left) = (proxy.up.clone(), proxy.budget.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !up.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is closed at once
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let (mut c_in, mut s_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || _ = std::io::copy(&mut c_in, &mut s_out));
                let (up, left) = (up.clone(), left.clone());
                let (mut s_in, mut c_out) = (server, client);
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = s_in.read(&mut buf) {
                        let alive = up.load(Ordering::SeqCst)
                            && left.fetch_sub(n as i64, Ordering::SeqCst) > n as i64;
                        if n == 0 || !alive || c_out.write_all(&buf[..n]).is_err() {
                            if n > 0 && !alive {
                                up.store(false, Ordering::SeqCst);
                            }
                            break;
                        }
                    }
                    let _ = c_out.shutdown(Shutdown::Both);
                    let _ = s_in.shutdown(Shutdown::Both);
                });
            }
        });
        proxy
    }

    fn restart(&self) {
        use std::sync::atomic::Ordering;
        self.budget.store(i64::MAX, Ordering::SeqCst);
        self.up.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_server_lost_mid_count_costs_only_the_unread_objects_and_a_resume_completes() {
    let Some(server) = S3Server::start("remote::a_server_lost_mid_count", false) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    std::fs::create_dir(&local).unwrap();
    for f in 0..12 {
        let body: String = (0..500)
            .map(|i| {
                format!(
                    "{{\"text\": \"file {f} line {i} {}\"}}\n",
                    "some words ".repeat(i % 13)
                )
            })
            .collect();
        std::fs::write(local.join(format!("part-{f:02}.jsonl")), body).unwrap();
    }
    server.upload("corpus", &local, "lost/");
    let port: u16 = server.endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = Proxy::start(port, 250_000);
    let mut env = server.env();
    for (key, value) in &mut env {
        if key == "AWS_ENDPOINT_URL" {
            *value = format!("http://127.0.0.1:{}", proxy.port);
        }
    }
    env.push(("TOKENCENSUS_REMOTE_BLOCK_BYTES".into(), "65536".into()));
    env.push(("TOKENCENSUS_REMOTE_READ_AHEAD".into(), "0".into()));
    let args = [
        "count",
        "-q",
        "-j",
        "1",
        "--format",
        "json",
        "--checkpoint",
        "ck",
        "s3://corpus/lost",
    ];
    let started = Instant::now();
    let lost = run_with(dir.path(), &env, &args);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "retries are bounded"
    );
    assert_eq!(lost.code, 1, "{}", lost.stderr);
    no_secret(&server, &lost);
    let lost = json(&lost);
    let errors = lost["errors"].as_array().unwrap();
    assert!(
        !errors.is_empty() && errors.len() < 12,
        "the server went down part-way: {errors:?}"
    );
    for error in errors {
        assert_eq!(error["kind"], "io", "{error}");
        assert!(
            error["path"]
                .as_str()
                .unwrap()
                .starts_with("s3://corpus/lost/part-"),
            "{error}"
        );
        assert!(
            error["message"].as_str().unwrap().contains("attempts"),
            "{error}"
        );
    }
    // Every object not in error was counted whole.
    let read = 12 - errors.len() as u64;
    assert_eq!(lost["totals"]["documents"], read * 500);

    proxy.restart();
    let resumed = run_with(dir.path(), &env, &args);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let resumed = json(&resumed);
    assert_eq!(resumed["run"]["resumed_files"], read);
    let whole = run_with(
        dir.path(),
        &server.env(),
        &["count", "-q", "--format", "json", "s3://corpus/lost"],
    );
    assert_eq!(census_only(resumed), census_only(json(&whole)));
}

#[test]
fn an_object_replaced_between_planning_and_reading_is_one_io_error_and_the_rest_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    std::fs::create_dir(&local).unwrap();
    let lines = |tag: &str| -> String {
        (0..200)
            .map(|i| format!("{{\"text\": \"{tag} line {i}\"}}\n"))
            .collect()
    };
    std::fs::write(local.join("a.jsonl"), lines("kept")).unwrap();
    std::fs::write(local.join("b.jsonl"), lines("replaced")).unwrap();
    std::fs::copy("fixtures/parquet/text.parquet", local.join("c.parquet")).unwrap();
    let newer = dir.path().join("newer");
    std::fs::write(&newer, lines("another version of it")).unwrap();
    let replaced = [
        ("/corpus/changing/b.jsonl", newer.as_path()),
        ("/corpus/changing/c.parquet", newer.as_path()),
    ];
    let test = "remote::an_object_replaced_between_planning_and_reading";
    let Some(server) = S3Server::start_replacing(test, &replaced) else {
        return;
    };
    server.upload("corpus", &local, "changing/");
    let args = ["count", "-q", "--format", "json", "s3://corpus/changing"];
    let ran = run_with(dir.path(), &server.env(), &args);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    no_secret(&server, &ran);
    let report = json(&ran);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "one error per replaced object: {errors:?}");
    for (error, name) in errors.iter().zip(["b.jsonl", "c.parquet"]) {
        assert_eq!(error["kind"], "io", "{error}");
        assert_eq!(
            error["path"],
            format!("s3://corpus/changing/{name}"),
            "{error}"
        );
        let size = std::fs::metadata(local.join(name)).unwrap().len();
        let message = error["message"].as_str().unwrap();
        assert_eq!(
            message,
            format!(
                "changed while it was counted (its ETag is no longer the one listed): bytes \
                 0..{size} may differ from what was read; nothing of it is counted"
            )
        );
    }
    // The object left alone is counted whole, the replaced ones not at all.
    let alone = run_with(
        dir.path(),
        &[],
        &["count", "-q", "--format", "json", "local/a.jsonl"],
    );
    let alone = json(&alone);
    for figure in ["documents", "tokens", "bytes"] {
        assert_eq!(
            report["totals"][figure], alone["totals"][figure],
            "{figure}"
        );
    }
}
