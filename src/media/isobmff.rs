//! ISO base media files (MP4, MOV, M4A), read by Mozilla's `mp4parse`: the track headers, media
//! headers, edit lists and sample tables of `moov`; `mdat` is skipped, never read.
//!
//! A track lasts its edit list's span when it has one (in the movie timescale: this drops the
//! AAC priming samples as ffprobe does), else its media header's duration; the file lasts as long
//! as its longest track. The frame rate is the video track's sample count over its duration
//! (ffprobe's `avg_frame_rate`). A file with a video track is a video; one with only audio is M4A.

use super::bytes::be32;
use super::{AudioFormat, MediaInfo, ProbeError, ProbeResult, VideoFormat};
use mp4parse::{AudioCodecSpecific, Error, SampleEntry, Track, TrackType};
use std::io::Cursor;

/// Measures an MP4, MOV or M4A file.
pub(crate) fn probe(bytes: &[u8]) -> ProbeResult {
    check_top_level(bytes)?;
    let context = mp4parse::read_mp4(&mut Cursor::new(bytes)).map_err(convert)?;
    let movie_scale = context.timescale.map_or(0, |t| t.0);
    let fragments = context
        .mvex
        .as_ref()
        .and_then(|m| m.fragment_duration)
        .map(|d| ratio(d.0, movie_scale));
    let track_seconds = |t: &Track| match (t.edited_duration, t.duration, t.timescale) {
        (Some(d), _, _) if movie_scale > 0 => ratio(d.0, movie_scale),
        (_, Some(d), Some(s)) => ratio(d.0, s.0),
        _ => 0.0,
    };
    let tracks = &context.tracks;
    let seconds = tracks
        .iter()
        .map(track_seconds)
        .chain(fragments)
        .fold(0.0, f64::max);
    let video = tracks.iter().find(|t| t.track_type == TrackType::Video);
    let audio = tracks.iter().find(|t| t.track_type == TrackType::Audio);
    let audio_entry = audio.and_then(|t| match first_entry(t) {
        Some(SampleEntry::Audio(a)) => Some(a),
        _ => None,
    });
    if let Some(video) = video {
        let (width, height) = match first_entry(video) {
            Some(SampleEntry::Video(v)) => (u32::from(v.width), u32::from(v.height)),
            _ => video
                .tkhd
                .as_ref()
                .map_or((0, 0), |h| (h.width >> 16, h.height >> 16)),
        };
        if width == 0 || height == 0 {
            return Err(ProbeError::corrupt("MP4 video track without dimensions"));
        }
        let mov = bytes.get(8..12) == Some(b"qt  ");
        return Ok(MediaInfo::Video {
            format: if mov {
                VideoFormat::Mov
            } else {
                VideoFormat::Mp4
            },
            seconds,
            width,
            height,
            frame_rate: frame_rate(video),
            has_audio: audio.is_some(),
            audio_seconds: audio.map(track_seconds),
        });
    }
    match (audio, audio_entry) {
        (Some(track), Some(entry)) => {
            // The AAC decoder configuration is authoritative (the sample entry often says 2).
            let (mut sample_rate, mut channels) =
                (entry.samplerate.round() as u32, entry.channelcount);
            if let AudioCodecSpecific::ES_Descriptor(es) = &entry.codec_specific {
                sample_rate = es.audio_sample_rate.unwrap_or(sample_rate);
                channels = es.audio_channel_count.map_or(channels, u32::from);
            }
            Ok(MediaInfo::Audio {
                format: AudioFormat::M4a,
                seconds: track_seconds(track).max(fragments.unwrap_or(0.0)),
                sample_rate,
                channels,
            })
        }
        (Some(_), None) => Err(ProbeError::corrupt("MP4 audio track without a description")),
        _ => Err(ProbeError::unsupported(
            "MP4 file without audio or video tracks",
        )),
    }
}

/// The first sample description of a track.
fn first_entry(track: &Track) -> Option<&SampleEntry> {
    track.stsd.as_ref()?.descriptions.first()
}

/// Samples per second of a track, from its time-to-sample table.
fn frame_rate(track: &Track) -> f64 {
    let (Some(stts), Some(scale)) = (&track.stts, track.timescale) else {
        return 0.0;
    };
    let (count, ticks) = stts.samples.iter().fold((0u64, 0u64), |(c, t), s| {
        let n = u64::from(s.sample_count);
        (c + n, t.saturating_add(n * u64::from(s.sample_delta)))
    });
    if ticks == 0 {
        0.0
    } else {
        count as f64 * scale.0 as f64 / ticks as f64
    }
}

fn ratio(units: u64, per_second: u64) -> f64 {
    super::seconds(units, per_second)
}

/// Walks the top-level boxes: one that runs past the end of the data means a truncated file
/// (`mp4parse` reports a short `mdat` as an invalid parser state instead).
fn check_top_level(bytes: &[u8]) -> Result<(), ProbeError> {
    let mut at = 0usize;
    while at < bytes.len() {
        let short = || ProbeError::truncated(format!("MP4 box at byte {at} runs past the end"));
        let size = be32(bytes, at).ok_or_else(short)?;
        let len = match size {
            0 => return Ok(()), // the last box runs to the end
            1 => {
                let high = be32(bytes, at + 8).ok_or_else(short)?;
                let low = be32(bytes, at + 12).ok_or_else(short)?;
                (u64::from(high) << 32) | u64::from(low)
            }
            n => u64::from(n),
        };
        if len < 8 {
            return Err(ProbeError::corrupt(format!(
                "MP4 box at byte {at} of size {len}"
            )));
        }
        at = usize::try_from(len)
            .ok()
            .and_then(|len| at.checked_add(len))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(short)?;
    }
    Ok(())
}

/// Maps the parser's errors onto probe error kinds.
fn convert(e: Error) -> ProbeError {
    match e {
        Error::UnexpectedEOF => ProbeError::truncated("MP4 box runs past the end of the data"),
        Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            ProbeError::truncated("MP4 box runs past the end of the data")
        }
        Error::MoovMissing => ProbeError::truncated("MP4 file has no moov box"),
        Error::Unsupported(what) => ProbeError::unsupported(format!("MP4: {what}")),
        other => ProbeError::corrupt(format!("MP4: {other}")),
    }
}
