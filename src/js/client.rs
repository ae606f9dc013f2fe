//! The shared machinery of the JS clients: options, endpoints, signing,
//! sending and converting results. The operations live in `huawei.rs` and
//! `tencent.rs`.

use js_sys::{Function, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{ImageInput, PreparedRequest};
use crate::error::{Error, ErrorKind, Result};
use crate::js::abort::Abort;
use crate::js::convert::{as_bytes_view, get, wrong_type};
use crate::js::transport::{self, Hooks, Options, Request, Response};
use crate::retry::{Outcome, Policy, Safety};

/// Default overall deadline of one call, retries included.
const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// The longest deadline accepted: a day is surely a unit mistake.
const MAX_TIMEOUT_MS: f64 = 86_400_000.0;

/// Where a service is reached when the caller overrides the default host:
/// a scheme, an authority and an optional path prefix (shared with the proxy).
pub type Endpoint = crate::api::signing::Upstream;

/// How calls are timed and retried, and where the time comes from.
#[derive(Clone)]
pub struct CallSettings {
    /// Overall deadline per call.
    pub timeout_ms: f64,
    /// Retries after the first attempt, at most.
    pub max_retries: u32,
    /// A JS function returning milliseconds since the epoch, if given.
    pub clock: Option<Function>,
}

/// What a caller adds to each call of a client: its hooks and headers.
#[derive(Clone, Default)]
pub struct Extras {
    /// The caller's `fetch` and `onRetry`.
    pub hooks: Hooks,
    /// Headers added to every request, unsigned (names lower-cased).
    pub headers: Vec<(String, String)>,
}

impl Extras {
    /// Reads `fetch`, `onRetry` and `headers` from the client's options.
    pub fn from_js(options: &JsValue) -> Result<Extras> {
        let hooks = Hooks {
            fetch: opt_fn(options, "fetch")?,
            on_retry: opt_fn(options, "onRetry")?,
            cors_probe: None,
        };
        Ok(Extras { hooks, headers: extra_headers(options)? })
    }
}

/// An optional function option.
fn opt_fn(options: &JsValue, key: &str) -> Result<Option<Function>> {
    let v = get(options, key);
    if v.is_undefined() {
        return Ok(None);
    }
    v.dyn_into::<Function>().map(Some).map_err(|_| wrong_type(key, "a function"))
}

/// The `headers` option: a plain object of string values, names and values
/// as HTTP allows (no line breaks, so nothing can be smuggled in).
fn extra_headers(options: &JsValue) -> Result<Vec<(String, String)>> {
    let v = get(options, "headers");
    if v.is_undefined() {
        return Ok(Vec::new());
    }
    if !v.is_object() {
        return Err(wrong_type("headers", "an object of header names to strings"));
    }
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    let mut out = Vec::new();
    for pair in js_sys::Object::entries(v.unchecked_ref()) {
        let pair: js_sys::Array = pair.unchecked_into();
        let (name, value) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string());
        let value = value
            .filter(|s| s.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80));
        match value {
            Some(value) if token(&name) => out.push((name.to_ascii_lowercase(), value)),
            _ => return Err(wrong_type("headers", "header names and string values HTTP allows")),
        }
    }
    Ok(out)
}

impl CallSettings {
    /// Reads `timeoutMs`, `maxRetries` and `clock` from the options.
    pub fn from_js(options: &JsValue) -> Result<CallSettings> {
        let timeout = get(options, "timeoutMs");
        let timeout_ms = if timeout.is_undefined() {
            DEFAULT_TIMEOUT_MS
        } else {
            timeout
                .as_f64()
                .filter(|n| *n > 0.0 && *n <= MAX_TIMEOUT_MS)
                .ok_or_else(|| wrong_type("timeoutMs", "a number of milliseconds above 0"))?
        };
        let retries = get(options, "maxRetries");
        let max_retries = if retries.is_undefined() {
            Policy::default().max_retries
        } else {
            retries
                .as_f64()
                .filter(|n| n.fract() == 0.0 && (0.0..=10.0).contains(n))
                .ok_or_else(|| wrong_type("maxRetries", "a whole number from 0 to 10"))?
                as u32
        };
        let clock = get(options, "clock");
        let clock = if clock.is_undefined() {
            None
        } else {
            Some(clock.dyn_into::<Function>().map_err(|_| wrong_type("clock", "a function"))?)
        };
        Ok(CallSettings { timeout_ms, max_retries, clock })
    }

