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
use crate::js::abort::Abort;
use crate::js::client::{call, CallSettings};
use crate::js::convert::{append_range, as_bytes_view, get, set, wrong_type};
use crate::js::transport::Request;
use crate::worker::config::BODY_GRACE_MS;
use crate::worker::handler::{self, Admitted, Incoming, Reply};
use crate::worker::image_url::ParsedUrl;
use crate::worker::limits::{BodyBudget, InFlight, RateLimiter, ReadPace};
use crate::worker::{token, Failure, Route, WorkerConfig};

/// Overall deadline of one upstream call: under the platform's wall-clock limits.
const UPSTREAM_TIMEOUT_MS: f64 = 25_000.0;
/// Upstream retries: one, since the caller's page may retry too.
const UPSTREAM_RETRIES: u32 = 1;

thread_local! {
    // Per-isolate counts: best-effort by design (see worker::limits).
    static LIMITER: RefCell<RateLimiter> = RefCell::new(RateLimiter::new());
    // Body bytes held by every request of this isolate (cap set per request).
    static BUDGET: RefCell<BodyBudget> = RefCell::new(BodyBudget::new(0));
    // Uploads in flight per token.
    static IN_FLIGHT: RefCell<InFlight> = RefCell::new(InFlight::new());
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
    /// The isolate's in-flight body budget is spent.
    Budget,
    /// Past the deadline, or slower than the minimum rate.
    Slow,
    Failed,
}

/// Body bytes taken from the isolate's budget; given back on drop, however
/// the request ends.
struct Held(u64);

impl Held {
    fn take(&mut self, n: u64) -> bool {
        let ok = BUDGET.with(|b| b.try_borrow_mut().is_ok_and(|mut b| b.take(n)));
        if ok {
            self.0 += n;
        }
        ok
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let n = self.0;
        BUDGET.with(|b| {
            if let Ok(mut b) = b.try_borrow_mut() {
                b.give(n);
            }
        });
    }
}

/// One upload in flight for a token; left on drop.
struct Slot(String);

impl Slot {
    fn enter(key: &str, max: u32) -> Option<Slot> {
        let ok = IN_FLIGHT.with(|f| f.try_borrow_mut().is_ok_and(|mut f| f.enter(key, max)));
        ok.then(|| Slot(key.to_owned()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        IN_FLIGHT.with(|f| {
            if let Ok(mut f) = f.try_borrow_mut() {
                f.leave(&self.0);
            }
        });
    }
}

/// `promise`, or `undefined` once `ms` have passed (the timer is cleared either way).
async fn within(promise: Promise, ms: u64) -> std::result::Result<JsValue, JsValue> {
    let set_timeout = js_fn(&js_sys::global(), "setTimeout").ok_or(JsValue::NULL)?;
    let mut timer = JsValue::UNDEFINED;
    let timeout = Promise::new(&mut |resolve, _| {
        timer =
            set_timeout.call2(&JsValue::NULL, &resolve, &(ms as f64).into()).unwrap_or_default();
    });
    let result = JsFuture::from(Promise::race(&Array::of2(&promise, &timeout))).await;
    if let Some(clear) = js_fn(&js_sys::global(), "clearTimeout") {
        let _ = clear.call1(&JsValue::NULL, &timer);
    }
    result
}

/// `new URL(text)` with the runtime's WHATWG parser, split into the parts the
/// URL gate checks (`worker::image_url`); `None` when the parser throws.
fn whatwg_url(text: &str) -> Option<ParsedUrl> {
    let ctor = global("URL").dyn_into::<Function>().ok()?;
    let url = Reflect::construct(&ctor, &Array::of1(&text.into())).ok()?;
    let part = |k: &str| get(&url, k).as_string();
    Some(ParsedUrl {
        href: part("href")?,
        protocol: part("protocol")?,
        username: part("username")?,
        password: part("password")?,
        hostname: part("hostname")?,
        port: part("port")?,
    })
}

/// Reads `request.body` chunk by chunk: refused (and the stream cancelled)
/// past `cap` bytes, past the isolate's budget, or slower than `pace`. The
/// chunks stay where the runtime put them until the end, then are copied
/// once into a buffer of the size that arrived: no buffer is ever sized
/// from what the caller declared.
async fn read_body(
    request: &JsValue,
    cap: u64,
    pace: ReadPace,
    held: &mut Held,
) -> std::result::Result<Vec<u8>, ReadError> {
    let body = get(request, "body");
    if body.is_null() || body.is_undefined() {
        return Ok(Vec::new());
    }
    let reader =
        js_fn(&body, "getReader").and_then(|f| f.call0(&body).ok()).ok_or(ReadError::Failed)?;
    let read = js_fn(&reader, "read").ok_or(ReadError::Failed)?;
    let cancel = |why: ReadError| {
        // Tell the sender to stop; its answer does not matter.
        if let Some(cancel) = js_fn(&reader, "cancel") {
            let _ = cancel.call0(&reader);
        }
        why
    };
    let chunks = Array::new();
    let mut total: u64 = 0;
    loop {
        let now = js_sys::Date::now().max(0.0) as u64;
        let Some(wait) = pace.wait_ms(now, total) else { return Err(cancel(ReadError::Slow)) };
        let step = read
            .call0(&reader)
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok())
            .ok_or(ReadError::Failed)?;
        let result = within(step, wait).await.map_err(|_| ReadError::Failed)?;
        if result.is_undefined() {
            return Err(cancel(ReadError::Slow));
        }
        if get(&result, "done").as_bool() == Some(true) {
            break;
        }
        let chunk = as_bytes_view(&get(&result, "value")).ok_or(ReadError::Failed)?;
        let n = u64::from(chunk.length());
        total = total.saturating_add(n);
        if total > cap {
            return Err(cancel(ReadError::TooLarge));
        }
        if !held.take(n) {
            return Err(cancel(ReadError::Budget));
        }
        chunks.push(&chunk);
    }
    let mut buf = Vec::new();
    buf.try_reserve_exact(total as usize).map_err(|_| ReadError::Budget)?;
    for chunk in chunks.iter() {
        let view: Uint8Array = chunk.unchecked_into();
        append_range(&mut buf, &view, 0, view.length());
    }
    Ok(buf)
}

/// The gates, the body, the upstream call: always a [`Reply`].
async fn handle(request: &JsValue, env: &JsValue) -> (Option<Route>, Reply, Option<String>) {
    let cfg = match WorkerConfig::from_lookup(|k| get(env, k).as_string()) {
        Ok(c) => c,
        Err(e) => return (None, Reply::config_error(e), None),
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
        Err(reply) => return (None, reply, None),
    };
    // One or two uploads per token at once: one holder cannot fill the isolate.
    let _slot = match &a.token_id {
        Some(id) => match Slot::enter(id, cfg.uploads_per_token) {
            Some(s) => Some(s),
            None => {
                let reply = handler::failure(&cfg, &a, &handler::busy_token());
                return (Some(a.route), reply, a.token_id.clone());
            }
        },
        None => None,
    };
    BUDGET.with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            b.set_cap(cfg.inflight_body_bytes);
        }
    });
    // Given back when this request ends, whichever way.
    let mut held = Held(0);
    let reply = match forward(&cfg, &a, request, &mut held).await {
        Ok(reply) => reply,
        Err(f) => handler::failure(&cfg, &a, &f),
    };
    drop(held);
    (Some(a.route), reply, a.token_id.clone())
}

