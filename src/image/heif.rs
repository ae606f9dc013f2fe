//! HEIF/HEIC and AVIF (ISO base media files told apart by their `ftyp`
//! brands). The size is the `ispe` property of the primary item (`pitm`,
//! found through `ipma`); its `irot`/`imir` properties, applied in `ipma`
//! order, become the equivalent EXIF orientation, so display sizes follow.
//! A `clap` crops (libheif's rounding, in exact rationals); a derived primary
//! takes a `grid`'s output size or an `iden`'s source (via `dimg`), then its
//! own transforms. Without `pitm`/`ipma` the largest `ispe` is taken, orientation 1.

use super::clap;
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
            let (width, height, orientation) = read_meta(input, meta)?;
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

/// Derived items followed at most from the primary (iden of iden of …).
const MAX_DEPTH: usize = 8;

/// The boxes of a `meta` body that locate items and their properties.
struct Meta<'a> {
    body: &'a [u8],
    iprp: &'a [u8],
    ipco: &'a [u8],
}

/// An item's size in its coded orientation, after crops, and its turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Geometry {
    w: u32,
    h: u32,
    turn: Turn,
}

/// The size and orientation from a `meta` body.
fn read_meta(input: Input<'_>, meta: &[u8]) -> Step<(u32, u32, u8)> {
    let body = meta.get(4..).ok_or_else(|| corrupt("meta box too short"))?;
    let iprp = child(body, b"iprp")?.ok_or_else(|| corrupt("no iprp box"))?;
    let ipco = child(iprp, b"ipco")?.ok_or_else(|| corrupt("no ipco box"))?;
    let m = Meta { body, iprp, ipco };
    let primary = match child(body, b"pitm")? {
        Some(p) => match p.first() {
            Some(0) => arr(p, 4).map(u16::from_be_bytes).map(u32::from),
            Some(_) => arr(p, 4).map(u32::from_be_bytes),
            None => None,
        },
        None => None,
    };
    if let Some(id) = primary {
        if let Some(g) = geometry(input, &m, id, MAX_DEPTH)? {
            return Ok((g.w, g.h, g.turn.exif()));
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

/// The displayed geometry of item `id`: a coded item's `ispe`, a `grid`'s
/// output size, an `iden`'s source; then its own clap/irot/imir in ipma order.
/// None for a coded item that no ipma lists.
fn geometry(input: Input<'_>, m: &Meta<'_>, id: u32, depth: usize) -> Step<Option<Geometry>> {
    let props = item_props(m, id)?;
    let base = match item_type(m.body, id)? {
        Some(t) if &t == b"grid" => {
            let data = item_data(input, m.body, id)?;
            let (w, h) = grid_size(data)?;
            Some(Geometry { w, h, turn: Turn::default() })
        }
        Some(t) if &t == b"iden" => {
            let src = first_ref(m.body, b"dimg", id)?
                .ok_or_else(|| corrupt("iden item has no dimg reference"))?;
            if depth == 0 || src == id {
                return Err(corrupt("derived items nest too deep"));
            }
            let g = geometry(input, m, src, depth - 1)?;
            Some(g.ok_or_else(|| corrupt("iden source has no properties"))?)
        }
        _ => None,
    };
    // A derived item has its size without properties; a coded one needs its ispe.
    let props = match (base, props) {
        (_, Some(p)) => p,
        (Some(_), None) => Vec::new(),
        (None, None) => return Ok(None),
    };
    let mut g = match base {
        Some(g) => g,
        None => {
            let size = props.iter().find(|(t, _)| t == b"ispe");
            let (w, h) = ispe(size.ok_or_else(|| corrupt("primary item has no ispe"))?.1)?;
            Geometry { w, h, turn: Turn::default() }
        }
    };
    for (typ, body) in props {
        g = transform(g, typ, body)?;
    }
    Ok(Some(g))
}

/// `g` after one property: irot and imir turn it, clap crops it, others leave it.
fn transform(mut g: Geometry, typ: [u8; 4], body: &[u8]) -> Step<Geometry> {
    match &typ {
        b"irot" => g.turn = g.turn.rotate_ccw(body.first().copied().unwrap_or(0)),
        b"imir" => g.turn = g.turn.mirror(body.first().copied().unwrap_or(0)),
        b"clap" => {
            // A crop after a quarter turn names the coded height as its width.
            let swapped = g.turn.r % 2 == 1;
            let (cw, ch) = if swapped { (g.h, g.w) } else { (g.w, g.h) };
            let (nw, nh) = clap::crop(body, cw, ch)?;
            (g.w, g.h) = if swapped { (nh, nw) } else { (nw, nh) };
        }
        _ => {}
    }
    Ok(g)
}

/// The properties associated with item `id`, in ipma order, if an ipma lists it.
fn item_props<'a>(m: &Meta<'a>, id: u32) -> Step<Option<Vec<Bx<'a>>>> {
    for b in children(m.iprp) {
        let (typ, ipma) = b?;
        if &typ == b"ipma" {
            if let Some(list) = ipma_list(ipma, m.ipco, id)? {
                return Ok(Some(list));
            }
        }
    }
    Ok(None)
}

/// The properties one `ipma` associates with item `id`, if it lists the item.
fn ipma_list<'a>(ipma: &[u8], ipco: &'a [u8], id: u32) -> Step<Option<Vec<Bx<'a>>>> {
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
        let mut props = Vec::new();
        for a in list.chunks_exact(step) {
            let k = match a {
                [hi, lo] => u16::from_be_bytes([hi & 0x7F, *lo]),
                [b] => u16::from(b & 0x7F),
                _ => 0,
            };
            if let Some(p) = property(ipco, k)? {
                props.push(p);
            }
        }
        return Ok(Some(props));
    }
    Ok(None)
}

