//! Multimodal counts through the whole binary: media files measured from their headers agree
//! with ffprobe and cost the tokens their source's stated token models give; WebDataset shards
//! (plain, gzip, zstd) count text members as documents, media members by modality, metadata
//! and unknown members apart, and damaged members or archives as errors without losing the rest;
//! the report states every source's token models; results do not depend on threads, mmap or
//! sharding.

use crate::common::{self, census_only, count_json_in, run_in};
use serde_json::Value;
use std::path::Path;
use tokencensus::media::{TokenModels, probe};

const MANIFEST: &str = r#"
[[source]]
name = "media"
category = "licensed"
paths = ["media/**"]

[source.token_models]
image = { kind = "tiles", tile_size = 32, max_tiles = 4, tokens_per_tile = 10 }
audio = { kind = "per_second", tokens_per_second = 50, codebooks = 2 }
video = { frames_per_second = 1, temporal_patch = 1, frame = { kind = "fixed", tokens = 7 } }

[[source]]
name = "shards"
category = "public"
paths = ["shards/**"]
"#;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("fixtures/media").join(name)).unwrap()
}

fn good_media() -> Vec<String> {
    let expected = expected();
    let mut names: Vec<String> = expected
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.get("error").is_none() && v.get("streams").is_some())
        .map(|(k, _)| k.clone())
        .collect();
    names.sort();
    names
}

fn expected() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("fixtures/media/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// ffprobe's duration of a fixture: the container's, or the last packet's end for live WebM.
fn ffprobe_seconds(entry: &Value) -> Option<f64> {
    entry["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .or_else(|| entry["packets_end"].as_f64())
}

/// A WebDataset shard: three samples (text, JSON, PNG, WAV, an unknown member) and a fourth
/// whose PNG is truncated.
fn shard_bytes() -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, bytes).unwrap();
    };
    add("s/000001.txt", "A caption for the first sample.".as_bytes());
    add("s/000001.json", br#"{"id": 1}"#);
    add("s/000001.png", &fixture("image.png"));
    add(
        "s/000002.txt",
        "Ein zweiter Text, nicht zu lang.".as_bytes(),
    );
    add("s/000002.wav", &fixture("tone.wav"));
    add("s/000002.cls", b"3");
    add(
        "s/000003.npy",
        &[0x93, b'N', b'U', b'M', b'P', b'Y', 1, 0, 0, 0],
    );
    add("s/000004.png", &fixture("bad-truncated.png"));
    builder.into_inner().unwrap()
}

fn corpus(dir: &Path) {
    std::fs::write(dir.join("sources.toml"), MANIFEST).unwrap();
    std::fs::create_dir_all(dir.join("media")).unwrap();
    for name in good_media() {
        std::fs::write(dir.join("media").join(&name), fixture(&name)).unwrap();
    }
    std::fs::create_dir_all(dir.join("shards")).unwrap();
    let tar = shard_bytes();
    std::fs::write(dir.join("shards/a.tar"), &tar).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).unwrap();
    std::fs::write(dir.join("shards/b.tar.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.join("shards/c.tar.zst"),
        zstd::encode_all(&tar[..], 3).unwrap(),
    )
    .unwrap();
    // Cut inside the WAV member of the second sample: the first sample is still counted.
    std::fs::write(dir.join("shards/d-truncated.tar"), &tar[..5000]).unwrap();
}

/// The report of the corpus's manifest counted in `dir` with `extra` options (exit 1: the
/// corpus holds damaged media on purpose).
fn census(dir: &Path, extra: &[&str]) -> Value {
    count_json_in(dir, &[&["--manifest", "sources.toml"], extra].concat(), 1)
}

