//! JPEG: walk the marker segments by their lengths up to the frame header
//! (SOFn), reading EXIF orientation from the first `Exif` APP1 on the way.
//! An EXIF thumbnail lives inside APP1, so skipping by length never sees its SOF.

use super::detect::{self, Kind};
use super::exif;
use super::read::{add, corrupt, Input, Step};
use super::{Format, Found};

/// Segments walked at most before the frame header; real files have tens.
const MAX_SEGMENTS: usize = 4096;
/// Bytes asked for at each marker: marker, length, and SOF fields or `Exif\0\0`.
const PREFETCH: usize = 16;
/// 0xFF fill bytes tolerated before one marker.
const MAX_FILL: usize = 64;

/// True when `b` starts with SOI followed by a marker byte.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Jpeg, b)
}

/// True for the start-of-frame markers: C0–CF but DHT (C4), JPG (C8), DAC (CC).
fn is_sof(m: u8) -> bool {
    (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

/// Reads the frame size and EXIF orientation.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let mut pos = 2;
    let mut orientation = 1;
    let mut seen_exif = false;
    for _ in 0..MAX_SEGMENTS {
        // One step fetches the marker, its length, a frame header or an EXIF lead.
        input.prefetch(pos, PREFETCH)?;
        // A marker is 0xFF, optional 0xFF fill, then a non-0xFF code.
        let mut fill = 0;
        let marker = loop {
            if input.u8(pos)? != 0xFF {
                return Err(corrupt("expected a JPEG marker"));
            }
            pos = add(pos, 1)?;
            let code = input.u8(pos)?;
            if code != 0xFF {
                pos = add(pos, 1)?;
                break code;
            }
            fill += 1;
            if fill > MAX_FILL {
                return Err(corrupt("too many JPEG fill bytes"));
            }
        };
        match marker {
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD8 | 0xD9 | 0xDA | 0x00 => {
                return Err(corrupt("no JPEG frame header before the scan"))
            }
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes(input.array::<2>(pos)?));
        if len < 2 {
            return Err(corrupt("JPEG segment length below 2"));
        }
        let body = add(pos, 2)?;
        if is_sof(marker) {
            let f: [u8; 5] = input.array(body)?;
            if len < 8 {
                return Err(corrupt("JPEG frame header too short"));
            }
            let height = u32::from(u16::from_be_bytes([f[1], f[2]]));
            let width = u32::from(u16::from_be_bytes([f[3], f[4]]));
            return Ok(Found { format: Format::Jpeg, width, height, orientation });
        }
        let next = add(pos, len)?;
        if marker == 0xE1 && !seen_exif {
            // Only an EXIF APP1 is read in full; the first one is the camera's.
            let lead = input.bytes(body, 6.min(len - 2))?;
            if lead == b"Exif\0\0" {
                seen_exif = true;
                let seg = input.bytes(body, len - 2)?;
                orientation = exif::orientation(exif::strip_lead(seg));
            }
        }
        pos = next;
    }
    Err(corrupt("too many JPEG segments before the frame header"))
}

#[cfg(test)]
mod tests {
    use super::super::read::Stop;
    use super::*;

    fn seg(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    fn sof(marker: u8, w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![8];
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[1, 1, 0x11, 0]);
        seg(marker, &b)
    }

    fn run(b: &[u8]) -> Step<Found> {
        read(Input { data: b, total: b.len() as u64 })
    }

    #[test]
    fn every_sof_marker_counts_and_others_do_not() {
        for m in 0xC0..=0xCFu8 {
            let mut f = vec![0xFF, 0xD8];
            f.extend(sof(m, 30, 20));
            let r = run(&f);
            if is_sof(m) {
                let r = r.ok().map(|x| (x.width, x.height));
                assert_eq!(r, Some((30, 20)), "marker {m:x}");
            } else {
                assert!(r.is_err(), "marker {m:x}");
            }
        }
    }

    #[test]
    fn skips_exif_thumbnail_and_reads_orientation() {
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(super::super::exif::tests::tiff_with_orientation(true, 6));
        // A thumbnail's own SOF inside APP1 must not be taken.
        app1.extend([0xFF, 0xD8]);
        app1.extend(sof(0xC0, 8, 6));
        let mut f = vec![0xFF, 0xD8];
        f.extend(seg(0xE1, &app1));
        f.extend([0xFF, 0xFF]); // fill byte before the next marker
        f.extend(sof(0xC2, 640, 480));
        let r = run(&f).ok().map(|x| (x.width, x.height, x.orientation));
        assert_eq!(r, Some((640, 480, 6)));
    }

    #[test]
    fn skipping_a_segment_asks_only_for_the_next_marker() {
        let mut f = vec![0xFF, 0xD8];
        f.extend(seg(0xE2, &[0u8; 60000]));
        f.extend(seg(0xFE, &[0u8; 100]));
        f.extend(sof(0xC0, 1, 1));
        let r = read(Input { data: &f[..100], total: f.len() as u64 });
        assert!(matches!(r, Err(Stop::More(n)) if n == 2 + 60004 + PREFETCH));
    }

    #[test]
    fn bad_lengths_and_missing_frames_fail() {
        assert!(run(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1]).is_err());
        assert!(run(&[0xFF, 0xD8, 0xFF, 0xD9]).is_err());
        assert!(run(&[0xFF, 0xD8, 0x12, 0x34]).is_err());
        let mut fill = vec![0xFF, 0xD8];
        fill.extend([0xFF; 200]);
        assert!(run(&fill).is_err());
    }
}
