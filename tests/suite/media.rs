//! `media::probe` against ffprobe's values for every fixture in `fixtures/media/` (within 1% or
//! 50 ms), the error kinds of the damaged and unknown files, and no panic on any prefix,
//! mutation or random bytes.

use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;
use tokencensus::media::{MediaInfo, ProbeErrorKind, TokenModels, probe};

const DIR: &str = "fixtures/media";

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(Path::new(DIR).join("expected.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    expected()
        .keys()
        .map(|name| {
            (
                name.clone(),
                std::fs::read(Path::new(DIR).join(name)).unwrap(),
            )
        })
        .collect()
}

/// Within 1% or 50 ms, whichever is larger.
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= (0.01 * want.abs()).max(0.05)
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => match s.split_once('/') {
            Some((n, d)) => n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap(),
            None => s.parse().unwrap(),
        },
        other => other.as_f64().unwrap(),
    }
}

/// A stream's duration: its `duration`, else the Matroska `DURATION` tag ("HH:MM:SS.nnn"), if
/// either is there.
fn stream_seconds(stream: &Value) -> Option<f64> {
    if let Some(d) = stream.get("duration") {
        return Some(num(d));
    }
    let clock = stream["tags"].get("DURATION")?.as_str().unwrap();
    let parts: Vec<f64> = clock.split(':').map(|p| p.parse().unwrap()).collect();
    Some(parts[0] * 3600.0 + parts[1] * 60.0 + parts[2])
}

fn check(name: &str, info: &MediaInfo, ffprobe: &Value) {
    let streams = ffprobe["streams"].as_array().unwrap();
    let of_type = |t: &str| streams.iter().find(|s| s["codec_type"] == t);
    // A live file has no duration in its headers: ffprobe's last packet end stands in.
    let format_seconds = || match ffprobe["format"].get("duration") {
        Some(d) => num(d),
        None => num(&ffprobe["packets_end"]),
    };
    match info {
        MediaInfo::Image { width, height, .. } => {
            let s = &streams[0];
            assert_eq!(
                (*width, *height),
                (num(&s["width"]) as u32, num(&s["height"]) as u32)
            );
        }
        MediaInfo::Audio {
            seconds,
            sample_rate,
            channels,
            ..
        } => {
            let s = of_type("audio").unwrap();
            assert!(close(*seconds, format_seconds()), "{name}: {seconds} s");
            assert_eq!(*sample_rate, num(&s["sample_rate"]) as u32, "{name}");
            assert_eq!(*channels, num(&s["channels"]) as u32, "{name}");
        }
        MediaInfo::Video {
            seconds,
            width,
            height,
            frame_rate,
            has_audio,
            audio_seconds,
            ..
        } => {
            let v = of_type("video").unwrap();
            assert!(close(*seconds, format_seconds()), "{name}: {seconds} s");
            assert_eq!(
                (*width, *height),
                (num(&v["width"]) as u32, num(&v["height"]) as u32)
            );
            let want_rate = num(&v["avg_frame_rate"]);
            assert!(
                (frame_rate - want_rate).abs() <= 0.01 * want_rate,
                "{name}: {frame_rate}"
            );
            let audio = of_type("audio");
            assert_eq!(*has_audio, audio.is_some(), "{name}");
            match (audio_seconds, audio) {
                (Some(got), Some(a)) => {
                    let want = stream_seconds(a).unwrap_or_else(format_seconds);
                    assert!(close(*got, want), "{name}: audio {got} s, not {want}");
                }
                (None, None) => {}
                other => panic!("{name}: audio track mismatch {other:?}"),
            }
        }
    }
}

#[test]
fn every_fixture_agrees_with_ffprobe() {
    let expected = expected();
    let mut modalities = [0; 3];
    for (name, bytes) in fixtures() {
        let want = &expected[&name];
        let got = probe(&bytes, &name);
        if want.get("error").is_some() {
            let err = got.expect_err(&name);
            let kind = serde_json::to_value(err.kind).unwrap();
            assert_eq!(kind, want["error"], "{name}: {err}");
            continue;
        }
        let info = got.unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&name, &info, want);
        modalities[match info {
            MediaInfo::Image { .. } => 0,
            MediaInfo::Audio { .. } => 1,
            MediaInfo::Video { .. } => 2,
        }] += 1;
        assert!(TokenModels::default().tokens(&info) > 0, "{name}");
    }
    assert_eq!(modalities, [7, 7, 6], "images, sounds, videos");
}

#[test]
fn names_are_only_hints() {
    let png = std::fs::read(Path::new(DIR).join("image.png")).unwrap();
    // The signature wins over a wrong extension.
    assert!(matches!(
        probe(&png, "photo.mp3"),
        Ok(MediaInfo::Image { .. })
    ));
    // A known extension on bytes of no known kind is a damaged file; an unknown one is not.
    let text = b"just some text, not a picture at all";
    assert_eq!(
        probe(text, "a.png").unwrap_err().kind,
        ProbeErrorKind::Corrupt
    );
    assert_eq!(
        probe(text, "a.txt").unwrap_err().kind,
        ProbeErrorKind::Unsupported
    );
    assert_eq!(
        probe(b"", "a.webm").unwrap_err().kind,
        ProbeErrorKind::Truncated
    );
    assert_eq!(
        probe(b"", "a").unwrap_err().kind,
        ProbeErrorKind::Unsupported
    );
}

/// A small deterministic generator (xorshift64).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn no_panic_on_prefixes_or_mutations() {
    let mut state = 0x9E37_79B9_7F4A_7C15;
    for (name, bytes) in fixtures() {
        let n = bytes.len();
        let lengths = (0..n.min(600))
            .chain((0..200).map(|i| n * i / 200))
            .chain([n - 1]);
        for len in lengths {
            let _ = probe(&bytes[..len], &name);
        }
        for _ in 0..300 {
            let mut copy = bytes.clone();
            for _ in 0..1 + next(&mut state) % 4 {
                let at = (next(&mut state) % n as u64) as usize;
                copy[at] = next(&mut state) as u8;
            }
            let _ = probe(&copy, &name);
        }
    }
}

proptest! {
    #[test]
    fn no_panic_on_random_bytes_behind_a_signature(
        magic in prop::sample::select(vec![
            &b""[..], b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", b"\xFF\xD8\xFF", b"GIF89a", b"BM",
            b"II*\0", b"RIFF\0\0\0\0WEBP", b"RIFF\0\0\0\0WAVE", b"fLaC", b"ID3\x04\0\0\0\0\0\0",
            b"\xFF\xFB", b"OggS\0\x02", b"\x1A\x45\xDF\xA3", b"\0\0\0\x18ftypisom",
        ]),
        tail in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend(tail);
        for name in ["x.bin", "x.mp3", "x.mkv"] {
            let _ = probe(&bytes, name);
        }
    }
}
