//! The parts both schemes share: percent-encoding, the canonical URI, query
//! and headers, the six-line canonical request, and the hash primitives.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Whether a byte stays as is: RFC 3986 unreserved `A-Z a-z 0-9 - _ . ~`.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes every byte but the unreserved ones, with upper-case hex
/// (space is `%20`, never `+`).
pub fn percent_encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len());
    encode_into(&mut out, input, false);
    out
}

/// Appends `input` percent-encoded to `out`: unreserved bytes as they are,
/// space as `+` when `space_as_plus` (form encoding), every other byte as
/// `%XX` with upper-case hex.
pub fn encode_into(out: &mut String, input: &[u8], space_as_plus: bool) {
    for &b in input {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else if space_as_plus && b == b' ' {
            out.push('+');
        } else {
            push_escape(out, b);
        }
    }
}

/// Appends the escape `%XX` of the byte `b`, with upper-case hex.
pub fn push_escape(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 15)]));
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes to bytes; a `%` not followed by two hex digits stays
/// literal, as gateways and Python's `unquote` do. `+` stays `+` (paths).
pub fn percent_decode(input: &str) -> Vec<u8> {
    decode(input.as_bytes(), false)
}

/// Like [`percent_decode`], but `+` means space: for query strings, which
/// browsers and form encoders write that way.
pub fn percent_decode_query(input: &str) -> Vec<u8> {
    decode(input.as_bytes(), true)
}

fn decode(input: &[u8], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == b'%' {
            let hi = input.get(i + 1).copied().and_then(hex_value);
            let lo = input.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    out
}

/// The path to put in the URL, from decoded segments: each segment is
/// encoded once and on its own, so `/`, `%`, spaces and non-ASCII inside a
/// segment cannot change the path's shape. No segments gives `/`.
///
/// ```
/// use ocr_edge::sign::canonical::{encode_path_segments, canonical_uri};
/// let path = encode_path_segments(&["v1", "secrets", "a b/c%"]);
/// assert_eq!(path, "/v1/secrets/a%20b%2Fc%25");
/// // The gateway decodes before splitting, so the '/' becomes a separator
/// // in the canonical form; signing from the sent path matches that.
/// assert_eq!(canonical_uri(&path), "/v1/secrets/a%20b/c%25/");
/// ```
pub fn encode_path_segments<S: AsRef<str>>(segments: &[S]) -> String {
    if segments.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        encode_into(&mut out, segment.as_ref().as_bytes(), false);
    }
    out
}

/// Huawei's canonical URI, computed from the path exactly as sent: decode
/// the whole path, split on `/`, encode each piece, join with `/`, and end
/// with `/`. An empty path counts as `/`.
///
/// Decoding first is what makes encoding happen once: an already-encoded
/// path is not encoded again (the APIGW.0301 bug).
pub fn canonical_uri(raw_path: &str) -> String {
    let decoded = percent_decode(raw_path);
    let mut out = String::with_capacity(decoded.len() + 1);
    for (i, piece) in decoded.split(|&b| b == b'/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(&mut out, piece, false);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Huawei's canonical query from decoded pairs: sorted by key then value as
/// raw bytes (the order both official SDKs use), each encoded, `k=v` joined
/// by `&`. This is also the query string to send, so the gateway decodes
/// exactly these pairs.
pub fn canonical_query<K: AsRef<[u8]>, V: AsRef<[u8]>>(pairs: &[(K, V)]) -> String {
    let mut sorted: Vec<(&[u8], &[u8])> =
        pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
    sorted.sort_unstable();
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, k, false);
        out.push('=');
        encode_into(&mut out, v, false);
    }
    out
}

/// Splits a received query string into decoded pairs: `&` separates pairs,
/// the first `=` separates key from value (a missing `=` gives an empty
/// value), empty pieces are skipped, `+` means space.
pub fn parse_query(raw_query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw_query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.split_once('=') {
            Some((k, v)) => (percent_decode_query(k), percent_decode_query(v)),
            None => (percent_decode_query(piece), Vec::new()),
        })
        .collect()
}

/// One line of the canonical headers: lower-case name, trimmed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalHeader {
    /// The lower-cased name.
    pub name: String,
    /// The value with surrounding whitespace trimmed.
    pub value: String,
}

