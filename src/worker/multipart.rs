//! A bounded `multipart/form-data` parser over a body already in memory
//! (RFC 7578): the boundary comes from `Content-Type`, parts borrow the body,
//! and malformed input is an error, never a panic.

use crate::error::{Error, Result};

/// Parts accepted in one form: an image and a few text fields.
pub const MAX_PARTS: usize = 32;
/// The longest header block of one part.
pub const MAX_PART_HEADERS: usize = 8 * 1024;
/// The longest text field.
pub const MAX_TEXT_FIELD: usize = 8 * 1024;

/// One part of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    /// The `name` of its `Content-Disposition`.
    pub name: Option<String>,
    /// The `filename`, present for file parts.
    pub filename: Option<String>,
    /// Its `Content-Type`, lower case.
    pub content_type: Option<String>,
    /// The bytes between its headers and the next boundary.
    pub data: &'a [u8],
}

/// A parsed form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form<'a> {
    /// The parts in order.
    pub parts: Vec<Part<'a>>,
}

fn bad(message: &str) -> Error {
    Error::invalid_argument("multipart.invalid", message.to_owned())
}

/// The boundary parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut items = content_type.split(';');
    let media = items.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    for item in items {
        let (k, v) = item.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("boundary") {
            let v = v.trim();
            let v = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(v);
            let ok = !v.is_empty()
                && v.len() <= 70
                && v.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
                && !v.ends_with(' ');
            return ok.then(|| v.to_owned());
        }
    }
    None
}

/// The first index of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while let Some(rest) = hay.get(i..) {
        let off = rest.iter().position(|&b| b == first)?;
        let at = i.checked_add(off)?;
        if hay.get(at..at.checked_add(needle.len())?) == Some(needle) {
            return Some(at);
        }
        i = at.checked_add(1)?;
    }
    None
}

/// Splits `a; b="c;d"; e` on semicolons outside quotes.
fn params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut items = Vec::new();
    for c in value.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' if !quoted => items.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    items.push(cur);
    for item in items.iter().skip(1) {
        if let Some((k, v)) = item.split_once('=') {
            let v = v.trim();
            let v = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(v);
            out.push((k.trim().to_ascii_lowercase(), v.to_owned()));
        }
    }
    out
}

fn part_headers(block: &[u8]) -> Result<(Option<String>, Option<String>, Option<String>)> {
    let text = std::str::from_utf8(block).map_err(|_| bad("part headers are not UTF-8"))?;
    let (mut name, mut filename, mut ctype) = (None, None, None);
    let mut disposition = false;
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').ok_or_else(|| bad("a part header has no colon"))?;
        let k = k.trim();
        if k.eq_ignore_ascii_case("content-disposition") {
            let kind = v.split(';').next().unwrap_or("").trim();
            if !kind.eq_ignore_ascii_case("form-data") {
                return Err(bad("a part is not form-data"));
            }
            disposition = true;
            for (pk, pv) in params(v) {
                match pk.as_str() {
                    "name" => name = Some(pv),
                    "filename" => filename = Some(pv),
                    _ => {}
                }
            }
        } else if k.eq_ignore_ascii_case("content-type") {
            ctype = Some(v.trim().to_ascii_lowercase());
        }
    }
    if !disposition {
        return Err(bad("a part has no Content-Disposition"));
    }
    Ok((name, filename, ctype))
}

/// Parses `body` with `boundary`. Fails on a missing or unterminated
/// boundary, oversized headers, too many parts or a missing disposition.
pub fn parse<'a>(body: &'a [u8], boundary: &str) -> Result<Form<'a>> {
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    let d = delim.as_bytes();
    // The first delimiter may follow a preamble; later ones follow CRLF.
    let mut at = if body.starts_with(d) {
        0
    } else {
        find(body, next_delim.as_bytes(), 0).ok_or_else(|| bad("no boundary found"))? + 2
    };
    let mut form = Form::default();
    loop {
        let after = at.checked_add(d.len()).ok_or_else(|| bad("overflow"))?;
        let rest = body.get(after..).ok_or_else(|| bad("cut short"))?;
        if rest.starts_with(b"--") {
            return Ok(form);
        }
        // Transport padding (spaces, tabs) may precede the line break.
        let pad = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let line = rest.get(pad..).ok_or_else(|| bad("cut short"))?;
        if !line.starts_with(b"\r\n") {
            return Err(bad("a boundary is not followed by a line break"));
        }
        let head_start = after + pad + 2;
        let head_end = match body.get(head_start..) {
            Some(r) if r.starts_with(b"\r\n") => head_start,
            _ => {
                find(body, b"\r\n\r\n", head_start).ok_or_else(|| bad("part headers never end"))?
            }
        };
        if head_end - head_start > MAX_PART_HEADERS {
            return Err(bad("part headers are too long"));
        }
        let block = body.get(head_start..head_end).ok_or_else(|| bad("cut short"))?;
        let (name, filename, content_type) = part_headers(block)?;
        let data_start = if head_end == head_start { head_start + 2 } else { head_end + 4 };
        let data_end = find(body, next_delim.as_bytes(), data_start)
            .ok_or_else(|| bad("the closing boundary is missing"))?;
        let data = body.get(data_start..data_end).ok_or_else(|| bad("cut short"))?;
        if form.parts.len() >= MAX_PARTS {
            return Err(bad("too many parts"));
        }
        if filename.is_none() && data.len() > MAX_TEXT_FIELD {
            return Err(bad("a text field is too long"));
        }
        form.parts.push(Part { name, filename, content_type, data });
        at = data_end + 2;
    }
}

