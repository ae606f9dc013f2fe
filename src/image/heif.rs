//! HEIF/HEIC and AVIF (ISO base media files told apart by their `ftyp`
//! brands). The size is the `ispe` property of the primary item (`pitm`,
//! found through `ipma`); its `irot`/`imir` properties, applied in `ipma`
//! order, become the equivalent EXIF orientation, so display sizes follow.
//! Without `pitm`/`ipma` the largest `ispe` is taken, orientation 1.

use super::detect::{self, Kind};
use super::read::{add, arr, corrupt, offset, Input, Step, Stop};
use super::{Format, Found};
use crate::error::Error;

/// Top-level boxes walked at most before `meta`.
const MAX_TOP_BOXES: usize = 64;
/// Child boxes walked at most in one container.
const MAX_CHILDREN: usize = 4096;
/// `ipma` entries read at most.
const MAX_ITEMS: u32 = 65536;
/// Largest `ftyp` box accepted; real ones hold a handful of brands.
const MAX_FTYP: usize = 1024;

const AVIF_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];
const HEIF_BRANDS: [&[u8; 4]; 8] =
    [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"];

/// The format named by an `ftyp` body's major and compatible brands, if any;
/// AVIF wins because AVIF files also list the generic `mif1`.
fn brand_format(ftyp: &[u8]) -> Option<Format> {
    let brands =
        || ftyp.get(..4).into_iter().chain(ftyp.get(8..).unwrap_or_default().chunks_exact(4));
    if brands().any(|b| AVIF_BRANDS.iter().any(|a| a[..] == *b)) {
        Some(Format::Avif)
    } else if brands().any(|b| HEIF_BRANDS.iter().any(|a| a[..] == *b)) {
        Some(Format::Heif)
    } else {
        None
    }
}

/// True when `b` starts with an `ftyp` box, held whole, naming a HEIF or AVIF brand.
pub fn matches(b: &[u8]) -> bool {
    detect::is(Kind::Isobmff, b) && format(b).is_some()
}

/// HEIF or AVIF, for a prefix holding the whole `ftyp` box.
pub(crate) fn format(b: &[u8]) -> Option<Format> {
    let size = arr::<4>(b, 0).map(u32::from_be_bytes).and_then(|s| usize::try_from(s).ok());
    size.and_then(|s| b.get(8..s)).and_then(brand_format)
}

/// A box: its type and body.
type Bx<'a> = ([u8; 4], &'a [u8]);

/// Splits one box off the front of `s`: (type, body, rest).
fn split(s: &[u8]) -> Option<(Bx<'_>, &[u8])> {
    let size = u32::from_be_bytes(arr(s, 0)?);
    let typ: [u8; 4] = arr(s, 4)?;
    let (hdr, size) = match size {
        0 => (8, s.len()),
        1 => (16, usize::try_from(u64::from_be_bytes(arr(s, 8)?)).ok()?),
        n => (8, usize::try_from(n).ok()?),
    };
    let body = s.get(hdr..size)?;
    Some(((typ, body), s.get(size..)?))
}

/// The child boxes of a container body, in order; a malformed box ends the
/// walk with an error.
fn children(mut s: &[u8]) -> impl Iterator<Item = Result<Bx<'_>, Stop>> {
    let mut left = MAX_CHILDREN;
    std::iter::from_fn(move || {
        if s.is_empty() {
            return None;
        }
        if left == 0 {
            s = &[];
            return Some(Err(corrupt("too many boxes")));
        }
        left -= 1;
        match split(s) {
            Some((b, rest)) => {
                s = rest;
                Some(Ok(b))
            }
            None => {
                s = &[];
                Some(Err(corrupt("box runs past its container")))
            }
        }
    })
}

/// The first child of type `t`.
fn child<'a>(s: &'a [u8], t: &[u8; 4]) -> Step<Option<&'a [u8]>> {
    for b in children(s) {
        let (typ, body) = b?;
        if &typ == t {
            return Ok(Some(body));
        }
    }
    Ok(None)
}

