//! One request through the worker, without I/O: [`admit`] runs the gates on
//! the request line and headers, [`prepare`] turns the body into a provider
//! request, [`sign`] signs it for a host from the configuration only,
//! [`parse_answer`] maps the provider's answer, and [`Reply`] is what goes
//! back, always JSON (or empty for 204), secrets scrubbed.
//!
//! Bodies: a raw image (`Content-Type: image/*` or
//! `application/octet-stream`, other parameters in the query), a
//! `multipart/form-data` form (the `image` part or the first file, other
//! parameters as text fields or in the query), or the client's JSON
//! parameters (`image`/`imageBase64` as base64).

use crate::api::operation::{Context, Provider};
use crate::api::signing::{self, BodySha256, HuaweiAuth, Outgoing};
use crate::api::{registry, wire, Fields, PreparedRequest};
use crate::error::{Error, ErrorKind, Result};
use crate::sign::canonical::sha256_hex;
use crate::worker::config::WorkerConfig;
use crate::worker::cors;
use crate::worker::failure::Failure;
use crate::worker::image_url::{self, UrlParser};
use crate::worker::multipart;
use crate::worker::routes::Route;

/// The gates before the body, their input and their output live in
/// [`crate::worker::admit`]; kept here so existing paths still resolve.
pub use crate::worker::admit::{admit, too_large, Admitted, BodyKind, Incoming};
/// The answer type lives in [`crate::worker::reply`].
pub use crate::worker::reply::Reply;

/// A provider's refusal as a page sees it. Refusals about the image or the
/// parameters keep the provider's (cleaned, scrubbed) message, which the
/// user can act on; refusals of the worker itself (credentials, signature,
/// the provider's own failures) keep only the code and request id, since
/// their text can carry internals (a canonical request, the project id).
/// The second value is the original message, for the worker's log.
pub fn upstream_failure(e: Error) -> (Failure, Option<String>) {
    match e.kind() {
        ErrorKind::InvalidImage | ErrorKind::InvalidArgument | ErrorKind::Throttled => {
            (Failure::from_error(e), None)
        }
        _ => {
            let detail = e.message().to_owned();
            let generic = format!(
                "the provider refused the proxy's call ({}); the proxy's log has the details",
                e.code()
            );
            (Failure::from_error(e.with_message(generic)), Some(detail))
        }
    }
}

/// The 503 refusal when the isolate holds as many body bytes as it may.
pub fn budget_spent() -> Failure {
    let e = Error::new(ErrorKind::Unavailable, "body.budget", "the proxy is busy; retry shortly");
    Failure::local(e.with_status(503).with_retryable(true)).with_retry_after(1)
}

/// The 429 refusal of an upload while the token has its share in flight.
pub fn busy_token() -> Failure {
    let e = Error::new(
        ErrorKind::Throttled,
        "upload.concurrent",
        "this token has uploads in flight; wait for their answers",
    );
    Failure::local(e.with_status(429).with_retryable(true)).with_retry_after(1)
}

/// The 408 refusal of an upload past its deadline or under the minimum rate.
pub fn too_slow(deadline_ms: u64) -> Failure {
    let msg = format!("the upload was too slow (all of it within {deadline_ms} ms)");
    let e = Error::new(ErrorKind::Timeout, "body.timeout", msg);
    Failure::local(e.with_status(408).with_retryable(true))
}

fn unknown_param(name: &str) -> Error {
    let name = crate::api::fields::echo_name(name);
    Error::invalid_argument("argument.unknown", format!("unknown parameter {name:?}"))
}

/// The image bytes of an upload, if any, and its text fields.
type Upload<'b> = (Option<&'b [u8]>, Vec<(String, String)>);

