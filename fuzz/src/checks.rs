//! The body of every fuzz target, one function per target.
//!
//! Each function takes arbitrary bytes, runs one part of the core and
//! asserts its properties with `assert!`: a panic here is a finding, whether
//! it comes from the core or from a broken property. The same functions are
//! replayed by `tests/fuzz_regressions.rs` (included with `#[path]`), so this
//! file depends on nothing but `ocr_edge` and `serde_json`, which the main
//! crate's tests can also use.
//!
//! Structured inputs are cut from the bytes with [`Cursor`] rather than the
//! `arbitrary` crate, so a seed can be written by hand (or by
//! `fuzz/seed.py`) and read in a hex dump.

use ocr_edge::api::huawei::{apig, csms, ocr};
use ocr_edge::api::input::{normalize_url, validate_base64, MAX_URL_LEN};
use ocr_edge::api::regnum::validate_reg_num;
use ocr_edge::api::request::encode_path;
use ocr_edge::api::tencent::ocr as tc;
use ocr_edge::api::{parse_error, ImageInput, Operation, PreparedRequest};
use ocr_edge::image::{self, body, Partial, Target};
use ocr_edge::sign::canonical::{
    canonical_query, canonical_uri, encode_path_segments, parse_query, percent_decode,
    percent_decode_query, percent_encode,
};
use ocr_edge::sign::UtcDateTime;
use ocr_edge::sign::{huawei, tencent, Credentials, Payload, ReceivedRequest, SignableRequest};
use ocr_edge::Error;
use serde_json::Value;

/// The longest error message accepted: messages reach logs and UIs, so a
/// body or parameter echoed in full would be a finding.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// A project id that passes validation, for builders that need one.
const PID: &str = "0123456789abcdef0123456789abcdef";

/// Asserts what every error must satisfy: a non-empty code of printable
/// ASCII, and a message that is bounded and single-line.
pub fn check_error(e: &Error) {
    let code = e.code();
    assert!(!code.is_empty(), "empty error code: {e:?}");
    assert!(code.len() <= 128, "error code too long: {} bytes", code.len());
    assert!(!code.chars().any(char::is_control), "control character in code {code:?}");
    let msg = e.message();
    assert!(msg.len() <= MAX_MESSAGE_BYTES, "error message of {} bytes (code {code})", msg.len());
    assert!(!msg.chars().any(char::is_control), "control character in message {msg:?}");
    if let Some(id) = e.request_id() {
        assert!(id.len() <= 512 && !id.chars().any(char::is_control), "bad request id {id:?}");
    }
    // Display must not panic either; it is what logs print.
    let _ = e.to_string();
}

/// Asserts an `Ok` is fine and an `Err` is well-formed; returns the value.
fn typed<T>(r: ocr_edge::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            check_error(&e);
            None
        }
    }
}

/// A reader that cuts structured fields out of fuzz bytes.
pub struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// Starts at the first byte.
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data }
    }
    /// One byte, 0 once the input is used up.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    /// A big-endian u64 from up to 8 bytes.
    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0u64, |acc, _| (acc << 8) | u64::from(self.byte()))
    }
    /// The bytes up to the next `\n` (not included), or the rest.
    pub fn line(&mut self) -> &'a [u8] {
        match self.data.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let (head, tail) = self.data.split_at(i);
                self.data = tail.get(1..).unwrap_or(&[]);
                head
            }
            None => std::mem::take(&mut self.data),
        }
    }
    /// The next line as text (invalid UTF-8 replaced).
    pub fn text(&mut self) -> String {
        String::from_utf8_lossy(self.line()).into_owned()
    }
    /// Whatever is left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

// ---------------------------------------------------------------- images