/// Reads the size and orientation of the primary image.
pub(crate) fn read(input: Input<'_>) -> Step<Found> {
    let size = offset(u64::from(u32::from_be_bytes(input.array(0)?)))?;
    if !(16..=MAX_FTYP).contains(&size) {
        return Err(corrupt("ftyp box size out of range"));
    }
    let format = brand_format(input.bytes(8, size - 8)?).ok_or_else(|| {
        Stop::Fail(Error::invalid_image(
            "image.unknown_format",
            "an ISO media file that is neither HEIF nor AVIF",
        ))
    })?;
    let mut pos = size;
    for _ in 0..MAX_TOP_BOXES {
        if pos as u64 >= input.total {
            return Err(corrupt("no meta box"));
        }
        input.prefetch(pos, 16)?;
        let h: [u8; 8] = input.array(pos)?;
        let (hdr, len) = match u32::from_be_bytes([h[0], h[1], h[2], h[3]]) {
            0 => (8, input.total.saturating_sub(pos as u64)),
            1 => (16, u64::from_be_bytes(input.array(add(pos, 8)?)?)),
            n => (8, u64::from(n)),
        };
        let len = offset(len)?;
        if len < hdr {
            return Err(corrupt("box smaller than its header"));
        }
        if &h[4..8] == b"meta" {
            let meta = input.bytes(add(pos, hdr)?, len - hdr)?;
            let (width, height, orientation) = read_meta(meta)?;
            return Ok(Found { format, width, height, orientation });
        }
        pos = add(pos, len)?;
    }
    Err(corrupt("too many boxes before meta"))
}

/// EXIF orientation equivalent to irot/imir: `r` quarter-turns clockwise
/// applied after an optional left-right flip `f`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Turn {
    r: u8,
    f: bool,
}

impl Turn {
    /// `irot`: `a` quarter-turns anticlockwise.
    fn rotate_ccw(self, a: u8) -> Turn {
        Turn { r: (self.r + 4 - (a & 3)) % 4, f: self.f }
    }
    /// `imir`: mode 0 swaps top and bottom, mode 1 swaps left and right.
    fn mirror(self, mode: u8) -> Turn {
        let base = if mode & 1 == 0 { 2 } else { 4 };
        Turn { r: (base + 4 - self.r) % 4, f: !self.f }
    }
    fn exif(self) -> u8 {
        match (self.r, self.f) {
            (0, false) => 1,
            (0, true) => 2,
            (2, false) => 3,
            (2, true) => 4,
            (3, true) => 5,
            (1, false) => 6,
            (1, true) => 7,
            _ => 8,
        }
    }
}

/// Width and height of an `ispe` body (a full box).
fn ispe(body: &[u8]) -> Step<(u32, u32)> {
    let w = arr(body, 4).map(u32::from_be_bytes);
    let h = arr(body, 8).map(u32::from_be_bytes);
    w.zip(h).ok_or_else(|| corrupt("ispe box too short"))
}

/// The `k`-th (1-based) property in `ipco`.
fn property(ipco: &[u8], k: u16) -> Step<Option<Bx<'_>>> {
    match children(ipco).nth(usize::from(k).wrapping_sub(1)) {
        Some(b) => b.map(Some),
        None => Ok(None),
    }
}

/// The size and orientation from a `meta` body.
fn read_meta(meta: &[u8]) -> Step<(u32, u32, u8)> {
    let body = meta.get(4..).ok_or_else(|| corrupt("meta box too short"))?;
    let iprp = child(body, b"iprp")?.ok_or_else(|| corrupt("no iprp box"))?;
    let ipco = child(iprp, b"ipco")?.ok_or_else(|| corrupt("no ipco box"))?;
    let primary = match child(body, b"pitm")? {
        Some(p) => match p.first() {
            Some(0) => arr(p, 4).map(u16::from_be_bytes).map(u32::from),
            Some(_) => arr(p, 4).map(u32::from_be_bytes),
            None => None,
        },
        None => None,
    };
    if let Some(id) = primary {
        for b in children(iprp) {
            let (typ, ipma) = b?;
            if &typ == b"ipma" {
                if let Some(found) = primary_props(ipma, ipco, id)? {
                    return Ok(found);
                }
            }
        }
    }
    // No usable association: the largest ispe is the main image's.
    let mut best: Option<(u32, u32)> = None;
    for b in children(ipco) {
        let (typ, body) = b?;
        if &typ == b"ispe" {
            let (w, h) = ispe(body)?;
            if best
                .is_none_or(|(bw, bh)| u64::from(w) * u64::from(h) > u64::from(bw) * u64::from(bh))
            {
                best = Some((w, h));
            }
        }
    }
    best.map(|(w, h)| (w, h, 1)).ok_or_else(|| corrupt("no ispe property"))
}

