//! Inputs shared by the OCR operations: image bytes or base64 text, image
//! URLs, and the text checks of the parameter rules.

use crate::api::request::{Body, PendingImage};
use crate::error::{Error, ErrorKind, Result};
use crate::image::body::{self, Alphabet};
use crate::image::{self, Limits, Partial};
use crate::sign::canonical::push_escape;

/// The longest image URL accepted, raw and after percent-encoding. No
/// provider document sets a limit, and signed URLs (Huawei OBS temporary
/// authorization with a security token) run past 2 KB; 64 KiB holds any of
/// them many times over while bounding what one request can make us encode
/// and forward (a pasted data URL or a flood is refused).
pub const MAX_URL_LEN: usize = 64 * 1024;

/// An image given in the request body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ImageInput<'a> {
    /// The file's bytes; they are probed, checked and base64-encoded.
    Bytes(&'a [u8]),
    /// Standard padded base64 of the file (a `data:…;base64,` prefix is
    /// accepted and dropped); only its first bytes are decoded to probe it.
    Base64(&'a str),
    /// The file's bytes, probed and checked like `Bytes`, but left out of
    /// the body: [`PreparedRequest::pending_image`](crate::api::PreparedRequest)
    /// says where their base64 goes, for a caller that encodes with the
    /// host's native base64. Writers that cannot leave a gap encode them.
    Unencoded(&'a [u8]),
}

impl std::fmt::Debug for ImageInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageInput::Bytes(b) => write!(f, "Bytes(<{} bytes>)", b.len()),
            ImageInput::Unencoded(b) => write!(f, "Unencoded(<{} bytes>)", b.len()),
            ImageInput::Base64(s) => write!(f, "Base64(<{} chars>)", s.len()),
        }
    }
}

pub(crate) fn missing(what: &str) -> Error {
    Error::invalid_argument("argument.missing", what.to_owned())
}

pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_argument("argument.invalid", message)
}

pub(crate) fn conflict(message: &str) -> Error {
    Error::invalid_argument("argument.conflict", message.to_owned())
}

/// Builds a JSON body whose last field is the image's base64, after checking
/// the image against `limits`. `fields` come first, in order.
// Its caller left is the page's proxy client, built for wasm only.
#[cfg_attr(not(all(target_arch = "wasm32", feature = "proxy")), allow(dead_code))]
pub(crate) fn image_body(
    input: ImageInput<'_>,
    limits: &Limits,
    fields: &[(&str, serde_json::Value)],
    key: &str,
) -> Result<Vec<u8>> {
    let input = match input {
        ImageInput::Unencoded(bytes) => ImageInput::Bytes(bytes),
        other => other,
    };
    Ok(image_body_parts(input, limits, fields, key)?.bytes)
}

/// [`image_body`], leaving an [`ImageInput::Unencoded`] image's base64 out.
pub(crate) fn image_body_parts(
    input: ImageInput<'_>,
    limits: &Limits,
    fields: &[(&str, serde_json::Value)],
    key: &str,
) -> Result<Body> {
    match input {
        ImageInput::Unencoded(bytes) => {
            let info = image::probe(bytes)?;
            ensure_ok(image::check_with(&info, limits))?;
            let mut out = body::json_prefix(fields, key);
            let at = out.len();
            out.extend_from_slice(body::JSON_SUFFIX);
            Ok(Body {
                bytes: out,
                pending_image: Some(PendingImage { at, image_len: bytes.len() }),
            })
        }
        ImageInput::Bytes(bytes) => {
            let info = image::probe(bytes)?;
            ensure_ok(image::check_with(&info, limits))?;
            Ok(body::json_with_base64(fields, key, bytes).into())
        }
        ImageInput::Base64(text) => {
            let b64 = strip_data_url(text)?;
            let decoded_len = validate_base64(b64)?;
            let info = probe_base64(b64, decoded_len)?;
            ensure_ok(image::check_with(&info, limits))?;
            let mut out = body::json_prefix(fields, key);
            out.reserve_exact(b64.len() + body::JSON_SUFFIX.len());
            // The alphabet was checked, so the text needs no JSON escaping.
            out.extend_from_slice(b64.as_bytes());
            out.extend_from_slice(body::JSON_SUFFIX);
            Ok(out.into())
        }
    }
}

pub(crate) fn ensure_ok(check: image::Check) -> Result<()> {
    if check.ok {
        return Ok(());
    }
    let list: Vec<&str> = check.violations.iter().map(|v| v.message.as_str()).collect();
    let message = if list.is_empty() {
        "the image breaks the target's limits".to_owned()
    } else {
        format!("the image breaks the target's limits: {}", list.join("; "))
    };
    Err(Error::new(ErrorKind::InvalidImage, "image.rejected", message)
        .with_violations(check.violations))
}

/// Drops a `data:<type>;base64,` prefix, as a canvas or FileReader gives.
pub(crate) fn strip_data_url(s: &str) -> Result<&str> {
    let Some(rest) = s.strip_prefix("data:") else {
        return Ok(s);
    };
    match rest.find(',') {
        Some(i) if rest.get(..i).is_some_and(|h| h.ends_with(";base64")) => {
            Ok(rest.get(i + 1..).unwrap_or(""))
        }
        _ => Err(Error::invalid_image(
            "image.base64",
            "a data URL must be base64 (data:<type>;base64,<data>)",
        )),
    }
}

fn b64_value(c: u8) -> Option<u8> {
    Alphabet::Standard.value(c)
}

