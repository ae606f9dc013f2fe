//! BMP: every DIB header version. OS/2 1.x (12 bytes) holds unsigned 16-bit
//! sizes; the others signed 32-bit, where a negative height means top-down rows.

use super::detect::{self, Kind};
use super::read::{corrupt, Input, Step};
use super::{Format, Found};

/// True when `b` starts with `BM`.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Bmp, b)
}

/// Reads the DIB header's size fields.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let size = u32::from_le_bytes(input.array(14)?);
    let (width, height) = match size {
        // BITMAPCOREHEADER (OS/2 1.x): u16 width and height.
        12 => {
            let d: [u8; 4] = input.array(18)?;
            (
                u32::from(u16::from_le_bytes([d[0], d[1]])),
                u32::from(u16::from_le_bytes([d[2], d[3]])),
            )
        }
        // OS/2 2.x (16 or 64), BITMAPINFOHEADER (40), v2 (52), v3 (56), v4 (108), v5 (124).
        16 | 40 | 52 | 56 | 64 | 108 | 124 => {
            let d: [u8; 8] = input.array(18)?;
            let w = i32::from_le_bytes([d[0], d[1], d[2], d[3]]);
            let h = i32::from_le_bytes([d[4], d[5], d[6], d[7]]);
            if w < 0 {
                return Err(corrupt("BMP width is negative"));
            }
            (w.unsigned_abs(), h.unsigned_abs())
        }
        _ => return Err(corrupt("unknown BMP header size")),
    };
    Ok(Found { format: Format::Bmp, width, height, orientation: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bmp(size: u32, fields: &[u8]) -> Vec<u8> {
        let mut v = b"BM".to_vec();
        v.extend([0u8; 12]);
        v.extend(size.to_le_bytes());
        v.extend(fields);
        v
    }

    fn dims(b: &[u8]) -> Option<(u32, u32)> {
        read(Input { data: b, total: b.len() as u64 }).ok().map(|f| (f.width, f.height))
    }

    #[test]
    fn header_versions() {
        assert_eq!(dims(&bmp(12, &[0x10, 0x01, 5, 0])), Some((272, 5)));
        let mut f = 300i32.to_le_bytes().to_vec();
        f.extend((-200i32).to_le_bytes());
        for size in [16, 40, 52, 56, 64, 108, 124] {
            assert_eq!(dims(&bmp(size, &f)), Some((300, 200)));
        }
        let mut f = 1i32.to_le_bytes().to_vec();
        f.extend(i32::MIN.to_le_bytes());
        assert_eq!(dims(&bmp(40, &f)), Some((1, 1 << 31)));
        assert_eq!(dims(&bmp(41, &f)), None);
        let mut neg = (-1i32).to_le_bytes().to_vec();
        neg.extend(1i32.to_le_bytes());
        assert_eq!(dims(&bmp(40, &neg)), None);
    }
}
