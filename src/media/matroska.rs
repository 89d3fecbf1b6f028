//! Matroska and WebM: a small EBML reader walks the EBML header (doc type), then the Segment's
//! Info (timestamp scale, duration), Tracks (type, default frame duration, pixel size, sampling
//! rate, channels) and Tags (the per-track `DURATION` ffmpeg writes). Clusters are skipped whole.
//!
//! The frame rate is 1 / the video track's default duration; a segment whose declared size runs
//! past the end of the data is truncated. Live files (no duration, no tags) are measured from
//! their block timestamps instead (see `clusters`).

use super::{AudioFormat, MediaInfo, ProbeError, ProbeResult, VideoFormat};

mod clusters;
mod ebml;

use ebml::{Children, float, string, uint};

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NUMBER: u32 = 0xD7;
const TRACK_UID: u32 = 0x73C5;
const TRACK_TYPE: u32 = 0x83;
const DEFAULT_DURATION: u32 = 0x23_E383;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const AUDIO: u32 = 0xE1;
const SAMPLING_FREQUENCY: u32 = 0xB5;
const CHANNELS: u32 = 0x9F;
const TAGS: u32 = 0x1254_C367;
const TAG: u32 = 0x7373;
const TARGETS: u32 = 0x63C0;
const TAG_TRACK_UID: u32 = 0x63C5;
const SIMPLE_TAG: u32 = 0x67C8;
const TAG_NAME: u32 = 0x45A3;
const TAG_STRING: u32 = 0x4487;

/// The facts of one TrackEntry.
#[derive(Default)]
struct TrackInfo {
    number: u64,
    uid: u64,
    kind: u64,
    default_duration_ns: u64,
    width: u64,
    height: u64,
    sampling_frequency: f64,
    channels: u64,
}

/// Measures a Matroska or WebM file.
pub(crate) fn probe(bytes: &[u8]) -> ProbeResult {
    let mut top = Children::new(bytes, 0, Some(bytes.len()));
    let header = top.expect(EBML, "EBML header")?;
    let mut webm = false;
    for child in Children::of(bytes, &header) {
        let child = child?;
        if child.id == DOC_TYPE {
            match string(bytes, &child)?.as_str() {
                "webm" => webm = true,
                "matroska" => {}
                other => return Err(ProbeError::unsupported(format!("EBML doc type {other}"))),
            }
        }
    }
    let segment = top.expect(SEGMENT, "Segment")?;
    let (mut scale, mut duration) = (1_000_000u64, None);
    let mut tracks = Vec::new();
    let mut tag_durations = Vec::new();
    for child in Children::of(bytes, &segment) {
        let child = child?;
        match child.id {
            INFO => {
                for e in Children::of(bytes, &child) {
                    let e = e?;
                    match e.id {
                        TIMESTAMP_SCALE => scale = uint(bytes, &e)?,
                        DURATION => duration = Some(float(bytes, &e)?),
                        _ => {}
                    }
                }
            }
            TRACKS => {
                for e in Children::of(bytes, &child) {
                    let e = e?;
                    if e.id == TRACK_ENTRY {
                        tracks.push(track(bytes, &e)?);
                    }
                }
            }
            TAGS => tag_durations.extend(duration_tags(bytes, &child)?),
            _ => {}
        }
        if child.end.is_none() {
            break; // a live cluster of unknown size: nothing after it can be skipped to
        }
    }
    let tag_seconds = |uid: u64| {
        tag_durations
            .iter()
            .find(|(u, _)| *u == uid)
            .map(|&(_, s)| s)
    };
    let video = tracks.iter().find(|t| t.kind == 1);
    let audio = tracks.iter().find(|t| t.kind == 2);
    let tagged = tag_durations.iter().map(|&(_, s)| s).fold(0.0, f64::max);
    let mut blocks = None;
    let seconds = match duration {
        Some(d) => d * scale as f64 / 1e9,
        None if tagged > 0.0 => tagged,
        None => {
            // A live recording: the span of the block timestamps (the last block's own
            // length is not in any header; ffprobe's packet ends differ by about one block).
            let b = clusters::scan(bytes, &segment, video.map(|v| v.number));
            let seconds = b.span as f64 * scale as f64 / 1e9;
            blocks = Some((b.video_blocks, seconds));
            seconds
        }
    };
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(ProbeError::corrupt("Matroska duration is not a number"));
    }
    let to_u32 = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    match (video, audio) {
        (Some(v), _) if v.width == 0 || v.height == 0 => Err(ProbeError::corrupt(
            "Matroska video track without dimensions",
        )),
        (Some(v), audio) => Ok(MediaInfo::Video {
            format: if webm {
                VideoFormat::Webm
            } else {
                VideoFormat::Matroska
            },
            seconds,
            width: to_u32(v.width),
            height: to_u32(v.height),
            frame_rate: match (v.default_duration_ns, blocks) {
                (0, Some((frames, seconds))) if seconds > 0.0 => frames as f64 / seconds,
                (0, _) => 0.0,
                (ns, _) => 1e9 / ns as f64,
            },
            has_audio: audio.is_some(),
            audio_seconds: audio.map(|a| tag_seconds(a.uid).unwrap_or(seconds)),
        }),
        (None, Some(a)) => Ok(MediaInfo::Audio {
            format: AudioFormat::Matroska,
            seconds,
            sample_rate: a.sampling_frequency.round() as u32,
            channels: to_u32(a.channels),
        }),
        (None, None) => Err(ProbeError::unsupported(
            "Matroska file without audio or video tracks",
        )),
    }
}

