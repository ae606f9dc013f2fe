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
use crate::js::client::outcome_of;
use crate::js::convert::{append_range, as_bytes_view, get, set, wrong_type};
use crate::js::edge_bindings::{args, within_rate, Ledger};
use crate::js::host_body;
use crate::js::transport::{self, Options, Request};
use crate::retry::{parse_retry_after, Policy, Safety};
use crate::worker::admit;
use crate::worker::config::BODY_GRACE_MS;
use crate::worker::handler::{self, Admitted, Incoming, Reply};
use crate::worker::image_url::ParsedUrl;
use crate::worker::limits::{BodyBudget, InFlight, RateLimiter, ReadPace};
use crate::worker::{ledger, token, Failure, Route, WorkerConfig};

/// Overall deadline of one upstream call: under the platform's wall-clock limits.
const UPSTREAM_TIMEOUT_MS: f64 = 25_000.0;
/// Failed admin attempts one address may make per minute, per isolate.
const ADMIN_FAILURES_PER_MINUTE: u32 = 10;
/// Upstream retries: one, since the caller's page may retry too.
const UPSTREAM_RETRIES: u32 = 1;

thread_local! {
    // Per-isolate counts: best-effort by design (see worker::limits).
    static LIMITER: RefCell<RateLimiter> = RefCell::new(RateLimiter::new());
    // Body bytes held by every request of this isolate (cap set per request).
    static BUDGET: RefCell<BodyBudget> = RefCell::new(BodyBudget::new(0));
    // Uploads in flight per token.
    static IN_FLIGHT: RefCell<InFlight> = RefCell::new(InFlight::new());
    // Refusals answered by this isolate, by kind.
    static REFUSALS: RefCell<std::collections::BTreeMap<&'static str, u64>> =
        const { RefCell::new(std::collections::BTreeMap::new()) };
    // The configuration of the last `env` seen, with that `env`.
    static CONFIG: RefCell<Option<(JsValue, WorkerConfig)>> = const { RefCell::new(None) };
    // Whether the isolate-only warning was given.
    static WARNED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
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

/// Bytes per buffer of a BYOB read: the memory past what arrived stays
/// under one of these.
const FILL_BUFFER: u32 = 1 << 20;

/// The buffer a BYOB reader fills: each read moves it, so it is taken back
/// from the view every read answers with.
struct Fill {
    buffer: js_sys::ArrayBuffer,
    used: u32,
}

impl Fill {
    fn new() -> Fill {
        Fill { buffer: js_sys::ArrayBuffer::new(FILL_BUFFER), used: 0 }
    }

    /// The free part, for the next read.
    fn room(&self) -> Uint8Array {
        Uint8Array::new_with_byte_offset_and_length(
            &self.buffer,
            self.used,
            FILL_BUFFER - self.used,
        )
    }

    /// Counts a read's view; a buffer filled up is handed back and a new one started.
    fn took(&mut self, view: &Uint8Array) -> Option<Uint8Array> {
        self.buffer = view.buffer();
        self.used += view.length();
        if self.used < FILL_BUFFER {
            return None;
        }
        let full = Uint8Array::new_with_byte_offset_and_length(&self.buffer, 0, self.used);
        *self = Fill::new();
        Some(full)
    }

    /// What the last buffer holds, taken from the final view (`None` when
    /// the runtime kept it: the bytes would be lost).
    fn finish(&mut self, last: Option<&Uint8Array>) -> Option<Uint8Array> {
        if let Some(v) = last {
            self.buffer = v.buffer();
        }
        (self.buffer.byte_length() >= self.used)
            .then(|| Uint8Array::new_with_byte_offset_and_length(&self.buffer, 0, self.used))
    }
}

/// A promise resolving to `undefined` once its time is up, with the timer's id.
struct Timer {
    fired: Promise,
    id: JsValue,
}

impl Timer {
    fn start(set_timeout: &Function, ms: u64) -> Timer {
        let mut id = JsValue::UNDEFINED;
        let fired = Promise::new(&mut |resolve, _| {
            id = set_timeout
                .call2(&JsValue::NULL, &resolve, &(ms as f64).into())
                .unwrap_or_default();
        });
        Timer { fired, id }
    }

    fn clear(self, clear_timeout: Option<&Function>) {
        if let Some(clear) = clear_timeout {
            let _ = clear.call1(&JsValue::NULL, &self.id);
        }
    }
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

/// [`read_upload`], the bytes in wasm only.
async fn read_body(
    request: &JsValue,
    cap: u64,
    pace: ReadPace,
    held: &mut Held,
) -> std::result::Result<Vec<u8>, ReadError> {
    read_upload(request, cap, pace, held).await.map(|(bytes, _)| bytes)
}

/// Reads `request.body` chunk by chunk: refused (and the stream cancelled)
/// past `cap` bytes, past the isolate's budget, or slower than `pace`. The
/// chunks stay where the runtime put them until the end, then are joined
/// once in JS (the host's encoder reads from there) and copied once into a
/// wasm buffer of the size that arrived: no buffer is ever sized from what
/// the caller declared.
async fn read_upload(
    request: &JsValue,
    cap: u64,
    pace: ReadPace,
    held: &mut Held,
) -> std::result::Result<(Vec<u8>, Uint8Array), ReadError> {
    let body = get(request, "body");
    if body.is_null() || body.is_undefined() {
        return Ok((Vec::new(), Uint8Array::new_with_length(0)));
    }
    let get_reader = js_fn(&body, "getReader").ok_or(ReadError::Failed)?;
    // A byte stream read into our own buffers takes a few large reads
    // where the default reader takes one per 4 KB the runtime received.
    let byob_mode = js_sys::Object::new();
    set(&byob_mode, "mode", &"byob".into());
    let (reader, mut fill) = match get_reader.call1(&body, &byob_mode) {
        Ok(r) => (r, Some(Fill::new())),
        Err(_) => (get_reader.call0(&body).map_err(|_| ReadError::Failed)?, None),
    };
    let read = js_fn(&reader, "read").ok_or(ReadError::Failed)?;
    let cancel = |why: ReadError| {
        // Tell the sender to stop; its answer does not matter.
        if let Some(cancel) = js_fn(&reader, "cancel") {
            let _ = cancel.call0(&reader);
        }
        why
    };
    let set_timeout = js_fn(&js_sys::global(), "setTimeout").ok_or(ReadError::Failed)?;
    let clear_timeout = js_fn(&js_sys::global(), "clearTimeout");
    let (done_key, value_key) = (JsValue::from_str("done"), JsValue::from_str("value"));
    let chunks = Array::new();
    let mut total: u64 = 0;
    // Runtimes hand over uploads in small chunks (workerd: 4 KB), so one
    // timer serves many reads: when it fires, the pace is checked with what
    // has arrived since (the floor only moves later) and a new one started.
    let mut timer: Option<Timer> = None;
    let mut pending: Option<Promise> = None;
    let outcome = loop {
        let t = match timer.take() {
            Some(t) => t,
            None => {
                let now = js_sys::Date::now().max(0.0) as u64;
                match pace.wait_ms(now, total) {
                    Some(wait) => Timer::start(&set_timeout, wait),
                    None => break Err(ReadError::Slow),
                }
            }
        };
        let step = match pending.take() {
            Some(p) => p,
            None => {
                let called = match &fill {
                    Some(f) => read.call1(&reader, &f.room()),
                    None => read.call0(&reader),
                };
                match called.ok().and_then(|p| p.dyn_into::<Promise>().ok()) {
                    Some(p) => p,
                    None => break Err(ReadError::Failed),
                }
            }
        };
        let race = Promise::race(&Array::of2(&step, &t.fired));
        let Ok(result) = JsFuture::from(race).await else {
            t.clear(clear_timeout.as_ref());
            break Err(ReadError::Failed);
        };
        if result.is_undefined() {
            // The timer fired: the same read goes on under a new one, if the pace allows.
            pending = Some(step);
            continue;
        }
        timer = Some(t);
        let done = Reflect::get(&result, &done_key).ok().and_then(|v| v.as_bool()) == Some(true);
        let value = Reflect::get(&result, &value_key).unwrap_or(JsValue::UNDEFINED);
        let view = as_bytes_view(&value);
        if done {
            // The last view (empty) holds the buffer our bytes were moved to.
            if let Some(f) = &mut fill {
                match f.finish(view.as_ref()) {
                    Some(rest) => chunks.push(&rest),
                    None => break Err(ReadError::Failed),
                };
            }
            break Ok(());
        }
        let Some(chunk) = view else { break Err(ReadError::Failed) };
        let n = u64::from(chunk.length());
        total = total.saturating_add(n);
        if total > cap {
            break Err(ReadError::TooLarge);
        }
        if !held.take(n) {
            break Err(ReadError::Budget);
        }
        match &mut fill {
            Some(f) => {
                if let Some(full) = f.took(&chunk) {
                    chunks.push(&full);
                }
            }
            None => {
                chunks.push(&chunk);
            }
        }
    };
    if let Some(t) = timer {
        t.clear(clear_timeout.as_ref());
    }
    if let Err(why) = outcome {
        return Err(match why {
            ReadError::Failed => why,
            other => cancel(other),
        });
    }
    let joined = if chunks.length() == 1 {
        chunks.get(0).unchecked_into::<Uint8Array>()
    } else {
        let all = Uint8Array::new_with_length(total as u32);
        let mut at = 0;
        for chunk in chunks.iter() {
            let view: Uint8Array = chunk.unchecked_into();
            all.set(&view, at);
            at += view.length();
        }
        all
    };
    let mut buf = Vec::new();
    buf.try_reserve_exact(total as usize).map_err(|_| ReadError::Budget)?;
    append_range(&mut buf, &joined, 0, joined.length());
    Ok((buf, joined))
}

/// WebCrypto's verdict on an EdDSA or ES256 capture token: `false` when the
/// runtime refuses the key or the signature.
async fn webcrypto_verify(check: &token::HostCheck<'_>) -> bool {
    let subtle = get(&global("crypto"), "subtle");
    let algorithm = js_sys::Object::new();
    match check.alg {
        token::Alg::EdDsa => set(&algorithm, "name", &"Ed25519".into()),
        _ => {
            set(&algorithm, "name", &"ECDSA".into());
            set(&algorithm, "namedCurve", &"P-256".into());
            set(&algorithm, "hash", &"SHA-256".into());
        }
    }
    let Ok(jwk) = js_sys::JSON::parse(check.jwk) else { return false };
    let usages = Array::of1(&"verify".into());
    let call = |name: &str, args: &Array| -> Option<Promise> {
        js_fn(&subtle, name)?.apply(&subtle, args).ok()?.dyn_into::<Promise>().ok()
    };
    let import = Array::of5(&"jwk".into(), &jwk, &algorithm, &false.into(), &usages);
    let Some(p) = call("importKey", &import) else { return false };
    let Ok(key) = JsFuture::from(p).await else { return false };
    let sig = Uint8Array::from(&check.signature[..]);
    let data = Uint8Array::from(check.data.as_bytes());
    let Some(p) = call("verify", &Array::of4(&algorithm, &key, &sig, &data)) else { return false };
    JsFuture::from(p).await.ok().and_then(|v| v.as_bool()) == Some(true)
}

/// The configuration read from `env`, parsed once per `env` object: the
/// runtime hands every request of an isolate the same one, and reading its
/// ~30 values across the boundary and parsing them cost more than the checks.
fn config_of(env: &JsValue) -> Result<WorkerConfig> {
    let hit = CONFIG.with(|c| {
        c.try_borrow().ok().and_then(|c| {
            c.as_ref().filter(|(e, _)| js_sys::Object::is(e, env)).map(|(_, cfg)| cfg.clone())
        })
    });
    if let Some(cfg) = hit {
        return Ok(cfg);
    }
    let cfg = WorkerConfig::from_lookup(|k| get(env, k).as_string())?;
    CONFIG.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = Some((env.clone(), cfg.clone()));
        }
    });
    Ok(cfg)
}

