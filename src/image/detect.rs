//! The one table of signatures that tells formats apart from their first bytes.

/// A family of files, told apart by signature; ISOBMFF splits into HEIF and
/// AVIF only after its brands are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// JPEG: SOI then a marker.
    Jpeg,
    /// PNG signature.
    Png,
    /// Windows/OS/2 bitmap.
    Bmp,
    /// TIFF or BigTIFF, either byte order.
    Tiff,
    /// GIF87a/GIF89a.
    Gif,
    /// RIFF WebP.
    Webp,
    /// ISO base media file (`ftyp` box first): HEIF, AVIF, or something else.
    Isobmff,
    /// PDF (`%PDF-`), a document passed through unprobed.
    Pdf,
    /// A ZIP local file header: an OFD document when it leads with `OFD.xml`.
    Zip,
}

/// One signature: byte strings that must sit at fixed offsets.
struct Signature {
    kind: Kind,
    parts: &'static [(usize, &'static [u8])],
}

/// Every signature, in the order they are tried.
const TABLE: &[Signature] = &[
    Signature { kind: Kind::Jpeg, parts: &[(0, b"\xFF\xD8\xFF")] },
    Signature { kind: Kind::Png, parts: &[(0, b"\x89PNG\r\n\x1a\n")] },
    Signature { kind: Kind::Gif, parts: &[(0, b"GIF87a")] },
    Signature { kind: Kind::Gif, parts: &[(0, b"GIF89a")] },
    Signature { kind: Kind::Tiff, parts: &[(0, b"II*\0")] },
    Signature { kind: Kind::Tiff, parts: &[(0, b"MM\0*")] },
    Signature { kind: Kind::Tiff, parts: &[(0, b"II+\0")] },
    Signature { kind: Kind::Tiff, parts: &[(0, b"MM\0+")] },
    Signature { kind: Kind::Webp, parts: &[(0, b"RIFF"), (8, b"WEBP")] },
    Signature { kind: Kind::Isobmff, parts: &[(4, b"ftyp")] },
    Signature { kind: Kind::Bmp, parts: &[(0, b"BM")] },
    Signature { kind: Kind::Pdf, parts: &[(0, b"%PDF-")] },
    Signature { kind: Kind::Zip, parts: &[(0, b"PK\x03\x04")] },
];

/// How a signature compares with the first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    /// Every part is present and equal.
    Yes,
    /// Some byte differs.
    No,
    /// What is there agrees, but the data ends first; this many bytes settle it.
    Short(usize),
}

fn fit(sig: &Signature, b: &[u8]) -> Fit {
    let mut need = 0;
    for &(off, magic) in sig.parts {
        let end = off + magic.len();
        for (i, &m) in magic.iter().enumerate() {
            match b.get(off + i) {
                Some(&x) if x != m => return Fit::No,
                Some(_) => {}
                None => need = need.max(end),
            }
        }
    }
    if need == 0 {
        Fit::Yes
    } else {
        Fit::Short(need)
    }
}

/// True when `b` starts with a complete signature of `kind`.
pub(crate) fn is(kind: Kind, b: &[u8]) -> bool {
    TABLE.iter().any(|s| s.kind == kind && fit(s, b) == Fit::Yes)
}

/// What the first bytes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detected {
    /// A signature matched.
    Found(Kind),
    /// No signature matched yet, but some would with more bytes: this many.
    Short(usize),
    /// No signature can match.
    Unknown,
}

/// Tries every signature; a full match wins over a possible longer one.
pub(crate) fn detect(b: &[u8]) -> Detected {
    let mut short = 0;
    for sig in TABLE {
        match fit(sig, b) {
            Fit::Yes => return Detected::Found(sig.kind),
            Fit::Short(n) => short = short.max(n),
            Fit::No => {}
        }
    }
    if short > 0 {
        Detected::Short(short)
    } else {
        Detected::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_formats_apart() {
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0"), Detected::Found(Kind::Jpeg));
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 "), Detected::Found(Kind::Webp));
        assert_eq!(detect(b"RIFF\0\0\0\0WAVE"), Detected::Unknown);
        assert_eq!(detect(b"\0\0\0\x18ftypheic"), Detected::Found(Kind::Isobmff));
        assert_eq!(detect(b"hello world!"), Detected::Unknown);
        assert_eq!(detect(b"%PDF-1.4\n%"), Detected::Found(Kind::Pdf));
        assert_eq!(detect(b"PK\x03\x04\x14\0"), Detected::Found(Kind::Zip));
        assert_eq!(detect(b"PK\x05\x06\0\0\0\0\0\0\0\0"), Detected::Unknown);
    }

    #[test]
    fn a_short_prefix_asks_for_the_longest_possible_signature() {
        assert_eq!(detect(b""), Detected::Short(12));
        assert_eq!(detect(b"RIF"), Detected::Short(12));
        assert_eq!(detect(b"\x89PN"), Detected::Short(8));
        assert!(is(Kind::Gif, b"GIF89a"));
        assert!(!is(Kind::Gif, b"GIF89"));
    }
}
