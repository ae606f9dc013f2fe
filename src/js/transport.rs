//! The only I/O in the crate: the global `fetch` (browsers, Node 18+,
//! workers), an overall deadline through `AbortController`, and retries as
//! [`crate::retry`] decides. Outbound is bounded: redirects are refused, not
//! followed, and answers are read up to a cap. The signing clients, the edge
//! worker and the page's `ProxyClient` all send through [`send`].

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::abort::Abort;
use super::convert::set;
use super::fetch::{discard, fetch_by, global_fn, read_capped, sleep, Capped};
use crate::error::{Error, ErrorKind, Result};
use crate::retry::{next_delay, parse_retry_after, Outcome, Policy, Safety};

/// A request ready to send: signed, with its body already in a JS buffer.
pub struct Request {
    /// HTTP method.
    pub method: &'static str,
    /// Full URL, as signed.
    pub url: String,
    /// Headers, as signed.
    pub headers: Vec<(String, String)>,
    /// The body, if any: a `Uint8Array`, or a `Blob` that the runtime
    /// streams from disk.
    pub body: Option<JsValue>,
}

/// An answer: status, the headers the parsers need, and the whole body.
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The response's headers, read by name when needed, not copied.
    pub headers: web_sys::Headers,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The header of that name (several joined by `, `, as `fetch` does).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// How one call is sent.
#[derive(Clone, Copy)]
pub struct Options {
    /// The overall deadline, retries and waits included.
    pub timeout_ms: f64,
    /// How often and how long to back off.
    pub policy: Policy,
    /// Whether the operation may be sent twice.
    pub safety: Safety,
}

/// A caller's hooks on each call (the clients' `fetch` and `onRetry` options).
#[derive(Clone, Default)]
pub struct Hooks {
    /// Sends instead of the global `fetch` (a proxy agent, tracing, a test double).
    pub fetch: Option<Function>,
    /// Told before each retry: `{ attempt, delayMs, status, code }`.
    pub on_retry: Option<Function>,
    /// A page's client: after a request got no answer, a `no-cors` request
    /// to this URL tells an origin the server refuses (an opaque answer)
    /// from a network failure. The first ends the call as `network.cors`:
    /// every retry would be refused the same way.
    pub cors_probe: Option<String>,
}

