//! `ProxyClient`: the page's client of the edge worker. Same method names,
//! parameters and results as the direct clients, but it holds only a
//! short-lived capture token; the worker signs. In both builds, with no
//! signing code, so it costs the browser bundle little.
//!
//! Wire format (the cheapest per case): an image given as bytes or a Blob is
//! probed and checked here, then sent as the raw body with
//! `Content-Type: image/<format>` (a Blob streams from disk, no copy, no
//! base64: a third smaller than JSON) and the other parameters in the query;
//! base64 text, URLs and text-only verification go as the JSON parameters.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Uint8Array};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use crate::api::input::{ensure_ok, image_body};
use crate::api::operation::Wire;
use crate::api::{wire, ImageInput};
use crate::error::{Error, ErrorKind, Result};
use crate::image::{check_with, Megabytes};
use crate::js::abort::Abort;
use crate::js::convert::{as_bytes_view, get, json_value, set, wrong_type};
use crate::js::image::megabytes_from_js;
use crate::js::image::{probe_blob_inner, probe_view};
use crate::js::transport::{self, Hooks, Options, Request, Response};
use crate::retry::{parse_retry_after, Outcome, Policy, Safety};

/// Default overall deadline of one call, retries included.
const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;

struct Settings {
    base: String,
    token: String,
    timeout_ms: f64,
    max_retries: u32,
    /// How "MB" is read in the local check; the worker reads it as its
    /// `MEGABYTES` var says.
    megabytes: Megabytes,
}

/// A client of the ocr-edge worker for pages: no cloud credentials, only a
/// capture token from your backend.
#[wasm_bindgen]
pub struct ProxyClient {
    settings: Rc<RefCell<Settings>>,
}

fn opt_str(o: &JsValue, key: &str) -> Result<Option<String>> {
    let v = get(o, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| wrong_type(key, "a string"))
}

/// Whether `t` can travel in a header: 1 to `max` visible ASCII characters.
fn header_safe(t: &str, max: usize) -> bool {
    !t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_graphic())
}

fn check_token(t: &str) -> Result<()> {
    if !header_safe(t, 4096) {
        return Err(wrong_type("token", "a capture token string"));
    }
    Ok(())
}

/// `options.idempotencyKey`: sent as `Idempotency-Key`, as the worker takes it.
fn idempotency_key(options: &JsValue) -> Result<Option<String>> {
    let key = opt_str(options, "idempotencyKey")?;
    if key.as_deref().is_some_and(|k| !header_safe(k, 255)) {
        return Err(wrong_type("idempotencyKey", "1 to 255 visible ASCII characters"));
    }
    Ok(key)
}

/// A `baseUrl` starting with `/` (the worker on the page's own origin, say
/// `/ocr`, or `//host` on the page's scheme) resolved against the page's
/// location; any other text as given.
fn resolve_base(base: &str) -> Result<String> {
    if !base.starts_with('/') {
        return Ok(base.to_owned());
    }
    let global: JsValue = js_sys::global().into();
    let href = get(&get(&global, "location"), "href");
    // Without a page, `location` is undefined and `new URL` throws.
    let url = get(&global, "URL").dyn_into::<js_sys::Function>().ok();
    let resolved = url
        .and_then(|u| js_sys::Reflect::construct(&u, &Array::of2(&base.into(), &href)).ok())
        .and_then(|u| get(&u, "href").as_string());
    resolved.ok_or_else(|| wrong_type("baseUrl", "a full URL outside a page"))
}

/// The caller's parameters other than the image, as JSON values; those left
/// `undefined` are left out, as `JSON.stringify` leaves them.
fn other_params(params: &JsValue, skip: &[&str]) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    for entry in Object::entries(params.unchecked_ref::<Object>()) {
        let pair: Array = entry.unchecked_into();
        let (key, value) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1));
        if skip.contains(&key.as_str()) || value.is_undefined() {
            continue;
        }
        let json = json_value(&value).ok_or_else(|| wrong_type(&key, "a JSON value"))?;
        map.insert(key, json);
    }
    Ok(map)
}

/// What goes to the worker.
struct Outbound {
    path: String,
    content_type: &'static str,
    body: JsValue,
}

