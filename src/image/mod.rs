//! Header-only image intake: probe the format, size and EXIF orientation from
//! the first bytes of a file, check them against a target's limits, and build
//! request bodies straight from the bytes.
//!
//! Probing is sans-IO: [`probe_prefix`] takes the bytes read so far and the
//! file's length, and answers [`Partial::NeedMore`] with the prefix length it
//! needs next. Readers skip segments, chunks and boxes by their declared
//! lengths and ask only for the next header (JPEG: next marker + 16 bytes),
//! so a long ICC or XMP segment costs one step, not a read of its content.
//! TIFF is the exception in practice: its IFD often sits after the pixels.
//!
//! Decisions:
//! - A width or height of 0 is `image.corrupt`. Large sizes are reported as
//!   read (a PNG may claim 2^31) and refused later by [`check`]; only a
//!   BigTIFF size beyond 2^32-1, which `u32` cannot hold, is `image.corrupt`.
//! - Orientation is the EXIF value (JPEG APP1, TIFF tag 274, WebP `EXIF`
//!   chunk); values outside 1–8 count as 1. HEIF/AVIF carry no EXIF
//!   orientation that viewers obey: their `irot`/`imir` properties are
//!   turned into the equivalent EXIF value, with sizes from `ispe` (stored).
//! - Errors: `image.empty` (0 bytes), `image.unknown_format`,
//!   `image.truncated` (the file ends inside the header), `image.corrupt`.

mod bmp;
pub mod body;
mod clap;
mod detect;
mod document;
mod exif;
pub mod fit;
mod gif;
mod heif;
mod jpeg;
mod png;
pub mod policy;
mod read;
mod tiff;
mod webp;

pub use policy::{check, check_with, Check, Limits, Megabytes, Target, Violation};

use crate::error::{Error, Result};
use detect::{Detected, Kind};
use read::{truncated, Input, Stop};

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
    /// PDF, a document: passed through unprobed, its sizes read as 0.
    Pdf,
    /// OFD (GB/T 33190), a document: passed through unprobed, sizes 0.
    Ofd,
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
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
        }
    }

    /// True for PDF and OFD: documents whose pages are not probed, so only
    /// their format and size are checked.
    pub fn is_document(self) -> bool {
        matches!(self, Format::Pdf | Format::Ofd)
    }

    /// The MIME type (the generic `image/heif` for every HEIF brand but AVIF).
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Bmp => "image/bmp",
            Format::Tiff => "image/tiff",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Heif => "image/heif",
            Format::Avif => "image/avif",
            Format::Pdf => "application/pdf",
            Format::Ofd => "application/ofd",
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

/// What a format reader found, before the checks common to all formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    format: Format,
    width: u32,
    height: u32,
    /// Raw orientation; anything outside 1–8 becomes 1.
    orientation: u8,
}

/// Tells the format from the signature alone, without reading the header;
/// `None` when no signature matches in full (HEIF/AVIF need the whole `ftyp`).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if jpeg::matches(bytes) {
        Some(Format::Jpeg)
    } else if png::matches(bytes) {
        Some(Format::Png)
    } else if gif::matches(bytes) {
        Some(Format::Gif)
    } else if tiff::matches(bytes) {
        Some(Format::Tiff)
    } else if webp::matches(bytes) {
        Some(Format::Webp)
    } else if heif::matches(bytes) {
        heif::format(bytes)
    } else if bmp::matches(bytes) {
        Some(Format::Bmp)
    } else if document::is_pdf(bytes) {
        Some(Format::Pdf)
    } else {
        None
    }
}

/// Probes a whole file held in memory.
///
/// Errors: `image.empty`, `image.unknown_format`, `image.truncated`, `image.corrupt`.
pub fn probe(bytes: &[u8]) -> Result<ImageInfo> {
    match probe_prefix(bytes, bytes.len() as u64)? {
        Partial::Done(info) => Ok(info),
        // Unreachable when the prefix is the whole file; kept as an error, not a panic.
        Partial::NeedMore(_) => Err(truncated()),
    }
}

