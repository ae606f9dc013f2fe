//! Header-only image intake: probe the format, size and EXIF orientation from
//! the first bytes of a file, check them against a target's limits, and build
//! request bodies straight from the bytes.

pub mod body;
pub mod policy;

pub use policy::{check, Check, Limits, Target, Violation};

use crate::error::{Error, Result};

/// An image container format the probe recognises.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (JFIF, EXIF, baseline, progressive, lossless, arithmetic).
    Jpeg,
    /// PNG (and APNG).
    Png,
    /// Windows or OS/2 bitmap.
    Bmp,
    /// TIFF or BigTIFF, either byte order.
    Tiff,
    /// GIF 87a or 89a.
    Gif,
    /// WebP: lossy, lossless or extended.
    Webp,
    /// HEIF/HEIC.
    Heif,
    /// AVIF.
    Avif,
}

impl Format {
    /// The lower-case name used in JS and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Bmp => "bmp",
            Format::Tiff => "tiff",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Heif => "heif",
            Format::Avif => "avif",
        }
    }
}

/// What the probe learnt from the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// The container format.
    pub format: Format,
    /// Stored width in pixels.
    pub width: u32,
    /// Stored height in pixels.
    pub height: u32,
    /// EXIF orientation 1–8 (1 when absent).
    pub orientation: u8,
    /// Width as displayed, after orientation (swapped for 5–8).
    pub display_width: u32,
    /// Height as displayed, after orientation (swapped for 5–8).
    pub display_height: u32,
    /// The whole file's length in bytes.
    pub byte_length: u64,
}

/// The outcome of probing a prefix of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partial {
    /// The header was read in full.
    Done(ImageInfo),
    /// The header goes on past the prefix: call again with at least this
    /// many bytes from the start of the file.
    NeedMore(usize),
}

/// Probes a whole file held in memory.
pub fn probe(bytes: &[u8]) -> Result<ImageInfo> {
    match probe_prefix(bytes, bytes.len() as u64)? {
        Partial::Done(info) => Ok(info),
        Partial::NeedMore(_) => {
            Err(Error::invalid_image("image.truncated", "the image header is cut short"))
        }
    }
}

/// Probes the first bytes of a file whose whole length is `total_len`.
pub fn probe_prefix(prefix: &[u8], total_len: u64) -> Result<Partial> {
    // Placeholder until the format modules land: PNG only.
    let _ = total_len;
    if prefix.len() < 24 || &prefix[..8] != b"\x89PNG\r\n\x1a\n" {
        return Err(Error::invalid_image("image.unknown_format", "not a recognised image format"));
    }
    let w = u32::from_be_bytes([prefix[16], prefix[17], prefix[18], prefix[19]]);
    let h = u32::from_be_bytes([prefix[20], prefix[21], prefix[22], prefix[23]]);
    Ok(Partial::Done(ImageInfo {
        format: Format::Png,
        width: w,
        height: h,
        orientation: 1,
        display_width: w,
        display_height: h,
        byte_length: total_len,
    }))
}