/// Checks standard padded base64 (RFC 4648 §4) and returns the decoded
/// length: the providers decode strictly, so line breaks, the URL-safe
/// alphabet or missing padding would be refused upstream after a paid
/// round trip.
pub fn validate_base64(s: &str) -> Result<u64> {
    let bytes = s.as_bytes();
    let bad = |m: String| Error::invalid_image("image.base64", m);
    if bytes.is_empty() {
        return Err(bad("the base64 image is empty".to_owned()));
    }
    let body_len = bytes.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let pad = bytes.len() - body_len;
    for (i, &c) in bytes.iter().enumerate().take(body_len) {
        if b64_value(c).is_none() {
            let what = match c {
                b'-' | b'_' => "a URL-safe base64 character; use the standard alphabet (+ /)",
                b'=' => "padding '=' before the end",
                c if c.is_ascii_whitespace() => "whitespace or a line break",
                _ => "a character outside the base64 alphabet",
            };
            return Err(bad(format!("the base64 image has {what} at position {i}")));
        }
    }
    if pad > 2 || bytes.len() % 4 != 0 || body_len == 0 {
        return Err(bad(format!(
            "the base64 image has {} characters, not a whole number of padded groups of 4 \
             (cut short or missing '=' padding?)",
            bytes.len()
        )));
    }
    Ok((bytes.len() as u64 / 4) * 3 - pad as u64)
}

/// Decodes the first `n` bytes (rounded up to whole groups) of valid base64.
fn decode_prefix(s: &str, n: usize) -> Vec<u8> {
    body::decode_base64(s, Alphabet::Standard, n).unwrap_or_default()
}

/// Probes base64 text by decoding only as many bytes as the header needs.
/// Each later decode at least doubles the prefix (as the JS readers step by
/// at least 4 KiB): a header of thousands of tiny segments then costs a
/// dozen decodes, not one per segment.
pub(crate) fn probe_base64(s: &str, total: u64) -> Result<image::ImageInfo> {
    let mut want: usize = 4096;
    loop {
        let prefix = decode_prefix(s, want);
        match image::probe_prefix(&prefix, total)? {
            Partial::Done(info) => return Ok(info),
            Partial::NeedMore(n) => {
                if (prefix.len() as u64) >= total || n <= prefix.len() {
                    return Err(Error::invalid_image(
                        "image.truncated",
                        "the image header is cut short",
                    ));
                }
                want = n.max(want.saturating_mul(2));
            }
        }
    }
}

/// Checks and normalises an image URL: `http` or `https` only, a host, no
/// user name or password (they would be sent to and logged by a third
/// party), no control characters; spaces, non-ASCII (as UTF-8) and other
/// characters not allowed in a URL are percent-encoded, existing `%XX`
/// escapes are kept, and the result is at most [`MAX_URL_LEN`] bytes.
pub fn normalize_url(url: &str) -> Result<String> {
    let bad = |m: &str| Error::invalid_argument("argument.url", m.to_owned());
    let trimmed = url.trim();
    let starts =
        |p: &[u8]| trimmed.as_bytes().get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let rest = if starts(b"http://") {
        trimmed.get(7..)
    } else if starts(b"https://") {
        trimmed.get(8..)
    } else {
        None
    };
    let Some(rest) = rest else {
        return Err(bad("the image URL must start with http:// or https://"));
    };
    if trimmed.chars().any(char::is_control) {
        return Err(bad("the image URL holds control characters"));
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or("");
    if authority.contains('@') {
        return Err(bad("the image URL must not hold a user name or password"));
    }
    let host = match authority.rfind(':') {
        Some(i) if !authority.ends_with(']') => authority.get(..i).unwrap_or(""),
        _ => authority,
    };
    if host.is_empty() || host.contains(' ') {
        return Err(bad("the image URL has no valid host"));
    }
    let too_long = |n: usize| {
        bad(&format!(
            "the image URL is {n} bytes once encoded, over the {MAX_URL_LEN}-byte bound \
             against abuse; is it a data URL or a pasted file?"
        ))
    };
    // Encoding never shortens a URL: refuse before allocating for it.
    if trimmed.len() > MAX_URL_LEN {
        return Err(too_long(trimmed.len()));
    }
    let mut out = String::with_capacity(trimmed.len());
    let bytes = trimmed.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let keep = match b {
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(|c| c.is_ascii_hexdigit());
                hex(i + 1) && hex(i + 2)
            }
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | b' ' => false,
            0x21..=0x7e => true,
            _ => false,
        };
        if keep {
            out.push(char::from(b));
        } else {
            push_escape(&mut out, b);
        }
    }
    if out.len() > MAX_URL_LEN {
        return Err(too_long(out.len()));
    }
    Ok(out)
}

/// Characters the CSMS tag rules forbid: ASCII 0–31 and `* < > \ =`.
pub(crate) fn forbidden_tag_char(c: char) -> bool {
    (c as u32) < 32 || matches!(c, '*' | '<' | '>' | '\\' | '=')
}

/// Checks a CSMS tag text: `what` names it in messages; `max` in characters.
pub(crate) fn check_tag_text(what: &str, s: &str, max: usize, allow_empty: bool) -> Result<()> {
    if s.is_empty() && !allow_empty {
        return Err(invalid(format!("{what} must not be empty")));
    }
    let n = s.chars().count();
    if n > max {
        return Err(invalid(format!("{what} is {n} characters, over the limit of {max}")));
    }
    if let Some(c) = s.chars().find(|&c| forbidden_tag_char(c)) {
        return Err(invalid(format!(
            "{what} holds {c:?}; control characters and * < > \\ = are not allowed"
        )));
    }
    Ok(())
}
