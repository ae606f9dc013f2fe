//! The edge worker's wasm export, `handleRequest(request, env, ctx)`, and the
//! capture-token helpers for backends. I/O only: the decisions are in
//! `crate::worker`. Every outcome is a `Response` with a JSON body; the
//! returned promise never rejects for a request's sake.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::error::{Error, ErrorKind, Result};
use crate::js::client::{call, CallSettings};
use crate::js::convert::{append_range, as_bytes_view, get, set, wrong_type};
use crate::js::transport::Request;
use crate::worker::handler::{self, Admitted, Incoming, Reply};
use crate::worker::limits::RateLimiter;
use crate::worker::{token, Failure, Route, WorkerConfig};

/// Overall deadline of one upstream call: under the platform's wall-clock limits.
const UPSTREAM_TIMEOUT_MS: f64 = 25_000.0;
/// Upstream retries: one, since the caller's page may retry too.
const UPSTREAM_RETRIES: u32 = 1;

thread_local! {
    // Per-isolate counts: best-effort by design (see worker::limits).
    static LIMITER: RefCell<RateLimiter> = RefCell::new(RateLimiter::new());
}

fn js_fn(target: &JsValue, name: &str) -> Option<Function> {
    get(target, name).dyn_into::<Function>().ok()
}

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A request header through `request.headers.get(name)`.
fn header(headers: &JsValue, name: &str) -> Option<String> {
    js_fn(headers, "get")?.call1(headers, &name.into()).ok()?.as_string()
}

/// Why reading the body stopped.
enum ReadError {
    TooLarge,
    Failed,
}

/// Reads `request.body` chunk by chunk, refusing (and cancelling the
/// stream) as soon as more than `cap` bytes have arrived: an oversized upload
/// is never held whole.
async fn read_body(
    request: &JsValue,
    cap: u64,
    hint: Option<u64>,
) -> std::result::Result<Vec<u8>, ReadError> {
    let body = get(request, "body");
    if body.is_null() || body.is_undefined() {
        return Ok(Vec::new());
    }
    let reader =
        js_fn(&body, "getReader").and_then(|f| f.call0(&body).ok()).ok_or(ReadError::Failed)?;
    let read = js_fn(&reader, "read").ok_or(ReadError::Failed)?;
    let mut buf = Vec::with_capacity(hint.filter(|n| *n <= cap).unwrap_or(0) as usize);
    loop {
        let step = read
            .call0(&reader)
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok())
            .ok_or(ReadError::Failed)?;
        let result = JsFuture::from(step).await.map_err(|_| ReadError::Failed)?;
        if get(&result, "done").as_bool() == Some(true) {
            return Ok(buf);
        }
        let chunk = as_bytes_view(&get(&result, "value")).ok_or(ReadError::Failed)?;
        let total = (buf.len() as u64).saturating_add(u64::from(chunk.length()));
        if total > cap {
            // Tell the sender to stop; its answer does not matter.
            if let Some(cancel) = js_fn(&reader, "cancel") {
                let _ = cancel.call0(&reader);
            }
            return Err(ReadError::TooLarge);
        }
        append_range(&mut buf, &chunk, 0, chunk.length());
    }
}

/// The gates, the body, the upstream call: always a [`Reply`].
async fn handle(request: &JsValue, env: &JsValue) -> (Option<Route>, Reply) {
    let cfg = match WorkerConfig::from_lookup(|k| get(env, k).as_string()) {
        Ok(c) => c,
        Err(e) => return (None, Reply::config_error(e)),
    };
    let headers = get(request, "headers");
    let h = |n: &str| header(&headers, n);
    let (method, url) = (get(request, "method").as_string(), get(request, "url").as_string());
    let (origin, auth, ctype, clen, acrm, acrh) = (
        h("origin"),
        h("authorization"),
        h("content-type"),
        h("content-length"),
        h("access-control-request-method"),
        h("access-control-request-headers"),
    );
    let incoming = Incoming {
        method: method.as_deref().unwrap_or("GET"),
        url: url.as_deref().unwrap_or("/"),
        origin: origin.as_deref(),
        authorization: auth.as_deref(),
        content_type: ctype.as_deref(),
        content_length: clen.as_deref(),
        request_method: acrm.as_deref(),
        request_headers: acrh.as_deref(),
    };
    let now_ms = js_sys::Date::now().max(0.0) as u64;
    let admitted = LIMITER.with(|l| match l.try_borrow_mut() {
        Ok(mut l) => handler::admit(&cfg, &incoming, now_ms, &mut l),
        // Never re-entered in practice; refusing beats panicking.
        Err(_) => Err(Reply::config_error(Error::new(ErrorKind::Unavailable, "busy", "busy"))),
    });
    let a = match admitted {
        Ok(a) => a,
        Err(reply) => return (None, reply),
    };
    let hint = clen.as_deref().and_then(|v| v.trim().parse().ok());
    let reply = match forward(&cfg, &a, request, hint).await {
        Ok(reply) => reply,
        Err(f) => handler::failure(&cfg, &a, &f),
    };
    (Some(a.route), reply)
}