/// The gates, the body, the upstream call: always a [`Reply`].
async fn handle(request: &JsValue, env: &JsValue) -> (Option<Route>, Reply, Option<String>) {
    let cfg = match config_of(env) {
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
        token_verdict: None,
    };
    let token_verdict = match token::host_check(&cfg.token_keys, token::bearer(auth.as_deref())) {
        Some(check) => Some(webcrypto_verify(&check).await),
        None => None,
    };
    let incoming = Incoming { token_verdict, ..incoming };
    let state = Ledger::from_env(env);
    let cors = || crate::worker::cors::decide(&cfg.origins, incoming.origin);
    // The network's first line, before any work: one address cannot flood.
    let is_preflight = incoming.method.eq_ignore_ascii_case("OPTIONS");
    let client_ip = h("cf-connecting-ip");
    if let Some(ip) = client_ip.as_deref().filter(|_| !is_preflight) {
        if !within_rate(env, "IP_RATE_LIMITER", &format!("ip:{ip}")).await {
            let reply = Reply::failure(Some(&cfg), &cors(), &admit::rate_limited(60));
            return (None, reply, None);
        }
    }
    let (path, _) = crate::worker::routes::split_url(incoming.url);
    let admin_path = path.starts_with("/v1/admin/");
    // Failed admin attempts are throttled per address: guessing stays slow.
    let fail_key = format!("admin-fail:{}", client_ip.as_deref().unwrap_or_default());
    let now_ms = js_sys::Date::now().max(0.0) as u64;
    if admin_path {
        let blocked = LIMITER.with(|l| {
            l.try_borrow()
                .ok()
                .and_then(|l| l.blocked(&fail_key, ADMIN_FAILURES_PER_MINUTE, now_ms))
        });
        if let Some(secs) = blocked {
            let reply = Reply::failure(Some(&cfg), &cors(), &admit::rate_limited(secs));
            return (None, reply, None);
        }
    }
    let count_failure = |reply: &Reply| {
        if admin_path && reply.code.as_deref() == Some("admin.unauthorized") {
            LIMITER.with(|l| {
                if let Ok(mut l) = l.try_borrow_mut() {
                    let _ = l.check(&fail_key, ADMIN_FAILURES_PER_MINUTE, now_ms);
                }
            });
        }
    };
    if path == admit::REVOKE_PATH {
        let reply = revoke(&cfg, &incoming, request, state.as_ref()).await;
        count_failure(&reply);
        return (None, reply, None);
    }
    let admitted = LIMITER.with(|l| match l.try_borrow_mut() {
        Ok(mut l) => handler::admit(&cfg, &incoming, now_ms, &mut l),
        // Never re-entered in practice; refusing beats panicking.
        Err(_) => Err(Reply::config_error(Error::new(ErrorKind::Unavailable, "busy", "busy"))),
    });
    let a = match admitted {
        Ok(a) => a,
        Err(reply) => {
            count_failure(&reply);
            return (None, reply, None);
        }
    };
    if let Some(jti) = &a.token_id {
        if !within_rate(env, "TOKEN_RATE_LIMITER", &format!("t:{jti}")).await {
            let reply = handler::failure(&cfg, &a, &admit::rate_limited(60));
            return (Some(a.route), reply, a.token_id.clone());
        }
    }
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
    let key = match ledger::idempotency_key(h("idempotency-key").as_deref()) {
        Ok(k) => k.map(str::to_owned),
        Err(f) => return (Some(a.route), handler::failure(&cfg, &a, &f), a.token_id.clone()),
    };
    let reply = match forward(&cfg, &a, request, &mut held, state.as_ref(), key.as_deref()).await {
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
    state: Option<&Ledger>,
    key: Option<&str>,
) -> std::result::Result<Reply, Failure> {
    let pace = ReadPace {
        start_ms: js_sys::Date::now().max(0.0) as u64,
        deadline_ms: cfg.body_timeout_ms,
        min_bytes_per_sec: cfg.body_min_bytes_per_sec,
        grace_ms: BODY_GRACE_MS,
    };
    let (body, upload) = match read_upload(request, a.cap, pace, held).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return Err(handler::too_large(a.cap)),
        Err(ReadError::Budget) => return Err(handler::budget_spent()),
        Err(ReadError::Slow) => return Err(handler::too_slow(cfg.body_timeout_ms)),
        Err(ReadError::Failed) => {
            let e = Error::invalid_argument("body.read", "the request body could not be read");
            return Err(Failure::local(e.with_status(400)));
        }
    };
    let (prepared, image) = handler::prepare_unencoded(cfg, a, &body, &whatwg_url)?;
    drop(body);
    // The image's bytes as the host holds them, for its encoder.
    let image = image.map(|r| upload.subarray(r.start as u32, r.end as u32));
    drop(upload);
    let now_secs = (js_sys::Date::now().max(0.0) / 1000.0) as u64;
    // Every local check passed: only now does the call count against budgets.
    let ticket = match (state, &a.token_id) {
        (Some(l), Some(jti)) => match Ticket::open(cfg, a, l, jti, key, now_secs).await? {
            Opened::Replay(reply) => return Ok(reply),
            Opened::Go(t) => Some(t),
        },
        _ => None,
    };
    let outcome = send(cfg, a, &prepared, image, now_secs).await;
    drop(prepared);
    if let Some(t) = ticket {
        t.close(cfg, a, &outcome).await;
    }
    outcome
}

