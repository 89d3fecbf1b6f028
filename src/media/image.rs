//! Still images: width and height from the header, read by the `imagesize` crate for the format
//! that [`super::probe`] sniffed, with a few structural checks of our own on top (its readers
//! trust the data: a PNG must open with an `IHDR` chunk, and no image has a zero side).

use super::{ImageFormat, MediaInfo, ProbeError, ProbeResult};
use imagesize::{ImageError, ImageType};
use std::io::{Cursor, ErrorKind};

/// Reads the dimensions of an image of the given format.
pub(crate) fn probe(format: ImageFormat, bytes: &[u8]) -> ProbeResult {
    if format == ImageFormat::Png {
        check_png(bytes)?;
    }
    let kind = match format {
        ImageFormat::Png => ImageType::Png,
        ImageFormat::Jpeg => ImageType::Jpeg,
        ImageFormat::Webp => ImageType::Webp,
        ImageFormat::Gif => ImageType::Gif,
        ImageFormat::Bmp => ImageType::Bmp,
        ImageFormat::Tiff => ImageType::Tiff,
    };
    // `imagesize`'s readers expect the cursor where its own type detection leaves it.
    let mut cursor = Cursor::new(bytes);
    let size = imagesize::reader_type(&mut cursor)
        .and_then(|found| {
            if found == kind {
                found.reader_size(&mut cursor)
            } else {
                Err(ImageError::CorruptedImage)
            }
        })
        .map_err(|e| match e {
            ImageError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => {
                ProbeError::truncated(format!("{format:?} header ends early"))
            }
            other => ProbeError::corrupt(format!("{format:?} header: {other}")),
        })?;
    let side = |v: usize| u32::try_from(v).ok().filter(|&v| v > 0);
    match (side(size.width), side(size.height)) {
        (Some(width), Some(height)) => Ok(MediaInfo::Image {
            format,
            width,
            height,
        }),
        _ => Err(ProbeError::corrupt(format!(
            "{format:?} header gives a {}x{} image",
            size.width, size.height
        ))),
    }
}

/// The signature is followed by the 13-byte `IHDR` chunk.
fn check_png(bytes: &[u8]) -> Result<(), ProbeError> {
    if bytes.len() < 8 + 8 + 13 {
        return Err(ProbeError::truncated("PNG ends inside its IHDR chunk"));
    }
    if &bytes[12..16] != b"IHDR" || bytes[8..12] != [0, 0, 0, 13] {
        return Err(ProbeError::corrupt("PNG does not start with an IHDR chunk"));
    }
    Ok(())
}