/// `image_probe`: the header probe of every format.
///
/// - `probe` never panics; errors are typed; a success is self-consistent.
/// - Walking `probe_prefix` from an empty prefix, following each
///   `NeedMore(n)`, ends in exactly what `probe` of the whole file says.
/// - `NeedMore(n)` always has `prefix.len() < n <= total_len`, for the walk
///   and for one more prefix length picked from the input.
pub fn image_probe(data: &[u8]) {
    let whole = image::probe(data);
    let total = data.len() as u64;
    if let Ok(info) = &whole {
        assert_eq!(info.byte_length, total);
        assert!(info.width > 0 && info.height > 0);
        assert!((1..=8).contains(&info.orientation));
        let swapped = info.orientation >= 5;
        let display = if swapped { (info.height, info.width) } else { (info.width, info.height) };
        assert_eq!((info.display_width, info.display_height), display);
        if let Some(sniffed) = image::sniff(data) {
            assert_eq!(sniffed, info.format, "sniff and probe disagree");
        }
        for target in [Target::HuaweiQuotaInvoice, Target::TencentBizLicense] {
            let c = image::check(info, target);
            assert_eq!(c.ok, c.violations.is_empty());
        }
    }
    if let Err(e) = &whole {
        check_error(e);
    }

    // The walk a streaming reader (a Blob in the browser) performs.
    let mut have = 0usize;
    let walked = loop {
        let prefix = data.get(..have).unwrap_or(data);
        match image::probe_prefix(prefix, total) {
            Ok(Partial::NeedMore(n)) => {
                assert!(n > have, "NeedMore({n}) with a prefix of {have} bytes");
                assert!(n as u64 <= total, "NeedMore({n}) past the end ({total} bytes)");
                have = n;
            }
            Ok(Partial::Done(info)) => break Ok(info),
            Err(e) => break Err(e),
        }
    };
    match (&whole, &walked) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "probe and the prefix walk disagree"),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "probe and the prefix walk fail apart"),
        _ => panic!("probe gave {whole:?} but the prefix walk gave {walked:?}"),
    }

    // Any other prefix length: the answer depends only on the bytes read,
    // so a `Done` or an error must match the whole file's.
    if let Some(&pick) = data.last() {
        let k = data.len() * usize::from(pick) / 256;
        let prefix = data.get(..k).unwrap_or(data);
        match image::probe_prefix(prefix, total) {
            Ok(Partial::NeedMore(n)) => assert!(n > k && n as u64 <= total),
            Ok(Partial::Done(info)) => assert_eq!(whole.as_ref().ok(), Some(&info)),
            Err(e) => {
                check_error(&e);
                assert_eq!(whole.as_ref().err().map(Error::code), Some(e.code()));
            }
        }
    }
}

// ----------------------------------------------------------------- bodies

/// An independent base64 decoder (standard alphabet, padded), so the check
/// does not trust the encoder under test.
pub fn decode_base64(s: &[u8]) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(v))
    }
    if s.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let groups = s.len() / 4;
    for (g, quad) in s.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && g + 1 != groups) {
            return None;
        }
        let mut n = 0u32;
        for &c in quad.iter().take(4 - pad) {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(three.get(..3 - pad)?);
    }
    Some(out)
}

/// `body`: the base64 JSON body builder.
///
/// The output parses as JSON, holds the fields in order and the image key
/// last, its base64 decodes to the input, its length is `base64_len`, and
/// `validate_base64` accepts it with the right decoded length.
pub fn body(data: &[u8]) {
    let mut c = Cursor::new(data);
    let flags = c.byte();
    // Keys and values that need JSON escaping, as well as plain ones.
    let key = match flags % 4 {
        0 => "image".to_owned(),
        1 => "ImageBase64".to_owned(),
        2 => "a\"b\\c\u{1}\u{7f}é".to_owned(),
        _ => c.text(),
    };
    let mut fields: Vec<(String, Value)> = Vec::new();
    for _ in 0..(flags >> 2) % 4 {
        let name = c.text();
        let value = Value::String(c.text());
        fields.push((name, value));
    }
    let image = c.rest();
    let borrowed: Vec<(&str, Value)> =
        fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let out = body::json_with_base64(&borrowed, &key, image);
    let parsed: Value = serde_json::from_slice(&out).expect("the body is not JSON");
    let obj = parsed.as_object().expect("the body is not a JSON object");
    let b64 = obj.get(&key).and_then(Value::as_str).expect("the image key is missing");
    assert_eq!(b64.len() as u64, body::base64_len(image.len() as u64));
    assert_eq!(decode_base64(b64.as_bytes()).as_deref(), Some(image), "base64 does not round-trip");
    if !image.is_empty() {
        assert_eq!(validate_base64(b64).ok(), Some(image.len() as u64));
    }
    // Later duplicates win in a JSON object; check the last value of each name.
    for (name, value) in &fields {
        if *name != key {
            let last = fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
            assert_eq!(obj.get(name), last, "field {name:?} lost");
            let _ = value;
        }
    }
}

