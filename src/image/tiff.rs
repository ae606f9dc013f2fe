//! TIFF and BigTIFF in either byte order: ImageWidth, ImageLength and
//! Orientation from the first IFD that has a size. The IFD may sit anywhere,
//! often after the pixel data, so a prefix reader may need most of the file.

use super::detect::{self, Kind};
use super::read::{add, corrupt, offset, Endian, Input, Step};
use super::{Format, Found};

/// IFDs followed at most when the first lacks a size; each is visited once.
const MAX_IFDS: usize = 8;
/// Entries per IFD at most: all a classic TIFF's 16-bit count can say, so the
/// bytes read for one IFD stay within 65,535 × 20 (BigTIFF entries), about 1.3 MB.
const MAX_ENTRIES: u64 = 65_535;
/// Bytes asked for at an IFD in one step: its count and a typical set of entries.
const PREFETCH: usize = 512;

const TAG_WIDTH: u16 = 256;
const TAG_LENGTH: u16 = 257;
const TAG_ORIENTATION: u16 = 274;

/// True when `b` starts with a TIFF or BigTIFF header in either byte order.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Tiff, b)
}

/// Classic TIFF (32-bit offsets, 12-byte entries) or BigTIFF (64-bit, 20-byte).
#[derive(Clone, Copy)]
struct Layout {
    e: Endian,
    big: bool,
}

impl Layout {
    fn entry_len(self) -> usize {
        if self.big {
            20
        } else {
            12
        }
    }
    fn count_len(self) -> usize {
        if self.big {
            8
        } else {
            2
        }
    }
    /// An offset or count field: 4 bytes in classic, 8 in BigTIFF.
    fn word(self, input: Input<'_>, at: usize) -> Step<u64> {
        if self.big {
            Ok(self.e.u64(input.array(at)?))
        } else {
            Ok(u64::from(self.e.u32(input.array(at)?)))
        }
    }
    /// The first value of an entry whose values fit in the entry itself.
    fn value(self, entry: &[u8]) -> Option<u64> {
        let e = self.e;
        let typ = e.u16(super::read::arr(entry, 2)?);
        let field = if self.big { 12 } else { 8 };
        match typ {
            3 => Some(u64::from(e.u16(super::read::arr(entry, field)?))),
            4 => Some(u64::from(e.u32(super::read::arr(entry, field)?))),
            16 if self.big => Some(e.u64(super::read::arr(entry, field)?)),
            _ => None,
        }
    }
}