/// A file part or the raw body, when the route got one.
fn upload<'b>(admitted: &Admitted, body: &'b [u8]) -> Result<Upload<'b>> {
    match &admitted.kind {
        BodyKind::Raw => Ok((Some(body), Vec::new())),
        BodyKind::Multipart(b) => {
            let form = multipart::parse(body, b)?;
            let file = form.file().map(|p| p.data);
            Ok((file, form.texts()?))
        }
        BodyKind::Json => Ok((None, Vec::new())),
    }
}

/// Builds the provider request from the body: parses it as its kind says,
/// probes and checks any image against the route's limits (refusing with
/// `image.rejected` and the violations before anything is sent).
///
/// Without a URL parser, image URLs are refused (`url.mode_off`, or
/// `argument.url` when `IMAGE_URL_HOSTS` is set): see [`prepare_with`].
pub fn prepare(
    cfg: &WorkerConfig,
    admitted: &Admitted,
    body: &[u8],
) -> std::result::Result<PreparedRequest, Failure> {
    prepare_with(cfg, admitted, body, &|_| None)
}

/// [`prepare`], with image URLs parsed by `parse` (the runtime's WHATWG
/// parser), checked by [`image_url::gate`] and forwarded as re-serialised.
pub fn prepare_with(
    cfg: &WorkerConfig,
    admitted: &Admitted,
    body: &[u8],
    parse: UrlParser<'_>,
) -> std::result::Result<PreparedRequest, Failure> {
    prepare_inner(cfg, admitted, body, parse, false).map(|(p, _)| p).map_err(Failure::from_error)
}

/// [`prepare_with`], but an uploaded image is left out of the body for the
/// host to encode: the request's [`PreparedRequest::pending_image`] says
/// where its base64 goes, and the range says where the image is in `body`.
/// JSON bodies (base64 already) and URLs come back complete, without a range.
pub fn prepare_unencoded(
    cfg: &WorkerConfig,
    admitted: &Admitted,
    body: &[u8],
    parse: UrlParser<'_>,
) -> std::result::Result<(PreparedRequest, Option<std::ops::Range<usize>>), Failure> {
    prepare_inner(cfg, admitted, body, parse, true).map_err(Failure::from_error)
}

/// Where `part`, a slice of `whole`, lies in it.
fn range_in(whole: &[u8], part: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
}

fn prepare_inner(
    cfg: &WorkerConfig,
    a: &Admitted,
    body: &[u8],
    parse: UrlParser<'_>,
    unencoded: bool,
) -> Result<(PreparedRequest, Option<std::ops::Range<usize>>)> {
    let not_configured =
        || Error::new(ErrorKind::Unavailable, "config.missing", "provider not configured");
    let d = a.route.descriptor();
    let ctx = match d.provider {
        Provider::Huawei(_) => {
            let h = cfg.huawei.as_ref().ok_or_else(not_configured)?;
            Context {
                region: h.region.as_deref(),
                project_id: &h.project_id,
                megabytes: cfg.megabytes,
                enterprise_project: h.enterprise_project.as_deref(),
            }
        }
        Provider::Tencent => {
            let t = cfg.tencent.as_ref().ok_or_else(not_configured)?;
            Context {
                region: t.region.as_deref(),
                project_id: "",
                megabytes: cfg.megabytes,
                enterprise_project: None,
            }
        }
    };
    // The flags that chose the route are not parameters.
    let query: Vec<(String, String)> = a
        .query
        .iter()
        .filter(|(k, _)| !wire::is_route_flag(registry::OPERATIONS, d.path, k))
        .cloned()
        .collect();
    let mut range = None;
    let mut fields = if a.kind == BodyKind::Json {
        if let Some((k, _)) = query.first() {
            return Err(unknown_param(k));
        }
        // An admin call may come without a body: no parameters.
        let body = if body.is_empty() && d.is_admin() { b"{}".as_slice() } else { body };
        Fields::from_json(body, d.image_keys)?
    } else {
        let (file, mut texts) = upload(a, body)?;
        let mut all = query;
        all.append(&mut texts);
        range = file.and_then(|f| range_in(body, f)).filter(|_| unencoded);
        let mut fields = wire::read_text(file, all);
        fields.encode_later = range.is_some();
        fields
    };
    image_url::gate(&mut fields, cfg.image_url_hosts.as_ref(), parse)?;
    let prepared = (d.build)(&ctx, &fields)?;
    // A builder that wrote the image itself leaves no gap: nothing to fill.
    let range = range.filter(|r| prepared.pending_image.is_some_and(|p| p.image_len == r.len()));
    Ok((prepared, range))
}

