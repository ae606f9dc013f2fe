//! The HTTP/1.1 server: accepts connections, reads each request with a size
//! limit, applies CORS and faults, runs the route, and writes the answer
//! (or deliberately breaks the connection).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::cors;
use crate::envelope::{self, Family, Reply};
use crate::faults::{self, Fault, FaultKind};
use crate::ids::{fresh_hex, fresh_uuid, now_unix};
use crate::log;
use crate::request::Request;
use crate::routes::{self, Op};
use crate::state::State;

/// Bodies above this are handled on the blocking pool (base64 decoding, hashing).
const BLOCKING_BODY: usize = 256 * 1024;

/// An answer body: whole, or cut short on purpose (the `truncate` fault).
pub enum ReplyBody {
    /// The whole body.
    Full(Option<Bytes>),
    /// Part of a body whose full length was declared. After the part is
    /// sent the body waits briefly (so it is flushed), then fails, which
    /// makes the server close the connection mid-body.
    Cut(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ReplyBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ReplyBody::Cut(b, pause) => {
                if let Some(b) = b.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                let sleep = pause
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(50))));
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "truncated on purpose",
                    )))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ReplyBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ReplyBody::Full(None) => SizeHint::with_exact(0),
            ReplyBody::Cut(..) => SizeHint::default(),
        }
    }
}

/// Returned instead of an answer to close the connection (the `reset` fault).
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed on purpose")
    }
}

impl std::error::Error for Dropped {}

/// The listen backlog: room for every connection a burst of clients opens
/// before the accept loop takes them (the kernel caps it at `somaxconn`).
pub const BACKLOG: u32 = 1024;