/// The `output_width`/`output_height` of an ImageGrid item's data.
fn grid_size(d: &[u8]) -> Step<(u32, u32)> {
    let short = || corrupt("grid data too short");
    // Only version 0 is defined; libheif does not read another as a grid either.
    if *d.first().ok_or_else(short)? != 0 {
        return Err(corrupt("grid data of an unknown version"));
    }
    let flags = *d.get(1).ok_or_else(short)?;
    let (w, h) = if flags & 1 == 0 {
        let w = arr(d, 4).map(u16::from_be_bytes).ok_or_else(short)?;
        let h = arr(d, 6).map(u16::from_be_bytes).ok_or_else(short)?;
        (u32::from(w), u32::from(h))
    } else {
        let w = arr(d, 4).map(u32::from_be_bytes).ok_or_else(short)?;
        (w, arr(d, 8).map(u32::from_be_bytes).ok_or_else(short)?)
    };
    Ok((w, h))
}

/// The item type of `id` from `iinf` (infe version 2 or 3).
fn item_type(body: &[u8], id: u32) -> Step<Option<[u8; 4]>> {
    let Some(iinf) = child(body, b"iinf")? else { return Ok(None) };
    let skip = if iinf.first() == Some(&0) { 6 } else { 8 };
    for b in children(iinf.get(skip..).unwrap_or_default()) {
        let (typ, infe) = b?;
        if &typ != b"infe" {
            continue;
        }
        let (item, t) = match infe.first() {
            Some(2) => (arr(infe, 4).map(u16::from_be_bytes).map(u32::from), arr(infe, 8)),
            Some(3) => (arr(infe, 4).map(u32::from_be_bytes), arr(infe, 10)),
            _ => (None, None),
        };
        if item == Some(id) {
            return Ok(t);
        }
    }
    Ok(None)
}

/// The first item that `from` refers to with a reference of type `t` in `iref`.
fn first_ref(body: &[u8], t: &[u8; 4], from: u32) -> Step<Option<u32>> {
    let Some(iref) = child(body, b"iref")? else { return Ok(None) };
    let wide = iref.first().copied().unwrap_or(0) != 0;
    let id_at = |b: &[u8], at: usize| {
        if wide {
            arr(b, at).map(u32::from_be_bytes)
        } else {
            arr(b, at).map(u16::from_be_bytes).map(u32::from)
        }
    };
    let n = if wide { 4 } else { 2 };
    for b in children(iref.get(4..).unwrap_or_default()) {
        let (typ, r) = b?;
        if &typ == t && id_at(r, 0) == Some(from) {
            // from_item_ID, reference_count (u16), then the to_item_IDs.
            return Ok(id_at(r, n + 2));
        }
    }
    Ok(None)
}

