//! Counting media: an image, sound or video (a file, a WebDataset member or a Parquet cell) is
//! measured from its headers and costs the tokens its source's token models say; anything else is
//! `unsupported`. A media file is read whole from a mapped storage; a WebDataset shard is walked
//! by its reader on one worker, its members counted as they come.

use super::Run;
use super::file_work::FileWork;
use super::files::open_storage;
use super::scan::{Counting, Target};
use crate::media::{MediaInfo, ProbeErrorKind, TokenModels, probe};
use crate::read::format::Compression;
use crate::read::media::read_medium;
use crate::read::storage::Access;
use crate::read::tar::read_tar;
use crate::stats::{MediaCounts, milliseconds};

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
pub(super) fn media_file(run: &Run, work: &FileWork, target: Target) {
    let planned = &run.plan.files[target.file];
    // Always mapped (reading only when mapping fails): a probe touches the headers of a
    // multi-gigabyte video, where reading would load all of it.
    let Some(storage) = open_storage(run, work, Access::Map, |p| p) else {
        return;
    };
    let name = planned.path.to_string_lossy();
    let read = run.with_acc(work, |acc| {
        read_medium(&*storage, &name, &mut Counting::new(run, acc, target))
    });
    if read {
        run.progress.add_bytes(planned.size);
    }
}

/// Counts a WebDataset shard, streaming its members.
pub(super) fn tar_file(run: &Run, work: &FileWork, target: Target, compression: Compression) {
    let planned = &run.plan.files[target.file];
    let Some(storage) = open_storage(run, work, Access::Read, |p| p) else {
        return;
    };
    let meter = |n| run.progress.add_bytes(n);
    run.with_acc(work, |acc| {
        let opened = read_tar(
            &*storage,
            compression,
            run.options.max_document_bytes,
            &meter,
            &mut Counting::new(run, acc, target),
        );
        if opened {
            let counts = &mut acc.stats(target.source).counts;
            counts.files += 1;
            counts.input_bytes += planned.size;
        }
    });
}
