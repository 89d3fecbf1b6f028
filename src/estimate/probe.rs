//! Size probes: how big each file is once decompressed, read from what the file itself records
//! without decompressing it. Uncompressed files have their size on disk; a zstd stream whose
//! every frame header records its content size (frames walked by their headers, blocks skipped
//! by theirs) has their sum; a gzip stream has its trailer's ISIZE, trusted only when the
//! compressed size makes more than 4 GiB of content impossible (deflate expands at most 1032:1,
//! and ISIZE is the size modulo 2^32 of the last member only); a Parquet file has its footer's
//! row groups. Anything else is measured by its compressed size, and the sample's compression
//! ratio stands in. A file whose probe fails is counted whole, so that its problem is reported.

use crate::plan::PlannedFile;
use crate::read::format::{Compression, Layout};
use crate::read::parquet::{ParquetFile, RowGroupSize};
use crate::read::storage::Access;
pub use crate::stats::SizeSource;

/// The largest compressed gzip size whose content cannot exceed 4 GiB (deflate's maximum
/// expansion is 1032:1), so that the 32-bit ISIZE cannot have wrapped.
pub const GZIP_TRAILER_TRUST_LIMIT: u64 = u32::MAX as u64 / 1032;

/// What a probe found out about one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProbe {
    /// Where `bytes` comes from.
    pub source: SizeSource,
    /// The content size (uncompressed bytes); the compressed size for `CompressionRatio`.
    pub bytes: u64,
    /// A Parquet file's row groups (empty for other formats).
    pub row_groups: Vec<RowGroupSize>,
}

impl FileProbe {
    fn of(source: SizeSource, bytes: u64) -> Self {
        FileProbe {
            source,
            bytes,
            row_groups: Vec::new(),
        }
    }
}

/// Probes `file` (whose source reads the text field `text_field`).
pub fn probe(file: &PlannedFile, text_field: &str) -> FileProbe {
    let whole = FileProbe::of(SizeSource::CountedWhole, file.size);
    match (file.format.layout, file.format.compression) {
        (Layout::Parquet, _) => parquet(file, text_field).unwrap_or(whole),
        (_, Compression::None) => FileProbe::of(SizeSource::FileSize, file.size),
        (_, Compression::Gzip) => match gzip_trailer(file) {
            Ok(Some(bytes)) => FileProbe::of(SizeSource::GzipTrailer, bytes),
            Ok(None) => FileProbe::of(SizeSource::CompressionRatio, file.size),
            Err(()) => whole,
        },
        (_, Compression::Zstd) => match zstd_content_size(file) {
            Ok(Some(bytes)) => FileProbe::of(SizeSource::ZstdFrameHeaders, bytes),
            Ok(None) => FileProbe::of(SizeSource::CompressionRatio, file.size),
            Err(()) => whole,
        },
    }
}

fn parquet(file: &PlannedFile, text_field: &str) -> Option<FileProbe> {
    let storage = file.open(Access::Read).ok()?;
    let parquet = ParquetFile::from_storage(storage).ok()?;
    let columns = parquet.columns(Some(text_field)).ok();
    let row_groups = parquet.row_group_sizes(columns.as_ref());
    Some(FileProbe {
        source: SizeSource::ParquetMetadata,
        bytes: row_groups.iter().map(|g| g.uncompressed).sum(),
        row_groups,
    })
}

/// The gzip content size from the trailer when it can be trusted, `None` when it cannot,
/// an error when the file is not a gzip stream at all.
fn gzip_trailer(file: &PlannedFile) -> Result<Option<u64>, ()> {
    let storage = file.open(Access::Read).map_err(|_| ())?;
    let size = storage.len();
    // 10 bytes of header, 2 of the smallest deflate stream, 8 of trailer.
    if size < 20 {
        return Err(());
    }
    let (mut head, mut tail) = ([0u8; 2], [0u8; 4]);
    storage.read_exact_at(0, &mut head).map_err(|_| ())?;
    storage.read_exact_at(size - 4, &mut tail).map_err(|_| ())?;
    if head != [0x1f, 0x8b] {
        return Err(());
    }
    let isize = u64::from(u32::from_le_bytes(tail));
    // Deflate never needs more than 5 bytes per 65,535 stored bytes, plus headers: a trailer
    // that claims far less content than the stream holds belongs to the last of several members.
    let plausible = size <= isize + 5 * (isize / 65_535 + 1) + 1024;
    Ok((size <= GZIP_TRAILER_TRUST_LIMIT && plausible).then_some(isize))
}

