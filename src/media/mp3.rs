//! MPEG audio Layer III: the duration comes from the Xing/Info or VBRI header of the first frame
//! when there is one (its frame count), else from walking the frame headers to the end and
//! counting frames (each holds a fixed number of samples). No frame is decoded.

use super::{AudioFormat, MediaInfo, ProbeError, ProbeResult, bytes::be32, seconds};

/// How far past the tags the first frame is looked for.
const SYNC_WINDOW: usize = 64 * 1024;

/// One frame header's facts.
#[derive(Debug, Clone, Copy)]
struct Frame {
    len: usize,
    samples: u32,
    sample_rate: u32,
    mono: bool,
    mpeg1: bool,
}

/// The length of a leading ID3v2 tag (header, body and footer), if `bytes` starts with one.
pub(crate) fn id3v2_len(bytes: &[u8]) -> Option<usize> {
    let h = bytes.get(..10).filter(|h| h.starts_with(b"ID3"))?;
    let size = h[6..10]
        .iter()
        .fold(0usize, |acc, b| (acc << 7) | usize::from(b & 0x7F));
    let footer = if h[5] & 0x10 != 0 { 10 } else { 0 };
    Some(10 + size + footer)
}

/// Whether `bytes` starts with a Layer III frame followed by another (or by the end).
pub(crate) fn starts_with_frames(bytes: &[u8]) -> bool {
    frame_pair_at(bytes, 0).is_some()
}

/// Measures an MP3 file.
pub(crate) fn probe(bytes: &[u8]) -> ProbeResult {
    let start = id3v2_len(bytes).unwrap_or(0);
    if start > bytes.len() {
        return Err(ProbeError::truncated("MP3 ends inside its ID3 tag"));
    }
    let window_end = bytes.len().min(start + SYNC_WINDOW);
    let (first_at, first) = (start..window_end)
        .find_map(|at| frame_pair_at(bytes, at).map(|f| (at, f)))
        .ok_or_else(|| {
            if bytes.len() - start < 4 {
                ProbeError::truncated("MP3 ends before its first frame")
            } else {
                ProbeError::corrupt("no MPEG audio Layer III frame found")
            }
        })?;
    let frames = match vbr_frame_count(bytes, first_at, &first) {
        Some(frames) => u64::from(frames),
        None => count_frames(bytes, first_at),
    };
    Ok(MediaInfo::Audio {
        format: AudioFormat::Mp3,
        seconds: seconds(
            frames * u64::from(first.samples),
            u64::from(first.sample_rate),
        ),
        sample_rate: first.sample_rate,
        channels: if first.mono { 1 } else { 2 },
    })
}

/// The frame count of a Xing/Info or VBRI header inside the frame at `at`.
fn vbr_frame_count(bytes: &[u8], at: usize, frame: &Frame) -> Option<u32> {
    let side_info = match (frame.mpeg1, frame.mono) {
        (true, false) => 32,
        (true, true) | (false, false) => 17,
        (false, true) => 9,
    };
    let xing = at + 4 + side_info;
    let tag = bytes.get(xing..xing + 4)?;
    if tag == b"Xing" || tag == b"Info" {
        let flags = be32(bytes, xing + 4)?;
        return if flags & 1 != 0 {
            be32(bytes, xing + 8)
        } else {
            None
        };
    }
    let vbri = at + 4 + 32;
    if bytes.get(vbri..vbri + 4)? == b"VBRI" {
        return be32(bytes, vbri + 14);
    }
    None
}

/// Counts complete frames from `at` to the end, resynchronising past junk between frames.
fn count_frames(bytes: &[u8], mut at: usize) -> u64 {
    let mut frames = 0;
    while at + 4 <= bytes.len() {
        match header_at(bytes, at) {
            Some(f) if at + f.len <= bytes.len() => {
                frames += 1;
                at += f.len;
            }
            Some(_) => break,
            None => match (at + 1..bytes.len()).find(|&i| frame_pair_at(bytes, i).is_some()) {
                Some(next) => at = next,
                None => break,
            },
        }
    }
    frames
}

/// A frame at `at` that is followed by another frame or by the end of the data.
fn frame_pair_at(bytes: &[u8], at: usize) -> Option<Frame> {
    let frame = header_at(bytes, at)?;
    let next = at + frame.len;
    if next + 4 > bytes.len() || header_at(bytes, next).is_some() {
        Some(frame)
    } else {
        None
    }
}

/// Parses the 4-byte Layer III frame header at `at`.
fn header_at(bytes: &[u8], at: usize) -> Option<Frame> {
    let h = bytes.get(at..at.checked_add(4)?)?;
    if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 || (h[1] >> 1) & 3 != 1 {
        return None;
    }
    let version = (h[1] >> 3) & 3; // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
    let bitrate_index = usize::from(h[2] >> 4);
    let rate_index = usize::from((h[2] >> 2) & 3);
    if version == 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    const MPEG1: [u32; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const MPEG2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let mpeg1 = version == 3;
    let kbps = if mpeg1 { MPEG1 } else { MPEG2 }[bitrate_index];
    let sample_rate = [44_100, 48_000, 32_000][rate_index] >> (3 - u32::from(version)).min(2);
    let samples = if mpeg1 { 1152 } else { 576 };
    let padding = u32::from((h[2] >> 1) & 1);
    let len = samples / 8 * kbps * 1000 / sample_rate + padding;
    Some(Frame {
        len: len as usize,
        samples,
        sample_rate,
        mono: h[3] >> 6 == 3,
        mpeg1,
    })
}