/// `base64_input`: base64 text (or a data URL) given as the image of both
/// OCR builders: validation, partial decoding, probing, limits.
pub fn base64_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let p =
        ocr::QuotaInvoiceParams { image: Some(ImageInput::Base64(&text)), ..Default::default() };
    if let Some(req) = typed(ocr::recognize_quota_invoice(None, PID, &p)) {
        check_request(&req);
        let v: Value = serde_json::from_slice(&req.body).expect("body not JSON");
        let sent = v.get("image").and_then(Value::as_str).expect("no image field");
        let b64 = text.split_once(";base64,").map_or(&*text, |(_, b)| b);
        assert_eq!(sent, b64, "the base64 sent is not the base64 given");
    }
    let p = tc::BizLicenseParams { image: Some(ImageInput::Base64(&text)), ..Default::default() };
    if let Some(req) = typed(tc::verify_biz_license(&p)) {
        check_request(&req);
    }
    if let Ok(n) = validate_base64(&text) {
        let decoded = decode_base64(text.as_bytes()).expect("validate_base64 accepted bad base64");
        assert_eq!(decoded.len() as u64, n);
    }
}

// -------------------------------------------------------------- responses

/// HTTP statuses worth trying: success, the documented errors, and oddities.
const STATUSES: [u16; 16] =
    [200, 201, 204, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 0, 302, 999];

/// `responses`: every response parser and the error-envelope parser.
///
/// Input: byte 0 picks the parser, byte 1 the status, byte 2 whether an
/// `X-Request-Id` is given; the rest is the body. Results must be `Ok` (and
/// serialise to the JS shape) or a well-formed typed error.
pub fn responses(data: &[u8]) {
    let mut c = Cursor::new(data);
    let which = c.byte();
    let status = STATUSES[usize::from(c.byte()) % STATUSES.len()];
    let rid = match c.byte() % 3 {
        0 => None,
        1 => Some("req-1"),
        _ => Some("\u{0}a\nb\u{202e}"),
    };
    let body = c.rest();
    match which % 7 {
        0 => ok_json(ocr::parse_quota_invoice(status, rid, body)),
        1 => ok_json(csms::parse_list_resource_instances(status, rid, body)),
        2 => {
            let _ = typed(csms::parse_delete_secret_tag(status, rid, body));
        }
        3 => ok_json(apig::parse_create_app(status, rid, body)),
        4 => ok_json(tc::parse_verify_basic_biz_license(status, body)),
        5 => ok_json(tc::parse_verify_biz_license(status, body)),
        _ => {
            let ops = [
                Operation::RecognizeQuotaInvoice,
                Operation::ListResourceInstances,
                Operation::DeleteSecretTag,
                Operation::CreateApp,
                Operation::VerifyBasicBizLicense,
                Operation::VerifyBizLicense,
            ];
            let op = ops[usize::from(which / 7) % ops.len()];
            let e = parse_error(status, rid, body, op);
            check_error(&e);
            assert_eq!(e.status(), Some(status));
        }
    }
    // A 2xx parse that succeeded must not have been an error status.
}

fn ok_json<T: serde::Serialize>(r: ocr_edge::Result<T>) {
    if let Some(v) = typed(r) {
        serde_json::to_string(&v).expect("a parsed result does not serialise");
    }
}

// ---------------------------------------------------------------- signing