/// Picks the named headers (case-insensitive) from `headers`, in canonical
/// form and sorted by name. `host` falls back to `authority` (when given)
/// if no `Host` header is, since browsers cannot set one. When a name appears more
/// than once the last value wins, as in the SDKs' header maps.
///
/// Fails with `sign.header_missing` when a named header is absent and with
/// `sign.header_invalid` on an empty or duplicated name.
pub fn canonical_headers(
    headers: &[(String, String)],
    authority: Option<&str>,
    signed: &[String],
    lower_values: bool,
) -> Result<Vec<CanonicalHeader>> {
    let mut names: Vec<String> = signed.iter().map(|n| n.trim().to_ascii_lowercase()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        return Err(Error::invalid_argument(
            "sign.header_invalid",
            "a signed header is named twice",
        ));
    }
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(Error::invalid_argument(
                "sign.header_invalid",
                "a signed header name is empty or not an HTTP token",
            ));
        }
        let value = match (last_header(headers, &name), authority) {
            (Some(v), _) => v.trim(),
            (None, Some(authority)) if name == "host" => authority.trim(),
            (None, _) => {
                return Err(Error::invalid_argument(
                    "sign.header_missing",
                    format!("signed header {name} is not in the request"),
                ))
            }
        };
        let value = if lower_values { value.to_lowercase() } else { value.to_owned() };
        out.push(CanonicalHeader { name, value });
    }
    Ok(out)
}

/// HTTP token characters (RFC 9110), the only ones a header name may hold.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The six-part canonical request both schemes hash; `Display` is the exact
/// text (parts joined by LF, no trailing LF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    method: String,
    uri: String,
    query: String,
    headers: Vec<CanonicalHeader>,
    signed_headers: String,
    payload_hash: String,
}

impl CanonicalRequest {
    /// Assembles the parts; the method is upper-cased, the headers must
    /// already be canonical and sorted (see [`canonical_headers`]).
    pub fn new(
        method: &str,
        uri: String,
        query: String,
        headers: Vec<CanonicalHeader>,
        payload_hash: String,
    ) -> Self {
        let signed_headers = headers.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(";");
        CanonicalRequest {
            method: method.trim().to_ascii_uppercase(),
            uri,
            query,
            headers,
            signed_headers,
            payload_hash,
        }
    }

    /// The upper-case method.
    pub fn method(&self) -> &str {
        &self.method
    }
    /// The canonical URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }
    /// The canonical query string.
    pub fn query(&self) -> &str {
        &self.query
    }
    /// The signed headers in canonical form.
    pub fn headers(&self) -> &[CanonicalHeader] {
        &self.headers
    }
    /// The signed header names joined by `;`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }
    /// The payload hash (hex, or a literal such as `UNSIGNED-PAYLOAD`).
    pub fn payload_hash(&self) -> &str {
        &self.payload_hash
    }
    /// `hex(sha256(text))`, the line the string to sign carries.
    pub fn hash(&self) -> String {
        sha256_hex(self.to_string().as_bytes())
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}\n{}\n", self.method, self.uri, self.query)?;
        for h in &self.headers {
            writeln!(f, "{}:{}", h.name, h.value)?;
        }
        write!(f, "\n{}\n{}", self.signed_headers, self.payload_hash)
    }
}

/// A 32-byte HMAC-SHA256 signature; `Display` is lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 32]);

impl Signature {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// Compares with a received hex signature in constant time (case-insensitive hex).
    pub fn matches_hex(&self, hex: &str) -> bool {
        let mine = self.to_string();
        super::ct_eq(mine.as_bytes(), hex.to_ascii_lowercase().as_bytes())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 15)]));
    }
    out
}

/// `hex(sha256(bytes))`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so construction cannot fail; the
    // fallback only satisfies the type.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The last value of a header, by case-insensitive (trimmed) name: the one
