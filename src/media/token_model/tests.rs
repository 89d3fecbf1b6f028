//! Hand-computed token counts for every model.

use super::*;
use crate::media::{AudioFormat, ImageFormat, VideoFormat};

fn patch(min: Option<u64>, max: Option<u64>) -> ImageModel {
    ImageModel::Patch {
        patch_size: nz(14),
        merge: nz(2),
        min_pixels: min,
        max_pixels: max,
    }
}

#[test]
fn fixed_ignores_size() {
    let m = ImageModel::Fixed { tokens: 256 };
    assert_eq!(m.tokens(1, 1), 256);
    assert_eq!(m.tokens(4000, 3000), 256);
}

#[test]
fn patch_grid_rounds_to_28_pixel_cells() {
    let m = TokenModels::default().image;
    // 224 = 8 x 28 on each side: 64 cells, inside the bounds.
    assert_eq!(m.tokens(224, 224), 64);
    // 42 / 28 = 1.5 rounds to 2 (even), 70 / 28 = 2.5 rounds to 2 (even): 4 cells = 3136 px.
    assert_eq!(m.tokens(42, 70), 4);
    // 100 / 28 = 3.57 -> 4, 300 / 28 = 10.7 -> 11: 44.
    assert_eq!(m.tokens(300, 100), 44);
    // No bounds: a 10 x 10 image is still one cell.
    assert_eq!(patch(None, None).tokens(10, 10), 1);
}

#[test]
fn patch_grid_shrinks_into_max_pixels() {
    let m = patch(None, Some(256 * 784));
    // 1000 x 1000 rounds to 36 x 36 cells > 256: beta = sqrt(10^6 / 200704) = 2.232,
    // 1000 / beta / 28 = 16.0 -> 16 x 16.
    assert_eq!(m.tokens(1000, 1000), 256);
    // 2000 x 1000: beta = 3.157; rows floor(11.31) = 11, cols floor(22.63) = 22.
    assert_eq!(m.tokens(2000, 1000), 242);
}

#[test]
fn patch_grid_grows_to_min_pixels() {
    let m = TokenModels::default().image;
    // 10 x 10: beta = sqrt(3136 / 100) = 5.6; 10 x 5.6 / 28 = 2 on each side.
    assert_eq!(m.tokens(10, 10), 4);
    // A 96 x 64 video frame under the video bounds (min 128 x 784 = 100352 px):
    // beta = sqrt(100352 / 6144) = 4.04; rows ceil(9.24) = 10, cols ceil(13.86) = 14.
    assert_eq!(TokenModels::default().video.frame.tokens(96, 64), 140);
}

#[test]
fn tiles_are_capped() {
    let m = ImageModel::Tiles {
        tile_size: nz(560),
        max_tiles: nz(4),
        tokens_per_tile: 1601,
    };
    assert_eq!(m.tokens(300, 200), 1601);
    assert_eq!(m.tokens(1000, 600), 4 * 1601); // 2 x 2 tiles
    assert_eq!(m.tokens(561, 100), 2 * 1601); // 2 x 1 tiles
    assert_eq!(m.tokens(2000, 600), 4 * 1601); // 4 x 2 = 8, capped at 4
}

#[test]
fn audio_rounds_up_and_multiplies_codebooks() {
    let whisper = TokenModels::default().audio;
    assert_eq!(whisper.tokens(2.5), 63); // 62.5 -> 63
    assert_eq!(whisper.tokens(2.0), 50);
    assert_eq!(whisper.tokens(0.0), 0);
    assert_eq!(whisper.tokens(0.001), 1);
    let mimi = AudioModel::PerSecond {
        tokens_per_second: 12.5,
        codebooks: nz(8),
    };
    assert_eq!(mimi.tokens(1.0), 13 * 8); // 12.5 -> 13 frames of 8 codebooks
    assert_eq!(mimi.tokens(f64::NAN), 0);
}

#[test]
fn video_frames_groups_and_soundtrack() {
    let models = TokenModels::default();
    let clip = MediaInfo::Video {
        format: VideoFormat::Mp4,
        seconds: 2.0,
        width: 96,
        height: 64,
        frame_rate: 10.0,
        has_audio: true,
        audio_seconds: Some(2.0),
    };
    // 2 s x 2 fps = 4 frames, 2 groups of 2, 140 tokens a frame; 2 s x 25 = 50 audio tokens.
    assert_eq!(models.video.sampled_frames(2.0, 10.0), 4);
    assert_eq!(models.tokens(&clip), 2 * 140 + 50);
    // Never more frames than the video has (1 s at 1 fps: 1), and at least one.
    assert_eq!(models.video.sampled_frames(1.0, 1.0), 1);
    assert_eq!(models.video.sampled_frames(0.0, 0.0), 1);
    // 2.1 s: 4.2 -> 5 frames -> 3 groups.
    assert_eq!(models.video.picture_tokens(2.1, 0.0, 96, 64), 3 * 140);
}

#[test]
fn images_and_sounds_dispatch() {
    let models = TokenModels::default();
    let image = MediaInfo::Image {
        format: ImageFormat::Png,
        width: 224,
        height: 224,
    };
    let sound = MediaInfo::Audio {
        format: AudioFormat::Wav,
        seconds: 1.5,
        sample_rate: 8000,
        channels: 1,
    };
    assert_eq!(models.tokens(&image), 64);
    assert_eq!(models.tokens(&sound), 38); // 37.5 -> 38
}

#[test]
fn toml_round_trip_and_strictness() {
    let text = r#"
        [image]
        kind = "tiles"
        tile_size = 560
        max_tiles = 4
        tokens_per_tile = 1601

        [audio]
        kind = "per_second"
        tokens_per_second = 12.5
        codebooks = 8

        [video]
        frames_per_second = 1
        temporal_patch = 2
        frame = { kind = "fixed", tokens = 64 }
    "#;
    let models: TokenModels = toml::from_str(text).unwrap();
    assert_eq!(models.audio.tokens(1.0), 104);
    assert_eq!(models.video.frame, ImageModel::Fixed { tokens: 64 });
    let again: TokenModels = toml::from_str(&toml::to_string(&models).unwrap()).unwrap();
    assert_eq!(again, models);
    // Missing tables take the defaults; unknown keys and zero sizes are errors.
    let partial: TokenModels = toml::from_str("[image]\nkind = \"fixed\"\ntokens = 1").unwrap();
    assert_eq!(partial.audio, TokenModels::default().audio);
    assert!(toml::from_str::<TokenModels>("[image]\nkind = \"fixed\"\ntokens = 1\nx = 2").is_err());
    assert!(toml::from_str::<TokenModels>("[image]\nkind = \"patch\"\npatch_size = 0").is_err());
    assert!(toml::from_str::<TokenModels>("[sound]\nkind = \"fixed\"").is_err());
    let json = serde_json::to_value(TokenModels::default()).unwrap();
    assert_eq!(json["image"]["kind"], "patch");
    assert_eq!(json["image"]["max_pixels"], 12_845_056);
    assert_eq!(json["video"]["temporal_patch"], 2);
    assert!(TokenModels::default().validate().is_ok());
}