/// Signs `prepared` for the configured host of its provider at `now_secs`,
/// and checks the URL against the allow-list once more.
pub fn sign(
    cfg: &WorkerConfig,
    route: Route,
    prepared: &PreparedRequest,
    now_secs: u64,
) -> std::result::Result<Outgoing, Failure> {
    sign_hashed(cfg, route, prepared, now_secs, None)
}

/// [`sign`] with the SHA-256 of the body as sent, computed by the caller.
pub fn sign_hashed(
    cfg: &WorkerConfig,
    route: Route,
    prepared: &PreparedRequest,
    now_secs: u64,
    body_sha256: Option<&BodySha256>,
) -> std::result::Result<Outgoing, Failure> {
    let not_configured = || {
        Failure::from_error(Error::new(
            ErrorKind::Unavailable,
            "config.missing",
            "provider not configured",
        ))
    };
    let out = match route.huawei_service() {
        Some(service) => {
            let h = cfg.huawei.as_ref().ok_or_else(not_configured)?;
            let to = cfg.huawei_upstream(h, service).map_err(Failure::from_error)?;
            let auth = if h.unsigned_payload {
                HuaweiAuth::AkSkUnsignedPayload(&h.credentials)
            } else {
                HuaweiAuth::AkSk(&h.credentials)
            };
            signing::sign_huawei_hashed(prepared, &to, auth, &h.project_id, now_secs, body_sha256)
        }
        None => {
            let t = cfg.tencent.as_ref().ok_or_else(not_configured)?;
            signing::sign_tencent_hashed(
                prepared,
                &cfg.tencent_upstream(t),
                &t.credentials,
                None,
                now_secs,
                body_sha256,
            )
        }
    }
    .map_err(|e| {
        Failure::from_error(Error::new(ErrorKind::Protocol, "sign.failed", e.message().to_owned()))
    })?;
    cfg.ensure_allowed(&out.url).map_err(|e| Failure::local(e.with_status(502)))?;
    Ok(out)
}

/// Maps the provider's answer: `Ok((status, json))` for success (no JSON for
/// a 204), `Err` for the provider's error, typed as the client's would be.
pub fn parse_answer(
    route: Route,
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<(u16, Option<String>)> {
    let d = route.descriptor();
    Ok((d.success, (d.answer)(status, request_id, body)?))
}

/// The success answer.
pub fn success(
    cfg: &WorkerConfig,
    admitted: &Admitted,
    status: u16,
    json: Option<String>,
) -> Reply {
    match json {
        Some(j) if !cfg.send_raw => Reply::json(Some(cfg), &admitted.cors, status, without_raw(j)),
        Some(j) => Reply::json(Some(cfg), &admitted.cors, status, j),
        None => Reply {
            status,
            headers: cors::response_headers(&admitted.cors),
            body: None,
            code: None,
        },
    }
}

/// A result without the provider's whole answer (`raw` is `null`): a page
/// gets the fields we parsed, not what else the provider sent (`SEND_RAW`
/// keeps it).
fn without_raw(json: String) -> String {
    match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Object(mut o)) if o.get("raw").is_some_and(|r| !r.is_null()) => {
            o.insert("raw".into(), serde_json::Value::Null);
            serde_json::Value::Object(o).to_string()
        }
        _ => json,
    }
}

/// The error answer of a request that was admitted.
pub fn failure(cfg: &WorkerConfig, admitted: &Admitted, f: &Failure) -> Reply {
    Reply::failure(Some(cfg), &admitted.cors, f)
}