/// case-insensitive header lookup of the crate (and the emulator).
pub fn last_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().rev().find(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(percent_encode(b"AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode(b" "), "%20");
        assert_eq!(percent_encode(b"+/%?#&=*!'()"), "%2B%2F%25%3F%23%26%3D%2A%21%27%28%29");
        assert_eq!(percent_encode("一".as_bytes()), "%E4%B8%80");
        assert_eq!(percent_encode("😀".as_bytes()), "%F0%9F%98%80");
        assert_eq!(percent_encode(&[0, 0x7f, 0xff]), "%00%7F%FF");
        assert_eq!(percent_encode(b""), "");
    }

    #[test]
    fn decoding_is_lenient_and_exact() {
        assert_eq!(percent_decode("%e4%B8%80"), "一".as_bytes());
        assert_eq!(percent_decode("a+b"), b"a+b");
        assert_eq!(percent_decode_query("a+b%2B"), b"a b+");
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%zz%4"), b"%zz%4");
        assert_eq!(percent_decode("%%41"), b"%A");
        assert_eq!(percent_decode("%FF"), [0xff]);
    }

    #[test]
    fn segments_encode_once() {
        assert_eq!(encode_path_segments::<&str>(&[]), "/");
        assert_eq!(encode_path_segments(&[""]), "/");
        assert_eq!(encode_path_segments(&["v1", "", "x"]), "/v1//x");
        assert_eq!(encode_path_segments(&["tag", "%41 b"]), "/tag/%2541%20b");
        assert_eq!(encode_path_segments(&["标签~+"]), "/%E6%A0%87%E7%AD%BE~%2B");
    }

    #[test]
    fn canonical_uri_decodes_then_encodes() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/v1/x"), "/v1/x/");
        assert_eq!(canonical_uri("/v1/x/"), "/v1/x/");
        assert_eq!(canonical_uri("/a%20b/c"), "/a%20b/c/");
        assert_eq!(canonical_uri("/a b/c"), "/a%20b/c/");
        assert_eq!(canonical_uri("/%2541"), "/%2541/");
        assert_eq!(canonical_uri("/a%2Fb"), "/a/b/");
        assert_eq!(canonical_uri("/a+b~"), "/a%2Bb~/");
        assert_eq!(canonical_uri("/x//y"), "/x//y/");
        // Lower-case escapes come out upper-case.
        assert_eq!(canonical_uri("/%e4%b8%80"), "/%E4%B8%80/");
        // The same segments, sent then canonicalised, always agree.
        let sent = encode_path_segments(&["a b", "%", "c/d", "é"]);
        assert_eq!(canonical_uri(&sent), "/a%20b/%25/c/d/%C3%A9/");
    }

    #[test]
    fn canonical_query_sorts_raw_then_encodes() {
        let pairs = [("b", "2"), ("a", "z"), ("a", "y"), ("a b", ""), ("~", "1"), ("é", "1")];
        assert_eq!(canonical_query(&pairs), "a=y&a=z&a%20b=&b=2&~=1&%C3%A9=1");
        assert_eq!(canonical_query::<&str, &str>(&[]), "");
    }

    #[test]
    fn parse_query_handles_odd_pieces() {
        let parsed = parse_query("a=1&&b&c=x=y&d=%2B+&=v");
        let expect: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), b"".to_vec()),
            (b"c".to_vec(), b"x=y".to_vec()),
            (b"d".to_vec(), b"+ ".to_vec()),
            (b"".to_vec(), b"v".to_vec()),
        ];
        assert_eq!(parsed, expect);
        assert!(parse_query("").is_empty());
    }

    #[test]
    fn headers_are_picked_trimmed_and_sorted() {
        let headers = vec![
            ("Content-Type".to_owned(), "  Application/JSON \t".to_owned()),
            ("X-A".to_owned(), "a  b".to_owned()),
        ];
        let signed = vec!["x-a".to_owned(), "Host".to_owned(), "content-type".to_owned()];
        let got = canonical_headers(&headers, Some("h.example:8443"), &signed, false).unwrap();
        let text: Vec<String> = got.iter().map(|h| format!("{}:{}", h.name, h.value)).collect();
        assert_eq!(text, ["content-type:Application/JSON", "host:h.example:8443", "x-a:a  b"]);
        let lower = canonical_headers(&headers, Some("h"), &signed, true).unwrap();
        assert_eq!(lower[0].value, "application/json");
        let missing =
            canonical_headers(&headers, Some("h"), &["x-b".to_owned()], false).unwrap_err();
        assert_eq!(missing.code(), "sign.header_missing");
        let twice = canonical_headers(&headers, Some("h"), &["x-a".into(), "X-A".into()], false);
        assert_eq!(twice.unwrap_err().code(), "sign.header_invalid");
        let bad = canonical_headers(&headers, Some("h"), &["a:b".into()], false);
        let no_host = canonical_headers(&headers, None, &["host".into()], false);
        assert_eq!(no_host.unwrap_err().code(), "sign.header_missing");
        assert_eq!(bad.unwrap_err().code(), "sign.header_invalid");
    }

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