/// The sum of every zstd frame's recorded content size, `None` when a frame does not record
/// it, an error when the stream is damaged. Only frame and block headers are touched.
fn zstd_content_size(file: &PlannedFile) -> Result<Option<u64>, ()> {
    use zstd::zstd_safe::{find_frame_compressed_size, get_frame_content_size};
    let storage = file.open(Access::Map).map_err(|_| ())?;
    // Only a mapped file is walked: the headers are read where they lie, without reading the
    // frames between them (an empty file, or one that cannot be mapped, is a failed probe).
    let map = storage.in_memory().ok_or(())?;
    let (mut at, mut total) = (0usize, 0u64);
    while at < map.len() {
        let frame = &map[at..];
        let content = get_frame_content_size(frame).map_err(|_| ())?;
        let length = find_frame_compressed_size(frame).map_err(|_| ())?;
        if length == 0 {
            return Err(());
        }
        match content {
            Some(bytes) => total += bytes,
            None => return Ok(None),
        }
        at += length;
    }
    Ok(Some(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::format::Format;
    use std::io::Write;
    use std::path::Path;

    fn planned(path: &Path) -> PlannedFile {
        PlannedFile {
            path: path.to_path_buf(),
            source: 0,
            format: Format::of(path),
            size: std::fs::metadata(path).unwrap().len(),
            etag: None,
            modified: None,
            range: None,
        }
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn sizes_come_from_trailers_and_frame_headers() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..5000)
            .flat_map(|i| format!("{{\"text\":\"line {i}\"}}\n").into_bytes())
            .collect();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            probe(&planned(&path), "text")
        };
        let one = write("one.jsonl.gz", &gzip(&text));
        assert_eq!(
            one,
            FileProbe::of(SizeSource::GzipTrailer, text.len() as u64)
        );
        let mut two = gzip(&text);
        two.extend(gzip(b"{\"text\":\"x\"}\n"));
        let multi = write("two.jsonl.gz", &two);
        assert_eq!(
            multi.source,
            SizeSource::CompressionRatio,
            "implausible trailer"
        );
        let damaged = write("bad.jsonl.gz", b"this is not gzip at all, not at all");
        assert_eq!(damaged.source, SizeSource::CountedWhole);

        // One-shot compression records the content size in the frame header.
        let mut frames = zstd::bulk::compress(&text[..1000], 3).unwrap();
        frames.extend(zstd::bulk::compress(&text[1000..], 3).unwrap());
        let zst = write("frames.jsonl.zst", &frames);
        assert_eq!(
            zst,
            FileProbe::of(SizeSource::ZstdFrameHeaders, text.len() as u64)
        );
        let mut streamed = Vec::new();
        let mut encoder = zstd::stream::write::Encoder::new(&mut streamed, 3).unwrap();
        encoder.write_all(&text).unwrap();
        encoder.finish().unwrap();
        let unknown = write("streamed.jsonl.zst", &streamed);
        assert_eq!(
            unknown.source,
            SizeSource::CompressionRatio,
            "no content size"
        );
        let cut = write("cut.jsonl.zst", &frames[..frames.len() - 7]);
        assert_eq!(cut.source, SizeSource::CountedWhole);
        let plain = write("plain.jsonl", &text);
        assert_eq!(
            plain,
            FileProbe::of(SizeSource::FileSize, text.len() as u64)
        );
    }

    #[test]
    fn parquet_sizes_come_from_the_footer() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parquet/text.parquet");
        let found = probe(&planned(&path), "text");
        assert_eq!(found.source, SizeSource::ParquetMetadata);
        assert!(!found.row_groups.is_empty());
        assert_eq!(
            found.bytes,
            found.row_groups.iter().map(|g| g.uncompressed).sum::<u64>()
        );
        let bad =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parquet/bad-truncated.parquet");
        assert_eq!(
            probe(&planned(&bad), "text").source,
            SizeSource::CountedWhole
        );
    }
}
