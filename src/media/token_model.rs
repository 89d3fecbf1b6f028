//! Token models: how many tokens an image, a sound or a video costs, as a manifest declares it
//! (TOML, snake_case keys, a `kind` tag, unknown keys rejected) and as every report restates it.
//!
//! All counts are exact integer arithmetic. Durations are first rounded to whole milliseconds
//! and rates (tokens or frames per second) to thousandths; a duration times a rate is then
//! rounded **up** (`ceil`), so any sound or video costs at least one token or frame per started
//! unit. [`TokenModels::default`] imitates Qwen2-VL for images and video and Qwen2-Audio for sound.

mod image;
#[cfg(test)]
mod tests;

use super::MediaInfo;
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;

/// A token-model rate that is negative or not a number.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{name} must be a number >= 0, not {rate}")]
pub struct BadRate {
    /// The setting, such as `audio.tokens_per_second`.
    pub name: &'static str,
    /// The value given.
    pub rate: f64,
}

/// How an image (or a video frame) becomes tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ImageModel {
    /// Every image costs `tokens`, whatever its size.
    Fixed {
        /// Tokens per image.
        tokens: u64,
    },
    /// A patch grid after an aspect-keeping resize (Qwen2-VL's `smart_resize`): see
    /// [`ImageModel::tokens`] for the exact rule.
    Patch {
        /// Side of a vision-encoder patch in pixels (e.g. 14).
        patch_size: NonZeroU32,
        /// Patches merged along each side into one token (2: 2x2 patches, 28x28 pixels).
        #[serde(default = "one")]
        merge: NonZeroU32,
        /// Lower bound of the resized area in pixels, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_pixels: Option<u64>,
        /// Upper bound of the resized area in pixels, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_pixels: Option<u64>,
    },
    /// Square tiles, each a fixed number of tokens (Llama 3.2 Vision: 560 px, 4 tiles, 1601).
    Tiles {
        /// Side of a tile in pixels.
        tile_size: NonZeroU32,
        /// Most tiles per image; larger images are shrunk to fit (so cost this many).
        max_tiles: NonZeroU32,
        /// Tokens per tile.
        tokens_per_tile: u64,
    },
}

/// How a sound becomes tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AudioModel {
    /// `ceil(seconds x tokens_per_second) x codebooks`.
    PerSecond {
        /// Token frames per second (25 for Whisper-style encoders, 12.5 for Mimi).
        tokens_per_second: f64,
        /// Parallel codebooks per frame (residual vector quantizers; default 1).
        #[serde(default = "one")]
        codebooks: NonZeroU32,
    },
}

/// How a video becomes tokens: sampled frames, each counted by `frame`, merged `temporal_patch`
/// at a time, plus the audio track under the audio model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoModel {
    /// Frames sampled per second of video (never more than the video has).
    pub frames_per_second: f64,
    /// Consecutive sampled frames that share one set of tokens (default 1: none).
    #[serde(default = "one")]
    pub temporal_patch: NonZeroU32,
    /// The model of one frame (default: Qwen2-VL's video frame bounds).
    #[serde(default = "default_frame")]
    pub frame: ImageModel,
}

/// The three models a source's media are counted with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenModels {
    /// Still images.
    pub image: ImageModel,
    /// Sounds, and video soundtracks.
    pub audio: AudioModel,
    /// Videos' pictures.
    pub video: VideoModel,
}

fn one() -> NonZeroU32 {
    NonZeroU32::MIN
}

const fn nz(v: u32) -> NonZeroU32 {
    match NonZeroU32::new(v) {
        Some(v) => v,
        None => NonZeroU32::MIN,
    }
}

/// Qwen2-VL's video frames: 14 px patches, 2x2 merge, 128 to 768 tokens a frame.
fn default_frame() -> ImageModel {
    ImageModel::Patch {
        patch_size: nz(14),
        merge: nz(2),
        min_pixels: Some(128 * 28 * 28),
        max_pixels: Some(768 * 28 * 28),
    }
}

