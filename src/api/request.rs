//! The hand-off from the builders to the signer and the transport.
//!
//! A builder validates the caller's parameters and returns a
//! [`PreparedRequest`]: everything that must be sent, already encoded, and
//! nothing secret, and how it is to be signed ([`Signing`]). The signer then
//! adds `Host`, the date header and `Authorization` (Huawei) or the `X-TC-*`
//! headers and `Authorization` (Tencent), signing exactly `method`, `path`,
//! `query`, `headers` and `body` as they are here. The transport sends them unchanged to
//! `https://{host}{path}`. Both may replace `host` (a proxy, the local
//! emulator) as long as the signer sees the final value.

use std::fmt;

/// A provider operation: its provider name (the Tencent `X-TC-Action`), its
/// error envelope and whether it may be retried. Each operation's own module
/// defines its value as an associated constant (`Operation::X`), so
/// adding one touches no shared list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    name: &'static str,
    service: Service,
    idempotent: bool,
}

/// The provider behind an operation; it decides the error envelope.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// Huawei OCR: flat `{error_code, error_msg}`.
    HuaweiOcr,
    /// Huawei CSMS (KMS host): nested `{error: {error_code, error_msg}}`.
    HuaweiCsms,
    /// Huawei APIG management: flat `{error_code, error_msg, request_id}`.
    HuaweiApig,
    /// Tencent OCR: HTTP 200 with `{Response: {Error: {Code, Message}}}`.
    TencentOcr,
}

impl Operation {
    /// An operation named `name` on `service`; `idempotent` as
    /// [`Operation::idempotent`] says.
    pub const fn new(name: &'static str, service: Service, idempotent: bool) -> Operation {
        Operation { name, service, idempotent }
    }

    /// The provider's name of the operation (the Tencent `X-TC-Action`).
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The provider and envelope family.
    pub fn service(self) -> Service {
        self.service
    }

    /// Whether sending the request twice has the same effect as once, so an
    /// ambiguous failure (timeout, 5xx) may be retried.
    pub fn idempotent(self) -> bool {
        self.idempotent
    }
}

/// How a [`PreparedRequest`] is signed, set by its builder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signing {
    /// Huawei: token or SDK-HMAC-SHA256; the builder's headers say it all.
    Huawei,
    /// Tencent TC3-HMAC-SHA256: what the signer sends as `X-TC-Action`,
    /// `X-TC-Version` and `X-TC-Region`.
    Tencent(TencentSigning),
}

/// The Tencent action, API version and region of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TencentSigning {
    /// `X-TC-Action`, the operation's provider name.
    pub action: &'static str,
    /// `X-TC-Version`, e.g. `2018-11-19`.
    pub version: &'static str,
    /// `X-TC-Region`, e.g. `ap-guangzhou`.
    pub region: String,
}

/// A request ready for signing: method, host, encoded path, query, headers
/// and body bytes. Holds no credentials; `Debug` shows the body's length only
/// because bodies carry images and, for APIG, an app secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The operation this request performs (selects the response parser).
    pub operation: Operation,
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The host name, without scheme or port.
    pub host: String,
    /// The path segments before encoding, in order; empty for `/`.
    pub path_segments: Vec<String>,
    /// The exact path to send: each segment percent-encoded once (RFC 3986
    /// unreserved characters kept, upper-case hex), joined by `/`.
    pub path: String,
    /// Query parameters before encoding, in order (none of the six
    /// operations uses one today).
    pub query: Vec<(String, String)>,
    /// Headers to send and sign, besides the ones the signer adds.
    pub headers: Vec<(String, String)>,
    /// The body bytes, exactly as they are to be sent and hashed, unless
    /// [`PreparedRequest::pending_image`] says the image is still to go in.
    pub body: Vec<u8>,
    /// For an image given as [`ImageInput::Unencoded`](crate::api::ImageInput):
    /// where its base64 goes in `body`. `None`: `body` is complete.
    pub pending_image: Option<PendingImage>,
    /// Safe to retry after an ambiguous failure; see [`Operation::idempotent`].
    pub idempotent: bool,
    /// Which signer takes it, and what that signer needs besides the rest.
    pub signing: Signing,
}

impl PreparedRequest {
    /// A request with the path built from decoded `segments`, signed as
    /// [`Signing::Huawei`] until [`PreparedRequest::tencent`] says otherwise.
    pub(crate) fn new(
        operation: Operation,
        method: &'static str,
        host: String,
        segments: &[&str],
    ) -> Self {
        PreparedRequest {
            operation,
            method,
            host,
            path_segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            path: encode_path(segments),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            pending_image: None,
            idempotent: operation.idempotent(),
            signing: Signing::Huawei,
        }
    }

    /// Signs with TC3 as the operation's action of API `version` in `region`.
    pub(crate) fn tencent(mut self, version: &'static str, region: &str) -> Self {
        let action = self.operation.name();
        self.signing =
            Signing::Tencent(TencentSigning { action, version, region: region.to_owned() });
        self
    }

    /// Sets the body, and where an unencoded image's base64 goes in it.
    pub(crate) fn with_body(mut self, body: Body) -> Self {
        self.body = body.bytes;
        self.pending_image = body.pending_image;
        self
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The value of the header named `name` (case-insensitive; the last one
    /// if a builder gave several).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        crate::sign::canonical::last_header(&self.headers, name)
    }

    /// The query string as sent: `k=v` pairs percent-encoded like path
    /// segments, joined by `&`, in the order given; empty when there is none.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.query.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&encode_segment(k));
            out.push('=');
            out.push_str(&encode_segment(v));
        }
        out
    }

    /// The full `https://` URL to fetch.
    pub fn url(&self) -> String {
        let q = self.query_string();
        if q.is_empty() {
            format!("https://{}{}", self.host, self.path)
        } else {
            format!("https://{}{}?{}", self.host, self.path, q)
        }
    }
}

/// Where the base64 of an image left out of a body goes: the body sent is
/// `body[..at]`, the padded standard base64 of the image's `image_len`
/// bytes, then `body[at..]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingImage {
    /// The byte offset in the body.
    pub at: usize,
    /// The image's length in bytes (its base64 is `4 * ceil(n / 3)` bytes).
    pub image_len: usize,
}

/// A body from a writer: complete, or with an image still to go in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Body {
    pub bytes: Vec<u8>,
    pub pending_image: Option<PendingImage>,
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body { bytes, pending_image: None }
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("pending_image", &self.pending_image)
            .field("idempotent", &self.idempotent)
            .field("signing", &self.signing)
            .finish()
    }
}

/// Percent-encodes one path segment (or query component): every byte of the
/// UTF-8 text except `A-Z a-z 0-9 - _ . ~` becomes `%XX` with upper-case hex.
/// This is the same rule the signers use on decoded segments, so what is sent
/// is what is signed.
pub fn encode_segment(s: &str) -> String {
    crate::sign::canonical::percent_encode(s.as_bytes())
}

/// `/` followed by the encoded segments joined by `/`; `/` alone when empty.
pub fn encode_path(segments: &[&str]) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(&encode_segment(s));
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}