/// A call the ledger allowed: closed with its outcome.
struct Ticket {
    ledger: Ledger,
    token: String,
    key: Option<String>,
}

enum Opened {
    /// The first answer of this idempotency key.
    Replay(Reply),
    Go(Ticket),
}

impl Ticket {
    /// Claims the idempotency key (a replay ends here), spends one of the
    /// token's calls, and counts the day's billed call.
    async fn open(
        cfg: &WorkerConfig,
        a: &Admitted,
        l: &Ledger,
        jti: &str,
        key: Option<&str>,
        now_secs: u64,
    ) -> std::result::Result<Opened, Failure> {
        let token = ledger::token_record(jti);
        let now_ms = now_secs as f64 * 1000.0;
        let token_end = (a.token_exp.unwrap_or(now_secs) + 60) as f64 * 1000.0;
        let key_record = key.map(|k| ledger::key_record(a.route, k));
        if let Some(record) = &key_record {
            let keep = cfg.idempotency_keep_secs as f64 * 1000.0;
            let claim = args(&[
                ("now", now_ms.into()),
                ("leaseMs", (ledger::LEASE_MS as f64).into()),
                ("keepMs", keep.into()),
            ]);
            let r = l.call(record, "claim", &claim).await?;
            let replay = get(&r, "replay");
            if replay.is_object() {
                let revoked = l.call(&token, "revoked", &args(&[])).await?;
                if revoked.as_bool() == Some(true) {
                    return Err(ledger::revoked());
                }
                let status = get(&replay, "status").as_f64().unwrap_or(200.0) as u16;
                let body = get(&replay, "body").as_string().unwrap_or_default();
                let mut reply = if body.is_empty() {
                    handler::success(cfg, a, status, None)
                } else {
                    Reply::json(Some(cfg), &a.cors, status, body)
                };
                reply.headers.push(("Idempotent-Replayed".into(), "true".into()));
                return Ok(Opened::Replay(reply));
            }
            if get(&r, "pending").as_bool() == Some(true) {
                return Err(ledger::in_progress());
            }
        }
        let release = |record: Option<String>| async move {
            if let Some(r) = record {
                let _ = l.call(&r, "release", &args(&[])).await;
            }
        };
        let spend = args(&[
            ("maxCalls", cfg.token_max_calls.into()),
            ("maxSuccesses", cfg.token_max_successes.into()),
            ("expiresAt", token_end.into()),
        ]);
        let spent = match l.call(&token, "spend", &spend).await {
            Ok(r) => get(&r, "refused").as_string(),
            Err(f) => {
                release(key_record).await;
                return Err(f);
            }
        };
        if let Some(why) = spent {
            release(key_record).await;
            return Err(if why == "revoked" { ledger::revoked() } else { ledger::spent() });
        }
        if let Some(cap) = cfg.daily_call_cap {
            let end = (ledger::day_end(now_secs) + 3_600) as f64 * 1000.0;
            let count = args(&[("cap", (cap as f64).into()), ("expiresAt", end.into())]);
            let counted = l.call(&ledger::day_record(now_secs), "count", &count).await;
            let refusal = match &counted {
                Ok(r) if get(r, "over").as_bool() == Some(true) => {
                    Some(ledger::daily_cap(now_secs))
                }
                Ok(_) => None,
                Err(f) => Some(f.clone()),
            };
            if let Some(f) = refusal {
                let unbilled = args(&[("billed", false.into()), ("success", false.into())]);
                let _ = l.call(&token, "settle", &unbilled).await;
                release(key_record).await;
                return Err(f);
            }
        }
        Ok(Opened::Go(Ticket { ledger: l.clone(), token, key: key_record }))
    }

