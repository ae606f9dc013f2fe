//! WebP: the size from the first chunk: VP8 (lossy, frame header, 14-bit),
//! VP8L (lossless, 14-bit packed minus one) or VP8X (extended, 24-bit minus
//! one). For VP8X with the EXIF flag set, orientation comes from the EXIF
//! chunk, reached by skipping chunks by their sizes.

use super::detect::{self, Kind};
use super::exif;
use super::read::{add, corrupt, offset, Input, Step};
use super::{Format, Found};

/// Chunks walked at most looking for EXIF.
const MAX_CHUNKS: usize = 64;
/// The VP8X flag saying an EXIF chunk is present.
const EXIF_FLAG: u8 = 0x08;
/// Size of an EXIF chunk read at most; larger ones are left unread (orientation 1).
const MAX_EXIF: usize = 1 << 20;

/// True when `b` starts with `RIFF`, a size, then `WEBP`.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Webp, b)
}

/// Reads the canvas size, and the orientation of extended files.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let head: [u8; 8] = input.array(12)?;
    let d: [u8; 10] = input.array(20)?;
    let found =
        |width, height, orientation| Found { format: Format::Webp, width, height, orientation };
    match &head[..4] {
        b"VP8 " => {
            // Frame tag (3 bytes), then the key-frame start code 9D 01 2A.
            if d[3..6] != [0x9D, 0x01, 0x2A] {
                return Err(corrupt("WebP VP8 start code missing"));
            }
            let w = u16::from_le_bytes([d[6], d[7]]) & 0x3FFF;
            let h = u16::from_le_bytes([d[8], d[9]]) & 0x3FFF;
            Ok(found(u32::from(w), u32::from(h), 1))
        }
        b"VP8L" => {
            if d[0] != 0x2F {
                return Err(corrupt("WebP VP8L signature missing"));
            }
            let bits = u32::from_le_bytes([d[1], d[2], d[3], d[4]]);
            Ok(found((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, 1))
        }
        b"VP8X" => {
            let w = u32::from_le_bytes([d[4], d[5], d[6], 0]) + 1;
            let h = u32::from_le_bytes([d[7], d[8], d[9], 0]) + 1;
            let orientation = if d[0] & EXIF_FLAG != 0 { exif_orientation(input)? } else { 1 };
            Ok(found(w, h, orientation))
        }
        _ => Err(corrupt("unknown first WebP chunk")),
    }
}

/// Walks the chunks after VP8X to the EXIF chunk; only chunk headers are
/// needed for those skipped.
fn exif_orientation(input: Input<'_>) -> Step<u8> {
    let mut pos: usize = 30;
    for _ in 0..MAX_CHUNKS {
        // A file may end without the chunk the flag promised: take it as absent.
        if pos as u64 >= input.total {
            return Ok(1);
        }
        input.prefetch(pos, 8)?;
        let h: [u8; 8] = input.array(pos)?;
        let size = offset(u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]])))?;
        let body = add(pos, 8)?;
        if &h[..4] == b"EXIF" {
            if size > MAX_EXIF {
                return Ok(1);
            }
            return Ok(exif::orientation(exif::strip_lead(input.bytes(body, size)?)));
        }
        // Chunks are padded to an even size.
        pos = add(add(body, size)?, size & 1)?;
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webp(chunk: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = b"RIFF\0\0\0\0WEBP".to_vec();
        v.extend(chunk);
        v.extend((data.len() as u32).to_le_bytes());
        v.extend(data);
        v
    }

    fn dims(b: &[u8]) -> Option<(u32, u32, u8)> {
        read(Input { data: b, total: b.len() as u64 })
            .ok()
            .map(|f| (f.width, f.height, f.orientation))
    }

    #[test]
    fn three_kinds() {
        let vp8 = webp(b"VP8 ", &[0, 0, 0, 0x9D, 1, 0x2A, 0x90, 0xC1, 0x20, 0x40]);
        assert_eq!(dims(&vp8), Some((400, 32, 1)));
        let bits: u32 = 99 | (49 << 14);
        let mut l = vec![0x2F];
        l.extend(bits.to_le_bytes());
        l.extend([0; 5]);
        assert_eq!(dims(&webp(b"VP8L", &l)), Some((100, 50, 1)));
        let x = [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0];
        assert_eq!(dims(&webp(b"VP8X", &x)), Some((1 << 24, 1, 1)));
        assert_eq!(dims(&webp(b"VP8 ", &[0; 10])), None);
    }

    #[test]
    fn exif_chunk_after_image_data() {
        let mut v = webp(b"VP8X", &[EXIF_FLAG, 0, 0, 0, 9, 0, 0, 4, 0, 0]);
        v.extend(b"VP8 \x03\0\0\0abc\0");
        v.extend(b"EXIF");
        let t = super::super::exif::tests::tiff_with_orientation(false, 6);
        v.extend((t.len() as u32).to_le_bytes());
        v.extend(&t);
        assert_eq!(dims(&v), Some((10, 5, 6)));
    }
}