/// Builds the request for `d` as `api::wire` describes it: raw bytes for a
/// byte or Blob image (probed and checked here first), JSON otherwise
/// (base64 checked here first).
async fn outbound(params: &JsValue, d: &Wire, megabytes: Megabytes) -> Result<Outbound> {
    if !params.is_object() {
        return Err(wrong_type("params", "an object"));
    }
    let limits = d.limits(megabytes);
    let check = |info: &crate::image::ImageInfo| match &limits {
        Some(l) => ensure_ok(check_with(info, l)),
        None => Ok(()),
    };
    let fields = other_params(params, d.image_keys)?;
    let given: Vec<(&str, JsValue)> = d
        .image_keys
        .iter()
        .map(|k| (*k, get(params, k)))
        .filter(|(_, v)| !(v.is_undefined() || v.is_null()))
        .collect();
    if given.len() > 1 {
        return Err(Error::invalid_argument(
            "argument.conflict",
            format!("give {} or {}, not both", given[0].0, given[1].0),
        ));
    }
    let image = given.into_iter().next().map(|(_, v)| v).unwrap_or(JsValue::UNDEFINED);
    let raw = if let Some(view) = as_bytes_view(&image) {
        let info = probe_view(&view)?;
        check(&info)?;
        Some((info.format, JsValue::from(view)))
    } else if let Some(blob) = image.dyn_ref::<web_sys::Blob>() {
        let info = probe_blob_inner(blob).await?;
        check(&info)?;
        Some((info.format, image.clone()))
    } else {
        None
    };
    if let Some((format, body)) = raw {
        let path = wire::raw_path(d, &fields)?;
        return Ok(Outbound { path, content_type: format.mime(), body });
    }
    let b64 = match image.as_string() {
        Some(s) => Some(s),
        None if !image.is_undefined() => {
            return Err(wrong_type(
                "image",
                "a Uint8Array, an ArrayBuffer, a Blob or a base64 string",
            ))
        }
        None => None,
    };
    let bytes = match (b64, d.image_keys.first(), &limits) {
        (Some(text), Some(key), Some(limits)) => {
            let list: Vec<(&str, Value)> =
                fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            image_body(ImageInput::Base64(&text), limits, &list, key)?
        }
        _ => serde_json::to_vec(&fields).unwrap_or_default(),
    };
    Ok(Outbound {
        path: wire::json_path(d),
        content_type: "application/json",
        body: Uint8Array::from(&bytes[..]).into(),
    })
}

fn kind_from(s: &str) -> ErrorKind {
    match s {
        "invalid_image" => ErrorKind::InvalidImage,
        "invalid_argument" => ErrorKind::InvalidArgument,
        "auth" => ErrorKind::Auth,
        "throttled" => ErrorKind::Throttled,
        "service" => ErrorKind::Service,
        "unavailable" => ErrorKind::Unavailable,
        "network" => ErrorKind::Network,
        "timeout" => ErrorKind::Timeout,
        _ => ErrorKind::Protocol,
    }
}

/// The worker's JSON error as the same `OcrEdgeError` the direct clients throw.
fn error_from_worker(status: u16, body: &JsValue, attempts: u32) -> JsValue {
    let e = get(body, "error");
    let Some(code) = get(&e, "code").as_string() else {
        let err = Error::new(
            ErrorKind::Protocol,
            format!("http.{status}"),
            format!("the proxy answered {status} without a JSON error"),
        )
        .with_status(status)
        .with_attempts(attempts);
        return crate::js::error::to_js(&err);
    };
    let kind = kind_from(&get(&e, "kind").as_string().unwrap_or_default());
    let mut err = Error::new(kind, code, get(&e, "message").as_string().unwrap_or_default())
        .with_status(get(&e, "status").as_f64().map_or(status, |s| s as u16))
        .with_retryable(get(&e, "retryable").as_bool().unwrap_or(false))
        .with_attempts(attempts);
    if let Some(id) = get(&e, "requestId").as_string() {
        err = err.with_request_id(id);
    }
    let js = crate::js::error::to_js(&err);
    let v = get(&e, "violations");
    if Array::is_array(&v) {
        set(js.unchecked_ref::<Object>(), "violations", &v);
    }
    js
}

