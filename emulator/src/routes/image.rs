//! Image intake shared by the OCR routes: the library's strict base64
//! check and decoder (`ocr_edge::image::body`) and its probe.

use ocr_edge::api::input::validate_base64;
use ocr_edge::image::body::{self, Alphabet};
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

/// Decodes standard padded base64 (already validated, but checked again).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    body::decode_base64(text, Alphabet::Standard, usize::MAX)
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