impl Hooks {
    /// Calls `onRetry` with the attempt that failed and the wait before the
    /// next; a throwing hook is ignored, as it only observes.
    fn retrying(&self, attempt: u32, delay_ms: u64, status: Option<u16>, code: Option<&str>) {
        if let Some(f) = &self.on_retry {
            let o = Object::new();
            set(&o, "attempt", &attempt.into());
            set(&o, "delayMs", &(delay_ms as f64).into());
            set(&o, "status", &status.map_or(JsValue::NULL, JsValue::from));
            set(&o, "code", &code.map_or(JsValue::NULL, JsValue::from));
            let _ = f.call1(&JsValue::UNDEFINED, &o);
        }
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn timeout_error(timeout_ms: f64) -> Error {
    // Whole milliseconds: float formatting would weigh 15 KB on the page.
    let ms = timeout_ms as u64;
    Error::new(ErrorKind::Timeout, "timeout", format!("no answer within {ms} ms"))
        .with_retryable(true)
}

fn cors_error() -> Error {
    Error::new(
        ErrorKind::Network,
        "network.cors",
        "the server answers, but not to this page (CORS): add the page's origin to its ALLOWED_ORIGINS",
    )
}

/// Whether the hooks' CORS probe says the origin was refused.
async fn cors_probe_refused(hooks: &Hooks, remaining_ms: f64, abort: &Abort) -> bool {
    match &hooks.cors_probe {
        Some(url) => cors_refused(url, remaining_ms, abort, hooks).await,
        None => false,
    }
}

/// Whether `url` answers a `no-cors` request with an opaque answer (status
/// 0): then the failed request was this page's origin refused. Outside
/// browsers no answer is opaque.
async fn cors_refused(url: &str, remaining_ms: f64, abort: &Abort, hooks: &Hooks) -> bool {
    let init = Object::new();
    set(&init, "mode", &"no-cors".into());
    let pick = || hooks.fetch.clone().map_or_else(|| global_fn("fetch"), Ok);
    let status = fetch_by(pick, url, &init, remaining_ms, abort, |resp| async move {
        discard(&resp);
        Ok(resp.status())
    });
    matches!(status.await, Ok(0))
}

/// The most bytes of a success answer read (decoded); past it, `response.too_large`.
pub const MAX_ANSWER_BYTES: usize = 4_000_000;
/// The most bytes of an error answer read (decoded): enough for any
/// provider's error envelope, not for a page of HTML without end.
pub const MAX_ERROR_ANSWER_BYTES: usize = 65_536;

fn redirect_error(status: u16) -> Error {
    Error::new(
        ErrorKind::Protocol,
        "response.redirect",
        format!("the server answered with a redirect ({status}), which is never followed"),
    )
}

fn too_large_error(cap: usize) -> Error {
    Error::new(
        ErrorKind::Protocol,
        "response.too_large",
        format!("the answer is larger than the {cap} bytes read of one"),
    )
}

/// One attempt, aborted when `remaining_ms` runs out. Redirects are not
/// followed (`redirect: "manual"`) but refused, and the body is read up to
/// [`MAX_ANSWER_BYTES`] (success) or [`MAX_ERROR_ANSWER_BYTES`] (error):
/// both refusals are final, never retried.
async fn attempt(
    req: &Request,
    remaining_ms: f64,
    abort: &Abort,
    hooks: &Hooks,
) -> std::result::Result<Result<Response>, JsValue> {
    let init = Object::new();
    set(&init, "method", &req.method.into());
    set(&init, "redirect", &"manual".into());
    let headers = Array::new();
    for (k, v) in &req.headers {
        headers.push(&Array::of2(&k.into(), &v.into()));
    }
    set(&init, "headers", &headers);
    if let Some(b) = &req.body {
        set(&init, "body", b);
    }
    let pick = || hooks.fetch.clone().map_or_else(|| global_fn("fetch"), Ok);
    fetch_by(pick, &req.url, &init, remaining_ms, abort, |resp| async move {
        let status = resp.status();
        // A browser hands a manual redirect over as an opaque answer of status 0.
        let opaque = Reflect::get(&resp, &"type".into())
            .ok()
            .and_then(|t| t.as_string())
            .is_some_and(|t| t == "opaqueredirect");
        if opaque || (300..400).contains(&status) {
            discard(&resp);
            return Ok(Err(redirect_error(status)));
        }
        let cap =
            if (200..300).contains(&status) { MAX_ANSWER_BYTES } else { MAX_ERROR_ANSWER_BYTES };
        let body = match read_capped(&resp, cap).await? {
            Capped::Body(b) => b,
            Capped::TooLarge => return Ok(Err(too_large_error(cap))),
        };
        Ok(Ok(Response { status, headers: resp.headers(), body }))
    })
    .await
}

/// Sends `req`, retrying while `classify` says the answer is transient and
/// the options say a retry is safe; returns the last answer and the number
/// of requests sent, or the error that ended the call (its `attempts` set).
pub async fn send(
    req: &Request,
    opts: &Options,
    abort: &Abort,
    hooks: &Hooks,
    classify: impl Fn(&Response) -> Outcome,
) -> Result<(Response, u32)> {
    let deadline = now_ms() + opts.timeout_ms;
    let mut n = 0u32;
    let sent = |n: u32| move |e: Error| e.with_attempts(n);
    loop {
        abort.check().map_err(sent(n))?;
        let remaining = deadline - now_ms();
        if remaining <= 0.0 {
            return Err(timeout_error(opts.timeout_ms).with_attempts(n));
        }
        let (outcome, retry_after, result) = match attempt(req, remaining, abort, hooks).await {
            // A redirect or an oversize answer: the same again on a retry.
            Ok(Err(refused)) => return Err(refused.with_attempts(n + 1)),
            Ok(Ok(resp)) => {
                let ra =
                    resp.header("retry-after").and_then(|v| parse_retry_after(&v, now_ms() as u64));
                (classify(&resp), ra, Ok(resp))
            }
            Err(_) if abort.is_aborted() => return Err(abort.error().with_attempts(n + 1)),
            Err(_) if now_ms() >= deadline => {
                return Err(timeout_error(opts.timeout_ms).with_attempts(n + 1))
            }
            Err(_) if cors_probe_refused(hooks, deadline - now_ms(), abort).await => {
                return Err(cors_error().with_attempts(n + 1))
            }
            Err(e) => {
                let detail = Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "the connection failed".into());
                let err = Error::new(
                    ErrorKind::Network,
                    "network.failed",
                    format!(
                        "the request got no answer: {}",
                        detail.chars().take(200).collect::<String>()
                    ),
                )
                .with_retryable(opts.safety == Safety::Idempotent);
                (Outcome::Network, None, Err(err))
            }
        };
        let remaining = (deadline - now_ms()).max(0.0) as u64;
        let jitter = js_sys::Math::random();
        match next_delay(&opts.policy, opts.safety, n, outcome, retry_after, remaining, jitter) {
            Some(wait) => {
                let (status, code) = match &result {
                    Ok(r) => (Some(r.status), None),
                    Err(e) => (None, Some(e.code())),
                };
                hooks.retrying(n + 1, wait, status, code);
                sleep(wait as f64, abort).await.map_err(sent(n + 1))?
            }
            None => return result.map(|r| (r, n + 1)).map_err(sent(n + 1)),
        }
        n += 1;
    }
}