    /// Records the outcome: the token's success or the call given back when
    /// it never reached the provider, and the answer kept for resends.
    async fn close(
        self,
        cfg: &WorkerConfig,
        a: &Admitted,
        outcome: &std::result::Result<Reply, Failure>,
    ) {
        let (billed, success) = match outcome {
            Ok(r) => (true, r.status < 300),
            Err(f) => (f.error.kind() != ErrorKind::Network, false),
        };
        let settle = args(&[("billed", billed.into()), ("success", success.into())]);
        let _ = self.ledger.call(&self.token, "settle", &settle).await;
        let Some(record) = self.key else { return };
        let reply = match outcome {
            Ok(r) => r.clone(),
            Err(f) => handler::failure(cfg, a, f),
        };
        if ledger::keep_answer(reply.status, reply.code.as_deref()) {
            let body = reply.body.clone().unwrap_or_default();
            let store = args(&[("status", reply.status.into()), ("body", body.into())]);
            let _ = self.ledger.call(&record, "store", &store).await;
        } else {
            let _ = self.ledger.call(&record, "release", &args(&[])).await;
        }
    }
}

/// Signs and sends the prepared request; the provider's answer parsed.
async fn send(
    cfg: &WorkerConfig,
    a: &Admitted,
    prepared: &crate::api::request::PreparedRequest,
    image: Option<Uint8Array>,
    now_secs: u64,
) -> std::result::Result<Reply, Failure> {
    let hashed = a.route.huawei_service().is_none()
        || !cfg.huawei.as_ref().is_some_and(|h| h.unsigned_payload);
    let (body, hash) = host_body::request_body(prepared, image.as_ref(), hashed).await;
    let out = handler::sign_hashed(cfg, a.route, prepared, now_secs, hash.as_ref())?;
    let body = body.map(JsValue::from);
    let req = Request { method: out.method, url: out.url, headers: out.headers, body };
    // A billed recognition is never sent twice by the worker: a reset or a
    // 5xx may come after the provider did (and billed) the work.
    let safety = if prepared.idempotent && a.route.target().is_none() {
        Safety::Idempotent
    } else {
        Safety::NotIdempotent
    };
    let opts = Options {
        timeout_ms: UPSTREAM_TIMEOUT_MS,
        policy: Policy { max_retries: UPSTREAM_RETRIES, ..Policy::default() },
        safety,
    };
    let route = a.route;
    let parse = |r: &transport::Response| {
        handler::parse_answer(route, r.status, r.header("x-request-id").as_deref(), &r.body)
    };
    let hooks = transport::Hooks::default();
    // The last answer classified is the one returned: parsed once, kept.
    let last = RefCell::new(None);
    let classify = |r: &transport::Response| {
        let parsed = parse(r);
        let outcome = outcome_of(&parsed);
        *last.borrow_mut() = Some(parsed);
        outcome
    };
    let (resp, _) = transport::send(&req, &opts, &Abort::none(), &hooks, classify)
        .await
        .map_err(Failure::from_error)?;
    match last.into_inner().unwrap_or_else(|| parse(&resp)) {
        Ok((status, json)) => Ok(handler::success(cfg, a, status, json)),
        Err(e) => {
            let throttled = e.kind() == ErrorKind::Throttled;
            let (f, detail) = handler::upstream_failure(e);
            if let Some(d) = detail {
                let line = serde_json::json!({ "upstream": f.error.code(), "detail": d });
                log(&crate::worker::reply::scrub_text(Some(cfg), line.to_string()));
            }
            if !throttled {
                return Err(f);
            }
            // The provider's own wait, passed on (a second at least).
            let now = js_sys::Date::now().max(0.0) as u64;
            let ms = resp.header("retry-after").and_then(|v| parse_retry_after(&v, now));
            Err(f.with_retry_after(ms.map_or(1, |ms| ms.div_ceil(1000).max(1))))
        }
    }
}