/// One request's log line: never headers, tokens, bodies or secrets. The
/// token appears as a hash of its id, enough to group one token's requests.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogLine<'a> {
    /// The route, when one was matched.
    pub route: Option<Route>,
    /// The answer's status.
    pub status: u16,
    /// The error code of a refusal.
    pub code: Option<&'a str>,
    /// Milliseconds spent.
    pub ms: u64,
    /// The capture token's id (hashed before it is written).
    pub token_id: Option<&'a str>,
    /// Cloudflare's `CF-Ray`, to find the request in Cloudflare's own logs.
    pub ray: Option<&'a str>,
    /// The isolate's wasm memory after the request, in bytes.
    pub wasm_bytes: u64,
    /// Where the limits hold: `"global"` (bindings configured) or `"isolate"`.
    pub limits: &'a str,
    /// The refusal's kind (`auth`, `invalid_image`, …; `provider` for a provider's code).
    pub kind: Option<&'a str>,
}

/// The kind a refusal's code is counted under in logs.
pub fn refusal_kind(code: &str) -> &'static str {
    crate::error::kind_of(code).map_or("provider", |k| k.as_str())
}

/// The hashed form of a token id in logs: 12 hex characters of its SHA-256.
pub fn token_hash(id: &str) -> String {
    sha256_hex(id.as_bytes()).chars().take(12).collect()
}

impl LogLine<'_> {
    /// The JSON line.
    pub fn to_json(&self) -> String {
        let ray: Option<String> = self.ray.map(|r| r.chars().take(64).collect());
        serde_json::json!({
            "route": self.route.map(Route::name),
            "status": self.status,
            "code": self.code,
            "ms": self.ms,
            "token": self.token_id.map(token_hash),
            "ray": ray,
            "wasmBytes": self.wasm_bytes,
            "limits": self.limits,
            "kind": self.kind,
        })
        .to_string()
    }
}

