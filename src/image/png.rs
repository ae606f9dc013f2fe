//! PNG: the size sits in IHDR, which the format requires to be the first chunk.

use super::detect::{self, Kind};
use super::read::{corrupt, Input, Step};
use super::{Format, Found};

/// True when `b` starts with the 8-byte PNG signature.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Png, b)
}

/// Reads width and height from IHDR. The CRC is not checked: decoders refuse
/// a bad one anyway, and the probe only needs the two numbers.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let h: [u8; 24] = input.array(0)?;
    if &h[12..16] != b"IHDR" {
        return Err(corrupt("PNG does not start with IHDR"));
    }
    if h[8..12] != [0, 0, 0, 13] {
        return Err(corrupt("PNG IHDR length is not 13"));
    }
    let width = u32::from_be_bytes([h[16], h[17], h[18], h[19]]);
    let height = u32::from_be_bytes([h[20], h[21], h[22], h[23]]);
    Ok(Found { format: Format::Png, width, height, orientation: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(chunk: &[u8; 4], len: u32, w: u32, h: u32) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend(len.to_be_bytes());
        v.extend(chunk);
        v.extend(w.to_be_bytes());
        v.extend(h.to_be_bytes());
        v.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        v
    }

    #[test]
    fn reads_ihdr_and_refuses_others() {
        let ok = png(b"IHDR", 13, 1 << 31, 7);
        let r = read(Input { data: &ok, total: ok.len() as u64 }).ok();
        assert_eq!(r.map(|f| (f.width, f.height)), Some((1 << 31, 7)));
        let bad = png(b"gAMA", 13, 1, 1);
        assert!(read(Input { data: &bad, total: bad.len() as u64 }).is_err());
        let bad = png(b"IHDR", 12, 1, 1);
        assert!(read(Input { data: &bad, total: bad.len() as u64 }).is_err());
    }
}
