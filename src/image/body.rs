//! Request bodies written straight from the image bytes: one buffer, sized
//! up front, with the base64 text encoded into it and no intermediate string.
//!
//! It also holds the crate's one base64 codec: standard padded (RFC 4648 §4)
//! for image bodies, and the URL-safe alphabet without padding (§5) for the
//! worker's capture tokens.

/// Which base64 alphabet, and with it whether the text is padded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alphabet {
    /// `A-Z a-z 0-9 + /`, padded with `=` to groups of 4.
    Standard,
    /// `A-Z a-z 0-9 - _`, without padding.
    UrlSafe,
}

impl Alphabet {
    fn table(self) -> &'static [u8; 64] {
        match self {
            Alphabet::Standard => {
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            }
            Alphabet::UrlSafe => {
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            }
        }
    }

    /// The 6-bit value of the character `c`, `None` outside the alphabet.
    pub fn value(self, c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            _ => {
                let t = self.table();
                (c == t[62]).then_some(62).or((c == t[63]).then_some(63))
            }
        }
    }
}

/// The length of the padded base64 text of `n` bytes.
pub fn base64_len(n: u64) -> u64 {
    n.div_ceil(3).saturating_mul(4)
}

/// Appends the padded standard base64 of `bytes` to `out`.
pub fn encode_base64_into(out: &mut Vec<u8>, bytes: &[u8]) {
    encode_into(out, bytes, Alphabet::Standard);
}

/// The base64 text of `bytes` in `alphabet` (padded when it pads).
pub fn encode_base64(bytes: &[u8], alphabet: Alphabet) -> String {
    let mut out = Vec::new();
    encode_into(&mut out, bytes, alphabet);
    // Every byte written comes from the ASCII alphabet or is `=`.
    String::from_utf8(out).unwrap_or_default()
}

fn encode_into(out: &mut Vec<u8>, bytes: &[u8], alphabet: Alphabet) {
    let t = alphabet.table();
    let start = out.len();
    out.resize(start + base64_len(bytes.len() as u64) as usize, b'=');
    let dst = &mut out[start..];
    let mut chunks = bytes.chunks_exact(3);
    let mut quads = dst.chunks_exact_mut(4);
    for (src, q) in (&mut chunks).zip(&mut quads) {
        let v = (u32::from(src[0]) << 16) | (u32::from(src[1]) << 8) | u32::from(src[2]);
        q[0] = t[(v >> 18) as usize & 63];
        q[1] = t[(v >> 12) as usize & 63];
        q[2] = t[(v >> 6) as usize & 63];
        q[3] = t[v as usize & 63];
    }
    let rest = chunks.remainder();
    if let Some(q) = quads.next() {
        let b0 = u32::from(rest.first().copied().unwrap_or(0));
        let b1 = u32::from(rest.get(1).copied().unwrap_or(0));
        let v = (b0 << 16) | (b1 << 8);
        q[0] = t[(v >> 18) as usize & 63];
        q[1] = t[(v >> 12) as usize & 63];
        if rest.len() == 2 {
            q[2] = t[(v >> 6) as usize & 63];
        }
    }
    if alphabet == Alphabet::UrlSafe {
        let pad = match rest.len() {
            1 => 2,
            2 => 1,
            _ => 0,
        };
        out.truncate(out.len() - pad);
    }
}

/// Decodes base64 in `alphabet`, stopping once at least `limit` bytes are
/// out (whole groups of 3). `None` on a character outside the alphabet, a
/// length no encoder makes, or padding where `alphabet` has none (standard
/// text may end in one or two `=`, and must then be whole groups of 4).
pub fn decode_base64(text: &str, alphabet: Alphabet, limit: usize) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let body = match alphabet {
        Alphabet::Standard => {
            let pad = bytes.iter().rev().take(2).take_while(|&&c| c == b'=').count();
            if pad > 0 && bytes.len() % 4 != 0 {
                return None;
            }
            &bytes[..bytes.len() - pad]
        }
        Alphabet::UrlSafe => bytes,
    };
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity((body.len() / 4 * 3 + 2).min(limit.saturating_add(3)));
    for group in body.chunks(4) {
        if out.len() >= limit {
            break;
        }
        let mut v = 0u32;
        for (k, &c) in group.iter().enumerate() {
            v |= u32::from(alphabet.value(c)?) << (18 - 6 * k);
        }
        let three = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend(three.iter().take(group.len() - 1));
    }
    Some(out)
}

