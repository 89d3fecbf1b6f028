//! Counting media: an image, sound or video file is measured from its headers and costs the
//! tokens its source's token models say; a WebDataset shard (a tar archive, maybe gzip- or
//! zstd-compressed) is streamed member by member: text members are documents, metadata members
//! and samples are counted, media members are measured like media files, and anything else is
//! `unsupported`. A truncated or corrupt medium is an error naming its member; the rest of the
//! shard is still counted.

use super::Run;
use super::accumulator::{Accumulator, LineRef};
use super::files::io_error;
use super::progress::ProgressReader;
use super::scan::{Target, count_document};
use crate::error::ErrorKind;
use crate::media::{MediaInfo, ProbeErrorKind, TokenModels, probe};
use crate::read::bytes::FileBytes;
use crate::read::format::Compression;
use crate::read::stream::decoder;
use crate::read::text::document_text;
use crate::stats::{MediaCounts, milliseconds};
use std::io::Read;

/// Member extensions (after the sample key) that hold a sample's text.
const TEXT_MEMBERS: [&str; 4] = ["txt", "text", "md", "caption"];
/// Member extensions that describe a sample: labels, ids, JSON metadata.
const METADATA_MEMBERS: [&str; 10] = [
    "json", "cls", "cls2", "idx", "id", "index", "key", "meta", "yaml", "yml",
];

/// Adds a probed medium to `media`; returns the problem of a damaged one.
pub(super) fn record(
    media: &mut MediaCounts,
    models: &TokenModels,
    bytes: &[u8],
    name: &str,
) -> Result<(), String> {
    match probe(bytes, name) {
        Ok(info) => {
            if let Some(seconds) = implausible_duration(&info) {
                return Err(format!(
                    "corrupt medium: a duration of {seconds} seconds is not plausible"
                ));
            }
            let tokens = models.tokens(&info);
            match info {
                MediaInfo::Image { width, height, .. } => {
                    media.image.items += 1;
                    media.image.pixels += u64::from(width) * u64::from(height);
                    media.image.tokens += tokens;
                }
                MediaInfo::Audio { seconds, .. } => {
                    media.audio.items += 1;
                    media.audio.milliseconds += milliseconds(seconds);
                    media.audio.tokens += tokens;
                }
                MediaInfo::Video {
                    seconds,
                    frame_rate,
                    ..
                } => {
                    media.video.items += 1;
                    media.video.milliseconds += milliseconds(seconds);
                    media.video.frames += models.video.sampled_frames(seconds, frame_rate);
                    media.video.tokens += tokens;
                }
            }
            Ok(())
        }
        Err(e) if e.kind == ProbeErrorKind::Unsupported => {
            media.unsupported.items += 1;
            media.unsupported.bytes += bytes.len() as u64;
            Ok(())
        }
        Err(e) => {
            let what = match e.kind {
                ProbeErrorKind::Truncated => "truncated",
                _ => "corrupt",
            };
            Err(format!("{what} medium: {}", e.message))
        }
    }
}

/// The longest duration taken at face value: about 115 days. Longer (or not finite) durations
/// come from damaged headers and would swamp every sum.
const MAX_SECONDS: f64 = 1e7;

/// The duration of `info` when it is not plausible.
fn implausible_duration(info: &MediaInfo) -> Option<f64> {
    let durations = match *info {
        MediaInfo::Image { .. } => return None,
        MediaInfo::Audio { seconds, .. } => [seconds, 0.0],
        MediaInfo::Video {
            seconds,
            audio_seconds,
            ..
        } => [seconds, audio_seconds.unwrap_or(0.0)],
    };
    durations
        .into_iter()
        .find(|s| !(s.is_finite() && (0.0..=MAX_SECONDS).contains(s)))
}

/// Counts one image, sound or video file.
pub(super) fn media_file(run: &Run, target: Target) {
    let planned = &run.plan.files[target.file];
    let models = &run.plan.sources[target.source].token_models;
    let mut scratch = Vec::new();
    // Always mapped (reading only when mapping fails): a probe touches the headers of a
    // multi-gigabyte video, where reading would load all of it.
    let bytes = match FileBytes::open(&planned.path, true) {
        Ok(b) => b,
        Err(e) => return io_error(run, target, e),
    };
    let content = match bytes.all(&mut scratch) {
        Ok(c) => c,
        Err(e) => return io_error(run, target, e),
    };
    let name = planned.path.to_string_lossy();
    run.with_acc(target.file, |acc| {
        let stats = &mut acc.sources[target.source];
        match record(&mut stats.media, models, content, &name) {
            Ok(()) => {
                stats.counts.files += 1;
                stats.counts.input_bytes += planned.size;
            }
            Err(message) => acc.error_msg(target.file, LineRef::None, ErrorKind::Media, message),
        }
    });
    run.progress.add_bytes(planned.size);
}

/// The sample key and the extension of a WebDataset member name: `dir/abc.seg.jpg` is sample
/// `dir/abc` with extension `seg.jpg` (the key ends at the first dot of the file name).
fn split_member(name: &str) -> (&str, &str) {
    let file_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[file_start..].find('.') {
        Some(dot) => (&name[..file_start + dot], &name[file_start + dot + 1..]),
        None => (name, ""),
    }
}

/// Counts one text or media member of a WebDataset shard into `acc`.
fn member(
    run: &Run,
    acc: &mut Accumulator,
    target: Target,
    models: &TokenModels,
    name: &str,
    last_extension: &str,
    content: &[u8],
) {
    let media = &mut acc.sources[target.source].media;
    if TEXT_MEMBERS.contains(&last_extension) {
        match document_text(content) {
            Ok(text) => {
                let tokens = count_document(
                    run.counter,
                    acc,
                    target,
                    text,
                    Default::default(),
                    LineRef::None,
                );
                run.progress.add_tokens(tokens);
            }
            Err((problem, _)) => acc.error_msg(
                target.file,
                LineRef::None,
                problem.kind,
                format!("member {name}: {}", problem.message),
            ),
        }
    } else if let Err(message) = record(media, models, content, name) {
        acc.error_msg(
            target.file,
            LineRef::None,
            ErrorKind::Media,
            format!("member {name}: {message}"),
        );
    }
}