async fn forward(
    cfg: &WorkerConfig,
    a: &Admitted,
    request: &JsValue,
    hint: Option<u64>,
) -> std::result::Result<Reply, Failure> {
    let body = match read_body(request, a.cap, hint).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return Err(handler::too_large(a.cap)),
        Err(ReadError::Failed) => {
            let e = Error::invalid_argument("body.read", "the request body could not be read");
            return Err(Failure::local(e.with_status(400)));
        }
    };
    let prepared = handler::prepare(cfg, a, &body)?;
    drop(body);
    let now_secs = (js_sys::Date::now().max(0.0) / 1000.0) as u64;
    let out = handler::sign(cfg, a.route, &prepared, now_secs)?;
    let req = Request {
        method: out.method,
        url: out.url,
        headers: out.headers,
        body: (!prepared.body.is_empty()).then(|| Uint8Array::from(&prepared.body[..])),
    };
    let idempotent = prepared.idempotent;
    drop(prepared);
    let settings = CallSettings {
        timeout_ms: UPSTREAM_TIMEOUT_MS,
        max_retries: UPSTREAM_RETRIES,
        clock: None,
    };
    let route = a.route;
    let parse = |r: &crate::js::transport::Response| {
        handler::parse_answer(route, r.status, r.header("x-request-id"), &r.body)
    };
    let (status, json) = call(req, &settings, idempotent, parse).await.map_err(|e| {
        let retry = (e.kind() == ErrorKind::Throttled).then_some(1);
        let f = Failure::from_error(e);
        match retry {
            Some(s) => f.with_retry_after(s),
            None => f,
        }
    })?;
    Ok(handler::success(cfg, a, status, json))
}

/// Builds the JS `Response` of a reply.
fn to_response(reply: &Reply) -> std::result::Result<JsValue, JsValue> {
    let ctor = global("Response").dyn_into::<Function>()?;
    let headers = Array::new();
    for (k, v) in &reply.headers {
        headers.push(&Array::of2(&k.into(), &v.into()));
    }
    let init = js_sys::Object::new();
    set(&init, "status", &reply.status.into());
    set(&init, "headers", &headers);
    let body = reply.body.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    Reflect::construct(&ctor, &Array::of2(&body, &init))
}

fn log(line: &str) {
    let console = global("console");
    if let Some(f) = js_fn(&console, "log") {
        let _ = f.call1(&console, &line.into());
    }
}

/// Serves one request of the edge proxy. Resolves to a `Response` for every
/// request, errors included (JSON, see the README for routes and formats).
#[wasm_bindgen(js_name = handleRequest, skip_typescript)]
pub fn handle_request(request: JsValue, env: JsValue, _ctx: JsValue) -> Promise {
    future_to_promise(async move {
        let start = js_sys::Date::now();
        let (route, reply) = handle(&request, &env).await;
        let ms = (js_sys::Date::now() - start).max(0.0) as u64;
        log(&handler::log_line(route, reply.status, reply.code.as_deref(), ms));
        to_response(&reply)
    })
}

/// Random bytes from the global `crypto.getRandomValues`.
fn random_bytes(n: u32) -> Result<Vec<u8>> {
    let crypto = global("crypto");
    let buf = Uint8Array::new_with_length(n);
    js_fn(&crypto, "getRandomValues").and_then(|f| f.call1(&crypto, &buf).ok()).ok_or_else(
        || Error::new(ErrorKind::Unavailable, "runtime.unsupported", "no crypto.getRandomValues()"),
    )?;
    Ok(buf.to_vec())
}

fn now_ms_option(options: &JsValue) -> Result<u64> {
    let now = get(options, "now");
    if now.is_undefined() {
        return Ok(js_sys::Date::now().max(0.0) as u64);
    }
    now.as_f64()
        .filter(|n| (0.0..=2.5e14).contains(n))
        .map(|n| n as u64)
        .ok_or_else(|| wrong_type("now", "milliseconds since 1970"))
}

