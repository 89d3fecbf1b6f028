//! Native FLAC: the mandatory first metadata block, STREAMINFO, holds the sample rate, channels
//! and total number of samples (an optional ID3v2 tag before `fLaC` is skipped).

use super::bytes::Reader;
use super::{AudioFormat, MediaInfo, ProbeError, ProbeResult, mp3, seconds};

/// Reads a FLAC file's STREAMINFO block.
pub(crate) fn probe(bytes: &[u8]) -> ProbeResult {
    let start = if bytes.starts_with(b"ID3") {
        mp3::id3v2_len(bytes).ok_or_else(|| ProbeError::truncated("ID3 tag ends early"))?
    } else {
        0
    };
    let mut r = Reader::new(bytes.get(start..).unwrap_or_default(), "FLAC header");
    if r.take(4)? != b"fLaC" {
        return Err(ProbeError::corrupt("no fLaC signature after the ID3 tag"));
    }
    let header = r.array::<4>()?;
    let length = u32::from_be_bytes([0, header[1], header[2], header[3]]);
    if header[0] & 0x7F != 0 || length != 34 {
        return Err(ProbeError::corrupt(format!(
            "FLAC's first metadata block must be a 34-byte STREAMINFO (type {}, {length} bytes)",
            header[0] & 0x7F
        )));
    }
    let info = r.take(34)?;
    let min_block = u16::from_be_bytes([info[0], info[1]]);
    let max_block = u16::from_be_bytes([info[2], info[3]]);
    // Bits 80..: sample rate (20), channels - 1 (3), bits per sample - 1 (5), total samples (36).
    let packed = u64::from_be_bytes([
        info[10], info[11], info[12], info[13], info[14], info[15], info[16], info[17],
    ]);
    let sample_rate = (packed >> 44) as u32;
    let channels = ((packed >> 41) & 0x7) as u32 + 1;
    let total = packed & 0xF_FFFF_FFFF;
    if sample_rate == 0 || min_block < 16 || max_block < min_block {
        return Err(ProbeError::corrupt(format!(
            "FLAC STREAMINFO is invalid (rate {sample_rate}, blocks {min_block}..{max_block})"
        )));
    }
    if total == 0 {
        return Err(ProbeError::unsupported(
            "FLAC stream without a total sample count (a live stream)",
        ));
    }
    Ok(MediaInfo::Audio {
        format: AudioFormat::Flac,
        seconds: seconds(total, u64::from(sample_rate)),
        sample_rate,
        channels,
    })
}