/// `POST /v1/admin/tokens/revoke` with `{"jti", "exp"}`: the token is
/// refused everywhere from now until its expiry.
async fn revoke(
    cfg: &WorkerConfig,
    incoming: &Incoming<'_>,
    request: &JsValue,
    state: Option<&Ledger>,
) -> Reply {
    if let Err(reply) = admit::revoke_gate(cfg, incoming) {
        return reply;
    }
    let none = crate::worker::cors::Decision::NoOrigin;
    let Some(l) = state else {
        let e = Error::new(
            ErrorKind::Unavailable,
            "config.missing",
            "revocation needs the CAPTURE_LEDGER Durable Object binding",
        );
        return Reply::failure(Some(cfg), &none, &Failure::local(e.with_status(503)));
    };
    let pace = ReadPace {
        start_ms: js_sys::Date::now().max(0.0) as u64,
        deadline_ms: cfg.body_timeout_ms,
        min_bytes_per_sec: 0,
        grace_ms: BODY_GRACE_MS,
    };
    let mut held = Held(0);
    let body = match read_body(request, 4096, pace, &mut held).await {
        Ok(b) => b,
        Err(_) => return Reply::failure(Some(cfg), &none, &handler::too_large(4096)),
    };
    let (jti, exp) = match ledger::revocation(&body) {
        Ok(r) => r,
        Err(f) => return Reply::failure(Some(cfg), &none, &f),
    };
    let until = (exp.saturating_add(60) as f64) * 1000.0;
    let record = ledger::token_record(&jti);
    match l.call(&record, "revoke", &args(&[("expiresAt", until.into())])).await {
        Ok(_) => {
            let body = serde_json::json!({ "revoked": jti }).to_string();
            Reply::json(Some(cfg), &none, 200, body)
        }
        Err(f) => Reply::failure(Some(cfg), &none, &f),
    }
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

/// Counts a refusal by kind; every 100th, the isolate's counts go to the log
/// as one `refusalsByKind` line (the per-request lines carry `kind` too).
fn count_refusal(kind: &'static str) {
    let summary = REFUSALS.with(|r| {
        let mut r = r.try_borrow_mut().ok()?;
        *r.entry(kind).or_insert(0) += 1;
        let total: u64 = r.values().sum();
        (total % 100 == 0).then(|| serde_json::json!({ "refusalsByKind": *r }).to_string())
    });
    if let Some(line) = summary {
        log(&line);
    }
}

/// Says once per isolate, loudly, that nothing holds across isolates.
fn warn_isolate_only() {
    if WARNED.with(|w| w.replace(true)) {
        return;
    }
    let console = global("console");
    if let Some(f) = js_fn(&console, "warn") {
        let text = "ocr-edge: no CAPTURE_LEDGER Durable Object bound: token budgets, \
                    revocation, idempotent resends and the daily cap are off, and rate \
                    limits hold per isolate only (see the README's deploy section)";
        let _ = f.call1(&console, &text.into());
    }
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
pub fn handle_request(request: JsValue, env: JsValue, ctx: JsValue) -> Promise {
    let answer = future_to_promise(async move {
        let start = js_sys::Date::now();
        let (route, reply, token_id) = handle(&request, &env).await;
        let ms = (js_sys::Date::now() - start).max(0.0) as u64;
        let ray = header(&get(&request, "headers"), "cf-ray");
        let kind = reply.code.as_deref().map(handler::refusal_kind);
        let line = handler::LogLine {
            route,
            status: reply.status,
            code: reply.code.as_deref(),
            ms,
            token_id: token_id.as_deref(),
            ray: ray.as_deref(),
            wasm_bytes: wasm_memory_bytes(),
            limits: if Ledger::from_env(&env).is_some() { "global" } else { "isolate" },
            kind,
        };
        if line.limits == "isolate" {
            warn_isolate_only();
        }
        log(&line.to_json());
        if let Some(kind) = kind {
            count_refusal(kind);
        }
        to_response(&reply)
    });
    // A page that goes away mid-call must not cut the ledger's bookkeeping short.
    if let Some(wait) = js_fn(&ctx, "waitUntil") {
        let _ = wait.call1(&ctx, &answer);
    }
    answer
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

/// An optional string option.
fn text_option(options: &JsValue, name: &str) -> Result<Option<String>> {
    let v = get(options, name);
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| wrong_type(name, "a string"))
}

/// Issues a capture token for a page: an HS256 JWT under key id `kid`
/// (default `"default"`, the worker's `CAPTURE_TOKEN_SECRET`).
#[wasm_bindgen(js_name = issueCaptureToken, skip_typescript)]
pub fn issue_capture_token(
    secret: JsValue,
    options: JsValue,
) -> std::result::Result<String, JsValue> {
    let secret = secret.as_string().ok_or_else(|| wrong_type("secret", "a string"))?;
    if !options.is_object() {
        return Err(wrong_type("options", "{ scope, ttlSeconds? }").into());
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
    let ttl_v = get(&options, "ttlSeconds");
    let ttl = if ttl_v.is_undefined() {
        token::DEFAULT_TTL_SECS
    } else {
        ttl_v
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= token::MAX_TTL_SECS as f64)
            .ok_or_else(|| wrong_type("ttlSeconds", "a whole number from 1 to 900"))? as u64
    };
    let kid = text_option(&options, "kid")?;
    let audience = text_option(&options, "audience")?;
    let origin = text_option(&options, "origin")?;
    let now = now_ms_option(&options)? / 1000;
    let nonce = random_bytes(16)?;
    let issue = token::Issue {
        kid: kid.as_deref().unwrap_or(token::SECRET_KID),
        scope: &scope,
        ttl_secs: ttl,
        now_secs: now,
        nonce: &nonce,
        audience: audience.as_deref().unwrap_or(token::DEFAULT_AUDIENCE),
        origin: origin.as_deref(),
    };
    Ok(token::issue_with(&secret, &issue)?)
}

/// Verifies an HS256 capture token minted with `secret` for `scope`; returns
/// its claims or throws the same `OcrEdgeError` the worker answers with.
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
    let kid = text_option(&options, "kid")?;
    let audience = text_option(&options, "audience")?;
    let origin = text_option(&options, "origin")?;
    let keys = token::TokenKeys::hs256(kid.as_deref().unwrap_or(token::SECRET_KID), &secret)
        .map_err(|why| Error::invalid_argument("token.secret", why))?;
    let expect = token::Expect {
        scope: &scope,
        audience: audience.as_deref().unwrap_or(token::DEFAULT_AUDIENCE),
        origin: origin.as_deref(),
        now_secs: now,
    };
    let claims = token::verify_with(&keys, token_text.as_string().as_deref(), &expect, None)?;
    let o = js_sys::Object::new();
    let list = Array::new();
    for s in &claims.scope {
        list.push(&s.into());
    }
    set(&o, "scope", &list);
    set(&o, "exp", &(claims.exp as f64).into());
    set(&o, "iat", &(claims.iat as f64).into());
    if let Some(nbf) = claims.nbf {
        set(&o, "nbf", &(nbf as f64).into());
    }
    let aud = Array::new();
    for a in &claims.aud {
        aud.push(&a.into());
    }
    set(&o, "aud", &aud);
    set(&o, "jti", &claims.jti.as_str().into());
    if let Some(origin) = &claims.origin {
        set(&o, "origin", &origin.as_str().into());
    }
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
  /** The HS256 secret capture tokens under key id "default" are signed with; at least 32 characters. */
  CAPTURE_TOKEN_SECRET?: string;
  /**
   * More token keys, as a JWK Set: `{"keys":[{"kid","alg","kty",...}]}`, each
   * pinned to its `alg` (HS256 with `k`; EdDSA with an Ed25519 `x`; ES256 with
   * a P-256 `x` and `y`). Public keys only: a worker holding these cannot mint.
   */
  CAPTURE_TOKEN_KEYS?: string;
  /** The `aud` capture tokens must name (default "ocr-edge"). */
  CAPTURE_TOKEN_AUDIENCE?: string;
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
  /** `Enterprise-Project-Id` on Huawei OCR calls (a page may not choose it). */
  HUAWEI_ENTERPRISE_PROJECT_ID?: string;
  /**
   * "true": Huawei signatures leave the body out (`X-Sdk-Content-Sha256:
   * UNSIGNED-PAYLOAD`, as Huawei's own signers allow), so the worker never
   * hashes a photo. Off by default: not every endpoint is known to accept it.
   */
  HUAWEI_UNSIGNED_PAYLOAD?: "true" | "false";
  /** "true": results carry the provider's whole answer as `raw` (default: only the parsed fields). */
  SEND_RAW?: "true" | "false";
  /** Billed calls one capture token may make (default 5; needs CAPTURE_LEDGER). */
  TOKEN_MAX_CALLS?: string;
  /** Successful calls after which a token is spent (default 1; needs CAPTURE_LEDGER). */
  TOKEN_MAX_SUCCESSES?: string;
  /** Billed calls of the whole account per UTC day (default: no cap; needs CAPTURE_LEDGER). */
  DAILY_CALL_CAP?: string;
  /** Seconds an Idempotency-Key's answer is kept for resends (default 86400). */
  IDEMPOTENCY_KEEP_SECS?: string;
  /** The `CaptureLedger` Durable Object namespace (`export { CaptureLedger } from "ocr-edge/edge"`). */
  CAPTURE_LEDGER?: unknown;
  /** A Rate Limiting binding keyed by capture token (`t:<jti>`). */
  TOKEN_RATE_LIMITER?: { limit(options: { key: string }): Promise<{ success: boolean }> };
  /** A Rate Limiting binding keyed by `CF-Connecting-IP`, checked before anything else. */
  IP_RATE_LIMITER?: { limit(options: { key: string }): Promise<{ success: boolean }> };
}

/**
 * Serves one request of the edge proxy; always resolves to a Response
 * (JSON errors included). Use as `export default { fetch: handleRequest }`.
 */
export function handleRequest(request: Request, env: WorkerEnv, ctx?: unknown): Promise<Response>;

export interface IssueCaptureTokenOptions {
  scope: CaptureScope | CaptureScope[];
  /** Lifetime, 1 to 900 seconds (default 300). */
  ttlSeconds?: number;
  /** The key id in the token's header (default `"default"`: the worker's CAPTURE_TOKEN_SECRET). */
  kid?: string;
  /** The `aud` claim (default `"ocr-edge"`; the worker's CAPTURE_TOKEN_AUDIENCE). */
  audience?: string;
  /** Binds the token to one page origin (`https://app.example.com`). */
  origin?: string;
  /** Milliseconds since 1970 (default `Date.now()`). */
  now?: number;
}

/**
 * Mints a capture token: an HS256 JWT (`scope`, `aud`, `iat`, `exp`, `jti`,
 * optional `origin`) signed with the secret the worker holds. Any JWT
 * library can mint the same token (see the README).
 */
export function issueCaptureToken(secret: string, options: IssueCaptureTokenOptions): string;

/** The claims of a valid capture token. */
export interface CaptureTokenClaims {
  scope: CaptureScope[];
  /** Expiry, unix seconds. */
  exp: number;
  /** Issued at, unix seconds. */
  iat: number;
  /** Not before, unix seconds. */
  nbf?: number;
  aud: string[];
  /** The token's unique id: budgets and revocation are keyed by it. */
  jti: string;
  origin?: string;
}

export interface VerifyCaptureTokenOptions {
  /** Milliseconds since 1970 (default `Date.now()`). */
  now?: number;
  /** The key id the token must name (default `"default"`). */
  kid?: string;
  /** The audience it must name (default `"ocr-edge"`). */
  audience?: string;
  /** The page origin of the request, for a token bound to one. */
  origin?: string;
}

/** Verifies an HS256 capture token for one scope; throws an OcrEdgeError (`token.*`) otherwise. */
export function verifyCaptureToken(secret: string, token: string, scope: CaptureScope, options?: VerifyCaptureTokenOptions): CaptureTokenClaims;
"#;
