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
    /// The capture token's id (uploads in flight, budgets); `None` for admin calls.
    pub token_id: Option<String>,
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
    /// A capture token carrying the route's scope, by its id.
    Token(String),
}

impl Caller {
    /// The rate limiter's key: one budget for admin calls, one per token.
    pub fn rate_key(&self) -> String {
        match self {
            Caller::Admin => "admin".to_owned(),
            Caller::Token(id) => format!("t:{id}"),
        }
    }

    /// The capture token's id; `None` for admin calls.
    pub fn token_id(self) -> Option<String> {
        match self {
            Caller::Admin => None,
            Caller::Token(id) => Some(id),
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
            let token_id = caller.token_id();
            Ok(Admitted { route, query, kind, cap, cors: decision, token_id })
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
        token_gate(cfg, req, route, now_ms).map(Caller::Token)
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

/// The token's id when it verifies for the route's scope.
fn token_gate(
    cfg: &WorkerConfig,
    req: &Incoming<'_>,
    route: Route,
    now_ms: u64,
) -> Result<String, Stop> {
    let Some(secret) = &cfg.token_secret else {
        return Err(Stop::Refused(local(
            ErrorKind::Unavailable,
            "config.missing",
            "capture tokens are not configured",
            503,
        )));
    };
    let scope = route.scope().unwrap_or("");
    let presented = token::bearer(req.authorization);
    let claims = token::verify(secret.expose(), presented, scope, now_ms / 1000)
        .map_err(|e| Stop::Refused(Failure::local(e)))?;
    Ok(claims.nonce)
}

/// Counts the call against the caller's budget per minute; over it, 429
/// with `Retry-After`.
pub fn rate_gate(
    cfg: &WorkerConfig,
    limiter: &mut RateLimiter,
    caller: &Caller,
    now_ms: u64,
) -> Result<(), Stop> {
    limiter.check(&caller.rate_key(), cfg.rate_limit_per_minute, now_ms).map_err(|secs| {
        let err = Error::new(
            ErrorKind::Throttled,
            "rate.limited",
            "too many requests for this token; retry later",
        );
        Stop::Refused(
            Failure::local(err.with_status(429).with_retryable(true)).with_retry_after(secs),
        )
    })
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