/// Reads the image size and orientation.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let h: [u8; 4] = input.array(0)?;
    let e = if &h[..2] == b"II" { Endian::Little } else { Endian::Big };
    let (l, mut ifd, header_len) = match e.u16([h[2], h[3]]) {
        42 => {
            let l = Layout { e, big: false };
            (l, l.word(input, 4)?, 8)
        }
        _ => {
            let b: [u8; 4] = input.array(4)?;
            if e.u16([b[0], b[1]]) != 8 || e.u16([b[2], b[3]]) != 0 {
                return Err(corrupt("BigTIFF header has an unexpected offset size"));
            }
            let l = Layout { e, big: true };
            (l, l.word(input, 8)?, 16)
        }
    };
    let mut seen = [0u64; MAX_IFDS];
    for slot in 0..MAX_IFDS {
        if ifd < header_len {
            return Err(corrupt("TIFF IFD offset is missing or inside the header"));
        }
        if seen.get(..slot).is_some_and(|s| s.contains(&ifd)) {
            return Err(corrupt("TIFF IFD chain loops"));
        }
        if let Some(s) = seen.get_mut(slot) {
            *s = ifd;
        }
        let at = offset(ifd)?;
        input.prefetch(at, PREFETCH)?;
        let count = if l.big { l.word(input, at)? } else { u64::from(e.u16(input.array(at)?)) };
        if count > MAX_ENTRIES {
            return Err(corrupt("TIFF IFD has too many entries"));
        }
        let count = offset(count)?;
        let start = add(at, l.count_len())?;
        let len = count.checked_mul(l.entry_len()).ok_or_else(|| corrupt("TIFF IFD size"))?;
        let entries = input.bytes(start, len)?;
        let (mut w, mut hgt, mut orientation) = (None, None, 1u64);
        for entry in entries.chunks_exact(l.entry_len()) {
            match super::read::arr(entry, 0).map(|b| e.u16(b)).unwrap_or(0) {
                TAG_WIDTH => w = l.value(entry),
                TAG_LENGTH => hgt = l.value(entry),
                TAG_ORIENTATION => orientation = l.value(entry).unwrap_or(1),
                _ => {}
            }
        }
        if let (Some(w), Some(hgt)) = (w, hgt) {
            let width = u32::try_from(w).map_err(|_| corrupt("TIFF width beyond 2^32-1"))?;
            let height = u32::try_from(hgt).map_err(|_| corrupt("TIFF height beyond 2^32-1"))?;
            let orientation = u8::try_from(orientation).unwrap_or(1);
            return Ok(Found { format: Format::Tiff, width, height, orientation });
        }
        ifd = l.word(input, add(start, len)?)?;
        if ifd == 0 {
            return Err(corrupt("TIFF has no image size"));
        }
    }
    Err(corrupt("too many TIFF IFDs without an image size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic little-endian TIFF with IFDs at 8 holding `entries` (tag, type, value).
    fn tiff(entries: &[(u16, u16, u32)], next: u32) -> Vec<u8> {
        let mut v = b"II*\0".to_vec();
        v.extend(8u32.to_le_bytes());
        v.extend((entries.len() as u16).to_le_bytes());
        for &(tag, typ, val) in entries {
            v.extend(tag.to_le_bytes());
            v.extend(typ.to_le_bytes());
            v.extend(1u32.to_le_bytes());
            v.extend(val.to_le_bytes());
        }
        v.extend(next.to_le_bytes());
        v
    }

    fn run(b: &[u8]) -> Step<Found> {
        read(Input { data: b, total: b.len() as u64 })
    }

    #[test]
    fn short_and_long_sizes() {
        let t = tiff(&[(256, 3, 300), (257, 4, 70000), (274, 3, 8)], 0);
        let r = run(&t).ok().map(|f| (f.width, f.height, f.orientation));
        assert_eq!(r, Some((300, 70000, 8)));
    }

    #[test]
    fn loops_and_missing_sizes_fail() {
        assert!(run(&tiff(&[(274, 3, 1)], 8)).is_err());
        assert!(run(&tiff(&[(274, 3, 1)], 0)).is_err());
        assert!(run(&tiff(&[(274, 3, 1)], 4)).is_err());
        assert!(run(&tiff(&[(274, 3, 1)], 1_000_000)).is_err());
        let mut t = tiff(&[], 0);
        t[8] = 0xFF;
        t[9] = 0xFF;
        assert!(run(&t).is_err());
    }

    #[test]
    fn thousands_of_entries_are_read() {
        let mut e: Vec<(u16, u16, u32)> = (0..5000).map(|i| (300 + i as u16, 3, 0)).collect();
        e[2500] = (256, 3, 17);
        e.insert(0, (257, 4, 9));
        let r = run(&tiff(&e, 0)).ok().map(|f| (f.width, f.height));
        assert_eq!(r, Some((17, 9)));
        // A BigTIFF count past 65,535 is still refused.
        let mut b = b"II+\0\x08\0\0\0".to_vec();
        b.extend(16u64.to_le_bytes());
        b.extend(70_000u64.to_le_bytes());
        assert!(matches!(run(&b), Err(super::super::read::Stop::Fail(_))));
    }

    #[test]
    fn the_largest_classic_ifd_is_read_and_fetched_at_once() {
        // 65,535 entries, the size tags last: all 786 KB of entries are read.
        let mut e: Vec<(u16, u16, u32)> = (0..65_533).map(|i| (i as u16, 3, 0)).collect();
        e.extend([(256, 3, 5), (257, 3, 7)]);
        let t = tiff(&e, 0);
        assert_eq!(run(&t).ok().map(|f| (f.width, f.height)), Some((5, 7)));
        // From an empty prefix: header, IFD offset, IFD lead, then every entry at once.
        let (mut have, mut steps) = (0, 0);
        let found = loop {
            match read(Input { data: &t[..have], total: t.len() as u64 }) {
                Err(super::super::read::Stop::More(n)) if n > have && steps < 8 => {
                    (have, steps) = (n, steps + 1);
                }
                r => break r.ok().map(|f| (f.width, f.height)),
            }
        };
        assert_eq!((found, steps), (Some((5, 7)), 4));
        // The same count with its entries cut short is truncated, not refused.
        let cut = &t[..t.len() / 2];
        let r = read(Input { data: cut, total: cut.len() as u64 });
        let code = match r {
            Err(super::super::read::Stop::Fail(e)) => Some(e.code().to_owned()),
            _ => None,
        };
        assert_eq!(code.as_deref(), Some("image.truncated"));
    }
}
