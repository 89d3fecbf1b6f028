//! Ogg Vorbis and Ogg Opus: the identification header in the first page gives channels and
//! rate (and Opus's pre-skip); the duration is the granule position (a sample count) of the
//! last complete page of that stream, over the rate, less the pre-skip for Opus.

use super::bytes::Reader;
use super::{AudioFormat, MediaInfo, ProbeError, ProbeResult, seconds};

/// Opus timestamps always count 48 kHz samples, whatever the input rate was.
const OPUS_RATE: u32 = 48_000;

/// A page header and where its body lies.
struct Page {
    granule: u64,
    serial: u32,
    body: std::ops::Range<usize>,
    /// Where the lacing values (segment lengths) start.
    lacing_start: usize,
}

/// Measures an Ogg Vorbis or Ogg Opus file.
pub(crate) fn probe(bytes: &[u8]) -> ProbeResult {
    let first = page_at(bytes, 0)?;
    let lacing = &bytes[first.lacing_start..first.body.start];
    let packet_len = lacing
        .iter()
        .position(|&l| l < 255)
        .map(|i| lacing[..=i].iter().map(|&l| usize::from(l)).sum::<usize>())
        .unwrap_or(first.body.len());
    let packet = &bytes[first.body.start..first.body.start + packet_len];
    let mut r = Reader::new(packet, "Ogg identification header");
    let (format, channels, sample_rate, pre_skip) = if packet.starts_with(b"\x01vorbis") {
        r.skip(11)?;
        let channels = r.u8()?;
        (AudioFormat::OggVorbis, channels, r.u32_le()?, 0)
    } else if packet.starts_with(b"OpusHead") {
        r.skip(9)?;
        let channels = r.u8()?;
        (AudioFormat::OggOpus, channels, OPUS_RATE, r.u16_le()?)
    } else {
        return Err(ProbeError::unsupported(
            "Ogg stream of a codec other than Vorbis or Opus",
        ));
    };
    if channels == 0 || sample_rate == 0 {
        return Err(ProbeError::corrupt("Ogg header gives no channels or rate"));
    }
    let last = last_granule(bytes, first.serial)
        .filter(|&g| g > 0)
        .ok_or_else(|| ProbeError::truncated("Ogg file holds no complete audio page"))?;
    Ok(MediaInfo::Audio {
        format,
        seconds: seconds(
            last.saturating_sub(u64::from(pre_skip)),
            u64::from(sample_rate),
        ),
        sample_rate,
        channels: u32::from(channels),
    })
}

/// The granule position of the last complete page of stream `serial` that has one.
fn last_granule(bytes: &[u8], serial: u32) -> Option<u64> {
    memchr::memmem::rfind_iter(bytes, b"OggS")
        .filter_map(|at| page_at(bytes, at).ok())
        .find(|p| p.serial == serial && p.granule != u64::MAX)
        .map(|p| p.granule)
}

/// Parses the page header at `at`; its body must be complete.
fn page_at(bytes: &[u8], at: usize) -> Result<Page, ProbeError> {
    let mut r = Reader::new(bytes.get(at..).unwrap_or_default(), "Ogg page header");
    if r.take(4)? != b"OggS" || r.u8()? != 0 {
        return Err(ProbeError::corrupt("bad Ogg page header"));
    }
    r.skip(1)?; // header type
    let granule = r.u64_le()?;
    let serial = r.u32_le()?;
    r.skip(8)?; // sequence number, CRC
    let segments = usize::from(r.u8()?);
    let lacing_start = at + r.pos();
    let body_len: usize = r.take(segments)?.iter().map(|&l| usize::from(l)).sum();
    let body_start = at + r.pos();
    r.skip(body_len)?;
    Ok(Page {
        granule,
        serial,
        body: body_start..body_start + body_len,
        lacing_start,
    })
}