/// The largest member read into memory to be counted or measured; larger ones are skipped (and
/// reported), so a small compressed shard cannot claim gigabytes of memory.
const MAX_MEMBER_BYTES: u64 = 1 << 30;

/// A reader that remembers how many zero bytes ended what it has read so far.
struct TailReader<R> {
    inner: R,
    zeros: u64,
}

impl<R> TailReader<R> {
    fn new(inner: R) -> Self {
        Self { inner, zeros: 0 }
    }
}

impl<R: Read> Read for TailReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match buf[..n].iter().rposition(|&b| b != 0) {
            Some(last) => self.zeros = (n - last - 1) as u64,
            None => self.zeros += n as u64,
        }
        Ok(n)
    }
}

/// Counts every member of `archive` into `acc`; returns what broke the archive, if anything.
fn read_members<R: Read>(
    run: &Run,
    acc: &mut Accumulator,
    target: Target,
    models: &TokenModels,
    archive: &mut tar::Archive<R>,
) -> Option<String> {
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return Some(format!("not a tar archive: {e}")),
    };
    let mut last_key: Option<String> = None;
    let mut content = Vec::new();
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => return Some(e.to_string()),
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = match entry.path() {
            Ok(path) => path.to_string_lossy().into_owned(),
            Err(e) => return Some(format!("unreadable member name: {e}")),
        };
        let size = entry.size();
        let (key, extension) = split_member(&name);
        if last_key.as_deref() != Some(key) {
            acc.sources[target.source].media.samples += 1;
            last_key = Some(key.to_string());
        }
        let last = extension
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if METADATA_MEMBERS.contains(&last.as_str()) || size > MAX_MEMBER_BYTES {
            // Metadata is only measured, and an oversized member only skipped: neither is
            // held in memory.
            match std::io::copy(&mut entry, &mut std::io::sink()) {
                Ok(n) if n == size => {}
                Ok(_) => return Some(format!("member {name} is cut short")),
                Err(e) => return Some(format!("member {name}: {e}")),
            }
            if size > MAX_MEMBER_BYTES {
                let message = format!(
                    "member {name}: {size} bytes, over the {MAX_MEMBER_BYTES}-byte limit for one member; not counted"
                );
                acc.error_msg(target.file, LineRef::None, ErrorKind::Media, message);
            } else {
                let metadata = &mut acc.sources[target.source].media.metadata;
                metadata.items += 1;
                metadata.bytes += size;
            }
            continue;
        }
        content.clear();
        match entry.read_to_end(&mut content) {
            Ok(_) if content.len() as u64 == size => {}
            Ok(_) => return Some(format!("member {name} is cut short")),
            Err(e) => return Some(format!("member {name}: {e}")),
        }
        member(run, acc, target, models, &name, &last, &content);
    }
    None
}

/// Counts a WebDataset shard, streaming its members.
pub(super) fn tar_file(run: &Run, target: Target, compression: Compression) {
    let planned = &run.plan.files[target.file];
    let models = &run.plan.sources[target.source].token_models;
    let fail = |kind: ErrorKind, message: String| {
        run.with_acc(target.file, |acc| {
            acc.error_msg(target.file, LineRef::None, kind, message)
        })
    };
    let file = match std::fs::File::open(&planned.path) {
        Ok(f) => f,
        Err(e) => return fail(ErrorKind::Io, e.to_string()),
    };
    let decoded = match decoder(ProgressReader::new(file, &run.progress), compression) {
        Ok(d) => d,
        Err(e) => return fail(ErrorKind::Decompress, e.to_string()),
    };
    let mut archive = tar::Archive::new(TailReader::new(decoded));
    let mut acc = run.accumulator();
    let broken = read_members(run, &mut acc, target, models, &mut archive);
    // A tar archive ends with two zero blocks; a stream that stops without them was cut
    // between two members.
    let broken = broken.or_else(|| {
        let mut tail = archive.into_inner();
        match std::io::copy(&mut tail, &mut std::io::sink()) {
            Err(e) => Some(e.to_string()),
            Ok(_) if tail.zeros < 1024 => {
                Some("the archive ends without its end-of-archive blocks".into())
            }
            Ok(_) => None,
        }
    });
    let counts = &mut acc.sources[target.source].counts;
    counts.files += 1;
    counts.input_bytes += planned.size;
    if let Some(message) = broken {
        let what = match compression {
            Compression::None => "tar archive",
            Compression::Gzip => "gzip-compressed tar archive",
            Compression::Zstd => "zstd-compressed tar archive",
        };
        acc.error_msg(
            target.file,
            LineRef::None,
            ErrorKind::Decompress,
            format!("truncated or corrupt {what}: {message}; the members before it were counted"),
        );
    }
    run.with_acc(target.file, |shared| shared.absorb(acc));
}

#[cfg(test)]
mod tests {
    use super::split_member;

    #[test]
    fn member_names_split_into_key_and_extension() {
        assert_eq!(split_member("a/b/000123.jpg"), ("a/b/000123", "jpg"));
        assert_eq!(split_member("x.seg.png"), ("x", "seg.png"));
        assert_eq!(split_member("dir.v2/abc.txt"), ("dir.v2/abc", "txt"));
        assert_eq!(split_member("noext"), ("noext", ""));
    }
}
