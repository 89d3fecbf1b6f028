//! Live Matroska/WebM files (a recorder's output: no Duration, clusters of unknown size): the
//! duration and video frame count come from walking the clusters' block headers flat, reading
//! each block's track number and timestamp, never its frame data.

use super::ebml::{Children, Element, uint};

const CLUSTER: u32 = 0x1F43_B675;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const SIMPLE_BLOCK: u32 = 0xA3;
const CLUSTER_TIMESTAMP: u32 = 0xE7;

/// What the block headers tell.
pub(super) struct Blocks {
    /// From the first block's timestamp to the last one's, in timestamp units.
    pub span: u64,
    /// Blocks of the video track.
    pub video_blocks: u64,
}

/// Walks every cluster of `segment`; a damaged or cut tail ends the walk.
pub(super) fn scan(bytes: &[u8], segment: &Element, video_track: Option<u64>) -> Blocks {
    let end = segment.end.unwrap_or(bytes.len());
    let (mut pos, mut cluster_ts) = (segment.start, 0i64);
    let (mut first, mut last, mut video_blocks) = (i64::MAX, i64::MIN, 0);
    while pos < end {
        let Some(Ok(e)) = Children::new(bytes, pos, Some(end)).next() else {
            break;
        };
        pos = match (e.id, e.end) {
            (CLUSTER | BLOCK_GROUP, _) | (_, None) => e.start, // descend
            (CLUSTER_TIMESTAMP, Some(next)) => {
                cluster_ts = uint(bytes, &e).map_or(0, |t| t as i64);
                next
            }
            (SIMPLE_BLOCK | BLOCK, Some(next)) => {
                if let Some((track, offset)) = block_header(&bytes[e.start..next]) {
                    let ts = cluster_ts.saturating_add(i64::from(offset));
                    first = first.min(ts);
                    last = last.max(ts);
                    video_blocks += u64::from(Some(track) == video_track);
                }
                next
            }
            (_, Some(next)) => next,
        };
    }
    Blocks {
        span: if last >= first {
            (last - first) as u64
        } else {
            0
        },
        video_blocks,
    }
}

/// A block's track number (an EBML vint) and its timestamp relative to its cluster.
fn block_header(body: &[u8]) -> Option<(u64, i16)> {
    let first = *body.first()?;
    let len = first.leading_zeros() as usize + 1;
    if first == 0 || len > 8 {
        return None;
    }
    let raw = body
        .get(..len)?
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let track = raw & (u64::MAX >> (64 - 7 * len));
    let t = body.get(len..len + 2)?;
    Some((track, i16::from_be_bytes([t[0], t[1]])))
}
