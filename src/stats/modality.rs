//! Counters of the non-text modalities: images, sounds and videos measured from their headers
//! and turned into tokens by a source's token models, media of formats no probe knows, and the
//! metadata members and samples of WebDataset shards. Durations are kept in whole milliseconds
//! so that merging stays exact integer addition.

use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Images: how many, their pixels and their tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageCounts {
    /// Images counted.
    pub items: u64,
    /// Sum of width x height.
    pub pixels: u64,
    /// Tokens under the source's image model.
    pub tokens: u64,
}

/// Sounds: how many, their duration and their tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudioCounts {
    /// Sound files counted.
    pub items: u64,
    /// Sum of durations, each rounded to whole milliseconds.
    pub milliseconds: u64,
    /// Tokens under the source's audio model.
    pub tokens: u64,
}

/// Videos: how many, their duration, the frames sampled from them and their tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoCounts {
    /// Videos counted.
    pub items: u64,
    /// Sum of durations, each rounded to whole milliseconds.
    pub milliseconds: u64,
    /// Frames sampled under the source's video model.
    pub frames: u64,
    /// Tokens of pictures and soundtracks under the source's video and audio models.
    pub tokens: u64,
}

/// Items that were not counted as any modality, with their size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemBytes {
    /// How many.
    pub items: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Everything counted besides text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaCounts {
    /// Still images.
    pub image: ImageCounts,
    /// Sounds.
    pub audio: AudioCounts,
    /// Videos.
    pub video: VideoCounts,
    /// Media files and WebDataset members of formats no probe reads (not errors).
    pub unsupported: ItemBytes,
    /// WebDataset members that describe a sample (`.json`, `.cls`, ...): not text, not media.
    pub metadata: ItemBytes,
    /// WebDataset samples (runs of members sharing a key).
    pub samples: u64,
}

impl MediaCounts {
    /// Tokens of all media together.
    pub fn tokens(&self) -> u64 {
        self.image.tokens + self.audio.tokens + self.video.tokens
    }

    /// Whether nothing at all was counted.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl AddAssign<&MediaCounts> for MediaCounts {
    fn add_assign(&mut self, o: &MediaCounts) {
        self.image.items += o.image.items;
        self.image.pixels += o.image.pixels;
        self.image.tokens += o.image.tokens;
        self.audio.items += o.audio.items;
        self.audio.milliseconds += o.audio.milliseconds;
        self.audio.tokens += o.audio.tokens;
        self.video.items += o.video.items;
        self.video.milliseconds += o.video.milliseconds;
        self.video.frames += o.video.frames;
        self.video.tokens += o.video.tokens;
        self.unsupported.items += o.unsupported.items;
        self.unsupported.bytes += o.unsupported.bytes;
        self.metadata.items += o.metadata.items;
        self.metadata.bytes += o.metadata.bytes;
        self.samples += o.samples;
    }
}

/// A duration in seconds as whole milliseconds (NaN and negatives are 0).
pub fn milliseconds(seconds: f64) -> u64 {
    (seconds * 1000.0).round() as u64 // `as` saturates, and NaN becomes 0
}
