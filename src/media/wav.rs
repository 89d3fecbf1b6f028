//! RIFF WAVE (and RF64): the `fmt ` chunk gives rate and channels; the duration is the `data`
//! chunk's length over the block size (PCM), or the `fact` chunk's sample count, or the data over
//! the byte rate, in the order ffprobe uses them.

use super::bytes::Reader;
use super::{AudioFormat, MediaInfo, ProbeError, ProbeResult, seconds};

struct Fmt {
    tag: u16,
    channels: u16,
    sample_rate: u32,
    byte_rate: u32,
    block_align: u16,
}

/// Reads a WAV file's header chunks.
pub(crate) fn probe(bytes: &[u8]) -> ProbeResult {
    let mut r = Reader::new(bytes, "WAV header");
    let rf64 = r.take(4)? == b"RF64";
    r.skip(8)?; // RIFF size, "WAVE"
    let (mut fmt, mut data_len, mut fact, mut ds64_data) = (None, None, None, None);
    while r.remaining() >= 8 && (fmt.is_none() || data_len.is_none()) {
        let id = r.array::<4>()?;
        let declared = r.u32_le()?;
        let size = declared as usize;
        match &id {
            b"fmt " => fmt = Some(read_fmt(&mut Reader::new(r.take(size)?, "WAV fmt chunk"))?),
            b"fact" if size >= 4 => fact = Some(Reader::new(r.take(size)?, "WAV fact").u32_le()?),
            b"ds64" if rf64 => {
                let mut c = Reader::new(r.take(size)?, "RF64 ds64 chunk");
                c.skip(8)?;
                ds64_data = Some(c.u64_le()?);
            }
            b"data" => {
                let available = r.remaining() as u64;
                let len = match (declared, ds64_data) {
                    (0xFFFF_FFFF, Some(len)) => len,
                    // Streamed files leave the size at 0 or all ones: the data runs to the end.
                    (0 | 0xFFFF_FFFF, _) => available,
                    _ => u64::from(declared),
                };
                if len > available {
                    return Err(ProbeError::truncated(format!(
                        "WAV data chunk declares {len} bytes, {available} present"
                    )));
                }
                data_len = Some(len);
                r.skip(len as usize)?;
            }
            _ => r.skip(size)?,
        }
        if size % 2 == 1 && r.remaining() > 0 {
            r.skip(1)?;
        }
    }
    let fmt = fmt.ok_or_else(|| missing("fmt ", bytes))?;
    let data_len = data_len.ok_or_else(|| missing("data", bytes))?;
    if fmt.channels == 0 || fmt.sample_rate == 0 || fmt.block_align == 0 {
        return Err(ProbeError::corrupt("WAV fmt chunk has a zero rate or size"));
    }
    let pcm = matches!(fmt.tag, 1 | 3 | 6 | 7 | 0xFFFE);
    let seconds = match fact {
        Some(samples) if !pcm => seconds(u64::from(samples), u64::from(fmt.sample_rate)),
        _ if pcm => seconds(
            data_len / u64::from(fmt.block_align),
            u64::from(fmt.sample_rate),
        ),
        _ => seconds(data_len, u64::from(fmt.byte_rate)),
    };
    Ok(MediaInfo::Audio {
        format: AudioFormat::Wav,
        seconds,
        sample_rate: fmt.sample_rate,
        channels: u32::from(fmt.channels),
    })
}

fn read_fmt(r: &mut Reader) -> Result<Fmt, ProbeError> {
    Ok(Fmt {
        tag: r.u16_le()?,
        channels: r.u16_le()?,
        sample_rate: r.u32_le()?,
        byte_rate: r.u32_le()?,
        block_align: r.u16_le()?,
    })
}

/// A missing chunk: truncated if the file is short, else corrupt.
fn missing(chunk: &str, bytes: &[u8]) -> ProbeError {
    let message = format!("WAV file has no '{chunk}' chunk");
    if bytes.len() < 64 {
        ProbeError::truncated(message)
    } else {
        ProbeError::corrupt(message)
    }
}
