//! Clean aperture (`clap`, ISO/IEC 14496-12): the size a crop leaves, with
//! the rounding libheif decodes with, so HEIF sizes match what users see.

use super::read::{arr, corrupt, Step};

/// `n / d` (d > 0) rounded as C's `(n + d/2) / d` does: half up, truncated toward zero.
fn round_c(n: i64, d: i64) -> Option<i64> {
    n.checked_mul(2)?.checked_add(d)?.checked_div(d.checked_mul(2)?)
}

/// The first edge of a clean aperture: libheif rounds the left one toward
/// zero and the top one to nearest, then places the far edge from it.
#[derive(Clone, Copy)]
enum Edge {
    Left,
    Top,
}

/// One dimension of a clean aperture over `size` pixels, as libheif crops it:
/// first edge `(size-1)/2 + off - (ext-1)/2` rounded per `edge`, far edge
/// `first + ext - 1` rounded, both clamped to the image; an aperture starting
/// past the image is refused, as libheif refuses it. Exact in i64; values
/// past it (denominators beyond 2^31, which libheif's 32-bit fractions
/// cannot hold either) are refused as corrupt.
fn aperture(size: u32, ext: (u32, u32), off: (i32, u32), edge: Edge) -> Step<u32> {
    let (en, ed) = (i64::from(ext.0), i64::from(ext.1));
    let (on, od) = (i64::from(off.0), i64::from(off.1));
    if ed == 0 || od == 0 || en == 0 {
        return Err(corrupt("clap box has a zero denominator or extent"));
    }
    let s = i64::from(size);
    let edges = || -> Option<(i64, i64)> {
        // first = on/od + (size-1)/2 - (en/ed - 1)/2, over the denominator 2·od·ed.
        let oded = od.checked_mul(ed)?;
        let den = oded.checked_mul(2)?;
        let first = on
            .checked_mul(2 * ed)?
            .checked_add((s - 1).checked_mul(oded)?)?
            .checked_sub((en - ed).checked_mul(od)?)?;
        let lo = match edge {
            Edge::Left => first / den,
            Edge::Top => round_c(first, den)?,
        };
        let hi = round_c(lo.checked_mul(ed)?.checked_add(en - ed)?, ed)?;
        Some((lo, hi))
    };
    let (lo, hi) = edges().ok_or_else(|| corrupt("clap values out of range"))?;
    // libheif clamps the far edge as unsigned: one before the image is its last pixel too.
    let hi = if hi < 0 { s - 1 } else { hi.min(s - 1) };
    let lo = lo.max(0);
    if hi < lo {
        return Err(corrupt("clap aperture lies outside the image"));
    }
    u32::try_from(hi - lo + 1).map_err(|_| corrupt("clap size"))
}

/// The size a `clap` body crops `w`×`h` to.
pub(crate) fn crop(body: &[u8], w: u32, h: u32) -> Step<(u32, u32)> {
    let f = |i: usize| arr(body, i * 4).map(u32::from_be_bytes);
    let v: Option<[u32; 8]> = (|| Some([f(0)?, f(1)?, f(2)?, f(3)?, f(4)?, f(5)?, f(6)?, f(7)?]))();
    let v = v.ok_or_else(|| corrupt("clap box too short"))?;
    // Offsets are signed; extents and denominators unsigned (ISO/IEC 14496-12).
    let cw = aperture(w, (v[0], v[1]), (v[4] as i32, v[5]), Edge::Left)?;
    let ch = aperture(h, (v[2], v[3]), (v[6] as i32, v[7]), Edge::Top)?;
    Ok((cw, ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_shifts_and_extremes() {
        // Halves, a shifted centre clamped at the edge, extremes without overflow.
        assert_eq!(aperture(64, (58, 2), (0, 1), Edge::Left).ok(), Some(29));
        assert_eq!(aperture(64, (32, 1), (30, 1), Edge::Left).ok(), Some(18));
        let huge = |edge| aperture(u32::MAX, (u32::MAX, 1), (i32::MIN, 1), edge).ok();
        assert_eq!(huge(Edge::Left), Some((1 << 31) - 1));
        // The top edge -2^31 + 1/2 rounds toward zero, as C's division does.
        assert_eq!(huge(Edge::Top), Some(1 << 31));
        // Denominators past 32-bit fractions are refused, not wrapped.
        assert!(aperture(64, (u32::MAX, u32::MAX), (1, u32::MAX), Edge::Top).is_err());
        assert!(aperture(64, (32, 0), (0, 1), Edge::Left).is_err());
        // Past the image is refused; before it, libheif keeps the whole side.
        assert!(aperture(64, (8, 1), (1000, 1), Edge::Top).is_err());
        assert_eq!(aperture(64, (8, 1), (-1000, 1), Edge::Left).ok(), Some(64));
    }

    /// Clean apertures over a 64x100 x265 HEIC as libheif decoded them, with
    /// an irot before the crop; made by tests/fixtures/images/make_tolerant.py.
    const LIBHEIF_CROPS: &str = include_str!("../../tests/fixtures/libheif-crops.tsv");

    #[test]
    fn clean_apertures_crop_as_libheif_decodes() {
        let mut wrong = Vec::new();
        let rows = LIBHEIF_CROPS.lines().filter(|l| !l.starts_with('#'));
        for row in rows {
            let f: Vec<&str> = row.split('\t').collect();
            let n = |i: usize| f[i].parse::<i64>().expect("number");
            let body: Vec<u8> = (1..9).flat_map(|i| (n(i) as u32).to_be_bytes()).collect();
            // The size the crop sees: the coded 64x100, turned by the irot.
            let (w, h) = if n(0) % 2 == 1 { (100, 64) } else { (64, 100) };
            let got = match crop(&body, w, h) {
                Ok((w, h)) => format!("{w}x{h}"),
                Err(_) => "refused".to_owned(),
            };
            if got != f[9] {
                wrong.push(format!("{row}: got {got}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} crops differ from libheif:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}