/// The bytes of item `id`'s first extent, from `idat` or the file (`iloc`).
fn item_data<'a>(input: Input<'a>, body: &'a [u8], id: u32) -> Step<&'a [u8]> {
    let no = || corrupt("grid item has no location");
    let iloc = child(body, b"iloc")?.ok_or_else(no)?;
    let short = || corrupt("iloc box too short");
    let version = *iloc.first().ok_or_else(short)?;
    let sizes = arr::<2>(iloc, 4).ok_or_else(short)?;
    let (off_sz, len_sz) = (usize::from(sizes[0] >> 4), usize::from(sizes[0] & 15));
    let base_sz = usize::from(sizes[1] >> 4);
    let idx_sz = if version >= 1 { usize::from(sizes[1] & 15) } else { 0 };
    let mut pos = 6usize;
    let num = |pos: &mut usize, n: usize| -> Step<u64> {
        let b = iloc.get(*pos..add(*pos, n)?).ok_or_else(short)?;
        *pos += n;
        if n > 8 {
            return Err(corrupt("iloc field wider than 64 bits"));
        }
        Ok(b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
    };
    let wide = version >= 2;
    let count = num(&mut pos, if wide { 4 } else { 2 })?;
    for _ in 0..count.min(u64::from(MAX_ITEMS)) {
        let item = num(&mut pos, if wide { 4 } else { 2 })?;
        let method = if version >= 1 { num(&mut pos, 2)? & 15 } else { 0 };
        num(&mut pos, 2)?; // data_reference_index
        let base = num(&mut pos, base_sz)?;
        let extents = num(&mut pos, 2)?;
        let mut first = None;
        for _ in 0..extents {
            num(&mut pos, idx_sz)?;
            let o = num(&mut pos, off_sz)?;
            let l = num(&mut pos, len_sz)?;
            first = first.or(Some((o, l)));
        }
        if item != u64::from(id) {
            continue;
        }
        let (o, l) = first.ok_or_else(no)?;
        let start = base.checked_add(o).ok_or_else(short)?;
        // Grid data is 8 or 12 bytes; read no more whatever the length says.
        // A length of 0 runs to the end of the file or idat (ISO/IEC 14496-12).
        let len = offset(if l == 0 { 12 } else { l.min(12) })?;
        let s = offset(start)?;
        return match method {
            0 => {
                let left = offset(input.total.saturating_sub(start))?;
                input.bytes(s, if l == 0 { len.min(left) } else { len })
            }
            1 => {
                let idat = child(body, b"idat")?.ok_or_else(|| corrupt("no idat box"))?;
                let len = if l == 0 { len.min(idat.len().saturating_sub(s)) } else { len };
                idat.get(s..add(s, len)?).ok_or_else(|| corrupt("grid data runs past idat"))
            }
            _ => Err(corrupt("grid data held in another item")),
        };
    }
    Err(no())
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

    fn clap_box(w: (u32, u32), h: (u32, u32), ho: (i32, u32), vo: (i32, u32)) -> Vec<u8> {
        let mut b = Vec::new();
        for v in [w.0, w.1, h.0, h.1, ho.0 as u32, ho.1, vo.0 as u32, vo.1] {
            b.extend(v.to_be_bytes());
        }
        bx(b"clap", &b)
    }

    #[test]
    fn clean_aperture_crops_in_rationals() {
        // ipco: 1 = ispe 8x6, 2 = ispe 40x30; crop 40x30 to 29/1 x 20/1, centred.
        let c = clap_box((29, 1), (20, 1), (0, 1), (0, 1));
        assert_eq!(run(&file(b"heic", &[c])), Some((Format::Heif, 29, 20, 1)));
        // After a quarter turn the crop's width is the coded height.
        let c = clap_box((10, 1), (25, 1), (0, 1), (0, 1));
        let r = run(&file(b"heic", &[bx(b"irot", &[1]), c]));
        assert_eq!(r, Some((Format::Heif, 25, 10, 8)));
        assert!(run(&file(b"heic", &[bx(b"clap", &[0; 12])])).is_none());
    }

    /// A meta for pitm 1 of type `t` (props 1..): iinf, iref dimg 1→2, item 2
    /// a coded 64x48 with props `p2`, grid data in idat when `grid`.
    fn derived(t: &[u8; 4], p1: &[Vec<u8>], p2: &[Vec<u8>], idat: Option<&[u8]>) -> Vec<u8> {
        let infe = |id: u16, t: &[u8; 4]| {
            let mut b = vec![2, 0, 0, 0];
            b.extend(id.to_be_bytes());
            b.extend([0, 0]);
            b.extend(t);
            bx(b"infe", &b)
        };
        let mut iinf = vec![0, 0, 0, 0, 0, 2];
        iinf.extend(infe(1, t));
        iinf.extend(infe(2, b"hvc1"));
        let mut dimg = vec![0, 1, 0, 1, 0, 2];
        dimg = bx(b"dimg", &std::mem::take(&mut dimg));
        let mut iref = vec![0, 0, 0, 0];
        iref.extend(dimg);
        let mut ipco = Vec::new();
        let mut ipma = vec![0, 0, 0, 0, 0, 0, 0, 2];
        let mut k = 1u8;
        for (id, props) in [(1u8, p1.to_vec()), (2, [&[ispe_box(64, 48)][..], p2].concat())] {
            ipma.extend([0, id, props.len() as u8]);
            for p in props {
                ipco.extend(p);
                ipma.push(k);
                k += 1;
            }
        }
        let mut iprp = bx(b"ipco", &ipco);
        iprp.extend(bx(b"ipma", &ipma));
        let mut meta = vec![0; 4];
        meta.extend(bx(b"pitm", &[0, 0, 0, 0, 0, 1]));
        meta.extend(bx(b"iinf", &iinf));
        meta.extend(bx(b"iref", &iref));
        if let Some(d) = idat {
            // iloc v1, offset/length 4 bytes, item 1 in idat at 0.
            let mut l = vec![1, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1];
            l.extend(0u32.to_be_bytes());
            l.extend((d.len() as u32).to_be_bytes());
            meta.extend(bx(b"iloc", &l));
            meta.extend(bx(b"idat", d));
        }
        meta.extend(bx(b"iprp", &iprp));
        let mut v = bx(b"ftyp", b"heic\0\0\0\0mif1");
        v.extend(bx(b"meta", &meta));
        v
    }

    #[test]
    fn derived_primaries_take_their_own_size() {
        let grid = [0, 0, 1, 1, 0, 100, 0, 90];
        let f = derived(b"grid", &[ispe_box(100, 90)], &[], Some(&grid));
        assert_eq!(run(&f), Some((Format::Heif, 100, 90, 1)));
        // 32-bit fields, and the grid's own clap and irot.
        let grid = [0, 1, 1, 1, 0, 0, 0, 120, 0, 0, 0, 96];
        let c = clap_box((100, 1), (96, 1), (0, 1), (0, 1));
        let f = derived(b"grid", &[c, bx(b"irot", &[3])], &[], Some(&grid));
        assert_eq!(run(&f), Some((Format::Heif, 100, 96, 6)));
        // iden: the source's size and turn, then its own transforms.
        let f = derived(b"iden", &[bx(b"imir", &[1])], &[bx(b"irot", &[2])], None);
        assert_eq!(run(&f), Some((Format::Heif, 64, 48, 4)));
        let c = clap_box((29, 1), (48, 1), (0, 1), (0, 1));
        assert_eq!(run(&derived(b"iden", &[c], &[], None)), Some((Format::Heif, 29, 48, 1)));
    }

    #[test]
    fn a_grid_extent_of_length_0_runs_to_the_end_of_idat() {
        let grid = [0, 0, 1, 1, 0, 100, 0, 90];
        let mut f = derived(b"grid", &[], &[], Some(&grid));
        // iloc body: 16 bytes of header and item fields, then offset and length.
        let at = f.windows(4).position(|w| w == b"iloc").unwrap_or(0) + 4 + 20;
        f[at..at + 4].copy_from_slice(&[0; 4]);
        assert_eq!(run(&f), Some((Format::Heif, 100, 90, 1)));
    }

    #[test]
    fn derived_primaries_unlisted_in_ipma_keep_their_own_size() {
        // A grid or iden primary that ipma does not list still has its own
        // size; the largest ispe would be a tile's or the source's.
        let unlist = |mut f: Vec<u8>| {
            let at = f.windows(4).position(|w| w == b"ipma").unwrap_or(0) + 4 + 8;
            f[at..at + 2].copy_from_slice(&[0, 9]);
            f
        };
        let grid = [0, 0, 1, 1, 0, 100, 0, 90];
        let f = unlist(derived(b"grid", &[], &[], Some(&grid)));
        assert_eq!(run(&f), Some((Format::Heif, 100, 90, 1)));
        let f = unlist(derived(b"iden", &[], &[bx(b"irot", &[1])], None));
        assert_eq!(run(&f), Some((Format::Heif, 64, 48, 8)));
    }

    #[test]
    fn derived_primaries_without_their_data_fail() {
        // A grid without iloc, with data cut short, an iden without dimg.
        assert!(run(&derived(b"grid", &[], &[], None)).is_none());
        assert!(run(&derived(b"grid", &[], &[], Some(&[0, 0, 1]))).is_none());
        assert!(run(&derived(b"grid", &[], &[], Some(&[1, 0, 1, 1, 0, 100, 0, 90]))).is_none());
        let mut f = derived(b"iden", &[], &[], None);
        let at = f.windows(4).position(|w| w == b"dimg").unwrap_or(0);
        f[at..at + 4].copy_from_slice(b"thmb");
        assert!(run(&f).is_none());
    }
}