/// Probes the first bytes of a file whose whole length is `total_len`.
///
/// Returns `NeedMore(n)` when the header goes on past `prefix` (n is always
/// more than `prefix.len()` and at most `total_len`); readers skip segments
/// and chunks by their lengths, asking only for the bytes they must read.
/// A `total_len` below `prefix.len()` is taken as `prefix.len()`.
pub fn probe_prefix(prefix: &[u8], total_len: u64) -> Result<Partial> {
    let total = total_len.max(prefix.len() as u64);
    if total == 0 {
        return Err(Error::invalid_image("image.empty", "the image is empty (0 bytes)"));
    }
    let input = Input { data: prefix, total };
    match read(input) {
        Ok(found) => finish(found, total).map(Partial::Done),
        Err(Stop::More(n)) if n > prefix.len() => Ok(Partial::NeedMore(n)),
        Err(Stop::More(_)) => Err(truncated()),
        Err(Stop::Fail(e)) => Err(e),
    }
}

/// Detects the format from the signature table and runs its reader.
fn read(input: Input<'_>) -> read::Step<Found> {
    let kind = match detect::detect(input.data) {
        Detected::Found(kind) => kind,
        // A file shorter than the longest signature is asked for whole.
        Detected::Short(n) => {
            let n = usize::try_from(input.total).map_or(n, |t| n.min(t));
            return Err(input.need(n));
        }
        Detected::Unknown => {
            return Err(Stop::Fail(Error::invalid_image(
                "image.unknown_format",
                "not a recognised image format (JPEG, PNG, BMP, TIFF, GIF, WebP, HEIF, AVIF) \
                 or document (PDF, OFD)",
            )))
        }
    };
    match kind {
        Kind::Jpeg => jpeg::read(input),
        Kind::Png => png::read(input),
        Kind::Bmp => bmp::read(input),
        Kind::Tiff => tiff::read(input),
        Kind::Gif => gif::read(input),
        Kind::Webp => webp::read(input),
        Kind::Isobmff => heif::read(input),
        Kind::Pdf => document::read_pdf(input),
        Kind::Zip => document::read_zip(input),
    }
}

/// Refuses zero sizes, normalises orientation and works out display sizes.
/// Large sizes are reported as they are: `check` refuses them with a reason.
fn finish(f: Found, total: u64) -> Result<ImageInfo> {
    // Documents carry no pixel size of their own: 0 means not read.
    if !f.format.is_document() && (f.width == 0 || f.height == 0) {
        return Err(Error::invalid_image(
            "image.corrupt",
            format!("the image header says {}x{} pixels", f.width, f.height),
        ));
    }
    let orientation = if (1..=8).contains(&f.orientation) { f.orientation } else { 1 };
    let (display_width, display_height) =
        if orientation >= 5 { (f.height, f.width) } else { (f.width, f.height) };
    Ok(ImageInfo {
        format: f.format,
        width: f.width,
        height: f.height,
        orientation,
        display_width,
        display_height,
        byte_length: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_unknown_and_short() {
        assert_eq!(probe(b"").map_err(|e| e.code().to_owned()), Err("image.empty".into()));
        let code = |r: Result<ImageInfo>| r.err().map(|e| e.code().to_owned());
        assert_eq!(code(probe(b"hello, world")).as_deref(), Some("image.unknown_format"));
        assert_eq!(code(probe(b"\x89PN")).as_deref(), Some("image.truncated"));
        assert_eq!(probe_prefix(b"", 100).ok(), Some(Partial::NeedMore(12)));
        assert_eq!(probe_prefix(b"\x89PNG", 10).ok(), Some(Partial::NeedMore(8)));
        // Files shorter than the longest signature are asked for whole.
        assert_eq!(probe_prefix(b"", 4).ok(), Some(Partial::NeedMore(4)));
        assert_eq!(probe_prefix(b"", 10).ok(), Some(Partial::NeedMore(10)));
    }

    #[test]
    fn orientation_swaps_display_size() {
        let f = Found { format: Format::Jpeg, width: 4, height: 3, orientation: 6 };
        let i = finish(f, 10).ok();
        assert_eq!(i.map(|i| (i.display_width, i.display_height)), Some((3, 4)));
        let f = Found { orientation: 9, ..f };
        assert_eq!(finish(f, 10).ok().map(|i| i.orientation), Some(1));
        assert!(finish(Found { width: 0, ..f }, 10).is_err());
    }
}
