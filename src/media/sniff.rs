//! Format detection: magic bytes first, the name's extension only as a hint, then dispatch to
//! the parser of the format found.

use super::{ImageFormat, ProbeError, ProbeResult, flac, image, isobmff, matroska, mp3, ogg, wav};

/// A format family, each read by one parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Image(ImageFormat),
    Wav,
    Flac,
    Mp3,
    Ogg,
    IsoBmff,
    Matroska,
}

/// Measures the media file `bytes` (named `name`, a file or archive member name) from its
/// headers; never decodes pixels or samples.
pub fn probe(bytes: &[u8], name: &str) -> ProbeResult {
    let hint = extension_kind(name);
    let kind = match sniff(bytes) {
        Some(kind) => kind,
        // Files without a leading signature: MP3 may start with junk before its first frame.
        None if hint == Some(Kind::Mp3) => Kind::Mp3,
        None => {
            return Err(match hint {
                Some(_) if bytes.len() < 12 => {
                    ProbeError::truncated(format!("only {} bytes: no header", bytes.len()))
                }
                Some(kind) => ProbeError::corrupt(format!(
                    "the name says {} but the file has no such signature",
                    kind_name(kind)
                )),
                None => ProbeError::unsupported("unknown media format"),
            });
        }
    };
    match kind {
        Kind::Image(format) => image::probe(format, bytes),
        Kind::Wav => wav::probe(bytes),
        Kind::Flac => flac::probe(bytes),
        Kind::Mp3 => mp3::probe(bytes),
        Kind::Ogg => ogg::probe(bytes),
        Kind::IsoBmff => isobmff::probe(bytes),
        Kind::Matroska => matroska::probe(bytes),
    }
}

/// The format whose signature `bytes` starts with.
fn sniff(bytes: &[u8]) -> Option<Kind> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    let kind = if at(0, b"\x89PNG\r\n\x1a\n") {
        Kind::Image(ImageFormat::Png)
    } else if at(0, b"\xFF\xD8\xFF") {
        Kind::Image(ImageFormat::Jpeg)
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Kind::Image(ImageFormat::Gif)
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        Kind::Image(ImageFormat::Tiff)
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Kind::Image(ImageFormat::Webp)
    } else if (at(0, b"RIFF") || at(0, b"RF64")) && at(8, b"WAVE") {
        Kind::Wav
    } else if at(0, b"BM") && is_bmp(bytes) {
        Kind::Image(ImageFormat::Bmp)
    } else if at(0, b"fLaC") {
        Kind::Flac
    } else if at(0, b"OggS") {
        Kind::Ogg
    } else if at(0, b"\x1A\x45\xDF\xA3") {
        Kind::Matroska
    } else if [b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"]
        .iter()
        .any(|m| at(4, *m))
    {
        Kind::IsoBmff
    } else if at(0, b"ID3") {
        // An ID3v2 tag may precede FLAC as well as MP3.
        let tag = mp3::id3v2_len(bytes).unwrap_or(bytes.len());
        match bytes.get(tag..tag.saturating_add(4)) {
            Some(b"fLaC") => Kind::Flac,
            _ => Kind::Mp3,
        }
    } else if mp3::starts_with_frames(bytes) {
        Kind::Mp3
    } else {
        return None;
    };
    Some(kind)
}

/// "BM" is a weak signature: also require a known DIB header size when the bytes reach it.
fn is_bmp(bytes: &[u8]) -> bool {
    match bytes.get(14..18) {
        Some(b) => matches!(
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            12 | 16 | 40 | 52 | 56 | 64 | 108 | 124
        ),
        None => true,
    }
}

/// The format family a file name's extension suggests.
/// Whether `name`'s extension is that of an image, sound or video format this module probes.
pub fn is_media_name(name: &str) -> bool {
    extension_kind(name).is_some()
}

fn extension_kind(name: &str) -> Option<Kind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => Kind::Image(ImageFormat::Png),
        "jpg" | "jpeg" | "jpe" | "jfif" => Kind::Image(ImageFormat::Jpeg),
        "webp" => Kind::Image(ImageFormat::Webp),
        "gif" => Kind::Image(ImageFormat::Gif),
        "bmp" | "dib" => Kind::Image(ImageFormat::Bmp),
        "tif" | "tiff" => Kind::Image(ImageFormat::Tiff),
        "wav" | "wave" => Kind::Wav,
        "flac" => Kind::Flac,
        "mp3" => Kind::Mp3,
        "ogg" | "oga" | "opus" => Kind::Ogg,
        "mp4" | "m4a" | "m4v" | "mov" | "qt" | "3gp" => Kind::IsoBmff,
        "mkv" | "mka" | "webm" | "weba" => Kind::Matroska,
        _ => return None,
    })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Image(ImageFormat::Png) => "PNG",
        Kind::Image(ImageFormat::Jpeg) => "JPEG",
        Kind::Image(ImageFormat::Webp) => "WebP",
        Kind::Image(ImageFormat::Gif) => "GIF",
        Kind::Image(ImageFormat::Bmp) => "BMP",
        Kind::Image(ImageFormat::Tiff) => "TIFF",
        Kind::Wav => "WAV",
        Kind::Flac => "FLAC",
        Kind::Mp3 => "MP3",
        Kind::Ogg => "Ogg",
        Kind::IsoBmff => "MP4/MOV",
        Kind::Matroska => "Matroska/WebM",
    }
}