/// Reads one TrackEntry (Matroska's defaults: 8 kHz, one channel).
fn track(bytes: &[u8], entry: &ebml::Element) -> Result<TrackInfo, ProbeError> {
    let mut t = TrackInfo {
        sampling_frequency: 8000.0,
        channels: 1,
        ..TrackInfo::default()
    };
    for e in Children::of(bytes, entry) {
        let e = e?;
        match e.id {
            TRACK_NUMBER => t.number = uint(bytes, &e)?,
            TRACK_UID => t.uid = uint(bytes, &e)?,
            TRACK_TYPE => t.kind = uint(bytes, &e)?,
            DEFAULT_DURATION => t.default_duration_ns = uint(bytes, &e)?,
            VIDEO | AUDIO => {
                for p in Children::of(bytes, &e) {
                    let p = p?;
                    match p.id {
                        PIXEL_WIDTH => t.width = uint(bytes, &p)?,
                        PIXEL_HEIGHT => t.height = uint(bytes, &p)?,
                        SAMPLING_FREQUENCY => t.sampling_frequency = float(bytes, &p)?,
                        CHANNELS => t.channels = uint(bytes, &p)?,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(t)
}

/// (track UID, seconds) of every `DURATION` tag ("HH:MM:SS.nnnnnnnnn") aimed at one track.
fn duration_tags(bytes: &[u8], tags: &ebml::Element) -> Result<Vec<(u64, f64)>, ProbeError> {
    let mut out = Vec::new();
    for tag in Children::of(bytes, tags) {
        let tag = tag?;
        if tag.id != TAG {
            continue;
        }
        let (mut uid, mut value) = (None, None);
        for e in Children::of(bytes, &tag) {
            let e = e?;
            if e.id == TARGETS {
                for t in Children::of(bytes, &e) {
                    let t = t?;
                    if t.id == TAG_TRACK_UID {
                        uid = Some(uint(bytes, &t)?);
                    }
                }
            } else if e.id == SIMPLE_TAG {
                let (mut name, mut text) = (String::new(), String::new());
                for s in Children::of(bytes, &e) {
                    let s = s?;
                    match s.id {
                        TAG_NAME => name = string(bytes, &s)?,
                        TAG_STRING => text = string(bytes, &s)?,
                        _ => {}
                    }
                }
                if name.eq_ignore_ascii_case("DURATION") {
                    value = parse_clock(&text);
                }
            }
        }
        if let (Some(uid), Some(value)) = (uid, value) {
            out.push((uid, value));
        }
    }
    Ok(out)
}

/// Seconds from "HH:MM:SS.fraction".
fn parse_clock(text: &str) -> Option<f64> {
    let mut parts = text.trim_end_matches('\0').split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    let seconds =
        h.parse::<f64>().ok()? * 3600.0 + m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?;
    seconds.is_finite().then_some(seconds)
}
