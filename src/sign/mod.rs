//! Request signing, sans-IO: Huawei token and SDK-HMAC-SHA256, Tencent
//! TC3-HMAC-SHA256.
//!
//! The signers take a [`SignableRequest`] and the time as unix seconds, and
//! return the headers to add; nothing here reads a clock or does I/O. Every
//! stage is a value whose `Display` is the provider's text
//! ([`CanonicalRequest`], [`huawei::StringToSign`], [`tencent::StringToSign`]),
//! so tests and error messages can show exactly what was signed.
//!
//! Paths are given *as sent* (already percent-encoded): build them from
//! decoded segments with [`canonical::encode_path_segments`], and the
//! signers derive the canonical URI from that same text the way the gateway
//! does, so what is sent and what is signed cannot drift apart.
//!
//! The verifier side ([`ReceivedRequest`], `parse_authorization`,
//! `recompute`) recomputes a signature from a request as received, for the
//! emulator.
//!
//! ```
//! use ocr_edge::sign::{huawei, Credentials, SignableRequest};
//! let creds = Credentials::new("AccessKey", "SecretKey")?;
//! let req = SignableRequest::new("GET", "service.example.com", "/resources")
//!     .with_query("size", "1");
//! let signed = huawei::sign(&req, &creds, &huawei::SigningParams::new(1_591_583_940))?;
//! assert!(signed.authorization().starts_with("SDK-HMAC-SHA256 Access=AccessKey, "));
//! # Ok::<(), ocr_edge::Error>(())
//! ```

pub mod canonical;
pub mod credentials;
pub mod huawei;
pub mod tencent;
pub mod time;

pub use canonical::{CanonicalRequest, Signature};
pub use credentials::{Credentials, IamToken};
pub use time::UtcDateTime;

/// How the payload enters the canonical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body bytes, hashed with SHA-256.
    Bytes(&'a [u8]),
    /// Not hashed: the provider's unsigned-payload header is added and signed
    /// (`X-Sdk-Content-Sha256` / `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`).
    Unsigned,
    /// A SHA-256 hex digest computed elsewhere (e.g. streamed); used as is.
    Sha256Hex(&'a str),
}

/// A request to sign: what will be sent, minus the signing headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignableRequest<'a> {
    /// HTTP method; upper-cased when signed.
    pub method: String,
    /// The URL's authority: host, plus `:port` when the port is not the
    /// scheme's default. Signed as `host` (browsers cannot set `Host`).
    pub host: String,
    /// The path exactly as it goes in the URL, already percent-encoded
    /// (see [`canonical::encode_path_segments`]); `""` means `/`.
    pub path: String,
    /// Decoded query pairs, repeated keys allowed. Huawei: send
    /// [`SignableRequest::query_string`]. Tencent: see
    /// [`tencent::encode_query`].
    pub query: Vec<(String, String)>,
    /// Headers that will be sent, names in any case.
    pub headers: Vec<(String, String)>,
    /// The body or its hash.
    pub payload: Payload<'a>,
}

impl<'a> SignableRequest<'a> {
    /// A request with no query, no headers and an empty body.
    pub fn new(
        method: impl Into<String>,
        host: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        SignableRequest {
            method: method.into(),
            host: host.into(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            payload: Payload::Bytes(&[]),
        }
    }

    /// Adds a decoded query pair.
    pub fn with_query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body bytes.
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.payload = Payload::Bytes(body);
        self
    }

    /// Sets how the payload is signed.
    pub fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }

    /// The query string to send for Huawei (no leading `?`): the canonical
    /// query itself, so the gateway decodes exactly the signed pairs.
    pub fn query_string(&self) -> String {
        canonical::canonical_query(&self.query)
    }

    /// The path and query to send for Huawei, e.g. `/v1/x?a=1`.
    pub fn path_and_query(&self) -> String {
        let path = if self.path.is_empty() { "/" } else { self.path.as_str() };
        let query = self.query_string();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        canonical::last_header(&self.headers, name)
    }
}

/// The outcome of signing, for either signer: each stage (`S` is the
/// signer's string to sign), and the headers to add, `Authorization` last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest<S> {
    canonical_request: CanonicalRequest,
    string_to_sign: S,
    signature: Signature,
    headers: Vec<(String, String)>,
}

impl<S> SignedRequest<S> {
    pub(crate) fn new(
        canonical_request: CanonicalRequest,
        string_to_sign: S,
        signature: Signature,
        headers: Vec<(String, String)>,
    ) -> Self {
        SignedRequest { canonical_request, string_to_sign, signature, headers }
    }
    /// The canonical request that was hashed.
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }
    /// The string that was signed.
    pub fn string_to_sign(&self) -> &S {
        &self.string_to_sign
    }
    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
    /// The headers to add to the request, in order, `Authorization` last.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
    /// The `Authorization` value.
    pub fn authorization(&self) -> &str {
        self.headers.last().map(|(_, v)| v.as_str()).unwrap_or_default()
    }
}

/// A request as a server received it, for recomputing its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedRequest<'a> {
    /// The method.
    pub method: &'a str,
    /// The path as received, still percent-encoded.
    pub raw_path: &'a str,
    /// The query string as received, without `?` (`""` when none).
    pub raw_query: &'a str,
    /// All received headers, including `Host`.
    pub headers: &'a [(String, String)],
    /// The body bytes.
    pub body: &'a [u8],
}

impl ReceivedRequest<'_> {
    /// The last value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        canonical::last_header(self.headers, name)
    }
}

/// Compares two byte strings in time that depends only on their lengths,
/// for signatures and tokens (no early exit on the first difference).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_compares_whole_strings() {
        assert!(ct_eq(b"", b""));
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(!ct_eq(b"xbc", b"abc"));
    }

    #[test]
    fn path_and_query_for_huawei() {
        let req = SignableRequest::new("get", "h", "").with_query("b", "x y").with_query("a", "+");
        assert_eq!(req.path_and_query(), "/?a=%2B&b=x%20y");
        assert_eq!(SignableRequest::new("GET", "h", "/x").path_and_query(), "/x");
    }
}