/// The log line of the plain fields (kept for callers of the older form).
pub fn log_line(route: Option<Route>, status: u16, code: Option<&str>, ms: u64) -> String {
    serde_json::json!({ "route": route.map(Route::name), "status": status, "code": code, "ms": ms })
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::cors::Decision;
    use crate::worker::limits::RateLimiter;
    use crate::worker::token;
    use std::collections::HashMap;

    const TOKEN_SECRET: &str = "0123456789abcdef0123456789abcdef-token";
    const ADMIN: &str = "0123456789abcdef0123456789abcdef-admin";
    const NOW_MS: u64 = 1_700_000_000_000;
    const PNG: [u8; 33] = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 64, 0, 0, 0, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
    ];
    const GIF: &[u8] = b"GIF89a\x40\x00\x20\x00\x00\x00\x00;";

    fn config(admin: bool) -> WorkerConfig {
        let mut m: HashMap<&str, &str> = HashMap::from([
            ("HUAWEI_AK", "dev-ak"),
            ("HUAWEI_SK", "dev-sk-secret"),
            ("HUAWEI_PROJECT_ID", "0123456789abcdef0123456789abcdef"),
            ("TENCENT_SECRET_ID", "dev-secret-id"),
            ("TENCENT_SECRET_KEY", "dev-secret-key"),
            ("CAPTURE_TOKEN_SECRET", TOKEN_SECRET),
            ("ALLOWED_ORIGINS", "https://app.example.com"),
            ("UPSTREAM_HUAWEI", "http://127.0.0.1:9000"),
            ("UPSTREAM_TENCENT", "http://127.0.0.1:9000"),
            ("RATE_LIMIT_PER_MINUTE", "3"),
        ]);
        if admin {
            m.insert("ADMIN_SECRET", ADMIN);
        }
        WorkerConfig::from_lookup(|k| m.get(k).map(|v| (*v).to_owned())).unwrap()
    }

    fn token(scope: &[&str]) -> String {
        let s: Vec<String> = scope.iter().map(|x| (*x).to_owned()).collect();
        format!(
            "Bearer {}",
            token::issue(TOKEN_SECRET, &s, 300, NOW_MS / 1000, b"nonce-123").unwrap()
        )
    }

    fn req<'a>(url: &'a str, auth: Option<&'a str>, ct: &'a str) -> Incoming<'a> {
        Incoming {
            method: "POST",
            url,
            authorization: auth,
            content_type: Some(ct),
            ..Default::default()
        }
    }

    #[test]
    fn happy_path_raw_image() {
        let cfg = config(false);
        let mut l = RateLimiter::new();
        let t = token(&["huawei.quotaInvoice"]);
        let a = admit(
            &cfg,
            &req("https://w/v1/huawei/quota-invoice", Some(&t), "image/png"),
            NOW_MS,
            &mut l,
        )
        .unwrap();
        assert_eq!((a.route, a.cap), (Route::QuotaInvoice, 7_500_000));
        let p = prepare(&cfg, &a, &PNG).unwrap();
        let out = sign(&cfg, a.route, &p, NOW_MS / 1000).unwrap();
        assert_eq!(
            out.url,
            "http://127.0.0.1:9000/v2/0123456789abcdef0123456789abcdef/ocr/quota-invoice"
        );
        assert!(out.headers.iter().any(|(k, _)| k == "Authorization"));
    }

    #[test]
    fn a_gap_filled_by_the_host_is_the_body_and_signature_built_here() {
        let vat: &[u8] = include_bytes!("../../emulator/fixtures/images/vat-invoice.png");
        let licence: &[u8] = include_bytes!("../../emulator/fixtures/images/biz-license.png");
        let cfg = config(false);
        let mut l = RateLimiter::new();
        let t = token(&[
            "huawei.quotaInvoice",
            "huawei.vatInvoice",
            "huawei.businessLicense",
            "tencent.bizLicense",
            "tencent.bizLicenseOcr",
        ]);
        for (path, image) in [
            ("/v1/huawei/quota-invoice", &PNG[..]),
            ("/v1/huawei/vat-invoice", vat),
            ("/v1/huawei/business-license", vat),
            ("/v1/tencent/biz-license", licence),
            ("/v1/tencent/biz-license-ocr", licence),
        ] {
            // A limiter per call: the test config allows 3 a minute.
            let mut l = RateLimiter::new();
            let a = admit(&cfg, &req(path, Some(&t), "image/png"), NOW_MS, &mut l).unwrap();
            let whole = prepare(&cfg, &a, image).unwrap();
            let (gap, range) = prepare_unencoded(&cfg, &a, image, &|_| None).unwrap();
            let pending = gap.pending_image.expect(path);
            assert_eq!((range, pending.image_len), (Some(0..image.len()), image.len()), "{path}");
            let mut filled = gap.body[..pending.at].to_vec();
            crate::image::body::encode_base64_into(&mut filled, image);
            filled.extend_from_slice(&gap.body[pending.at..]);
            assert_eq!(filled, whole.body, "{path}");
            // Unhashed, a body with a gap is never signed; hashed, it signs as the whole.
            assert!(sign(&cfg, a.route, &gap, NOW_MS / 1000).is_err(), "{path}");
            let hash = BodySha256::of(&filled);
            let out = sign_hashed(&cfg, a.route, &gap, NOW_MS / 1000, Some(&hash)).unwrap();
            assert_eq!(out, sign(&cfg, a.route, &whole, NOW_MS / 1000).unwrap(), "{path}");
        }
        // JSON bodies carry base64 already: complete, no range.
        let a = admit(
            &cfg,
            &req("/v1/huawei/quota-invoice", Some(&t), "application/json"),
            NOW_MS,
            &mut l,
        )
        .unwrap();
        let png64 = crate::image::body::encode_base64(&PNG, crate::image::body::Alphabet::Standard);
        let body = format!(r#"{{"image":"{png64}"}}"#);
        let (p, range) = prepare_unencoded(&cfg, &a, body.as_bytes(), &|_| None).unwrap();
        assert_eq!((p.pending_image, range), (None, None));
    }

    #[test]
    fn body_hashes_are_64_hex_digits() {
        assert!(BodySha256::from_hex(&"a".repeat(64)).is_ok());
        for bad in ["", "A".repeat(64).as_str(), "g".repeat(64).as_str(), "a".repeat(63).as_str()] {
            assert!(BodySha256::from_hex(bad).is_err(), "{bad}");
        }
        assert_eq!(BodySha256::of(b"").as_str(), crate::sign::canonical::sha256_hex(b""));
    }

    #[test]
    fn the_enterprise_project_is_the_workers() {
        let mut l = RateLimiter::new();
        let t = token(&["huawei.quotaInvoice"]);
        let url = "https://w/v1/huawei/quota-invoice";
        let png64 = crate::image::body::encode_base64(&PNG, crate::image::body::Alphabet::Standard);
        // A caller's own is refused, whatever the worker's setting.
        let cfg = config(false);
        let a = admit(&cfg, &req(url, Some(&t), "application/json"), NOW_MS, &mut l).unwrap();
        let body = format!(r#"{{"image":"{png64}","enterpriseProjectId":"0"}}"#);
        let e = prepare(&cfg, &a, body.as_bytes()).unwrap_err();
        assert_eq!(e.error.code(), "argument.invalid");
        // The worker's goes out on every call.
        let mut cfg = config(false);
        cfg.huawei.as_mut().unwrap().enterprise_project = Some("ep-1".into());
        let a = admit(&cfg, &req(url, Some(&t), "image/png"), NOW_MS, &mut l).unwrap();
        let p = prepare(&cfg, &a, &PNG).unwrap();
        assert!(p.headers.iter().any(|(k, v)| k == "Enterprise-Project-Id" && v == "ep-1"));
    }

    #[test]
    fn provider_refusals_of_the_proxy_are_generic() {
        let auth = Error::new(ErrorKind::Auth, "APIG.0301", "canonical request GET /v2/p1/...")
            .with_request_id("r1");
        let (f, detail) = upstream_failure(auth);
        assert!(f.error.message().starts_with("the provider refused the proxy's call (APIG.0301)"));
        assert_eq!(
            (f.error.request_id(), detail.as_deref()),
            (Some("r1"), Some("canonical request GET /v2/p1/..."))
        );
        let image = Error::invalid_image("AIS.0103", "the image is not clear");
        let (f, detail) = upstream_failure(image);
        assert_eq!((f.error.message(), detail), ("the image is not clear", None));
    }

    #[test]
    fn raw_answers_stay_in_the_worker() {
        assert_eq!(without_raw(r#"{"a":1,"raw":{"x":2}}"#.into()), r#"{"a":1,"raw":null}"#);
        assert_eq!(without_raw(r#"{"a":1}"#.into()), r#"{"a":1}"#);
        assert_eq!(without_raw("[1]".into()), "[1]");
    }

    #[test]
    fn tencent_multipart_and_json() {
        let cfg = config(false);
        let mut l = RateLimiter::new();
        let t = token(&["tencent.bizLicense", "tencent.bizLicense.detailed"]);
        let mut body =
            b"--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"
                .to_vec();
        body.extend_from_slice(&PNG);
        body.extend_from_slice(
            b"\r\n--B\r\nContent-Disposition: form-data; name=\"regCapital\"\r\n\r\n1\r\n--B--\r\n",
        );
        let a = admit(
            &cfg,
            &req(
                "/v1/tencent/biz-license?imageConfig=name",
                Some(&t),
                "multipart/form-data; boundary=B",
            ),
            NOW_MS,
            &mut l,
        )
        .unwrap();
        let p = prepare(&cfg, &a, &body).unwrap();
        let text = String::from_utf8(p.body.clone()).unwrap();
        assert!(text.contains("\"RegCapital\":1") && text.contains("ImageConfig"), "{text}");
        let a = admit(
            &cfg,
            &req("/v1/tencent/biz-license?detailed=1", Some(&t), "application/json"),
            NOW_MS,
            &mut l,
        )
        .unwrap();
        assert_eq!(a.route, Route::BizLicense);
        let p = prepare(&cfg, &a, br#"{"regNum":"91110000802100433B","name":"x"}"#).unwrap();
        let crate::api::Signing::Tencent(scope) = &p.signing else { panic!("{:?}", p.signing) };
        assert_eq!(scope.action, "VerifyBizLicense");
        let bad = prepare(&cfg, &a, br#"{"regNum":"x","bogus":1}"#).unwrap_err();
        assert_eq!((bad.http, bad.error.code()), (400, "argument.invalid"));
    }

    #[test]
    fn invalid_images_are_refused_with_violations() {
        let cfg = config(false);
        let mut l = RateLimiter::new();
        let t = token(&["tencent.bizLicense"]);
        let a = admit(&cfg, &req("/v1/tencent/biz-license", Some(&t), "image/gif"), NOW_MS, &mut l)
            .unwrap();
        let f = prepare(&cfg, &a, GIF).unwrap_err();
        assert_eq!((f.http, f.error.code()), (422, "image.rejected"));
        assert_eq!(f.to_json()["error"]["violations"][0]["code"], "image.format");
    }

    #[test]
    fn gates() {
        let cfg = config(false);
        let mut l = RateLimiter::new();
        let t = token(&["huawei.quotaInvoice"]);
        let run = |l: &mut RateLimiter, r: Incoming<'_>| admit(&cfg, &r, NOW_MS, l).unwrap_err();
        let r = run(&mut l, req("/v1/huawei/quota-invoice", None, "image/png"));
        assert_eq!((r.status, r.code.as_deref()), (401, Some("token.missing")));
        let r = run(&mut l, req("/v1/tencent/biz-license", Some(&t), "image/png"));
        assert_eq!((r.status, r.code.as_deref()), (403, Some("token.scope")));
        let r = run(&mut l, req("/v1/huawei/quota-invoice", Some(&t), "text/plain"));
        assert_eq!(r.status, 415);
        let mut big = req("/v1/huawei/quota-invoice", Some(&t), "image/png");
        big.content_length = Some("11000000");
        let r = run(&mut l, big);
        assert_eq!((r.status, r.code.as_deref()), (413, Some("body.too_large")));
        let mut evil = req("/v1/huawei/quota-invoice", Some(&t), "image/png");
        evil.origin = Some("https://evil.test");
        let r = run(&mut l, evil);
        assert_eq!((r.status, r.header("Access-Control-Allow-Origin")), (403, None));
        assert_eq!(r.header("Vary"), Some("Origin"));
        let r = run(&mut l, req("/v1/admin/csms/list", Some("Bearer x"), "application/json"));
        assert_eq!(r.status, 404);
        // Rate limit: 3 per minute; the 415 and 413 above counted two.
        let ok = req("/v1/huawei/quota-invoice", Some(&t), "image/png");
        assert!(admit(&cfg, &ok, NOW_MS, &mut l).is_ok());
        let r = run(&mut l, ok);
        assert_eq!((r.status, r.header("Retry-After")), (429, Some("60")));
    }

    #[test]
    fn preflight() {
        let cfg = config(false);
        let mut l = RateLimiter::new();
        let mut p =
            Incoming { method: "OPTIONS", url: "/v1/huawei/quota-invoice", ..Default::default() };
        p.origin = Some("https://app.example.com");
        p.request_method = Some("POST");
        p.request_headers = Some("authorization,content-type");
        let r = admit(&cfg, &p, NOW_MS, &mut l).unwrap_err();
        assert_eq!(r.status, 204);
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("https://app.example.com"));
        assert_eq!(r.header("Vary"), Some("Origin"));
        p.origin = Some("https://evil.test");
        let r = admit(&cfg, &p, NOW_MS, &mut l).unwrap_err();
        assert_eq!((r.status, r.header("Access-Control-Allow-Origin")), (403, None));
        p.origin = Some("https://app.example.com");
        p.request_method = Some("DELETE");
        assert_eq!(admit(&cfg, &p, NOW_MS, &mut l).unwrap_err().status, 403);
    }

    #[test]
    fn admin_secret() {
        let cfg = config(true);
        let mut l = RateLimiter::new();
        let wrong = admit(
            &cfg,
            &req("/v1/admin/csms/list", Some("Bearer nope"), "application/json"),
            NOW_MS,
            &mut l,
        )
        .unwrap_err();
        assert_eq!((wrong.status, wrong.code.as_deref()), (401, Some("admin.unauthorized")));
        let good = format!("Bearer {ADMIN}");
        let a = admit(
            &cfg,
            &req("/v1/admin/csms/list", Some(&good), "application/json"),
            NOW_MS,
            &mut l,
        )
        .unwrap();
        let p = prepare(&cfg, &a, b"{\"limit\":5}").unwrap();
        assert!(p.path.ends_with("/csms/resource_instances/action"));
        let mut from_page = req("/v1/admin/csms/list", Some(&good), "application/json");
        from_page.origin = Some("https://app.example.com");
        assert_eq!(admit(&cfg, &from_page, NOW_MS, &mut l).unwrap_err().status, 403);
    }

    #[test]
    fn replies_scrub_secrets_and_log_lines_hold_none() {
        let cfg = config(true);
        let r = Reply::json(
            Some(&cfg),
            &Decision::NoOrigin,
            200,
            format!("{{\"echo\":\"{ADMIN} dev-sk-secret\"}}"),
        );
        let body = r.body.unwrap();
        assert!(!body.contains(ADMIN) && !body.contains("dev-sk-secret"), "{body}");
        let line = log_line(Some(Route::QuotaInvoice), 200, None, 12);
        assert_eq!(line, r#"{"code":null,"ms":12,"route":"huawei.quotaInvoice","status":200}"#);
    }

    #[test]
    fn log_lines_hash_the_token_and_carry_the_ray() {
        let line = LogLine {
            route: Some(Route::QuotaInvoice),
            status: 408,
            code: Some("body.timeout"),
            token_id: Some("nonce-123"),
            ray: Some("8f00aa-SJC"),
            wasm_bytes: 1_114_112,
            limits: "isolate",
            kind: Some(refusal_kind("body.timeout")),
            ..Default::default()
        }
        .to_json();
        assert!(line.contains("\"kind\":\"timeout\""), "{line}");
        assert_eq!(refusal_kind("AIS.0103"), "provider");
        assert!(!line.contains("nonce-123"), "{line}");
        assert!(line.contains(&format!("\"token\":\"{}\"", token_hash("nonce-123"))), "{line}");
        assert!(line.contains("\"ray\":\"8f00aa-SJC\"") && line.contains("\"wasmBytes\":1114112"));
        assert_eq!(token_hash("a").len(), 12);
    }

    #[test]
    fn answers_are_typed() {
        let ok = br#"{"result":{"number":"1","code":"2","location":"x","amount":"5.00"}}"#;
        let (s, j) = parse_answer(Route::QuotaInvoice, 200, Some("rid"), ok).unwrap();
        assert_eq!(s, 200);
        assert!(j.unwrap().contains("\"requestId\":\"rid\""));
        let e = parse_answer(
            Route::QuotaInvoice,
            401,
            None,
            br#"{"error_code":"APIGW.0301","error_msg":"x"}"#,
        )
        .unwrap_err();
        assert_eq!(Failure::from_error(e).http, 502);
    }
}