/// Cuts a request to sign out of the input: lines for method, host, path,
/// query (`k=v&…`, taken literally as decoded pairs) and headers
/// (`name:value` separated by tabs), then the body.
fn signable(c: &mut Cursor<'_>) -> (SignableRequest<'static>, Vec<u8>) {
    let method = c.text();
    let host = c.text();
    let path = c.text();
    let query_line = c.text();
    let header_line = c.text();
    let body = c.rest().to_vec();
    let mut req = SignableRequest::new(method, host, path);
    for pair in query_line.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        req = req.with_query(k, v);
    }
    for h in header_line.split('\t').filter(|h| !h.is_empty()) {
        let (k, v) = h.split_once(':').unwrap_or((h, ""));
        req = req.with_header(k, v);
    }
    (req, body)
}

/// A time from the input: mostly ordinary, sometimes at the edges.
fn time(c: &mut Cursor<'_>) -> u64 {
    match c.byte() % 4 {
        0 => 1_591_583_940,
        1 => 253_402_300_799, // 9999-12-31T23:59:59Z
        2 => c.u64() % 253_402_300_800,
        _ => c.u64(),
    }
}

/// The headers a server receives: the request's own, the signer's, and
/// `Host` when the request did not set one.
fn received_headers(
    req: &SignableRequest<'_>,
    added: &[(String, String)],
) -> Vec<(String, String)> {
    let mut all = req.headers.clone();
    if !all.iter().any(|(k, _)| k.trim().eq_ignore_ascii_case("host")) {
        all.push(("Host".to_owned(), req.host.clone()));
    }
    all.extend(added.iter().cloned());
    all
}

/// `sign_huawei`: SDK-HMAC-SHA256 canonical request and signature.
///
/// Signing is deterministic; when it succeeds, the `Authorization` it wrote
/// parses, and recomputing the signature from the request as a server
/// receives it gives the same canonical request and a match.
pub fn sign_huawei(data: &[u8]) {
    let mut c = Cursor::new(data);
    let flags = c.byte();
    let t = time(&mut c);
    let (req, body) = signable(&mut c);
    let req = match flags & 3 {
        0 => req.with_body(&body),
        1 => req.with_payload(Payload::Unsigned),
        _ => req.with_body(&body),
    };
    let mut creds = Credentials::new("AK-fuzz", "SK/fuzz+secret").expect("valid credentials");
    if flags & 4 != 0 {
        creds = creds.with_session_token("session-token").expect("valid token");
    }
    let mut params = huawei::SigningParams::new(t);
    if flags & 8 != 0 {
        params = params.with_project_id(PID);
    }
    if flags & 16 != 0 {
        params = params.with_signed_headers(huawei::SignedHeaders::All);
    }
    let first = huawei::sign(&req, &creds, &params);
    let second = huawei::sign(&req, &creds, &params);
    let signed = match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.canonical_request().to_string(), b.canonical_request().to_string());
            assert_eq!(a.authorization(), b.authorization());
            a
        }
        (Err(a), Err(b)) => {
            check_error(&a);
            assert_eq!(a, b, "signing twice fails differently");
            return;
        }
        (a, b) => panic!("signing twice differs: {a:?} / {b:?}"),
    };
    let auth = huawei::parse_authorization(signed.authorization())
        .expect("our own Authorization does not parse");
    assert_eq!(auth.access_key, "AK-fuzz");
    assert_eq!(auth.signed_headers.join(";"), signed.canonical_request().signed_headers());
    let headers = received_headers(&req, signed.headers());
    let sent_path = if req.path.is_empty() { "/" } else { req.path.as_str() };
    let query = req.query_string();
    let received = ReceivedRequest {
        method: &req.method,
        raw_path: sent_path,
        raw_query: &query,
        headers: &headers,
        body: &body,
    };
    let again = huawei::recompute(&received, &auth, &creds).expect("recompute failed");
    assert_eq!(
        again.canonical_request.to_string(),
        signed.canonical_request().to_string(),
        "the server's canonical request differs from the signer's"
    );
    assert!(again.matches, "our own signature does not verify");
    assert_eq!(again.time.unix(), t);
}