    /// The time to sign with, in unix seconds.
    pub fn now_secs(&self) -> Result<u64> {
        let ms = match &self.clock {
            None => js_sys::Date::now(),
            Some(f) => f
                .call0(&JsValue::NULL)
                .ok()
                .and_then(|v| v.as_f64())
                .ok_or_else(|| wrong_type("clock()", "a number of milliseconds"))?,
        };
        if !(0.0..=2.5e14).contains(&ms) {
            return Err(wrong_type("clock()", "milliseconds since 1970"));
        }
        Ok((ms / 1000.0) as u64)
    }
}

/// Reads an optional string option, refusing other types.
pub fn opt_string(o: &JsValue, key: &str) -> Result<Option<String>> {
    let v = get(o, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| wrong_type(key, "a string"))
}

/// Reads an optional boolean option (`false` when left out).
pub fn opt_bool(o: &JsValue, key: &str) -> Result<bool> {
    let v = get(o, key);
    if v.is_undefined() || v.is_null() {
        return Ok(false);
    }
    v.as_bool().ok_or_else(|| wrong_type(key, "true or false"))
}

/// Reads a required string option.
pub fn req_string(o: &JsValue, key: &str) -> Result<String> {
    opt_string(o, key)?
        .ok_or_else(|| Error::invalid_argument("argument.missing", format!("{key} is required")))
}

/// Deserialises a JS object (minus `skip` keys) into a parameter struct.
pub fn params_from_js<T: DeserializeOwned>(v: &JsValue, what: &str, skip: &[&str]) -> Result<T> {
    let text = if v.is_undefined() || v.is_null() {
        "{}".to_owned()
    } else {
        if !v.is_object() {
            return Err(wrong_type(what, "an object"));
        }
        // A shallow copy without the skipped keys (a replacer array would
        // filter nested keys too).
        let copy = js_sys::Object::assign(&js_sys::Object::new(), v.unchecked_ref());
        for k in skip {
            let _ = js_sys::Reflect::delete_property(&copy, &JsValue::from_str(k));
        }
        js_sys::JSON::stringify(&copy)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| wrong_type(what, "a plain object"))?
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::invalid_argument("argument.invalid", format!("{what}: {}", short(&e.to_string())))
    })
}

fn short(s: &str) -> String {
    s.chars().take(160).collect()
}

/// An image the caller gave: bytes copied into wasm (for the builders'
/// probe and check) beside the caller's own JS view of them (for the
/// host's base64), or base64 text.
pub enum OwnedImage {
    /// File bytes, and the JS bytes they were copied from.
    Bytes(Vec<u8>, Uint8Array),
    /// Base64 text (or a data URL).
    Base64(String),
}

impl OwnedImage {
    /// Borrows it as the builders' input.
    pub fn as_input(&self) -> ImageInput<'_> {
        match self {
            OwnedImage::Bytes(b, _) => ImageInput::Bytes(b),
            OwnedImage::Base64(s) => ImageInput::Base64(s),
        }
    }
}

/// Reads an `image` option: `Uint8Array`/`ArrayBuffer`, `Blob`/`File`, or a
/// base64 string. A Blob's header is probed before the whole is read, so a
/// photo that cannot be accepted is refused without reading it.
pub async fn image_from_js(
    v: &JsValue,
    key: &str,
    limits: &crate::image::Limits,
) -> Result<Option<OwnedImage>> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(OwnedImage::Base64(s)));
    }
    if let Some(view) = as_bytes_view(v) {
        return Ok(Some(OwnedImage::Bytes(view.to_vec(), view)));
    }
    if let Some(blob) = v.dyn_ref::<web_sys::Blob>() {
        let info = crate::js::image::probe_blob_inner(blob).await?;
        crate::api::input::ensure_ok(crate::image::check_with(&info, limits))?;
        let ab = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(|_| Error::invalid_argument("blob.read", "the Blob could not be read"))?;
        let view = Uint8Array::new(&ab);
        return Ok(Some(OwnedImage::Bytes(view.to_vec(), view)));
    }
    Err(wrong_type(key, "a Uint8Array, an ArrayBuffer, a Blob or a base64 string"))
}