/// Binds `addr` with [`BACKLOG`]; std's and mio's `bind` listen with 128,
/// which a burst of a few hundred connects overflows.
pub async fn bind(addr: &str) -> io::Result<TcpListener> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to bind");
    for a in tokio::net::lookup_host(addr).await? {
        let socket = if a.is_ipv4() {
            tokio::net::TcpSocket::new_v4()
        } else {
            tokio::net::TcpSocket::new_v6()
        };
        match socket.and_then(|s| {
            s.set_reuseaddr(true)?;
            s.bind(a)?;
            s.listen(BACKLOG)
        }) {
            Ok(l) => return Ok(l),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Whether an accept error concerns only the one connection (the peer gave
/// up before it was taken), so the loop takes the next one at once.
fn per_connection(e: &io::Error) -> bool {
    use io::ErrorKind::{ConnectionAborted, ConnectionReset, Interrupted, WouldBlock};
    matches!(e.kind(), ConnectionAborted | ConnectionReset | Interrupted | WouldBlock)
}

/// Serves connections until the task is dropped.
pub async fn serve(listener: TcpListener, state: Arc<State>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) if per_connection(&e) => continue,
            Err(_) => {
                // Out of file descriptors or memory: back off briefly.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let open = state.accepted();
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let _open = open;
            let svc = service_fn(move |req| handle(Arc::clone(&state), req));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

use ocr_edge::sign::canonical::last_header as find;

/// What happened, for the log line and the stats.
struct Outcome {
    reply: Option<Reply>,
    cut: bool,
    fault: Option<String>,
}

async fn handle(
    state: Arc<State>,
    req: hyper::Request<Incoming>,
) -> Result<Response<ReplyBody>, Dropped> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let origin = find(&headers, "origin").map(str::to_owned);
    let origin_ok = origin
        .as_deref()
        .filter(|o| cors::allowed(&state.config.cors_origins, o))
        .map(str::to_owned);

    if method == "OPTIONS" {
        let reply = cors::preflight(&state.config.cors_origins, origin.as_deref());
        let rid = fresh_hex();
        finish_log(&state, &method, &path, "Preflight", Some(&reply), None, &rid, started);
        return Ok(respond(reply, &rid, false, None, false));
    }

    let op = routes::route(&method, &path, find(&headers, "x-tc-action"));
    let family = op.family();
    let request_id = if family == Family::Tencent { fresh_uuid() } else { fresh_hex() };

    let outcome =
        run(&state, &op, method.clone(), path.clone(), query, headers, body, &request_id).await;
    if family != Family::Emulator {
        state.count(op.name(), outcome.fault.is_some());
    }
    finish_log(
        &state,
        &method,
        &path,
        op.name(),
        outcome.reply.as_ref(),
        outcome.fault.as_deref(),
        &request_id,
        started,
    );
    match outcome.reply {
        Some(reply) => {
            Ok(respond(reply, &request_id, family.is_huawei(), origin_ok.as_deref(), outcome.cut))
        }
        None => Err(Dropped),
    }
}

#[allow(clippy::too_many_arguments)]
fn finish_log(
    state: &State,
    method: &str,
    path: &str,
    action: &str,
    reply: Option<&Reply>,
    fault: Option<&str>,
    request_id: &str,
    started: Instant,
) {
    if !state.config.log {
        return;
    }
    log::write(&log::Entry {
        method,
        path,
        action,
        status: reply.map_or(0, |r| r.status),
        code: reply.and_then(|r| r.code.as_deref()),
        fault,
        request_id,
        ms: started.elapsed().as_millis(),
    });
}

fn too_large(family: Family, rid: &str, max: u64) -> Reply {
    let msg = format!("The request body is too large (limit {max} bytes).");
    match family {
        Family::Tencent => envelope::tencent_error("RequestSizeLimitExceeded", &msg, rid),
        Family::HuaweiOcr => envelope::error(family, 413, "ModelArts.4104", &msg, rid),
        Family::HuaweiCsms => envelope::error(family, 413, "CSMS.0004", &msg, rid),
        _ => envelope::error(family, 413, "APIG.2003", &msg, rid),
    }
}

fn fault_reply(family: Family, fault: &Fault, rid: &str) -> Option<Reply> {
    let retry = fault.retry_after.to_string();
    match fault.kind {
        FaultKind::None | FaultKind::Truncate | FaultKind::Reset => None,
        FaultKind::Html => Some(envelope::html_page(502)),
        FaultKind::Throttle => Some(if family == Family::Tencent {
            envelope::tencent_error(
                "RequestLimitExceeded",
                "Your current request times equals to the limit, please try again later.",
                rid,
            )
            .with_header("retry-after", retry)
        } else {
            envelope::gateway(
                429,
                "APIG.0308",
                "The throttling threshold has been reached: policy user over ratelimit",
                rid,
            )
            .with_header("retry-after", retry)
        }),
        FaultKind::Status(status) => {
            let reply = if family == Family::Tencent {
                let mut r = envelope::tencent_error(
                    "InternalError",
                    "An internal error occurred (emulated fault).",
                    rid,
                );
                r.status = status;
                r
            } else if status >= 500 {
                let (code, msg) = if status == 504 {
                    ("APIG.0201", "Backend timeout")
                } else {
                    ("APIG.0202", "Backend unavailable")
                };
                envelope::gateway(status, code, msg, rid)
            } else {
                envelope::error(family, status, "APIG.2000", "Emulated client error", rid)
            };
            Some(if status == 503 { reply.with_header("retry-after", retry) } else { reply })
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn run(
    state: &Arc<State>,
    op: &Op,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Incoming,
    request_id: &str,
) -> Outcome {
    let family = op.family();
    let max = state.config.max_body;
    let declared = find(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Outcome {
            reply: Some(too_large(family, request_id, max)),
            cut: false,
            fault: None,
        };
    }
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Outcome {
                reply: Some(too_large(family, request_id, max)),
                cut: false,
                fault: None,
            }
        }
    };

    // Faults: the header wins over faults armed at run time, then the config; the emulator's own routes never fault.
    let mut fired: Option<(String, Fault)> = None;
    if family != Family::Emulator {
        let spec = find(&headers, "x-emulator-fault")
            .map(str::to_owned)
            .or_else(|| state.armed(op.name()))
            .or_else(|| state.config.faults.get(op.name()).cloned());
        if let Some(spec) = spec {
            match faults::parse(&spec) {
                Ok(fault) => {
                    let key = find(&headers, "x-emulator-fault-key")
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("{}|{spec}", op.name()));
                    if state.faults().should_fire(&key, &fault) {
                        fired = Some((spec, fault));
                    }
                }
                Err(m) => {
                    let reply = envelope::error(
                        family,
                        400,
                        "Emulator.BadFault",
                        &format!("bad X-Emulator-Fault: {m}"),
                        request_id,
                    );
                    return Outcome { reply: Some(reply), cut: false, fault: None };
                }
            }
        }
    }
    if let Some((_, fault)) = &fired {
        if !fault.latency.is_zero() {
            tokio::time::sleep(fault.latency).await;
        }
    }
    let kind = fired.as_ref().map(|(_, f)| f.kind);
    let fault_name =
        fired.as_ref().filter(|(_, f)| f.kind != FaultKind::None).map(|(s, _)| s.clone());
    if kind == Some(FaultKind::Reset) {
        return Outcome { reply: None, cut: false, fault: fault_name };
    }
    if let Some(reply) = fired.as_ref().and_then(|(_, f)| fault_reply(family, f, request_id)) {
        return Outcome { reply: Some(reply), cut: false, fault: fault_name };
    }

    let request = Request {
        method,
        path,
        query,
        headers,
        body,
        request_id: request_id.to_owned(),
        now: now_unix(),
    };
    let reply = if request.body.len() > BLOCKING_BODY {
        let state = Arc::clone(state);
        let op = op.clone();
        let rid = request_id.to_owned();
        tokio::task::spawn_blocking(move || routes::dispatch(&state, &op, &request))
            .await
            .unwrap_or_else(|_| {
                envelope::error(
                    family,
                    500,
                    "InternalError",
                    "The emulator failed on this request.",
                    &rid,
                )
            })
    } else {
        routes::dispatch(state, op, &request)
    };
    Outcome { reply: Some(reply), cut: kind == Some(FaultKind::Truncate), fault: fault_name }
}

fn respond(
    reply: Reply,
    request_id: &str,
    huawei: bool,
    origin: Option<&str>,
    cut: bool,
) -> Response<ReplyBody> {
    let mut reply = reply;
    if let Some(origin) = origin {
        cors::decorate(&mut reply, origin);
    }
    let full_len = reply.body.len();
    let body = if cut {
        let half = full_len / 2;
        ReplyBody::Cut(Some(Bytes::from(reply.body).slice(..half)), None)
    } else if full_len == 0 {
        ReplyBody::Full(None)
    } else {
        ReplyBody::Full(Some(Bytes::from(reply.body)))
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    let mut add = |name: &'static str, value: &str| {
        if let Ok(v) = hyper::header::HeaderValue::from_str(value) {
            headers.append(name, v);
        }
    };
    for (name, value) in &reply.headers {
        add(name, value);
    }
    if huawei {
        add("x-request-id", request_id);
    }
    if cut {
        add("content-length", &full_len.to_string());
    }
    response
}
