//! Request bodies written straight from the image bytes: one buffer, sized
//! up front, with the base64 text encoded into it and no intermediate string.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The length of the padded base64 text of `n` bytes.
pub fn base64_len(n: u64) -> u64 {
    n.div_ceil(3).saturating_mul(4)
}

/// Appends the padded standard base64 of `bytes` to `out`.
pub fn encode_base64_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    out.resize(start + base64_len(bytes.len() as u64) as usize, b'=');
    let dst = &mut out[start..];
    let mut chunks = bytes.chunks_exact(3);
    let mut quads = dst.chunks_exact_mut(4);
    for (src, q) in (&mut chunks).zip(&mut quads) {
        let v = (u32::from(src[0]) << 16) | (u32::from(src[1]) << 8) | u32::from(src[2]);
        q[0] = ALPHABET[(v >> 18) as usize & 63];
        q[1] = ALPHABET[(v >> 12) as usize & 63];
        q[2] = ALPHABET[(v >> 6) as usize & 63];
        q[3] = ALPHABET[v as usize & 63];
    }
    let rest = chunks.remainder();
    if let Some(q) = quads.next() {
        let b0 = u32::from(rest.first().copied().unwrap_or(0));
        let b1 = u32::from(rest.get(1).copied().unwrap_or(0));
        let v = (b0 << 16) | (b1 << 8);
        q[0] = ALPHABET[(v >> 18) as usize & 63];
        q[1] = ALPHABET[(v >> 12) as usize & 63];
        if rest.len() == 2 {
            q[2] = ALPHABET[(v >> 6) as usize & 63];
        }
    }
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