/// The size and orientation of item `id` from one `ipma`, if it lists the item.
fn primary_props(ipma: &[u8], ipco: &[u8], id: u32) -> Step<Option<(u32, u32, u8)>> {
    let short = || corrupt("ipma box too short");
    let version = *ipma.first().ok_or_else(short)?;
    let wide = ipma.get(3).ok_or_else(short)? & 1 != 0;
    let count = arr(ipma, 4).map(u32::from_be_bytes).ok_or_else(short)?;
    let mut pos: usize = 8;
    for _ in 0..count.min(MAX_ITEMS) {
        let item = if version < 1 {
            let v = arr(ipma, pos).map(u16::from_be_bytes).map(u32::from);
            pos = add(pos, 2)?;
            v
        } else {
            let v = arr(ipma, pos).map(u32::from_be_bytes);
            pos = add(pos, 4)?;
            v
        }
        .ok_or_else(short)?;
        let n = usize::from(*ipma.get(pos).ok_or_else(short)?);
        pos = add(pos, 1)?;
        let step = if wide { 2 } else { 1 };
        let list = ipma.get(pos..add(pos, n * step)?).ok_or_else(short)?;
        pos = add(pos, n * step)?;
        if item != id {
            continue;
        }
        let (mut size, mut turn) = (None, Turn::default());
        for a in list.chunks_exact(step) {
            let k = match a {
                [hi, lo] => u16::from_be_bytes([hi & 0x7F, *lo]),
                [b] => u16::from(b & 0x7F),
                _ => 0,
            };
            let Some((typ, body)) = property(ipco, k)? else { continue };
            match &typ {
                b"ispe" => size = Some(ispe(body)?),
                b"irot" => turn = turn.rotate_ccw(body.first().copied().unwrap_or(0)),
                b"imir" => turn = turn.mirror(body.first().copied().unwrap_or(0)),
                _ => {}
            }
        }
        let (w, h) = size.ok_or_else(|| corrupt("primary item has no ispe"))?;
        return Ok(Some((w, h, turn.exif())));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(t: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend(t);
        v.extend(body);
        v
    }

    fn ispe_box(w: u32, h: u32) -> Vec<u8> {
        let mut b = vec![0; 4];
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        bx(b"ispe", &b)
    }

    /// ftyp + meta whose primary item 2 has props 2 (ispe 40x30) then `extra`.
    fn file(brand: &[u8; 4], extra: &[Vec<u8>]) -> Vec<u8> {
        let mut ftyp = brand.to_vec();
        ftyp.extend([0; 4]);
        ftyp.extend(b"mif1");
        let mut ipco = ispe_box(8, 6);
        ipco.extend(ispe_box(40, 30));
        for e in extra {
            ipco.extend(e);
        }
        let mut ipma = vec![0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 1, 0x81, 0, 2];
        ipma.push(1 + extra.len() as u8);
        ipma.push(0x82);
        for i in 0..extra.len() {
            ipma.push(3 + i as u8);
        }
        let mut iprp = bx(b"ipco", &ipco);
        iprp.extend(bx(b"ipma", &ipma));
        let mut meta = vec![0; 4];
        meta.extend(bx(b"pitm", &[0, 0, 0, 0, 0, 2]));
        meta.extend(bx(b"iprp", &iprp));
        let mut v = bx(b"ftyp", &ftyp);
        v.extend(bx(b"mdat", &[0; 100]));
        v.extend(bx(b"meta", &meta));
        v
    }

    fn run(b: &[u8]) -> Option<(Format, u32, u32, u8)> {
        read(Input { data: b, total: b.len() as u64 })
            .ok()
            .map(|f| (f.format, f.width, f.height, f.orientation))
    }

    #[test]
    fn primary_item_and_transforms() {
        assert_eq!(run(&file(b"heic", &[])), Some((Format::Heif, 40, 30, 1)));
        assert_eq!(run(&file(b"avif", &[bx(b"irot", &[1])])), Some((Format::Avif, 40, 30, 8)));
        assert_eq!(run(&file(b"heic", &[bx(b"irot", &[3])])).map(|r| r.3), Some(6));
        assert_eq!(run(&file(b"heic", &[bx(b"imir", &[1])])).map(|r| r.3), Some(2));
        assert_eq!(run(&file(b"heic", &[bx(b"imir", &[0])])).map(|r| r.3), Some(4));
        let both = [bx(b"irot", &[1]), bx(b"imir", &[0])];
        assert_eq!(run(&file(b"heic", &both)).map(|r| r.3), Some(5));
        let both = [bx(b"irot", &[1]), bx(b"imir", &[1])];
        assert_eq!(run(&file(b"heic", &both)).map(|r| r.3), Some(7));
        let mut mp4 = file(b"isom", &[]);
        if let Some(b) = mp4.get_mut(16..20) {
            b.copy_from_slice(b"mp41");
        }
        assert!(run(&mp4).is_none());
    }

    #[test]
    fn turns_compose_like_exif() {
        let t = Turn::default();
        assert_eq!(t.rotate_ccw(2).exif(), 3);
        assert_eq!(t.mirror(1).rotate_ccw(1).exif(), 5);
        assert_eq!(t.mirror(1).rotate_ccw(3).exif(), 7);
        assert_eq!(t.mirror(1).mirror(1).exif(), 1);
    }
}
