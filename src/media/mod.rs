//! Media measured from headers, never decoded: [`probe`] turns the bytes of an image, audio or
//! video file into a [`MediaInfo`] (dimensions, duration, rates), and [`token_model`] turns that
//! into tokens under a stated [`TokenModels`] definition.
//!
//! Probing sniffs magic bytes first; the file name's extension is only a hint, used to tell a
//! damaged file of a known kind (an error of the data) from a file of an unknown kind
//! ([`ProbeErrorKind::Unsupported`], which a census reports apart, with count and bytes).
//! No input makes `probe` panic: every read is bounds-checked and a short read is
//! [`ProbeErrorKind::Truncated`].

mod bytes;
mod flac;
mod image;
mod isobmff;
mod matroska;
mod mp3;
mod ogg;
mod sniff;
pub mod token_model;
mod wav;

pub use sniff::{is_media_name, probe};
pub use token_model::{AudioModel, BadRate, ImageModel, TokenModels, VideoModel};

use serde::Serialize;

/// What a probe measured: the modality, the format and the numbers tokens are counted from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "modality", rename_all = "snake_case")]
pub enum MediaInfo {
    /// A still image.
    Image {
        /// The file format.
        format: ImageFormat,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A sound recording.
    Audio {
        /// The file format.
        format: AudioFormat,
        /// Duration in seconds.
        seconds: f64,
        /// Samples per second (per channel).
        sample_rate: u32,
        /// Number of channels.
        channels: u32,
    },
    /// A moving picture, perhaps with sound.
    Video {
        /// The container format.
        format: VideoFormat,
        /// Duration of the whole file in seconds.
        seconds: f64,
        /// Width of the (first) video track in pixels.
        width: u32,
        /// Height of the (first) video track in pixels.
        height: u32,
        /// Average frames per second of the video track.
        frame_rate: f64,
        /// Whether the file carries an audio track.
        has_audio: bool,
        /// Duration of the (first) audio track in seconds, where there is one.
        audio_seconds: Option<f64>,
    },
}

/// An image file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    /// Portable Network Graphics.
    Png,
    /// JPEG (JFIF or Exif).
    Jpeg,
    /// WebP (lossy, lossless or extended).
    Webp,
    /// Graphics Interchange Format.
    Gif,
    /// Windows bitmap.
    Bmp,
    /// Tagged Image File Format.
    Tiff,
}

/// An audio file format (the container, and the codec where the container says little).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioFormat {
    /// RIFF WAVE.
    Wav,
    /// Native FLAC.
    Flac,
    /// MPEG-1/2/2.5 Layer III.
    Mp3,
    /// Vorbis in Ogg.
    OggVorbis,
    /// Opus in Ogg.
    OggOpus,
    /// An MP4 file with only audio (M4A, typically AAC).
    M4a,
    /// A Matroska or WebM file with only audio.
    Matroska,
}

/// A video container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoFormat {
    /// ISO base media file (MP4 and relatives).
    Mp4,
    /// QuickTime movie.
    Mov,
    /// Matroska.
    Matroska,
    /// WebM (the Matroska subset).
    Webm,
}

/// Why a probe gave no [`MediaInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeErrorKind {
    /// Not a format this module reads: no error of the data, reported apart.
    Unsupported,
    /// The data ends before the headers (or a structure they declare) do.
    Truncated,
    /// The headers are inconsistent or invalid.
    Corrupt,
}

/// A failed probe: its kind and a message for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct ProbeError {
    /// What went wrong.
    pub kind: ProbeErrorKind,
    /// A short description for people.
    pub message: String,
}

impl ProbeError {
    /// An unknown format.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ProbeErrorKind::Unsupported, message)
    }

    /// Data that ends too early.
    pub fn truncated(message: impl Into<String>) -> Self {
        Self::new(ProbeErrorKind::Truncated, message)
    }

    /// Invalid headers.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(ProbeErrorKind::Corrupt, message)
    }

    fn new(kind: ProbeErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// The result of a probe.
pub type ProbeResult = Result<MediaInfo, ProbeError>;

/// Seconds from a count of `units` at `per_second` units a second (0 when the rate is 0).
pub(crate) fn seconds(units: u64, per_second: u64) -> f64 {
    if per_second == 0 {
        0.0
    } else {
        units as f64 / per_second as f64
    }
}
