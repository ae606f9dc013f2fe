//! Image intake shared by the OCR routes: strict base64 decoding (the
//! library validates base64 but keeps its decoder private, so a small one
//! lives here) and the probe from `ocr_edge::image`.

use ocr_edge::api::input::validate_base64;
use ocr_edge::image::{check_with, probe, Limits};

/// Why an image was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not standard padded base64.
    Base64(String),
    /// Not an image the probe can read.
    Unreadable(String),
    /// A format the target does not take.
    Format(String),
    /// Sides outside the target's pixel limits.
    Dimensions(String),
}

/// A decoded image that passed the checks.
pub struct Decoded {
    /// The image bytes.
    pub bytes: Vec<u8>,
}

fn value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes standard padded base64 (already validated, but checked again).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for quad in bytes.chunks(4) {
        let mut acc: u32 = 0;
        let mut n = 0usize;
        for &c in quad {
            if c == b'=' {
                break;
            }
            acc = (acc << 6) | value(c)?;
            n += 1;
        }
        acc <<= 6 * (4 - n as u32);
        let got = match n {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        let three = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend(three.iter().take(got));
    }
    Some(out)
}

/// Validates, decodes, probes and checks an image against `limits`
/// (the size budget is checked by the caller, which knows its error code).
pub fn intake(text: &str, limits: &Limits) -> Result<Decoded, Refusal> {
    validate_base64(text).map_err(|e| Refusal::Base64(e.message().to_owned()))?;
    let bytes = decode_base64(text).ok_or_else(|| Refusal::Base64("invalid base64".to_owned()))?;
    let info = probe(&bytes).map_err(|e| Refusal::Unreadable(e.message().to_owned()))?;
    let check = check_with(&info, &(*limits).with_max_base64(u64::MAX));
    if let Some(v) = check.violations.iter().find(|v| v.code == "image.format") {
        return Err(Refusal::Format(v.message.clone()));
    }
    if let Some(v) = check.violations.first() {
        return Err(Refusal::Dimensions(v.message.clone()));
    }
    Ok(Decoded { bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_padded_base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("YWJj").unwrap(), b"abc");
        assert!(decode_base64("a").is_none());
        assert!(decode_base64("a-==").is_none());
    }
}