#[test]
fn media_agree_with_ffprobe_and_cost_their_stated_tokens() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let report = census(dir.path(), &[]);
    let media = &report["sources"][0];
    let models: TokenModels = serde_json::from_value(media["token_models"].clone()).unwrap();
    assert!(matches!(
        models.image,
        tokencensus::media::ImageModel::Tiles { .. }
    ));
    let expected = expected();
    let (mut images, mut pixels, mut sounds, mut videos) = (0, 0u64, 0, 0);
    let (mut image_tokens, mut audio_tokens, mut video_tokens) = (0, 0, 0);
    let (mut audio_seconds, mut video_seconds) = (0.0, 0.0);
    for name in good_media() {
        let entry = &expected[&name];
        let info = probe(&fixture(&name), &name).unwrap();
        let tokens = models.tokens(&info);
        let kinds: Vec<&str> = entry["streams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["codec_type"].as_str().unwrap())
            .collect();
        let still = entry["format"]["format_name"].as_str().is_some_and(|f| {
            f.contains("pipe") || f.contains("image") || f == "gif" || f == "bmp_pipe"
        });
        if kinds == ["video"] && (still || ffprobe_seconds(entry).is_none()) {
            images += 1;
            let s = &entry["streams"][0];
            let (w, h) = (s["width"].as_u64().unwrap(), s["height"].as_u64().unwrap());
            pixels += w * h;
            // Tiles of 32 px, at most 4, 10 tokens each, from ffprobe's size (a 97x61 image is
            // 4 x 2 tiles, capped at 4).
            assert_eq!(
                tokens,
                (w.div_ceil(32) * h.div_ceil(32)).min(4) * 10,
                "{name}"
            );
            image_tokens += tokens;
        } else if kinds.contains(&"video") {
            videos += 1;
            video_seconds += ffprobe_seconds(entry).unwrap();
            video_tokens += tokens;
        } else {
            sounds += 1;
            audio_seconds += ffprobe_seconds(entry).unwrap();
            audio_tokens += tokens;
        }
    }
    let m = &media["by_modality"];
    assert_eq!(m["image"]["items"], images, "{m}");
    assert_eq!(m["image"]["pixels"], pixels);
    assert_eq!(m["image"]["tokens"], image_tokens);
    assert_eq!(m["audio"]["items"], sounds);
    assert_eq!(m["audio"]["tokens"], audio_tokens);
    assert_eq!(m["video"]["items"], videos);
    assert_eq!(m["video"]["tokens"], video_tokens);
    let close =
        |got: f64, want: f64, n: u32| (got - want).abs() <= (0.01 * want).max(0.05 * f64::from(n));
    assert!(
        close(
            m["audio"]["seconds"].as_f64().unwrap(),
            audio_seconds,
            sounds
        ),
        "{m}"
    );
    assert!(
        close(
            m["video"]["seconds"].as_f64().unwrap(),
            video_seconds,
            videos
        ),
        "{m}"
    );
    let modality_tokens: u64 = ["text", "image", "audio", "video"]
        .iter()
        .map(|k| m[k]["tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(media["tokens"], modality_tokens);
    assert_eq!(media["files"], good_media().len() as u64);
}

#[test]
fn webdataset_shards_count_members_by_kind_and_survive_damage() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let report = census(dir.path(), &[]);
    let shards = &report["sources"][1];
    assert_eq!(shards["name"], "shards");
    assert_eq!(
        shards["token_models"],
        serde_json::to_value(TokenModels::default()).unwrap()
    );
    // Three whole shards: 2 texts, 1 image, 1 sound, 2 metadata members, 1 unknown member and
    // 4 samples each; the truncated one keeps its first sample (a text; the cut PNG member is
    // where it breaks or later).
    let m = &shards["by_modality"];
    let texts = m["text"]["documents"].as_u64().unwrap();
    assert!((3 * 2 + 1..=3 * 2 + 2).contains(&texts), "{m}");
    assert!(m["image"]["items"].as_u64().unwrap() >= 3);
    assert_eq!(m["audio"]["items"].as_u64().unwrap() / 3, 1);
    assert_eq!(shards["unsupported"]["items"], 3);
    assert_eq!(shards["unsupported"]["bytes"], 30);
    assert!(shards["webdataset"]["samples"].as_u64().unwrap() >= 13);
    assert!(shards["webdataset"]["metadata_members"].as_u64().unwrap() >= 6);
    assert_eq!(shards["files"], 4);
    let errors: Vec<(String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for shard in ["shards/a.tar", "shards/b.tar.gz", "shards/c.tar.zst"] {
        let mine: Vec<_> = errors.iter().filter(|(p, _)| p.ends_with(shard)).collect();
        assert_eq!(mine.len(), 1, "{shard}: {errors:?}");
        assert_eq!(mine[0].1, "media");
    }
    assert!(
        errors
            .iter()
            .any(|(p, k)| p.ends_with("d-truncated.tar") && k == "decompress"),
        "{errors:?}"
    );
    let message = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"].as_str().unwrap().ends_with("a.tar"))
        .unwrap()["message"]
        .clone();
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("member s/000004.png: truncated medium"),
        "{message}"
    );
    // The texts count like the same texts anywhere else.
    let texts = [
        "A caption for the first sample.",
        "Ein zweiter Text, nicht zu lang.",
    ];
    let jsonl: String = texts
        .iter()
        .map(|t| format!("{}\n", serde_json::json!({ "text": t })))
        .collect();
    std::fs::write(dir.path().join("texts.jsonl"), jsonl).unwrap();
    let plain = run_in(
        dir.path(),
        &["count", "-q", "--format", "json", "texts.jsonl"],
    )
    .json();
    let per_shard = plain["totals"]["tokens"].as_u64().unwrap();
    let whole = m["text"]["tokens"].as_u64().unwrap();
    assert!(
        whole >= 3 * per_shard && whole <= 4 * per_shard,
        "{whole} vs {per_shard}"
    );
}

#[test]
fn media_counts_do_not_depend_on_threads_mmap_or_shards() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let base = census_only(census(dir.path(), &["-j", "1"]));
    assert_eq!(
        census_only(census(dir.path(), &["-j", "3", "--no-mmap"])),
        base
    );
    let mut parts = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let out = format!("part-{i}.json");
        let args = [
            "count",
            "-q",
            "--format",
            "json",
            "--manifest",
            "sources.toml",
            "--shard",
            &shard,
            "-o",
            &out,
        ];
        assert_eq!(run_in(dir.path(), &args).code, 1);
        parts.push(out);
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(parts.iter().map(String::as_str));
    let merged = run_in(dir.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    assert_eq!(census_only(merged.json()), base);
}

#[test]
fn token_models_are_checked_when_the_manifest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    std::fs::write(
        dir.path().join("bad.toml"),
        MANIFEST.replace("tokens_per_second = 50", "tokens_per_second = -1"),
    )
    .unwrap();
    let r = run_in(dir.path(), &["count", "--manifest", "bad.toml"]);
    assert!(
        r.stderr.contains("token_models: audio.tokens_per_second"),
        "{}",
        r.stderr
    );
    for bad in [
        MANIFEST.replace("tokens_per_second = 50", "tokens_per_second = -1"),
        MANIFEST.replace("max_tiles = 4", "max_tiles = 0"),
        MANIFEST.replace("codebooks = 2", "codebooks = 2, colour = 1"),
        MANIFEST.replace("kind = \"tiles\"", "kind = \"mosaic\""),
    ] {
        std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
        let r = run_in(dir.path(), &["count", "--manifest", "bad.toml"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("manifest bad.toml"), "{}", r.stderr);
    }
}

#[test]
fn cut_archives_and_implausible_headers_are_errors_not_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = tar::Builder::new(Vec::new());
    for (name, text) in [
        ("a/1.txt", "hello world ".repeat(40)),
        ("a/2.txt", "second".into()),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, name, text.as_bytes())
            .unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let first_member_end = 512 + 480usize.div_ceil(512) * 512;
    std::fs::write(dir.path().join("whole.tar"), &tar).unwrap();
    std::fs::write(dir.path().join("between.tar"), &tar[..first_member_end]).unwrap();
    std::fs::write(dir.path().join("inside.tar"), &tar[..512 + 100]).unwrap();
    std::fs::write(dir.path().join("empty.tar"), b"").unwrap();
    // A Matroska clip whose Duration (element 0x4489, an 8-byte float) claims 1e300 seconds.
    let mut mkv = fixture("clip.mkv");
    let at = mkv
        .windows(3)
        .position(|w| w == [0x44, 0x89, 0x88])
        .expect("clip.mkv has an 8-byte Duration");
    mkv[at + 3..at + 11].copy_from_slice(&1e300f64.to_be_bytes());
    std::fs::write(dir.path().join("forever.mkv"), mkv).unwrap();
    let r = run_in(dir.path(), &["count", "-q", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let m = &report["totals"]["by_modality"];
    // whole.tar: 2 texts; between.tar: the first; inside.tar: none (its text is cut short).
    assert_eq!(m["text"]["documents"], 3, "{report}");
    assert_eq!(m["video"]["items"], 0);
    let kinds: Vec<(String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let path = e["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_string();
            (path, e["kind"].as_str().unwrap().to_string())
        })
        .collect();
    for (path, kind) in [
        ("between.tar", "decompress"),
        ("inside.tar", "decompress"),
        ("empty.tar", "decompress"),
        ("forever.mkv", "media"),
    ] {
        assert!(
            kinds.contains(&(path.to_string(), kind.to_string())),
            "{path}: {kinds:?}"
        );
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}