impl<'a> Form<'a> {
    /// The image: the part named `image`, else the first file part.
    pub fn file(&self) -> Option<&Part<'a>> {
        self.parts
            .iter()
            .find(|p| p.name.as_deref() == Some("image"))
            .or_else(|| self.parts.iter().find(|p| p.filename.is_some()))
    }

    /// Every text field (not a file and not the image), in order.
    pub fn texts(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for p in &self.parts {
            if p.filename.is_some() || p.name.as_deref() == Some("image") {
                continue;
            }
            let name = p.name.clone().ok_or_else(|| bad("a text field has no name"))?;
            let value = std::str::from_utf8(p.data)
                .map_err(|_| bad("a text field is not UTF-8"))?
                .to_owned();
            out.push((name, value));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, file, data) in parts {
            out.extend_from_slice(b"--XyZ\r\n");
            match file {
                Some(f) => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
                ),
                None => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        out
    }

    #[test]
    fn boundary_from_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=XyZ").as_deref(), Some("XyZ"));
        assert_eq!(
            boundary("Multipart/Form-Data; charset=x; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/mixed; boundary=x"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(boundary(&format!("multipart/form-data; boundary={}", "x".repeat(71))), None);
    }

    #[test]
    fn finds_image_and_fields() {
        let data: &[u8] = b"\x89PNG\r\n--Xy not a boundary\r\n\r\n";
        let b =
            body(&[("regCapital", None, b"1"), ("image", Some("a;b.png"), data), ("x", None, b"")]);
        let f = parse(&b, "XyZ").unwrap();
        assert_eq!(f.parts.len(), 3);
        let img = f.file().unwrap();
        assert_eq!(img.data, data);
        assert_eq!(img.filename.as_deref(), Some("a;b.png"));
        assert_eq!(img.content_type.as_deref(), Some("image/png"));
        assert_eq!(
            f.texts().unwrap(),
            vec![("regCapital".into(), "1".into()), ("x".into(), "".into())]
        );
    }

    #[test]
    fn first_file_when_not_named_image() {
        let b = body(&[("photo", Some("p.jpg"), b"abc")]);
        assert_eq!(parse(&b, "XyZ").unwrap().file().unwrap().data, b"abc");
        let b = body(&[("a", None, b"1")]);
        assert!(parse(&b, "XyZ").unwrap().file().is_none());
    }

    #[test]
    fn preamble_and_padding() {
        let mut b = b"preamble\r\n".to_vec();
        b.extend_from_slice(
            b"--XyZ  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--",
        );
        let f = parse(&b, "XyZ").unwrap();
        assert_eq!(f.texts().unwrap(), vec![("a".into(), "v".into())]);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        let good = body(&[("image", Some("a.png"), b"abc")]);
        for cut in 0..good.len() - 2 {
            // Every truncation either parses to a prefix or errors; none panics.
            let _ = parse(&good[..cut], "XyZ");
        }
        assert!(parse(b"", "XyZ").is_err());
        assert!(parse(b"--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--", "XyZ").is_err());
        assert!(parse(b"--XyZ\r\nContent-Type: a\r\n\r\nx\r\n--XyZ--", "XyZ").is_err());
        assert!(parse(b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx", "XyZ").is_err());
        assert!(parse(b"--XyZjunk", "XyZ").is_err());
        let mut many = Vec::new();
        for _ in 0..=MAX_PARTS {
            many.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n");
        }
        many.extend_from_slice(b"--XyZ--");
        assert!(parse(&many, "XyZ").is_err());
        let long = body(&[("a", None, &vec![b'x'; MAX_TEXT_FIELD + 1])]);
        assert!(parse(&long, "XyZ").is_err());
        let mut hdr = b"--XyZ\r\nContent-Disposition: form-data; name=a\r\nX: ".to_vec();
        hdr.extend(std::iter::repeat_n(b'y', MAX_PART_HEADERS));
        hdr.extend_from_slice(b"\r\n\r\nx\r\n--XyZ--");
        assert!(parse(&hdr, "XyZ").is_err());
    }

    #[test]
    fn empty_headers_part() {
        // No headers at all: refused for lack of a disposition.
        assert!(parse(b"--XyZ\r\n\r\nx\r\n--XyZ--", "XyZ").is_err());
    }
}
