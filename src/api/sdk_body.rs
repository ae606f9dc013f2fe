//! Request bodies byte for byte as the official Python SDKs write them:
//! `json.dumps` of the model, fields in the model's order, `", "` and
//! `": "` between them, non-ASCII escaped. The image (always the model's
//! first field) is checked, then base64-encoded straight into the buffer.

use serde_json::Value;

use crate::api::fields::{Fields, Origin};
use crate::api::input::{ensure_ok, probe_base64, strip_data_url, validate_base64, ImageInput};
use crate::api::request::{Body, PendingImage};
use crate::error::Result;
use crate::image::body::{base64_len, encode_base64_into};
use crate::image::{self, Limits};

/// A body field after the image: its wire name and value.
pub(crate) type Field = (&'static str, Value);

/// `{"key": "<base64>", "k": v, ...}` after checking the image against `limits`.
pub(crate) fn with_image(
    input: ImageInput<'_>,
    limits: &Limits,
    key: &str,
    rest: &[Field],
) -> Result<Body> {
    let mut tail = Vec::new();
    write_fields(&mut tail, rest, false);
    tail.push(b'}');
    let mut out = Vec::new();
    out.push(b'{');
    write_str(&mut out, key);
    out.extend_from_slice(b": \"");
    let mut pending = None;
    match input {
        ImageInput::Unencoded(bytes) => {
            let info = image::probe(bytes)?;
            ensure_ok(image::check_with(&info, limits))?;
            out.reserve_exact(1 + tail.len());
            pending = Some(PendingImage { at: out.len(), image_len: bytes.len() });
        }
        ImageInput::Bytes(bytes) => {
            let info = image::probe(bytes)?;
            ensure_ok(image::check_with(&info, limits))?;
            out.reserve_exact(base64_len(bytes.len() as u64) as usize + 1 + tail.len());
            encode_base64_into(&mut out, bytes);
        }
        ImageInput::Base64(text) => {
            let b64 = strip_data_url(text)?;
            let decoded_len = validate_base64(b64)?;
            let info = probe_base64(b64, decoded_len)?;
            ensure_ok(image::check_with(&info, limits))?;
            out.reserve_exact(b64.len() + 1 + tail.len());
            // The alphabet was checked, so the text needs no JSON escaping.
            out.extend_from_slice(b64.as_bytes());
        }
    }
    out.push(b'"');
    out.extend_from_slice(&tail);
    Ok(Body { bytes: out, pending_image: pending })
}

/// `{"k": v, ...}` for a body without an image.
pub(crate) fn object(fields: &[Field]) -> Vec<u8> {
    let mut out = vec![b'{'];
    write_fields(&mut out, fields, true);
    out.push(b'}');
    out
}

fn write_fields(out: &mut Vec<u8>, fields: &[Field], first: bool) {
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 || !first {
            out.extend_from_slice(b", ");
        }
        write_str(out, k);
        out.extend_from_slice(b": ");
        write_value(out, v);
    }
}

/// A JSON value as Python writes it: `true`, numbers as serde_json prints
/// them (the bodies hold only bools, integers and strings), strings ASCII-escaped.
fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::String(s) => write_str(out, s),
        // Writing a Value into a Vec cannot fail.
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// A JSON string with Python's `ensure_ascii` escapes (`\uXXXX`, surrogate
/// pairs above the BMP) and its short escapes for `"`, `\` and controls.
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c as u8),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("\\u{u:04x}").as_bytes());
                }
            }
        }
    }
    out.push(b'"');
}

/// An optional boolean option of an SDK model: absent is `None` (the
/// service's default), `false` is sent, unlike a flag. Text (a query or a
/// form) reads `1`/`true`/`yes` and `0`/`false`/`no`.
pub(crate) fn opt_flag(f: &Fields<'_>, key: &str) -> Result<Option<bool>> {
    match (f.origin, f.value(key)) {
        (_, None) => Ok(None),
        (_, Some(Value::Bool(b))) => Ok(Some(*b)),
        (Origin::Text, Some(Value::String(s))) => match s.trim() {
            "1" | "true" | "yes" | "" => Ok(Some(true)),
            "0" | "false" | "no" => Ok(Some(false)),
            _ => Err(f.type_error(key, "true or false")),
        },
        _ => Err(f.type_error(key, "true or false")),
    }
}

/// An optional whole number (a page), from a number or, in text, digits.
pub(crate) fn opt_count(f: &Fields<'_>, key: &str) -> Result<Option<u32>> {
    let bad = || f.type_error(key, "a whole number from 1");
    match (f.origin, f.value(key)) {
        (_, None) => Ok(None),
        (_, Some(Value::Number(n))) => {
            let n = n
                .as_u64()
                .or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && *x >= 0.0).map(|x| x as u64));
            n.and_then(|n| u32::try_from(n).ok()).map(Some).ok_or_else(bad)
        }
        (Origin::Text, Some(Value::String(s))) => s.trim().parse().map(Some).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// `ProxyClient`'s query text for these options: `false` is kept (it is
/// not the default of every option), the rest as `wire::query_text` writes it.
pub(crate) fn query_text(key: &str, v: &Value) -> Result<Option<String>> {
    match v {
        Value::Bool(false) => Ok(Some("false".into())),
        _ => crate::api::wire::query_text(key, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_like_python_json_dumps() {
        // json.dumps({"url": "http://a/é\"", "page_num": 2, "advanced_mode": True})
        let body = object(&[
            ("url", json!("http://a/é\"")),
            ("page_num", json!(2)),
            ("advanced_mode", json!(true)),
        ]);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"url": "http://a/\u00e9\"", "page_num": 2, "advanced_mode": true}"#
        );
        let mut s = Vec::new();
        write_str(&mut s, "😀\u{1}");
        assert_eq!(s, br#""\ud83d\ude00\u0001""#);
        assert_eq!(object(&[]), b"{}");
    }
}
