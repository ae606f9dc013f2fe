//! The wire between `ProxyClient` and the edge worker, both ends in one place.
//!
//! A call goes to `POST {base}{descriptor.path}`, with `{flag}=1` in the
//! query when the descriptor has a flag, and `Authorization: Bearer <capture
//! token>`. The body is one of:
//! - the image itself (`Content-Type: image/<format>` or
//!   `application/octet-stream`; or a `multipart/form-data` file part), the
//!   other parameters as query (or form) text, each written by the
//!   descriptor's `query_text` ([`query_text`] by default: `true` is `1`,
//!   `false` and `null` are left out, an object of booleans is the comma list
//!   of its true keys);
//! - the JSON object of the parameters (`Content-Type: application/json`),
//!   base64 under the descriptor's first image key, put last.
//!
//! The worker reads either into [`Fields`] and the descriptor's `build`
//! applies the same rules as for a direct client.

use serde_json::{Map, Value};

use crate::api::fields::Fields;
use crate::api::operation::{Descriptor, Wire};
use crate::api::request::encode_segment;
use crate::error::Result;

/// True for `1`, `true`, `yes` and an empty value (a bare flag).
pub fn flag(v: &str) -> bool {
    matches!(v.trim().to_ascii_lowercase().as_str(), "" | "1" | "true" | "yes")
}

/// The default text of one parameter in the query; `None` to leave it out.
pub fn query_text(_key: &str, v: &Value) -> Result<Option<String>> {
    Ok(match v {
        Value::Null | Value::Bool(false) | Value::Array(_) => None,
        Value::Bool(true) => Some("1".into()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(m) => Some(
            m.iter()
                .filter(|(_, v)| v.as_bool() == Some(true))
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ),
    })
}

/// The path and query of a call whose image goes as the raw body, with the
/// other parameters `fields` in the query.
pub fn raw_path(d: &Wire, fields: &Map<String, Value>) -> Result<String> {
    let mut query: Vec<String> = d.flag.iter().map(|f| format!("{f}=1")).collect();
    for (k, v) in fields {
        if let Some(text) = (d.query_text)(k, v)? {
            query.push(format!("{}={}", encode_segment(k), encode_segment(&text)));
        }
    }
    Ok(if query.is_empty() { d.path.to_owned() } else { format!("{}?{}", d.path, query.join("&")) })
}

/// The path and query of a call with a JSON body.
pub fn json_path(d: &Wire) -> String {
    match d.flag {
        Some(f) => format!("{}?{f}=1", d.path),
        None => d.path.to_owned(),
    }
}

/// The query pairs that select among the routes of one path (their flags),
/// dropped before the rest is read as parameters.
pub fn is_route_flag(routes: &[&Descriptor], path: &str, key: &str) -> bool {
    routes.iter().any(|d| d.path == path && d.flag == Some(key))
}

/// The worker's side of a raw-body call: the file and the query and form text.
pub fn read_text<'a>(file: Option<&'a [u8]>, pairs: Vec<(String, String)>) -> Fields<'a> {
    Fields::from_text(file, pairs)
}
