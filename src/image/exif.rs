//! EXIF orientation from a TIFF structure held in a slice (JPEG APP1, WebP
//! and HEIF `Exif` blocks). Any fault here yields 1: a bad EXIF block should
//! not make a viewable image unreadable.

use super::read::{arr, Endian};

/// The TIFF tag number of Orientation.
pub(crate) const ORIENTATION_TAG: u16 = 0x0112;
/// IFD0 entries read at most; real files have a few dozen.
const MAX_ENTRIES: usize = 1024;

/// The byte order of a TIFF header at the start of `tiff`, if valid (classic only).
fn header(tiff: &[u8]) -> Option<(Endian, usize)> {
    let e = match tiff.get(0..4)? {
        b"II*\0" => Endian::Little,
        b"MM\0*" => Endian::Big,
        _ => return None,
    };
    let ifd = usize::try_from(e.u32(arr(tiff, 4)?)).ok()?;
    Some((e, ifd))
}

/// The orientation (1–8) in IFD0 of the TIFF structure `tiff`, else 1.
pub(crate) fn orientation(tiff: &[u8]) -> u8 {
    orientation_opt(tiff).filter(|o| (1..=8).contains(o)).unwrap_or(1)
}

fn orientation_opt(tiff: &[u8]) -> Option<u8> {
    let (e, ifd) = header(tiff)?;
    let count = usize::from(e.u16(arr(tiff, ifd)?)).min(MAX_ENTRIES);
    for i in 0..count {
        let at = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        let entry: [u8; 12] = arr(tiff, at)?;
        if e.u16([entry[0], entry[1]]) != ORIENTATION_TAG {
            continue;
        }
        // SHORT, count at least 1: the value sits in the first two bytes of the field.
        if e.u16([entry[2], entry[3]]) != 3 || e.u32([entry[4], entry[5], entry[6], entry[7]]) == 0
        {
            return None;
        }
        return u8::try_from(e.u16([entry[8], entry[9]])).ok();
    }
    None
}

/// The TIFF structure inside an EXIF payload, dropping an `Exif\0\0` lead if present.
pub(crate) fn strip_lead(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(b"Exif\0\0").unwrap_or(payload)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A TIFF structure with one IFD0 entry: Orientation = `o`.
    pub(crate) fn tiff_with_orientation(big: bool, o: u16) -> Vec<u8> {
        let mut v: Vec<u8> = if big { b"MM\0*".to_vec() } else { b"II*\0".to_vec() };
        let p16 = |v: &mut Vec<u8>, x: u16| {
            v.extend_from_slice(&if big { x.to_be_bytes() } else { x.to_le_bytes() })
        };
        let p32 = |v: &mut Vec<u8>, x: u32| {
            v.extend_from_slice(&if big { x.to_be_bytes() } else { x.to_le_bytes() })
        };
        p32(&mut v, 8);
        p16(&mut v, 1);
        p16(&mut v, ORIENTATION_TAG);
        p16(&mut v, 3);
        p32(&mut v, 1);
        p16(&mut v, o);
        p16(&mut v, 0);
        p32(&mut v, 0);
        v
    }

    #[test]
    fn reads_both_byte_orders() {
        for o in 1..=8 {
            assert_eq!(orientation(&tiff_with_orientation(false, o)), o as u8);
            assert_eq!(orientation(&tiff_with_orientation(true, o)), o as u8);
        }
    }

    #[test]
    fn out_of_range_or_broken_gives_one() {
        assert_eq!(orientation(&tiff_with_orientation(false, 0)), 1);
        assert_eq!(orientation(&tiff_with_orientation(true, 9)), 1);
        assert_eq!(orientation(&tiff_with_orientation(true, 0x106)), 1);
        let t = tiff_with_orientation(false, 6);
        for n in 0..20 {
            assert_eq!(orientation(&t[..n]), 1);
        }
        assert_eq!(orientation(b"II*\0\xff\xff\xff\xff"), 1);
        assert_eq!(strip_lead(b"Exif\0\0II"), b"II");
    }
}