/// The worker's answer as JSON, or null when it is empty or not JSON.
fn answer_json(r: &Response) -> JsValue {
    if r.body.is_empty() {
        return JsValue::NULL;
    }
    let text = std::str::from_utf8(&r.body).unwrap_or_default();
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// Whether to resend: what the worker's error says (`retryable`), else 5xx.
fn outcome(r: &Response) -> Outcome {
    if (200..300).contains(&r.status) {
        return Outcome::Final;
    }
    let retryable =
        get(&get(&answer_json(r), "error"), "retryable").as_bool().unwrap_or(r.status >= 500);
    match (r.status, retryable) {
        (429, true) => Outcome::Throttled,
        (_, true) => Outcome::ServerError,
        _ => Outcome::Final,
    }
}

impl Settings {
    /// Sends through the one transport, with retries on throttling and
    /// transient failures (the OCR operations are idempotent) within the
    /// overall deadline. `key` is sent as `Idempotency-Key` on every
    /// attempt, so the worker answers a resend with the first call's answer.
    async fn send(
        &self,
        out: Outbound,
        key: Option<String>,
        abort: &Abort,
    ) -> std::result::Result<JsValue, JsValue> {
        let mut headers = vec![
            ("Authorization".to_owned(), format!("Bearer {}", self.token)),
            ("Content-Type".to_owned(), out.content_type.to_owned()),
        ];
        if let Some(k) = key {
            headers.push(("Idempotency-Key".to_owned(), k));
        }
        let url = format!("{}{}", self.base, out.path);
        let req = Request { method: "POST", url, headers, body: Some(out.body) };
        let opts = Options {
            timeout_ms: self.timeout_ms,
            policy: Policy { max_retries: self.max_retries, ..Policy::default() },
            safety: Safety::Idempotent,
        };
        let hooks = Hooks { cors_probe: Some(self.base.clone()), ..Hooks::default() };
        let (resp, attempts) = transport::send(&req, &opts, abort, &hooks, outcome).await?;
        let json = answer_json(&resp);
        if (200..300).contains(&resp.status) {
            return Ok(json);
        }
        let e = error_from_worker(resp.status, &json, attempts);
        // The wait the worker asked for, for a caller that retries later.
        let now = js_sys::Date::now() as u64;
        if let Some(ms) = resp.header("retry-after").and_then(|v| parse_retry_after(&v, now)) {
            set(e.unchecked_ref(), "retryAfterMs", &(ms as f64).into());
        }
        Err(e)
    }
}

#[wasm_bindgen]
impl ProxyClient {
    /// Creates a client of the worker at `baseUrl` using a capture `token`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ProxyClientOptions")] options: JsValue,
    ) -> std::result::Result<ProxyClient, JsValue> {
        if !options.is_object() {
            return Err(wrong_type("options", "{ baseUrl, token }").into());
        }
        let base = opt_str(&options, "baseUrl")?
            .ok_or_else(|| Error::invalid_argument("argument.missing", "baseUrl is required"))?;
        let base = resolve_base(base.trim())?.trim_end_matches('/').to_owned();
        let scheme_ok = base.starts_with("https://") || base.starts_with("http://");
        if !scheme_ok || base.contains(['?', '#']) {
            return Err(
                wrong_type("baseUrl", "an http(s) URL such as https://proxy.example.com").into()
            );
        }
        let token = opt_str(&options, "token")?
            .ok_or_else(|| Error::invalid_argument("argument.missing", "token is required"))?;
        check_token(&token)?;
        let t = get(&options, "timeoutMs");
        let timeout_ms = if t.is_undefined() {
            DEFAULT_TIMEOUT_MS
        } else {
            t.as_f64()
                .filter(|n| *n > 0.0 && *n <= 86_400_000.0)
                .ok_or_else(|| wrong_type("timeoutMs", "a number of milliseconds above 0"))?
        };
        let r = get(&options, "maxRetries");
        let max_retries = if r.is_undefined() {
            Policy::default().max_retries
        } else {
            r.as_f64()
                .filter(|n| n.fract() == 0.0 && (0.0..=10.0).contains(n))
                .ok_or_else(|| wrong_type("maxRetries", "a whole number from 0 to 10"))?
                as u32
        };
        let megabytes = megabytes_from_js(&options)?;
        let settings = Settings { base, token, timeout_ms, max_retries, megabytes };
        Ok(ProxyClient { settings: Rc::new(RefCell::new(settings)) })
    }

    /// Replaces the capture token (e.g. after the old one expired).
    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&self, token: String) -> std::result::Result<(), JsValue> {
        check_token(&token)?;
        if let Ok(mut s) = self.settings.try_borrow_mut() {
            s.token = token;
        }
        Ok(())
    }
}

impl ProxyClient {
    /// Runs `d` through the worker; the image is checked here first.
    pub(crate) fn run(&self, d: &'static Wire, params: JsValue, options: JsValue) -> Promise {
        let settings = self.settings.clone();
        let megabytes = settings.try_borrow().map(|s| s.megabytes).unwrap_or_default();
        future_to_promise(async move {
            let abort = Abort::from_options(&options, "aborted")?;
            let key = idempotency_key(&options)?;
            // The two steps as dyn futures: their polls stay out of this one
            // (the bundle is 0.3 KB gzip smaller than with them inlined).
            let building: Pin<Box<dyn Future<Output = Result<Outbound>> + '_>> =
                Box::pin(outbound(&params, d, megabytes));
            let out = building.await?;
            // Copy the settings out so no borrow is held across the await.
            let snapshot = match settings.try_borrow() {
                Ok(s) => Settings {
                    base: s.base.clone(),
                    token: s.token.clone(),
                    timeout_ms: s.timeout_ms,
                    max_retries: s.max_retries,
                    megabytes: s.megabytes,
                },
                Err(_) => {
                    return Err(Error::new(ErrorKind::Protocol, "client.busy", "client busy").into())
                }
            };
            let sending: Pin<Box<dyn Future<Output = std::result::Result<JsValue, JsValue>> + '_>> =
                Box::pin(snapshot.send(out, key, &abort));
            sending.await
        })
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_PROXY: &str = r#"
/** Options of `ProxyClient`. */
export interface ProxyClientOptions {
  /** The worker's URL, or a path on the page's own origin such as `/ocr` (in a page). */
  baseUrl: string;
  /** A capture token from your backend (`issueCaptureToken`). */
  token: string;
  /** Overall deadline of one call, retries included (default 60000). */
  timeoutMs?: number;
  /** Retries on throttling and transient failures (default 2, at most 10). */
  maxRetries?: number;
  /**
   * "MB" of the base64 budgets in the local check: 10^6 bytes (the default) or
   * 2^20, as in `checkImage`; set the worker's `MEGABYTES` var to match.
   */
  megabytes?: "decimal" | "binary";
}

/** An image as a page has it: bytes, a Blob or File, or base64 text. */
export type ImageSource = Uint8Array | ArrayBuffer | Blob;

"#;