/// The retry outcome of an answer, from the error its parser makes of it.
pub fn outcome_of<T>(parsed: &Result<T>) -> Outcome {
    match parsed {
        Err(e) if e.retryable() && e.kind() == ErrorKind::Throttled => Outcome::Throttled,
        Err(e) if e.retryable() => Outcome::ServerError,
        _ => Outcome::Final,
    }
}

/// Sends a signed request and parses the final answer with `parse`.
pub async fn call<T>(
    req: Request,
    settings: &CallSettings,
    idempotent: bool,
    abort: &Abort,
    parse: impl Fn(&Response) -> Result<T>,
) -> Result<T> {
    call_with(req, settings, &Extras::default(), idempotent, abort, parse).await.map(|(t, _)| t)
}

/// [`call`] with the caller's hooks and extra headers (which may not replace
/// a signed one); the result comes with the number of requests sent, and an
/// error carries it.
pub async fn call_with<T>(
    mut req: Request,
    settings: &CallSettings,
    extras: &Extras,
    idempotent: bool,
    abort: &Abort,
    parse: impl Fn(&Response) -> Result<T>,
) -> Result<(T, u32)> {
    let opts = Options {
        timeout_ms: settings.timeout_ms,
        policy: Policy { max_retries: settings.max_retries, ..Policy::default() },
        safety: if idempotent { Safety::Idempotent } else { Safety::NotIdempotent },
    };
    for (name, value) in &extras.headers {
        if req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
            return Err(Error::invalid_argument(
                "sign.header_conflict",
                format!("headers.{name} would replace a header the request is signed with"),
            ));
        }
        req.headers.push((name.clone(), value.clone()));
    }
    let (resp, attempts) =
        transport::send(&req, &opts, abort, &extras.hooks, |r| outcome_of(&parse(r))).await?;
    parse(&resp).map(|t| (t, attempts)).map_err(|e| e.with_attempts(attempts))
}

/// The URL and path a prepared request goes to at `endpoint`.
pub fn target(prepared: &PreparedRequest, endpoint: &Endpoint) -> (String, String) {
    endpoint.target(prepared)
}

/// Converts a result struct to a plain JS object through JSON.
pub fn to_js<T: Serialize>(value: &T) -> std::result::Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|_| Error::new(ErrorKind::Protocol, "result.encode", "result not encodable"))?;
    js_sys::JSON::parse(&text)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_CLIENTS: &str = r#"
/** Options common to both clients. */
export interface CallOptions {
  /** Overall deadline of one call, retries and waits included (default 30000). */
  timeoutMs?: number;
  /** Retries after the first attempt, on safe operations only (default 2, at most 10). */
  maxRetries?: number;
  /** Milliseconds since 1970 to sign with (default `Date.now`). */
  clock?: () => number;
  /** "MB" of the base64 budgets as 10^6 bytes (the default, stricter) or 2^20, as in `checkImage`. */
  megabytes?: "decimal" | "binary";
  /** Sends instead of the global `fetch` (same arguments; e.g. a proxy agent or tracing). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Headers added to every request, unsigned; one the request is signed with is refused. */
  headers?: Record<string, string>;
  /** Told before each retry: the attempt that failed, the wait, and its status or error code. */
  onRetry?: (info: { attempt: number; delayMs: number; status: number | null; code: string | null }) => void;
}

export interface HuaweiClientOptions extends CallOptions {
  /** e.g. "cn-north-4" (the default). */
  region?: string;
  /** One base URL for all services, or one per service; default from the region. */
  endpoint?: string | { ocr?: string; kms?: string; apig?: string };
  projectId: string;
  credentials: { token: string } | { accessKey: string; secretKey: string; securityToken?: string };
  /**
   * AK/SK signatures leave the body out (`X-Sdk-Content-Sha256:
   * UNSIGNED-PAYLOAD`, as Huawei's own signers allow), so no photo is hashed.
   * Off by default: not every Huawei endpoint is known to accept it.
   */
  unsignedPayload?: boolean;
}

export interface TencentClientOptions extends CallOptions {
  /** "ap-guangzhou" (the default and only documented region). */
  region?: string;
  /** A base URL replacing the default host (the emulator, a proxy). */
  endpoint?: string;
  /** X-TC-Language, e.g. "zh-CN" or "en-US". */
  language?: string;
  credentials: { secretId: string; secretKey: string; token?: string };
}

"#;
