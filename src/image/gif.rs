//! GIF: the logical screen size, which is what viewers and Pillow report.

use super::detect::{self, Kind};
use super::read::{Input, Step};
use super::{Format, Found};

/// True when `b` starts with `GIF87a` or `GIF89a`.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Gif, b)
}

/// Reads the logical screen descriptor's width and height.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let s: [u8; 4] = input.array(6)?;
    let width = u32::from(u16::from_le_bytes([s[0], s[1]]));
    let height = u32::from(u16::from_le_bytes([s[2], s[3]]));
    Ok(Found { format: Format::Gif, width, height, orientation: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_screen_size() {
        let b = b"GIF87a\x10\x01\x02\x00\x00\x00\x00";
        let r = read(Input { data: b, total: b.len() as u64 }).ok();
        assert_eq!(r.map(|f| (f.width, f.height)), Some((272, 2)));
        assert!(read(Input { data: &b[..9], total: 9 }).is_err());
    }
}