/// `sign_tencent`: TC3-HMAC-SHA256, the same properties as `sign_huawei`.
pub fn sign_tencent(data: &[u8]) {
    let mut c = Cursor::new(data);
    let flags = c.byte();
    let t = time(&mut c);
    let action = c.text();
    let (req, body) = signable(&mut c);
    let req =
        if flags & 1 != 0 { req.with_payload(Payload::Unsigned) } else { req.with_body(&body) };
    let mut creds = Credentials::new("AKIDfuzz", "secret+fuzz/key").expect("valid credentials");
    if flags & 4 != 0 {
        creds = creds.with_session_token("session-token").expect("valid token");
    }
    let mut params = tencent::SigningParams::new(action, "2018-11-19", t);
    if flags & 8 != 0 {
        params = params.with_region("ap-guangzhou");
    }
    if flags & 16 != 0 {
        params = params.with_signed_headers(tencent::SignedHeaders::WithAction);
    }
    if flags & 32 != 0 {
        params = params.with_service("ocr");
    }
    let first = tencent::sign(&req, &creds, &params);
    let second = tencent::sign(&req, &creds, &params);
    let signed = match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.canonical_request().to_string(), b.canonical_request().to_string());
            assert_eq!(a.authorization(), b.authorization());
            a
        }
        (Err(a), Err(b)) => {
            check_error(&a);
            assert_eq!(a, b, "signing twice fails differently");
            return;
        }
        (a, b) => panic!("signing twice differs: {a:?} / {b:?}"),
    };
    let auth = tencent::parse_authorization(signed.authorization())
        .expect("our own Authorization does not parse");
    assert_eq!(auth.secret_id, "AKIDfuzz");
    let headers = received_headers(&req, signed.headers());
    let sent_path = if req.path.is_empty() { "/" } else { req.path.as_str() };
    let query = tencent::encode_query(&req.query);
    let received = ReceivedRequest {
        method: &req.method,
        raw_path: sent_path,
        raw_query: &query,
        headers: &headers,
        body: &body,
    };
    let again = tencent::recompute(&received, &auth, &creds).expect("recompute failed");
    assert_eq!(
        again.canonical_request.to_string(),
        signed.canonical_request().to_string(),
        "the server's canonical request differs from the signer's"
    );
    assert!(again.matches, "our own signature does not verify");
    assert!(again.date_matches);
}

/// `canonical`: the text-level pieces both verifiers parse from strangers:
/// percent-encoding, query strings, paths, `Authorization` headers, dates.
pub fn canonical(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // Encoding is reversible and its output is plain ASCII.
    let enc = percent_encode(data);
    assert!(enc.bytes().all(|b| b.is_ascii_graphic()));
    assert_eq!(percent_decode(&enc), data);
    assert_eq!(percent_decode_query(&enc), data);
    // Parsing a query and writing it canonically is a fixed point.
    let pairs = parse_query(&text);
    let once = canonical_query(&pairs);
    let twice = canonical_query(&parse_query(&once));
    assert_eq!(once, twice, "canonical query is not stable");
    // The canonical URI is stable, and segments survive encoding.
    let uri = canonical_uri(&text);
    assert!(uri.starts_with('/') || uri.ends_with('/'));
    assert_eq!(canonical_uri(&uri), uri, "canonical URI is not stable");
    let segments: Vec<&str> = text.split('\n').collect();
    let path = encode_path_segments(&segments);
    assert_eq!(path, encode_path(&segments), "signer and builder encode paths apart");
    // Authorization headers and dates from the wire.
    let _ = typed(huawei::parse_authorization(&text));
    let _ = typed(tencent::parse_authorization(&text));
    if let Some(t) = typed(UtcDateTime::parse_basic(&text)) {
        assert_eq!(UtcDateTime::from_unix(t.unix()).ok(), Some(t));
    }
    if let Ok(name) = tencent::service_from_host(&text) {
        assert!(!name.is_empty());
    }
}

// --------------------------------------------------------------- builders

/// Asserts what every prepared request must satisfy.
fn check_request(req: &PreparedRequest) {
    let segs: Vec<&str> = req.path_segments.iter().map(String::as_str).collect();
    assert_eq!(req.path, encode_path(&segs));
    assert!(req.url().starts_with("https://"));
    for (k, v) in &req.headers {
        assert!(!k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()), "bad header name {k:?}");
        assert!(!v.chars().any(char::is_control), "control character in header {k}: {v:?}");
    }
    if !req.body.is_empty() {
        serde_json::from_slice::<Value>(&req.body).expect("a request body is not JSON");
    }
}

