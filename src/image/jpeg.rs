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
/// Bytes skipped before one marker (stray bytes, `FF 00`, 0xFF fill), as
/// libjpeg skips them with a warning. One maximal segment (65,535 bytes) is the
/// most a single miscounted length can leave behind; a longer gap is no header.
const MAX_GAP: usize = 65_537;
/// Bytes skipped before markers over the whole header, so that a file of
/// many short gaps cannot keep the reader scanning far past any real header.
const MAX_STRAY: usize = 1 << 20;
/// Bytes asked for at once while scanning a gap, so a prefix reader takes few steps.
const GAP_PREFETCH: usize = 4096;
/// Segments after which a marker past the prefix asks GAP_PREFETCH bytes: real
/// files have tens, and a file of thousands of tiny segments then takes few steps.
const FEW_SEGMENTS: usize = 64;

/// True when `b` starts with SOI followed by a marker byte.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Jpeg, b)
}

/// True for the start-of-frame markers: C0–CF but DHT (C4), JPG (C8), DAC (CC).
fn is_sof(m: u8) -> bool {
    (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

/// The next marker code at `pos`, skipping what libjpeg's `next_marker`
/// skips: bytes other than 0xFF, `FF 00` (a stuffed zero is not a marker) and
/// 0xFF fill. Leaves `pos` after the code.
fn next_marker(input: Input<'_>, pos: &mut usize, stray: &mut usize) -> Step<u8> {
    let start = *pos;
    loop {
        let skipped = *pos - start;
        if skipped > MAX_GAP {
            return Err(corrupt("no JPEG marker within 64 KiB"));
        }
        if *stray + skipped > MAX_STRAY {
            return Err(corrupt("too many stray bytes between JPEG markers"));
        }
        if skipped > 0 && skipped % GAP_PREFETCH == 1 {
            input.prefetch(*pos, GAP_PREFETCH)?;
        }
        if input.u8(*pos)? != 0xFF {
            *pos = add(*pos, 1)?;
            continue;
        }
        // 0xFF fill, then the code; FF 00 is data, so the scan goes on after it.
        let mut at = add(*pos, 1)?;
        while input.u8(at)? == 0xFF && at - start <= MAX_GAP {
            at = add(at, 1)?;
        }
        let code = input.u8(at)?;
        *pos = add(at, 1)?;
        if code != 0 && code != 0xFF {
            *stray += at - start - 1;
            return Ok(code);
        }
    }
}

/// Reads the frame size and EXIF orientation.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let mut pos = 2;
    let mut orientation = 1;
    let mut seen_exif = false;
    let mut stray = 0usize;
    for n in 0..MAX_SEGMENTS {
        // One step fetches the marker, its length, a frame header or an EXIF lead.
        if n >= FEW_SEGMENTS && input.prefetch(pos, PREFETCH).is_err() {
            input.prefetch(pos, GAP_PREFETCH)?;
        }
        input.prefetch(pos, PREFETCH)?;
        let marker = next_marker(input, &mut pos, &mut stray)?;
        match marker {
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD8..=0xDA => return Err(corrupt("no JPEG frame header before the scan")),
            // Reserved, JPG, DHP, EXP and JPGn: libjpeg stops at them, and so do Chromium and Pillow.
            0x02..=0xBF | 0xC8 | 0xDE | 0xDF | 0xF0..=0xFD => {
                return Err(corrupt("a reserved JPEG marker before the frame header"))
            }
            _ => {}
        }
        let mut len = usize::from(u16::from_be_bytes(input.array::<2>(pos)?));
        if len < 2 {
            // libjpeg skips an APPn or COM of length 0 or 1 as empty (and so
            // does Chromium); any other segment that short is an error there.
            if !matches!(marker, 0xE0..=0xEF | 0xFE) {
                return Err(corrupt("JPEG segment length below 2"));
            }
            len = 2;
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

    /// NeedMore steps from an empty prefix to the result.
    fn steps(f: &[u8]) -> (usize, Option<(u32, u32)>) {
        let (mut have, mut n) = (0, 0);
        loop {
            match read(Input { data: &f[..have], total: f.len() as u64 }) {
                Err(Stop::More(m)) if m > have && n < 10_000 => (have, n) = (m, n + 1),
                r => return (n, r.ok().map(|x| (x.width, x.height))),
            }
        }
    }

    #[test]
    fn thousands_of_tiny_segments_take_few_steps() {
        let mut f = vec![0xFF, 0xD8];
        for _ in 0..4000 {
            f.extend([0xFF, 0xFE, 0, 2]);
        }
        f.extend(sof(0xC0, 30, 20));
        let (n, size) = steps(&f);
        assert_eq!(size, Some((30, 20)));
        assert!(n <= FEW_SEGMENTS + 8, "{n} steps");
        // Past the segment bound it is still refused.
        f.splice(2..2, [0xFF, 0xFE, 0, 2].repeat(MAX_SEGMENTS));
        assert!(matches!(run(&f), Err(Stop::Fail(_))));
    }

    #[test]
    fn bad_lengths_and_missing_frames_fail() {
        assert!(run(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1]).is_err());
        assert!(run(&[0xFF, 0xD8, 0xFF, 0xDB, 0, 1, 0xFF, 0xC0]).is_err());
        assert!(run(&[0xFF, 0xD8, 0xFF, 0xD9]).is_err());
        assert!(run(&[0xFF, 0xD8, 0x12, 0x34]).is_err());
        let mut fill = vec![0xFF, 0xD8];
        fill.extend([0xFF; 200]);
        assert!(run(&fill).is_err());
    }

    fn with_sof_after(gap: &[u8]) -> Vec<u8> {
        let mut f = vec![0xFF, 0xD8];
        f.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        f.extend_from_slice(gap);
        f.extend(sof(0xC0, 29, 100));
        f
    }

    #[test]
    fn stray_bytes_stuffed_zeros_and_fill_are_skipped_as_libjpeg_does() {
        let size = |f: &[u8]| run(f).ok().map(|x| (x.width, x.height));
        assert_eq!(size(&with_sof_after(b"junk")), Some((29, 100)));
        assert_eq!(size(&with_sof_after(&[0xFF, 0x00, 0x12])), Some((29, 100)));
        assert_eq!(size(&with_sof_after(&[0xFF; 300])), Some((29, 100)));
        assert_eq!(size(&with_sof_after(&[0x55; MAX_GAP])), Some((29, 100)));
        // A cut-short APP14: its length ends inside the Adobe fields.
        let mut f = vec![0xFF, 0xD8, 0xFF, 0xEE, 0, 7];
        f.extend(b"Adobe\0\x64\0\0\0\0\x01");
        f.extend(sof(0xC0, 29, 100));
        assert_eq!(size(&f), Some((29, 100)));
        // An APPn or COM claiming a length of 0 or 1 is read as empty.
        for m in [0xE0, 0xED, 0xFE] {
            let mut f = vec![0xFF, 0xD8, 0xFF, m, 0, 1];
            f.extend(sof(0xC0, 29, 100));
            assert_eq!(size(&f), Some((29, 100)), "marker {m:x}");
        }
    }

    #[test]
    fn reserved_markers_are_refused_as_libjpeg_refuses_them() {
        let code = |m: u8| {
            let mut f = vec![0xFF, 0xD8];
            f.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
            f.extend(if matches!(m, 0x01 | 0xD0) { vec![0xFF, m] } else { seg(m, &[0, 0]) });
            f.extend(sof(0xC0, 29, 100));
            match run(&f) {
                Ok(x) => format!("{}x{}", x.width, x.height),
                Err(Stop::Fail(e)) => e.code().to_owned(),
                Err(Stop::More(_)) => "more".to_owned(),
            }
        };
        // Chromium decodes these: TEM, RST0, DNL, DRI before the frame header.
        for m in [0x01, 0xD0, 0xDC, 0xDD] {
            assert_eq!(code(m), "29x100", "marker {m:x}");
        }
        // Chromium, Pillow and libjpeg refuse reserved markers, JPG and JPGn.
        for m in [0x02, 0x4F, 0xB5, 0xBF, 0xC8, 0xDE, 0xDF, 0xF0, 0xF7, 0xFD] {
            assert_eq!(code(m), "image.corrupt", "marker {m:x}");
        }
    }

    #[test]
    fn gaps_past_the_bound_and_missing_frames_still_fail() {
        let code = |f: &[u8]| match run(f) {
            Err(Stop::Fail(e)) => Some(e.code().to_owned()),
            _ => None,
        };
        let long = with_sof_after(&vec![0x55; MAX_GAP + 2]);
        assert_eq!(code(&long).as_deref(), Some("image.corrupt"));
        // Junk with no frame header at all: the scan ends at the end of the file.
        let mut f = vec![0xFF, 0xD8];
        f.extend([0x20; 100]);
        assert_eq!(code(&f).as_deref(), Some("image.truncated"));
        let mut eoi = with_sof_after(b"junk");
        eoi.truncate(eoi.len() - 13);
        eoi.extend([0xFF, 0xD9]);
        assert_eq!(code(&eoi).as_deref(), Some("image.corrupt"));
    }
}