async fn forward(
    cfg: &WorkerConfig,
    a: &Admitted,
    request: &JsValue,
    held: &mut Held,
) -> std::result::Result<Reply, Failure> {
    let pace = ReadPace {
        start_ms: js_sys::Date::now().max(0.0) as u64,
        deadline_ms: cfg.body_timeout_ms,
        min_bytes_per_sec: cfg.body_min_bytes_per_sec,
        grace_ms: BODY_GRACE_MS,
    };
    let body = match read_body(request, a.cap, pace, held).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return Err(handler::too_large(a.cap)),
        Err(ReadError::Budget) => return Err(handler::budget_spent()),
        Err(ReadError::Slow) => return Err(handler::too_slow(cfg.body_timeout_ms)),
        Err(ReadError::Failed) => {
            let e = Error::invalid_argument("body.read", "the request body could not be read");
            return Err(Failure::local(e.with_status(400)));
        }
    };
    let prepared = handler::prepare_with(cfg, a, &body, &whatwg_url)?;
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
    let (status, json) =
        call(req, &settings, idempotent, &Abort::none(), parse).await.map_err(|e| {
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

/// The size of this instance's wasm memory (it grows, never shrinks).
fn wasm_memory_bytes() -> u64 {
    let buffer = get(&wasm_bindgen::memory(), "buffer");
    get(&buffer, "byteLength").as_f64().unwrap_or(0.0) as u64
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
        let (route, reply, token_id) = handle(&request, &env).await;
        let ms = (js_sys::Date::now() - start).max(0.0) as u64;
        let ray = header(&get(&request, "headers"), "cf-ray");
        let line = handler::LogLine {
            route,
            status: reply.status,
            code: reply.code.as_deref(),
            ms,
            token_id: token_id.as_deref(),
            ray: ray.as_deref(),
            wasm_bytes: wasm_memory_bytes(),
            limits: "isolate",
        };
        log(&line.to_json());
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
  /** Body bytes one isolate holds at once over all requests (default 32000000); past it, 503. */
  INFLIGHT_BODY_BYTES?: string;
  /** Uploads one token may have in flight at once (default 2); another is 429. */
  UPLOADS_PER_TOKEN?: string;
  /** The longest an upload may take, in ms (default 30000); past it, 408. */
  BODY_TIMEOUT_MS?: string;
  /** The slowest average upload rate after 3 s, bytes/s (default 8192; 0: none). */
  BODY_MIN_BYTES_PER_SEC?: string;
  /**
   * Turns on image URLs (`url`, `imageUrl`) instead of bytes: a comma list of
   * host names (`img.example.com`, or `*.example.com` for one label below).
   * Unset (the default), a URL is refused with `url.mode_off`; set, only
   * https URLs on the default port naming a listed host pass (no IP address).
   */
  IMAGE_URL_HOSTS?: string;
  /** Base URL replacing the Huawei hosts (e.g. the emulator); plain http only on loopback. */
  UPSTREAM_HUAWEI?: string;
  /** Base URL replacing the Tencent host (e.g. the emulator); plain http only on loopback. */
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
