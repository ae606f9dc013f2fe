//! PDF and OFD: documents the OCR services take as they are. Their pages
//! are not rendered here (a PDF's page count and page size are the
//! service's business), so only the signature is read and the sizes are 0.

use super::detect::{self, Kind};
use super::read::{Input, Step, Stop};
use super::{Format, Found};
use crate::error::Error;

/// The file name every OFD package holds at its root (GB/T 33190 §7.2),
/// written first by the producers in use.
const OFD_ENTRY: &[u8] = b"OFD.xml";

/// True when `b` starts with `%PDF-`.
pub fn is_pdf(b: &[u8]) -> bool {
    detect::is(Kind::Pdf, b)
}

/// A PDF: the header is all that is read.
pub(crate) fn read_pdf(_input: Input<'_>) -> Step<Found> {
    Ok(Found { format: Format::Pdf, width: 0, height: 0, orientation: 1 })
}

/// A ZIP archive is an OFD when its first entry is `OFD.xml`; any other
/// archive (a DOCX, an APK) is not a document the services read.
pub(crate) fn read_zip(input: Input<'_>) -> Step<Found> {
    // Local file header: name length at 26 (u16 LE), name from 30.
    let n: [u8; 2] = input.array(26)?;
    let len = usize::from(u16::from_le_bytes(n));
    let name = input.bytes(30, len)?;
    if name.eq_ignore_ascii_case(OFD_ENTRY) {
        return Ok(Found { format: Format::Ofd, width: 0, height: 0, orientation: 1 });
    }
    Err(Stop::Fail(Error::invalid_image(
        "image.unknown_format",
        "a ZIP archive that is not an OFD document (its first entry is not OFD.xml)",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip(name: &[u8]) -> Vec<u8> {
        let mut b = b"PK\x03\x04".to_vec();
        b.resize(26, 0);
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(name);
        b
    }

    #[test]
    fn ofd_is_a_zip_led_by_ofd_xml() {
        let b = zip(b"OFD.xml");
        let f = read_zip(Input { data: &b, total: b.len() as u64 }).ok();
        assert_eq!(f.map(|f| f.format), Some(Format::Ofd));
        let b = zip(b"[Content_Types].xml");
        assert!(matches!(
            read_zip(Input { data: &b, total: b.len() as u64 }),
            Err(Stop::Fail(e)) if e.code() == "image.unknown_format"
        ));
        // The name runs past the prefix: ask for it.
        let b = zip(b"OFD.xml");
        assert!(matches!(read_zip(Input { data: &b[..31], total: 100 }), Err(Stop::More(37))));
    }

    #[test]
    fn pdf_needs_only_its_header() {
        assert!(is_pdf(b"%PDF-1.7\n"));
        assert!(!is_pdf(b"%PS-Adobe"));
        let f = read_pdf(Input { data: b"%PDF-", total: 5 }).ok();
        assert_eq!(f.map(|f| (f.format, f.width)), Some((Format::Pdf, 0)));
    }
}