/// `builders`: every request builder's parameter checks.
///
/// Byte 0 picks the builder; the rest is its parameters (JSON for the
/// CSMS list and APIG create, lines of text for the others). A success
/// must be a well-formed request; a refusal a well-formed error.
pub fn builders(data: &[u8]) {
    let mut c = Cursor::new(data);
    let which = c.byte();
    let opt = |s: String| if s.is_empty() { None } else { Some(s) };
    let result = match which % 8 {
        0 => {
            let region = opt(c.text());
            let Ok(p) = serde_json::from_slice::<csms::ListResourceInstancesParams>(c.rest())
            else {
                return;
            };
            csms::list_resource_instances(region.as_deref(), PID, &p)
        }
        1 => {
            let Ok(p) = serde_json::from_slice::<apig::CreateAppParams>(c.rest()) else {
                return;
            };
            apig::create_app(None, &p)
        }
        2 => {
            let (region, project, secret, key) = (opt(c.text()), c.text(), c.text(), c.text());
            csms::delete_secret_tag(region.as_deref(), &project, &secret, &key)
        }
        3 => {
            let url = c.text();
            if let Some(out) = typed(normalize_url(&url)) {
                assert!(out.len() <= MAX_URL_LEN);
                assert!(out.bytes().all(|b| (0x21..0x7f).contains(&b)), "unsafe URL {out:?}");
                assert_eq!(normalize_url(&out).ok().as_deref(), Some(out.as_str()));
            }
            return;
        }
        4 => {
            let text = c.text();
            if let Some((n, form)) = typed(validate_reg_num(&text)) {
                assert_eq!(validate_reg_num(&n).ok(), Some((n.clone(), form)));
            }
            return;
        }
        5 | 6 => {
            let (reg, name, address, region, url) =
                (opt(c.text()), opt(c.text()), opt(c.text()), opt(c.text()), opt(c.text()));
            let flags = c.byte();
            let p = tc::BizLicenseParams {
                image: None,
                image_url: url.as_deref(),
                image_config: (flags & 1 != 0)
                    .then_some(tc::ImageConfig { name: flags & 2 != 0, address: flags & 4 != 0 }),
                reg_num: reg.as_deref(),
                name: name.as_deref(),
                address: address.as_deref(),
                region: region.as_deref(),
                skip_reg_num_check: flags & 8 != 0,
            };
            if which % 8 == 5 {
                tc::verify_basic_biz_license(&p, flags & 16 != 0)
            } else {
                tc::verify_biz_license(&p)
            }
        }
        _ => {
            let (region, project, url, ep) =
                (opt(c.text()), c.text(), opt(c.text()), opt(c.text()));
            let image = c.rest();
            let p = ocr::QuotaInvoiceParams {
                image: (!image.is_empty()).then_some(ImageInput::Bytes(image)),
                url: url.as_deref(),
                enterprise_project_id: ep.as_deref(),
            };
            ocr::recognize_quota_invoice(region.as_deref(), &project, &p)
        }
    };
    if let Some(req) = typed(result) {
        check_request(&req);
    }
}

/// The secrets of the worker configuration the `worker` target runs with.
const WORKER_SECRETS: [&str; 4] = [
    "fuzz-sk-0123456789abcdef",
    "fuzz-tencent-key-0123456789",
    "fuzz-token-secret-0123456789abcdef0123456789",
    "fuzz-admin-secret-0123456789abcdef0123456789",
];