/// The closing bytes of a body whose last field is the base64 image.
pub const JSON_SUFFIX: &[u8] = b"\"}";

/// The opening bytes of a JSON object body: the `fields` (already-valid JSON
/// values), then `image_key` and the opening quote of its base64 string.
pub fn json_prefix(fields: &[(&str, serde_json::Value)], image_key: &str) -> Vec<u8> {
    let mut out = vec![b'{'];
    for (k, v) in fields {
        // Serialising a &str or a Value into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, v);
        out.push(b',');
    }
    let _ = serde_json::to_writer(&mut out, image_key);
    out.extend_from_slice(b":\"");
    out
}

/// Builds a JSON object body: the `fields` first, then `image_key` holding
/// the base64 of `image`, in one buffer allocated once at its exact size.
///
/// ```
/// let body = ocr_edge::image::body::json_with_base64(&[], "image", b"hi");
/// assert_eq!(body, br#"{"image":"aGk="}"#);
/// ```
pub fn json_with_base64(
    fields: &[(&str, serde_json::Value)],
    image_key: &str,
    image: &[u8],
) -> Vec<u8> {
    let prefix = json_prefix(fields, image_key);
    let size = prefix.len() + base64_len(image.len() as u64) as usize + JSON_SUFFIX.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&prefix);
    encode_base64_into(&mut out, image);
    out.extend_from_slice(JSON_SUFFIX);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = Vec::new();
            encode_base64_into(&mut out, raw.as_bytes());
            assert_eq!(out, enc.as_bytes());
            assert_eq!(base64_len(raw.len() as u64), enc.len() as u64);
            assert_eq!(decode_base64(enc, Alphabet::Standard, usize::MAX).unwrap(), raw.as_bytes());
            let url = enc.trim_end_matches('=');
            assert_eq!(encode_base64(raw.as_bytes(), Alphabet::UrlSafe), url);
            assert_eq!(decode_base64(url, Alphabet::UrlSafe, usize::MAX).unwrap(), raw.as_bytes());
        }
    }

    #[test]
    fn decoding_is_strict_and_can_stop_early() {
        let all: Vec<u8> = (0..=255).collect();
        for alphabet in [Alphabet::Standard, Alphabet::UrlSafe] {
            let text = encode_base64(&all, alphabet);
            assert_eq!(decode_base64(&text, alphabet, usize::MAX).unwrap(), all);
            assert_eq!(decode_base64(&text, alphabet, 10).unwrap(), &all[..12]);
        }
        assert_eq!(encode_base64(b"\xfb\xff", Alphabet::Standard), "+/8=");
        assert_eq!(encode_base64(b"\xfb\xff", Alphabet::UrlSafe), "-_8");
        for bad in ["a", "Zg=", "Zg===", "Z=g=", "a-==", "ab\ncd"] {
            assert_eq!(decode_base64(bad, Alphabet::Standard, usize::MAX), None, "{bad:?}");
        }
        for bad in ["a", "ab=c", "ab+c", "Zg=="] {
            assert_eq!(decode_base64(bad, Alphabet::UrlSafe, usize::MAX), None, "{bad:?}");
        }
    }

    #[test]
    fn body_with_fields_is_valid_json() {
        let body = json_with_base64(
            &[("RegNum", serde_json::json!("9144\"0300")), ("N", serde_json::json!(1))],
            "ImageBase64",
            &[0xff, 0xd8, 0xff],
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["ImageBase64"], "/9j/");
        assert_eq!(v["RegNum"], "9144\"0300");
        assert_eq!(v["N"], 1);
    }
}
