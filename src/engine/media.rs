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

/// Counts one image, sound or video file.
pub(super) fn media_file(run: &Run, target: Target) {
    let planned = &run.plan.files[target.file];
    let models = &run.plan.sources[target.source].token_models;
    let mut scratch = Vec::new();
    let bytes = match FileBytes::open(&planned.path, run.options.mmap) {
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

/// Counts one member of a WebDataset shard into `acc`.
fn member(
    run: &Run,
    acc: &mut Accumulator,
    target: Target,
    models: &TokenModels,
    name: &str,
    content: &[u8],
) {
    let (_, extension) = split_member(name);
    let last = extension
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let media = &mut acc.sources[target.source].media;
    if METADATA_MEMBERS.contains(&last.as_str()) {
        media.metadata.items += 1;
        media.metadata.bytes += content.len() as u64;
    } else if TEXT_MEMBERS.contains(&last.as_str()) {
        match document_text(content) {
            Ok(text) => {
                let tokens = count_document(run.counter, acc, target, text, LineRef::None);
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
    let mut archive = tar::Archive::new(decoded);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return fail(ErrorKind::Decompress, format!("not a tar archive: {e}")),
    };
    let mut acc = Accumulator::new(run.plan.sources.len());
    let mut last_key: Option<String> = None;
    let mut content = Vec::new();
    let mut broken = None;
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                broken = Some(e.to_string());
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = match entry.path() {
            Ok(path) => path.to_string_lossy().into_owned(),
            Err(e) => {
                broken = Some(format!("unreadable member name: {e}"));
                break;
            }
        };
        content.clear();
        if let Err(e) = entry.read_to_end(&mut content) {
            broken = Some(format!("member {name}: {e}"));
            break;
        }
        let (key, _) = split_member(&name);
        if last_key.as_deref() != Some(key) {
            acc.sources[target.source].media.samples += 1;
            last_key = Some(key.to_string());
        }
        member(run, &mut acc, target, models, &name, &content);
    }
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