impl Default for TokenModels {
    /// Images as Qwen2-VL's image processor (14 px patches, 2x2 merge, 56x56 to 12,845,056
    /// pixels); audio as Qwen2-Audio (Whisper encoder frames pooled to one token per 40 ms:
    /// 25 a second, one codebook); video as Qwen2-VL with qwen-vl-utils' defaults (2 frames a
    /// second, temporal patch 2, frames of 128 to 768 tokens).
    fn default() -> Self {
        Self {
            image: ImageModel::Patch {
                patch_size: nz(14),
                merge: nz(2),
                min_pixels: Some(56 * 56),
                max_pixels: Some(16384 * 28 * 28),
            },
            audio: AudioModel::PerSecond {
                tokens_per_second: 25.0,
                codebooks: nz(1),
            },
            video: VideoModel {
                frames_per_second: 2.0,
                temporal_patch: nz(2),
                frame: default_frame(),
            },
        }
    }
}

impl TokenModels {
    /// The tokens `info` costs under these models.
    pub fn tokens(&self, info: &MediaInfo) -> u64 {
        match *info {
            MediaInfo::Image { width, height, .. } => self.image.tokens(width, height),
            MediaInfo::Audio { seconds, .. } => self.audio.tokens(seconds),
            MediaInfo::Video {
                seconds,
                width,
                height,
                frame_rate,
                has_audio,
                audio_seconds,
                ..
            } => {
                let sound = if has_audio {
                    self.audio.tokens(audio_seconds.unwrap_or(seconds))
                } else {
                    0
                };
                self.video
                    .picture_tokens(seconds, frame_rate, width, height)
                    .saturating_add(sound)
            }
        }
    }

    /// Rejects rates that are negative or not numbers.
    pub fn validate(&self) -> Result<(), BadRate> {
        let AudioModel::PerSecond {
            tokens_per_second, ..
        } = self.audio;
        for (name, rate) in [
            ("audio.tokens_per_second", tokens_per_second),
            ("video.frames_per_second", self.video.frames_per_second),
        ] {
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(BadRate { name, rate });
            }
        }
        Ok(())
    }
}

impl AudioModel {
    /// Tokens for `seconds` of sound: `ceil(ms x rate / 1000) x codebooks`.
    pub fn tokens(&self, seconds: f64) -> u64 {
        let AudioModel::PerSecond {
            tokens_per_second,
            codebooks,
        } = *self;
        per_second(seconds, tokens_per_second).saturating_mul(u64::from(codebooks.get()))
    }
}

impl VideoModel {
    /// Frames sampled from a video: `ceil(seconds x frames_per_second)`, at most the video's
    /// own `ceil(seconds x frame_rate)` when that is known (> 0), and at least 1.
    pub fn sampled_frames(&self, seconds: f64, frame_rate: f64) -> u64 {
        let mut frames = per_second(seconds, self.frames_per_second);
        if frame_rate > 0.0 {
            frames = frames.min(per_second(seconds, frame_rate));
        }
        frames.max(1)
    }

    /// Tokens of the pictures: `ceil(sampled frames / temporal_patch) x frame tokens`.
    pub fn picture_tokens(&self, seconds: f64, frame_rate: f64, width: u32, height: u32) -> u64 {
        let groups = self
            .sampled_frames(seconds, frame_rate)
            .div_ceil(u64::from(self.temporal_patch.get()));
        groups.saturating_mul(self.frame.tokens(width, height))
    }
}

/// `ceil(round(seconds x 1000) x round(rate x 1000) / 10^6)`: a duration times a rate, in
/// exact integers after rounding to milliseconds and thousandths (NaN and negatives count 0).
fn per_second(seconds: f64, rate: f64) -> u64 {
    let ms = u128::from((seconds * 1000.0).round() as u64); // `as` saturates; NaN becomes 0
    let milli_rate = u128::from((rate * 1000.0).round() as u64);
    u64::try_from((ms * milli_rate).div_ceil(1_000_000)).unwrap_or(u64::MAX)
}