fn worker_config() -> ocr_edge::worker::WorkerConfig {
    let vars = [
        ("HUAWEI_AK", "fuzz-ak"),
        ("HUAWEI_SK", WORKER_SECRETS[0]),
        ("HUAWEI_PROJECT_ID", PID),
        ("TENCENT_SECRET_ID", "fuzz-secret-id"),
        ("TENCENT_SECRET_KEY", WORKER_SECRETS[1]),
        ("CAPTURE_TOKEN_SECRET", WORKER_SECRETS[2]),
        ("ADMIN_SECRET", WORKER_SECRETS[3]),
        ("ALLOWED_ORIGINS", "https://app.example,https://*.example.org"),
    ];
    let lookup = |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned());
    match ocr_edge::worker::WorkerConfig::from_lookup(lookup) {
        Ok(c) => c,
        Err(e) => panic!("the fuzz configuration is refused: {e}"),
    }
}

/// A reply must be JSON (or empty) and never carry a secret.
fn check_reply(r: &ocr_edge::worker::Reply) {
    assert!((100..=599).contains(&r.status), "status {}", r.status);
    let mut text: String = r.headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    if let Some(b) = &r.body {
        assert!(serde_json::from_str::<Value>(b).is_ok(), "reply body is not JSON: {b:?}");
        text.push_str(b);
    }
    for s in WORKER_SECRETS {
        assert!(!text.contains(s), "a secret reached a reply");
    }
}

/// The worker's request handling: the gates (method, URL, origin, token,
/// content type and length), then the body as raw image bytes, multipart
/// or JSON, and the capture-token parser on its own. Each outcome must be a
/// well-formed reply or typed error that carries no secret.
pub fn worker(data: &[u8]) {
    use ocr_edge::worker::{handler, limits::RateLimiter, multipart, token};
    let cfg = worker_config();
    let mut c = Cursor::new(data);
    let sel = c.byte();
    let now = 1_700_000_000 + u64::from(c.byte()) * 3600;
    let method = ["POST", "OPTIONS", "GET", "post"][usize::from(sel & 3)];
    let url = c.text();
    let opt = |c: &mut Cursor<'_>, bit: u8| {
        let t = c.text();
        (sel & bit != 0).then_some(t)
    };
    let origin = opt(&mut c, 4);
    // A valid token for the scopes, or whatever the input says.
    let auth = if sel & 8 != 0 {
        let scopes = ["huawei.quotaInvoice".to_owned(), "tencent.bizLicense".to_owned()];
        token::issue(WORKER_SECRETS[2], &scopes, 600, now, &[7; 16])
            .ok()
            .map(|t| format!("Bearer {t}"))
    } else {
        Some(c.text())
    };
    let ctype = opt(&mut c, 16);
    let clen = opt(&mut c, 32);
    let (acrm, acrh) = (opt(&mut c, 64), opt(&mut c, 128));
    let body = c.rest();
    let req = handler::Incoming {
        method,
        url: &url,
        origin: origin.as_deref(),
        authorization: auth.as_deref(),
        content_type: ctype.as_deref(),
        content_length: clen.as_deref(),
        request_method: acrm.as_deref(),
        request_headers: acrh.as_deref(),
        token_verdict: None,
    };
    let mut limiter = RateLimiter::new();
    match handler::admit(&cfg, &req, now * 1000, &mut limiter) {
        Err(reply) => check_reply(&reply),
        Ok(a) => {
            assert!(u64::try_from(body.len()).is_ok());
            match handler::prepare(&cfg, &a, body) {
                Ok(prepared) => {
                    check_request(&prepared);
                    match handler::sign(&cfg, a.route, &prepared, now) {
                        Ok(out) => assert!(cfg.ensure_allowed(&out.url).is_ok(), "{}", out.url),
                        Err(f) => check_reply(&handler::failure(&cfg, &a, &f)),
                    }
                }
                Err(f) => {
                    check_error(&f.error);
                    check_reply(&handler::failure(&cfg, &a, &f));
                }
            }
        }
    }
    // The parsers on their own, whatever the gates said.
    if let Some(b) = ctype.as_deref().and_then(multipart::boundary) {
        if let Some(form) = typed(multipart::parse(body, &b)) {
            let _ = form.file();
            let _ = typed(form.texts());
        }
    }
    let presented = std::str::from_utf8(body).ok();
    let _ = typed(token::verify(WORKER_SECRETS[2], presented, "huawei.quotaInvoice", now));
}
