//! The gates a request passes on its request line and headers, before its
//! body is read, in this order: preflight, origin, route, caller (admin
//! secret or capture token with the route's scope), rate limit, provider
//! configured, body (content type and declared length).
//!
//! Each gate returns `Err(Stop)` when the request goes no further; [`admit`]
//! runs them with `?` and [`answer`] is the one place a [`Stop`] becomes the
//! [`Reply`].

use crate::api::registry;
use crate::error::{Error, ErrorKind};
use crate::sign::canonical::sha256_hex;
use crate::sign::ct_eq;
use crate::worker::config::WorkerConfig;
use crate::worker::cors::{self, Decision};
use crate::worker::failure::{local, Failure};
use crate::worker::limits::RateLimiter;
use crate::worker::multipart;
use crate::worker::reply::Reply;
use crate::worker::routes::{self, Route};
use crate::worker::token;

/// The request line and the headers the gates read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Incoming<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The request URL (absolute or a path); only its path and query are read.
    pub url: &'a str,
    /// `Origin`.
    pub origin: Option<&'a str>,
    /// `Authorization`.
    pub authorization: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// `Content-Length`.
    pub content_length: Option<&'a str>,
    /// `Access-Control-Request-Method` (preflight).
    pub request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers` (preflight).
    pub request_headers: Option<&'a str>,
    /// The runtime's WebCrypto verdict on the capture token's signature,
    /// when its key is asymmetric (`token::host_check`).
    pub token_verdict: Option<bool>,
}

/// How the body is encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// The image bytes themselves.
    Raw,
    /// `multipart/form-data` with this boundary.
    Multipart(String),
    /// The client's JSON parameters.
    Json,
}

/// A request that passed every gate before its body is read.
#[derive(Clone, Debug)]
pub struct Admitted {
    /// The route.
    pub route: Route,
    /// The query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// The body's encoding.
    pub kind: BodyKind,
    /// The most body bytes to read; more is refused with 413.
    pub cap: u64,
    /// The CORS decision, for the answer's headers.
    pub cors: Decision,
    /// The capture token's id, `jti` (uploads in flight, budgets); `None` for admin calls.
    pub token_id: Option<String>,
    /// The capture token's expiry, unix seconds.
    pub token_exp: Option<u64>,
}

/// Why a gate stopped a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// Refused, answered with the request's CORS headers.
    Refused(Failure),
    /// Refused, answered as a call without `Origin` is (only `Vary`): a
    /// preflight for no route or asking for too much, an admin call from a page.
    RefusedBare(Failure),
    /// A preflight the routes accept: 204 with the CORS decision's headers.
    Preflight,
}

/// Who is calling, as the caller gate found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The admin secret, on an admin route.
    Admin,
    /// A capture token carrying the route's scope: its `jti` and `exp`.
    Token(String, u64),
}

impl Caller {
    /// The rate limiter's key: one budget for admin calls, one per token.
    pub fn rate_key(&self) -> String {
        match self {
            Caller::Admin => "admin".to_owned(),
            Caller::Token(id, _) => format!("t:{id}"),
        }
    }

    /// The capture token's id and expiry; `None` for admin calls.
    pub fn token(self) -> Option<(String, u64)> {
        match self {
            Caller::Admin => None,
            Caller::Token(id, exp) => Some((id, exp)),
        }
    }
}

/// The answer to a stopped request: a refusal as JSON (with the CORS
/// headers of `cors`, or only `Vary` when bare), or the preflight's 204.
pub fn answer(cfg: &WorkerConfig, cors: &Decision, stop: Stop) -> Reply {
    let empty = |headers| Reply { status: 204, headers, body: None, code: None };
    match stop {
        Stop::Refused(f) => Reply::failure(Some(cfg), cors, &f),
        Stop::RefusedBare(f) => Reply::failure(Some(cfg), &Decision::NoOrigin, &f),
        Stop::Preflight => match cors {
            Decision::Allowed(o) => empty(cors::preflight_headers(o)),
            Decision::NoOrigin => empty(vec![
                ("Vary".into(), "Origin".into()),
                ("Allow".into(), cors::ALLOW_METHODS.into()),
            ]),
            // The preflight gate refuses a refused origin first; never a 204.
            Decision::Refused => Reply::failure(Some(cfg), cors, &forbidden_origin()),
        },
    }
}

/// Runs the gates in order: preflight, origin, route, caller (capture token
/// or admin secret), rate limit, provider configured, body (content type,
/// declared length). `Err` is the complete answer.
pub fn admit(
    cfg: &WorkerConfig,
    req: &Incoming<'_>,
    now_ms: u64,
    limiter: &mut RateLimiter,
) -> Result<Admitted, Reply> {
    let decision = cors::decide(&cfg.origins, req.origin);
    let (path, query) = routes::split_url(req.url);
    let query = routes::parse_query(query);
    let gates = |limiter: &mut RateLimiter| -> Result<_, Stop> {
        preflight(req, path, &decision)?;
        origin_gate(&decision)?;
        let route = route_gate(req, path, &query, cfg.admin_secret.is_some())?;
        let caller = caller_gate(cfg, req, route, now_ms)?;
        rate_gate(cfg, limiter, &caller, now_ms)?;
        provider_gate(cfg, route)?;
        let (kind, cap) = body_gate(cfg, req, route)?;
        Ok((route, caller, kind, cap))
    };
    match gates(limiter) {
        Ok((route, caller, kind, cap)) => {
            let (token_id, token_exp) = caller.token().unzip();
            Ok(Admitted { route, query, kind, cap, cors: decision, token_id, token_exp })
        }
        Err(stop) => Err(answer(cfg, &decision, stop)),
    }
}

fn forbidden_origin() -> Failure {
    local(ErrorKind::Auth, "origin.forbidden", "this origin may not call the proxy", 403)
}

/// An `OPTIONS` request stops here: answered (204) when its origin is
/// allowed or absent, its path is a capture route, and it asks only for
/// what the routes accept. Any other method passes.
pub fn preflight(req: &Incoming<'_>, path: &str, cors: &Decision) -> Result<(), Stop> {
    if !req.method.eq_ignore_ascii_case("OPTIONS") {
        return Ok(());
    }
    let capture_path = registry::OPERATIONS.iter().any(|d| d.path == path && !d.is_admin());
    Err(match cors {
        Decision::Refused => Stop::Refused(forbidden_origin()),
        _ if !capture_path => Stop::RefusedBare(local(
            ErrorKind::InvalidArgument,
            "route.not_found",
            "no such route",
            404,
        )),
        Decision::NoOrigin => Stop::Preflight,
        Decision::Allowed(_) if cors::preflight_ok(req.request_method, req.request_headers) => {
            Stop::Preflight
        }
        Decision::Allowed(_) => Stop::RefusedBare(local(
            ErrorKind::InvalidArgument,
            "cors.preflight",
            "only POST with Authorization and Content-Type is allowed",
            403,
        )),
    })
}

/// Refuses an origin not on the allow-list (403).
pub fn origin_gate(cors: &Decision) -> Result<(), Stop> {
    match cors {
        Decision::Refused => Err(Stop::Refused(forbidden_origin())),
        Decision::NoOrigin | Decision::Allowed(_) => Ok(()),
    }
}

/// The route for the method, path and query (404, or 405 with `Allow`);
/// admin routes exist only when `admin_enabled`.
pub fn route_gate(
    req: &Incoming<'_>,
    path: &str,
    query: &[(String, String)],
    admin_enabled: bool,
) -> Result<Route, Stop> {
    routes::route(req.method, path, query, admin_enabled)
        .map_err(|e| Stop::Refused(Failure::local(e)))
}

/// Compares a presented admin secret with the configured one without
/// leaking either's length or content through timing.
fn admin_ok(cfg: &WorkerConfig, presented: Option<&str>) -> bool {
    match (&cfg.admin_secret, presented) {
        (Some(s), Some(p)) => {
            ct_eq(sha256_hex(s.expose().as_bytes()).as_bytes(), sha256_hex(p.as_bytes()).as_bytes())
        }
        _ => false,
    }
}

/// Who may call `route`: the admin secret for an admin route (never from a
/// page), else a capture token carrying the route's scope, valid at `now_ms`.
pub fn caller_gate(
    cfg: &WorkerConfig,
    req: &Incoming<'_>,
    route: Route,
    now_ms: u64,
) -> Result<Caller, Stop> {
    if route.is_admin() {
        admin_gate(cfg, req).map(|()| Caller::Admin)
    } else {
        token_gate(cfg, req, route, now_ms)
    }
}

fn admin_gate(cfg: &WorkerConfig, req: &Incoming<'_>) -> Result<(), Stop> {
    if req.origin.is_some() {
        // The admin secret must never live in a page.
        return Err(Stop::RefusedBare(forbidden_origin()));
    }
    if !admin_ok(cfg, token::bearer(req.authorization)) {
        return Err(Stop::Refused(local(
            ErrorKind::Auth,
            "admin.unauthorized",
            "the admin secret is missing or wrong",
            401,
        )));
    }
    Ok(())
}

/// The token's id and expiry when it verifies for the route's scope, this
/// worker's audience and the request's origin.
fn token_gate(
    cfg: &WorkerConfig,
    req: &Incoming<'_>,
    route: Route,
    now_ms: u64,
) -> Result<Caller, Stop> {
    if cfg.token_keys.is_empty() {
        return Err(Stop::Refused(local(
            ErrorKind::Unavailable,
            "config.missing",
            "capture tokens are not configured",
            503,
        )));
    };
    let expect = token::Expect {
        scope: route.scope().unwrap_or(""),
        audience: &cfg.token_audience,
        origin: req.origin,
        now_secs: now_ms / 1000,
    };
    let presented = token::bearer(req.authorization);
    let claims = token::verify_with(&cfg.token_keys, presented, &expect, req.token_verdict)
        .map_err(|e| Stop::Refused(Failure::local(e)))?;
    Ok(Caller::Token(claims.jti, claims.exp))
}

/// Counts the call against the caller's budget per minute; over it, 429
/// with `Retry-After`.
pub fn rate_gate(
    cfg: &WorkerConfig,
    limiter: &mut RateLimiter,
    caller: &Caller,
    now_ms: u64,
) -> Result<(), Stop> {
    limiter
        .check(&caller.rate_key(), cfg.rate_limit_per_minute, now_ms)
        .map_err(|secs| Stop::Refused(rate_limited(secs)))
}

/// The 429 of a caller over a rate limit (this isolate's or the network's).
pub fn rate_limited(retry_after_secs: u64) -> Failure {
    let err = Error::new(ErrorKind::Throttled, "rate.limited", "too many requests; retry later");
    Failure::local(err.with_status(429).with_retryable(true)).with_retry_after(retry_after_secs)
}

/// The path of the admin route that revokes a capture token by its `jti`.
pub const REVOKE_PATH: &str = "/v1/admin/tokens/revoke";

/// The gates of the revocation route: it exists only with an admin secret
/// (404 otherwise), takes `POST` with JSON, never from a page, and only
/// with the admin secret.
pub fn revoke_gate(cfg: &WorkerConfig, req: &Incoming<'_>) -> Result<(), Reply> {
    let refuse = |stop| Err(answer(cfg, &Decision::NoOrigin, stop));
    if cfg.admin_secret.is_none() {
        let nf = local(ErrorKind::InvalidArgument, "route.not_found", "no such route", 404);
        return refuse(Stop::RefusedBare(nf));
    }
    if !req.method.eq_ignore_ascii_case("POST") {
        let e = local(ErrorKind::InvalidArgument, "method.not_allowed", "use POST", 405);
        return refuse(Stop::RefusedBare(e));
    }
    if let Err(stop) = admin_gate(cfg, req) {
        return refuse(stop);
    }
    if body_kind(req.content_type, true) != Some(BodyKind::Json) {
        let e = local(ErrorKind::InvalidArgument, "content_type.unsupported", "send JSON", 415);
        return refuse(Stop::Refused(e));
    }
    Ok(())
}

/// Refuses (503) a route whose provider has no credentials configured.
pub fn provider_gate(cfg: &WorkerConfig, route: Route) -> Result<(), Stop> {
    let configured = match route.huawei_service() {
        Some(_) => cfg.huawei.is_some(),
        None => cfg.tencent.is_some(),
    };
    if configured {
        return Ok(());
    }
    Err(Stop::Refused(local(
        ErrorKind::Unavailable,
        "config.missing",
        "this proxy is not configured for that provider",
        503,
    )))
}

fn body_kind(content_type: Option<&str>, admin: bool) -> Option<BodyKind> {
    let ct = content_type.unwrap_or("").trim();
    let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media == "application/json" {
        return Some(BodyKind::Json);
    }
    if admin {
        return None;
    }
    if media.starts_with("image/") || media == "application/octet-stream" {
        return Some(BodyKind::Raw);
    }
    multipart::boundary(ct).map(BodyKind::Multipart)
}

/// The body's kind from `Content-Type` (415 for one the route does not
/// take) and its cap; a declared `Content-Length` over the cap is refused
/// (413), one that is not a number too (400).
pub fn body_gate(
    cfg: &WorkerConfig,
    req: &Incoming<'_>,
    route: Route,
) -> Result<(BodyKind, u64), Stop> {
    let Some(kind) = body_kind(req.content_type, route.is_admin()) else {
        let msg = if route.is_admin() {
            "send application/json"
        } else {
            "send image/*, multipart/form-data or application/json"
        };
        return Err(Stop::Refused(local(
            ErrorKind::InvalidArgument,
            "content_type.unsupported",
            msg,
            415,
        )));
    };
    let cap = cfg.body_cap(
        route.target(),
        kind == BodyKind::Json,
        matches!(kind, BodyKind::Multipart(_)),
    );
    if let Some(len) = req.content_length {
        let len: u64 = len.trim().parse().map_err(|_| {
            Stop::Refused(local(
                ErrorKind::InvalidArgument,
                "body.length",
                "Content-Length is not a number",
                400,
            ))
        })?;
        if len > cap {
            return Err(Stop::Refused(too_large(cap)));
        }
    }
    Ok((kind, cap))
}

/// The 413 refusal for a body over `cap` bytes: declared so, or found so
/// while it is read.
pub fn too_large(cap: u64) -> Failure {
    let msg = format!("the body is larger than this route accepts ({cap} bytes)");
    Failure::local(Error::new(ErrorKind::InvalidArgument, "body.too_large", msg).with_status(413))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const TOKEN_SECRET: &str = "0123456789abcdef0123456789abcdef-token";
    const ADMIN: &str = "0123456789abcdef0123456789abcdef-admin";
    const NOW_MS: u64 = 1_700_000_000_000;
    const APP: &str = "https://app.example.com";

    /// A configuration; `without` names the variables left out.
    fn config(without: &[&str]) -> WorkerConfig {
        let m: HashMap<&str, &str> = HashMap::from([
            ("HUAWEI_AK", "dev-ak"),
            ("HUAWEI_SK", "dev-sk-secret"),
            ("HUAWEI_PROJECT_ID", "0123456789abcdef0123456789abcdef"),
            ("TENCENT_SECRET_ID", "dev-secret-id"),
            ("TENCENT_SECRET_KEY", "dev-secret-key"),
            ("CAPTURE_TOKEN_SECRET", TOKEN_SECRET),
            ("ADMIN_SECRET", ADMIN),
            ("ALLOWED_ORIGINS", APP),
            ("RATE_LIMIT_PER_MINUTE", "2"),
        ]);
        WorkerConfig::from_lookup(|k| {
            m.get(k).filter(|_| !without.contains(&k)).map(|v| (*v).to_owned())
        })
        .unwrap()
    }

    fn bearer(scope: &str) -> String {
        let t = token::issue(TOKEN_SECRET, &[scope.to_owned()], 300, NOW_MS / 1000, b"nonce-0123");
        format!("Bearer {}", t.unwrap())
    }

    fn post<'a>(auth: Option<&'a str>, ct: Option<&'a str>) -> Incoming<'a> {
        Incoming {
            method: "POST",
            url: "/v1/huawei/quota-invoice",
            authorization: auth,
            content_type: ct,
            ..Default::default()
        }
    }

    /// The status and code a stop is answered with, and whether the answer
    /// echoes the origin.
    fn answered(cors: &Decision, stop: Stop) -> (u16, Option<String>, bool) {
        let r = answer(&config(&[]), cors, stop);
        let echoed = r.header("Access-Control-Allow-Origin").is_some();
        (r.status, r.code, echoed)
    }

    fn refused<T: std::fmt::Debug>(cors: &Decision, r: Result<T, Stop>) -> (u16, String, bool) {
        let (status, code, echoed) = answered(cors, r.unwrap_err());
        (status, code.unwrap_or_default(), echoed)
    }

    fn allowed() -> Decision {
        Decision::Allowed(APP.to_owned())
    }

    #[test]
    fn preflight_passes_other_methods_and_answers_options() {
        let path = "/v1/huawei/quota-invoice";
        assert_eq!(preflight(&post(None, None), path, &allowed()), Ok(()));
        let mut p = Incoming { method: "OPTIONS", url: path, ..Default::default() };
        p.request_method = Some("POST");
        p.request_headers = Some("authorization, content-type");
        let stop = preflight(&p, path, &allowed()).unwrap_err();
        assert_eq!(stop, Stop::Preflight);
        let r = answer(&config(&[]), &allowed(), stop);
        assert_eq!((r.status, r.header("Access-Control-Allow-Origin")), (204, Some(APP)));
        assert_eq!((r.body, r.code), (None, None));
        let r = answer(&config(&[]), &Decision::NoOrigin, Stop::Preflight);
        assert_eq!((r.status, r.header("Allow")), (204, Some(cors::ALLOW_METHODS)));
        // Asking for another method: refused, without the origin echoed.
        p.request_method = Some("DELETE");
        let r = preflight(&p, path, &allowed());
        assert_eq!(refused(&allowed(), r), (403, "cors.preflight".into(), false));
        let r = preflight(&p, "/v1/admin/csms/list", &allowed());
        assert_eq!(refused(&allowed(), r), (404, "route.not_found".into(), false));
        let r = preflight(&p, path, &Decision::Refused);
        assert_eq!(refused(&Decision::Refused, r), (403, "origin.forbidden".into(), false));
    }

    #[test]
    fn origin_gate_refuses_an_origin_off_the_list() {
        assert_eq!(origin_gate(&allowed()), Ok(()));
        assert_eq!(origin_gate(&Decision::NoOrigin), Ok(()));
        let refused_origin = Decision::Refused;
        let r = origin_gate(&refused_origin);
        assert_eq!(refused(&refused_origin, r), (403, "origin.forbidden".into(), false));
        // The preflight gate's answer to a refused origin is the same refusal.
        let r = answer(&config(&[]), &refused_origin, Stop::Preflight);
        assert_eq!((r.status, r.code.as_deref()), (403, Some("origin.forbidden")));
    }

    #[test]
    fn route_gate_finds_the_route_or_refuses() {
        let req = post(None, None);
        assert_eq!(
            route_gate(&req, "/v1/huawei/quota-invoice", &[], false),
            Ok(Route::QuotaInvoice)
        );
        let r = route_gate(&req, "/v1/admin/csms/list", &[], false);
        assert_eq!(refused(&allowed(), r), (404, "route.not_found".into(), true));
        let get = Incoming { method: "GET", ..req };
        let stop = route_gate(&get, "/v1/huawei/quota-invoice", &[], false).unwrap_err();
        let r = answer(&config(&[]), &allowed(), stop);
        assert_eq!((r.status, r.code.as_deref()), (405, Some("method.not_allowed")));
        assert_eq!(r.header("Allow"), Some(cors::ALLOW_METHODS));
    }

    #[test]
    fn caller_gate_takes_a_scoped_token() {
        let cfg = config(&[]);
        let t = bearer("huawei.quotaInvoice");
        let caller = caller_gate(&cfg, &post(Some(&t), None), Route::QuotaInvoice, NOW_MS);
        assert_eq!(caller, Ok(Caller::Token("bm9uY2UtMDEyMw".into(), NOW_MS / 1000 + 300)));
        let r = caller_gate(&cfg, &post(Some(&t), None), Route::BizLicense, NOW_MS);
        assert_eq!(refused(&allowed(), r), (403, "token.scope".into(), true));
        let r = caller_gate(&cfg, &post(None, None), Route::QuotaInvoice, NOW_MS);
        assert_eq!(refused(&allowed(), r), (401, "token.missing".into(), true));
        let later = NOW_MS + 301_000;
        let r = caller_gate(&cfg, &post(Some(&t), None), Route::QuotaInvoice, later);
        assert_eq!(refused(&allowed(), r), (401, "token.expired".into(), true));
        let no_secret = config(&["CAPTURE_TOKEN_SECRET"]);
        let r = caller_gate(&no_secret, &post(Some(&t), None), Route::QuotaInvoice, NOW_MS);
        assert_eq!(refused(&allowed(), r), (503, "config.missing".into(), true));
    }

    #[test]
    fn caller_gate_takes_the_admin_secret_only_outside_a_page() {
        let cfg = config(&[]);
        let good = format!("Bearer {ADMIN}");
        let r = caller_gate(&cfg, &post(Some(&good), None), Route::AdminCsmsList, NOW_MS);
        assert_eq!(r, Ok(Caller::Admin));
        let r = caller_gate(&cfg, &post(Some("Bearer nope"), None), Route::AdminCsmsList, NOW_MS);
        assert_eq!(refused(&Decision::NoOrigin, r), (401, "admin.unauthorized".into(), false));
        let from_page = Incoming { origin: Some(APP), ..post(Some(&good), None) };
        let r = caller_gate(&cfg, &from_page, Route::AdminCsmsList, NOW_MS);
        // Answered bare even though the origin is allowed.
        assert_eq!(refused(&allowed(), r), (403, "origin.forbidden".into(), false));
    }

    #[test]
    fn rate_gate_counts_per_caller() {
        let cfg = config(&[]);
        let mut l = RateLimiter::new();
        let t = Caller::Token("a".into(), 0);
        assert_eq!(rate_gate(&cfg, &mut l, &t, NOW_MS), Ok(()));
        assert_eq!(rate_gate(&cfg, &mut l, &t, NOW_MS), Ok(()));
        let stop = rate_gate(&cfg, &mut l, &t, NOW_MS).unwrap_err();
        let r = answer(&cfg, &allowed(), stop);
        assert_eq!((r.status, r.code.as_deref()), (429, Some("rate.limited")));
        assert_eq!(r.header("Retry-After"), Some("60"));
        // Another token, and the admin, have budgets of their own.
        assert_eq!(rate_gate(&cfg, &mut l, &Caller::Token("b".into(), 0), NOW_MS), Ok(()));
        assert_eq!(rate_gate(&cfg, &mut l, &Caller::Admin, NOW_MS), Ok(()));
        assert_eq!((Caller::Admin.rate_key(), t.rate_key()), ("admin".into(), "t:a".into()));
    }

    #[test]
    fn provider_gate_needs_the_routes_provider() {
        let no_tencent = config(&["TENCENT_SECRET_ID", "TENCENT_SECRET_KEY"]);
        assert_eq!(provider_gate(&no_tencent, Route::QuotaInvoice), Ok(()));
        let r = provider_gate(&no_tencent, Route::BizLicense);
        assert_eq!(refused(&allowed(), r), (503, "config.missing".into(), true));
        let no_huawei = config(&["HUAWEI_AK", "HUAWEI_SK", "HUAWEI_PROJECT_ID"]);
        assert_eq!(provider_gate(&no_huawei, Route::BizLicense), Ok(()));
        let r = provider_gate(&no_huawei, Route::AdminCsmsList);
        assert_eq!(refused(&allowed(), r), (503, "config.missing".into(), true));
    }

    #[test]
    fn body_gate_reads_the_kind_and_the_declared_length() {
        let cfg = config(&[]);
        let png = post(None, Some("image/png"));
        assert_eq!(body_gate(&cfg, &png, Route::QuotaInvoice), Ok((BodyKind::Raw, 7_500_000)));
        let form = post(None, Some("multipart/form-data; boundary=B"));
        let (kind, _) = body_gate(&cfg, &form, Route::QuotaInvoice).unwrap();
        assert_eq!(kind, BodyKind::Multipart("B".into()));
        let r = body_gate(&cfg, &post(None, Some("text/plain")), Route::QuotaInvoice);
        assert_eq!(refused(&allowed(), r), (415, "content_type.unsupported".into(), true));
        // An admin route takes JSON only.
        let r = body_gate(&cfg, &png, Route::AdminCsmsList);
        assert_eq!(refused(&allowed(), r), (415, "content_type.unsupported".into(), true));
        let mut big = png;
        big.content_length = Some("7500001");
        let stop = body_gate(&cfg, &big, Route::QuotaInvoice).unwrap_err();
        assert_eq!(stop, Stop::Refused(too_large(7_500_000)));
        assert_eq!(answered(&allowed(), stop).0, 413);
        big.content_length = Some(" 7500000 ");
        assert!(body_gate(&cfg, &big, Route::QuotaInvoice).is_ok());
        big.content_length = Some("12k");
        let r = body_gate(&cfg, &big, Route::QuotaInvoice);
        assert_eq!(refused(&allowed(), r), (400, "body.length".into(), true));
    }

    #[test]
    fn admit_runs_the_gates_in_order() {
        let cfg = config(&[]);
        let mut l = RateLimiter::new();
        let t = bearer("huawei.quotaInvoice");
        let ok = Incoming { origin: Some(APP), ..post(Some(&t), Some("image/png")) };
        let a = admit(&cfg, &ok, NOW_MS, &mut l).unwrap();
        assert_eq!((a.route, a.kind, a.cap), (Route::QuotaInvoice, BodyKind::Raw, 7_500_000));
        assert_eq!((a.cors, a.token_id.as_deref()), (allowed(), Some("bm9uY2UtMDEyMw")));
        // The caller is checked before the body: a missing token wins over a bad type.
        let r = admit(&cfg, &post(None, Some("text/plain")), NOW_MS, &mut l).unwrap_err();
        assert_eq!((r.status, r.code.as_deref()), (401, Some("token.missing")));
        // The rate limit comes before the body: the second call is counted, then refused.
        let bad_type = post(Some(&t), Some("text/plain"));
        assert_eq!(admit(&cfg, &bad_type, NOW_MS, &mut l).unwrap_err().status, 415);
        assert_eq!(admit(&cfg, &bad_type, NOW_MS, &mut l).unwrap_err().status, 429);
    }
}