/// Issues a capture token for a page: HMAC-SHA256 over its scope and expiry
/// with the secret the worker holds as `CAPTURE_TOKEN_SECRET`.
#[wasm_bindgen(js_name = issueCaptureToken, skip_typescript)]
pub fn issue_capture_token(
    secret: JsValue,
    options: JsValue,
) -> std::result::Result<String, JsValue> {
    let secret = secret.as_string().ok_or_else(|| wrong_type("secret", "a string"))?;
    if !options.is_object() {
        return Err(wrong_type("options", "{ scope, ttlSeconds }").into());
    }
    let scope_v = get(&options, "scope");
    let scope: Vec<String> = if let Some(s) = scope_v.as_string() {
        vec![s]
    } else if Array::is_array(&scope_v) {
        Array::from(&scope_v)
            .iter()
            .map(|v| v.as_string().ok_or_else(|| wrong_type("scope", "a string or strings")))
            .collect::<Result<_>>()?
    } else {
        return Err(wrong_type("scope", "a scope name or a list of them").into());
    };
    let ttl = get(&options, "ttlSeconds")
        .as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= token::MAX_TTL_SECS as f64)
        .ok_or_else(|| wrong_type("ttlSeconds", "a whole number from 1 to 86400"))?;
    let now = now_ms_option(&options)? / 1000;
    let nonce = random_bytes(16)?;
    Ok(token::issue(&secret, &scope, ttl as u64, now, &nonce)?)
}

/// Verifies a capture token for `scope`; returns `{ scope, exp, nonce }` or
/// throws the same `OcrEdgeError` the worker answers with.
#[wasm_bindgen(js_name = verifyCaptureToken, skip_typescript)]
pub fn verify_capture_token(
    secret: JsValue,
    token_text: JsValue,
    scope: JsValue,
    options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let secret = secret.as_string().ok_or_else(|| wrong_type("secret", "a string"))?;
    let scope = scope.as_string().ok_or_else(|| wrong_type("scope", "a string"))?;
    let now = now_ms_option(&options)? / 1000;
    let claims = token::verify(&secret, token_text.as_string().as_deref(), &scope, now)?;
    let o = js_sys::Object::new();
    let list = Array::new();
    for s in &claims.scope {
        list.push(&s.into());
    }
    set(&o, "scope", &list);
    set(&o, "exp", &(claims.exp as f64).into());
    set(&o, "nonce", &claims.nonce.as_str().into());
    Ok(o.into())
}

#[wasm_bindgen(typescript_custom_section)]
const TS_WORKER: &str = r#"
/** The worker's environment: Cloudflare vars and secrets (see edge/README.md). */
export interface WorkerEnv {
  HUAWEI_AK?: string;
  HUAWEI_SK?: string;
  HUAWEI_PROJECT_ID?: string;
  HUAWEI_REGION?: string;
  TENCENT_SECRET_ID?: string;
  TENCENT_SECRET_KEY?: string;
  TENCENT_REGION?: string;
  CAPTURE_TOKEN_SECRET?: string;
  /** Comma list of exact origins or `https://*.example.com`. */
  ALLOWED_ORIGINS?: string;
  /** Turns on the /v1/admin/… routes; at least 32 characters. */
  ADMIN_SECRET?: string;
  MAX_BODY_BYTES?: string;
  /** "MB" of the base64 budgets as 10^6 bytes ("decimal", the default) or 2^20 ("binary"). */
  MEGABYTES?: "decimal" | "binary";
  RATE_LIMIT_PER_MINUTE?: string;
  /** Base URL replacing the Huawei hosts (e.g. the emulator). */
  UPSTREAM_HUAWEI?: string;
  /** Base URL replacing the Tencent host (e.g. the emulator). */
  UPSTREAM_TENCENT?: string;
}

/**
 * Serves one request of the edge proxy; always resolves to a Response
 * (JSON errors included). Use as `export default { fetch: handleRequest }`.
 */
export function handleRequest(request: Request, env: WorkerEnv, ctx?: unknown): Promise<Response>;

export interface IssueCaptureTokenOptions {
  scope: CaptureScope | CaptureScope[];
  /** Lifetime, 1 to 86400 seconds. */
  ttlSeconds: number;
  /** Milliseconds since 1970 (default `Date.now()`). */
  now?: number;
}

/** Issues a capture token signed with the worker's CAPTURE_TOKEN_SECRET. */
export function issueCaptureToken(secret: string, options: IssueCaptureTokenOptions): string;

/** The claims of a valid capture token. */
export interface CaptureTokenClaims {
  scope: CaptureScope[];
  /** Expiry, unix seconds. */
  exp: number;
  nonce: string;
}

/** Verifies a capture token for one scope; throws an OcrEdgeError (`token.*`) otherwise. */
export function verifyCaptureToken(secret: string, token: string, scope: CaptureScope, options?: { now?: number }): CaptureTokenClaims;
"#;
