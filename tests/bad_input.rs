//! The bad-input catalogue (tests/bad_input/*.tsv, *.json) against the
//! native core: every case must end in an `Err` with the expected code, a
//! non-empty message and a kind that fits the code; never a panic, never a
//! hang. Each case runs on its own thread under `catch_unwind` with a
//! deadline, so one failure names its case and the rest still run.
//!
//!   cargo test --test bad_input
//!
//! Image rows run through `probe`, an incremental `probe_prefix` reader, the
//! builder of their target (bytes and base64), and the worker core
//! (`admit` + `prepare`). Parameter rows run through the builders, the
//! credential and token constructors, and (for the JSON-bodied admin
//! operations) the worker core. Response rows run through the parsers.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ocr_edge::api::fields::{Fields, Image as FieldImage, Origin};
use ocr_edge::api::huawei::{apig, csms, ocr};
use ocr_edge::api::operation::{Context, Descriptor};
use ocr_edge::api::tencent::ocr as tocr;
use ocr_edge::api::{self, registry, ImageInput};
use ocr_edge::image::{self, body, Partial};
use ocr_edge::sign::{Credentials, IamToken};
use ocr_edge::worker::handler::{self, Incoming};
use ocr_edge::worker::image_url::ParsedUrl;
use ocr_edge::worker::limits::RateLimiter;
use ocr_edge::worker::{token, WorkerConfig};
use ocr_edge::{Error, ErrorKind};
use serde_json::Value;

/// The longest a single case may take: a hang, not a slow case. The 7 MB
/// cases take 1.5 s in a debug build on an idle machine and over 20 s on a
/// loaded one.
const DEADLINE: Duration = Duration::from_secs(180);
/// The name prefix of the threads that run cases, whose panics are reported
/// per case rather than printed.
const CASE_THREAD: &str = "case:";
const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
const TOKEN_SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const ADMIN_SECRET: &str = "fedcba9876543210fedcba9876543210fedcba9876543210";
const NOW_SECS: u64 = 1_760_000_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dir() -> PathBuf {
    root().join("tests/bad_input")
}

// ---------------------------------------------------------------------------
// Expectations

/// The expectation of a value the documents allow: no error, the request
/// goes upstream (`accepted[code]`: with that `checkImage` warning).
const ACCEPTED: &str = "accepted";

/// An expected error: its code and, for `image.rejected`, one violation code
/// (for [`ACCEPTED`], one warning code); `message`: text the message holds.
#[derive(Clone, Debug)]
struct Expect {
    code: String,
    violation: Option<String>,
    kind: Option<String>,
    message: Option<String>,
}

impl Expect {
    fn parse(s: &str) -> Expect {
        match s.split_once('[') {
            Some((code, rest)) => Expect {
                code: code.to_owned(),
                violation: Some(rest.trim_end_matches(']').to_owned()),
                kind: None,
                message: None,
            },
            None => Expect { code: s.to_owned(), violation: None, kind: None, message: None },
        }
    }
}

/// The kind a code of ours must have; provider codes are not checked here.
fn kind_for(code: &str) -> Option<ErrorKind> {
    let prefix = code.split('.').next().unwrap_or("");
    match prefix {
        "image" => Some(ErrorKind::InvalidImage),
        "argument" | "regnum" | "credentials" | "endpoint" | "body" | "content_type" => {
            Some(ErrorKind::InvalidArgument)
        }
        "response" => Some(ErrorKind::Protocol),
        _ => None,
    }
}

fn kind_name(k: ErrorKind) -> &'static str {
    k.as_str()
}

/// Compares an error with the expectation; `Err` holds what differs.
fn compare(e: &Error, want: &Expect) -> Result<(), String> {
    if e.code() != want.code {
        return Err(format!("code {:?} ({}), expected {:?}", e.code(), e.message(), want.code));
    }
    if let Some(v) = &want.violation {
        let got: Vec<&str> = e.violations().iter().map(|v| v.code).collect();
        if !got.contains(&v.as_str()) {
            return Err(format!("violations {got:?} lack {v:?}"));
        }
    }
    if e.message().trim().is_empty() {
        return Err("empty message".into());
    }
    if let Some(m) = want.message.as_deref().filter(|m| !e.message().contains(m)) {
        return Err(format!("message {:?} lacks {m:?}", e.message()));
    }
    if e.message().chars().count() > 1200 {
        return Err(format!("message of {} characters", e.message().chars().count()));
    }
    if let Some(k) = kind_for(&want.code) {
        if e.kind() != k {
            return Err(format!("kind {}, expected {}", kind_name(e.kind()), kind_name(k)));
        }
    }
    if let Some(k) = &want.kind {
        if kind_name(e.kind()) != k {
            return Err(format!("kind {}, expected {k}", kind_name(e.kind())));
        }
    }
    Ok(())
}

fn expect_err<T>(r: Result<T, Error>, want: &Expect) -> Result<(), String> {
    match r {
        Ok(_) if want.code == ACCEPTED => Ok(()),
        Ok(_) => Err(format!("succeeded, expected {:?}", want.code)),
        Err(e) if want.code == ACCEPTED => {
            Err(format!("refused with {:?} ({}), expected it accepted", e.code(), e.message()))
        }
        Err(e) => compare(&e, want),
    }
}

// ---------------------------------------------------------------------------
// The guarded runner

type Check = Box<dyn FnOnce() -> Result<(), String> + Send + 'static>;

struct Case {
    name: String,
    run: Check,
    /// A known failure (the catalogue's `known` field): reported, not failed,
    /// until it passes, which fails so the mark is removed.
    known: Option<String>,
}

/// Runs one case on a thread under `catch_unwind`, with a deadline.
/// Case threads' panics are caught and reported per case, so the hook keeps
/// them quiet; every other panic (a test's own assertion) prints as usual.
/// Installed once: tests run in parallel, and swapping the hook per test
/// lost one test's failure message to another's quiet hook.
fn quiet_case_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !thread::current().name().is_some_and(|n| n.starts_with(CASE_THREAD)) {
                default(info);
            }
        }));
    });
}

fn guarded(case: Case) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let run = case.run;
    quiet_case_panics();
    let spawned =
        thread::Builder::new().name(format!("{CASE_THREAD}{}", case.name)).spawn(move || {
            let r = panic::catch_unwind(AssertUnwindSafe(run));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(format!("could not start a thread: {e}"));
    }
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(r)) => r,
        Ok(Err(p)) => {
            let text = p
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string payload".into());
            Err(format!("PANIC: {text}"))
        }
        // The thread is left behind; the report names the case.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("HANG: no answer in {DEADLINE:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the case thread vanished".into()),
    }
}

fn run_all(label: &str, cases: Vec<Case>) {
    let started = Instant::now();
    let n = cases.len();
    let mut failures = Vec::new();
    for case in cases {
        let name = case.name.clone();
        let known = case.known.clone();
        match (guarded(case), known) {
            (Err(why), None) => failures.push(format!("  {name}: {why}")),
            (Err(why), Some(k)) => eprintln!("  known failure {name}: {why} ({k})"),
            (Ok(()), Some(_)) => {
                failures.push(format!("  {name}: passes now: remove its `known` mark"))
            }
            (Ok(()), None) => {}
        }
    }
    eprintln!("{label}: {n} cases, {} failed, {:?}", failures.len(), started.elapsed());
    assert!(
        failures.is_empty(),
        "{label}: {} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Recipes

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if clean.len() % 2 != 0 {
        return Err(format!("odd hex length in {s:?}"));
    }
    (0..clean.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).map_err(|e| format!("{s:?}: {e}")))
        .collect()
}

/// Expands a recipe into (suffix, bytes) pairs: one pair, or one per `cuts:` value.
fn build(recipe: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut buf = Vec::new();
    let mut cuts: Option<Vec<usize>> = None;
    for step in recipe.split(" | ") {
        let (op, arg) = step.split_once(':').ok_or_else(|| format!("step {step:?}"))?;
        let num = |s: &str| s.trim().parse::<usize>().map_err(|e| format!("{step:?}: {e}"));
        match op.trim() {
            "hex" => buf.extend(unhex(arg)?),
            "ascii" => buf.extend_from_slice(arg.as_bytes()),
            "file" => buf
                .extend(std::fs::read(root().join(arg.trim())).map_err(|e| format!("{arg}: {e}"))?),
            "zeros" => buf.resize(buf.len() + num(arg)?, 0),
            "rep" => {
                let (n, hex) = arg.split_once(':').ok_or("rep:N:HEX")?;
                let unit = unhex(hex)?;
                for _ in 0..num(n)? {
                    buf.extend_from_slice(&unit);
                }
            }
            "set" => {
                let (off, hex) = arg.split_once(':').ok_or("set:OFF:HEX")?;
                let off = num(off)?;
                let b = unhex(hex)?;
                let end = off + b.len();
                if end > buf.len() {
                    buf.resize(end, 0);
                }
                buf[off..end].copy_from_slice(&b);
            }
            "cut" => buf.truncate(num(arg)?),
            "cuts" => cuts = Some(arg.split(',').map(num).collect::<Result<_, _>>()?),
            other => return Err(format!("unknown step {other:?}")),
        }
    }
    Ok(match cuts {
        None => vec![(String::new(), buf)],
        Some(list) => list
            .into_iter()
            .map(|n| {
                let mut b = buf.clone();
                b.truncate(n);
                (format!("@{n}"), b)
            })
            .collect(),
    })
}

/// `{{repeat:TEXT:N}}`, `{{tags:N}}` and `{{token:KIND}}` in JSON strings.
fn template(v: &Value, tokens: &HashMap<&str, String>) -> Value {
    match v {
        Value::String(s) => {
            if let Some(n) = s.strip_prefix("{{tags:").and_then(|r| r.strip_suffix("}}")) {
                let n: usize = n.parse().unwrap_or(0);
                return Value::Array(
                    (0..n)
                        .map(|i| serde_json::json!({ "key": format!("k{i}"), "values": [] }))
                        .collect(),
                );
            }
            Value::String(expand(s, tokens))
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| template(x, tokens)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), template(x, tokens))).collect())
        }
        other => other.clone(),
    }
}

fn expand(s: &str, tokens: &HashMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = &after[..j];
        if let Some(r) = inner.strip_prefix("repeat:") {
            let (text, n) = r.rsplit_once(':').unwrap_or((r, "1"));
            out.push_str(&text.repeat(n.parse().unwrap_or(1)));
        } else if let Some(k) = inner.strip_prefix("token:") {
            out.push_str(tokens.get(k).map(String::as_str).unwrap_or(""));
        } else {
            out.push_str(inner);
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

fn b64(bytes: &[u8]) -> String {
    let mut out = Vec::new();
    body::encode_base64_into(&mut out, bytes);
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The worker core

fn worker_config(admin: bool) -> WorkerConfig {
    worker_config_with(admin, &[])
}

fn worker_config_with(admin: bool, extra: &[(&'static str, &'static str)]) -> WorkerConfig {
    let mut env: HashMap<&str, &str> = HashMap::from([
        ("HUAWEI_AK", "dev-ak"),
        ("HUAWEI_SK", "dev-sk-0123456789"),
        ("HUAWEI_PROJECT_ID", PROJECT_ID),
        ("TENCENT_SECRET_ID", "dev-secret-id"),
        ("TENCENT_SECRET_KEY", "dev-secret-key-0123456789"),
        ("CAPTURE_TOKEN_SECRET", TOKEN_SECRET),
        ("ALLOWED_ORIGINS", "https://app.example"),
        ("RATE_LIMIT_PER_MINUTE", "0"),
        ("UPSTREAM_HUAWEI", "http://127.0.0.1:9"),
        ("UPSTREAM_TENCENT", "http://127.0.0.1:9"),
        // URL mode on for the hosts these cases name (it is off by default).
        ("IMAGE_URL_HOSTS", "example.com, *.obs.cn-north-4.myhuaweicloud.com"),
    ]);
    if admin {
        env.insert("ADMIN_SECRET", ADMIN_SECRET);
    }
    env.extend(extra.iter().copied());
    WorkerConfig::from_lookup(|k| env.get(k).map(|v| (*v).to_owned()))
        .unwrap_or_else(|e| panic!("worker config: {e}"))
}

fn capture_token(scope: &[&str], ttl: u64, now: u64) -> String {
    let scope: Vec<String> = scope.iter().map(|s| (*s).to_owned()).collect();
    token::issue(TOKEN_SECRET, &scope, ttl, now, b"bad-input-nonce")
        .unwrap_or_else(|e| panic!("issue: {e}"))
}

/// A stand-in for the runtime's WHATWG parser, for the plain
/// `https://host/path` URLs of these cases only (anything else is not a URL
/// to it); the runtime's own parser is tested in tests/worker/outbound.test.mjs.
fn plain_url(text: &str) -> Option<ParsedUrl> {
    let rest = text.strip_prefix("https://")?;
    let host = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return None;
    }
    Some(ParsedUrl {
        href: text.to_owned(),
        protocol: "https:".into(),
        hostname: host.to_owned(),
        ..ParsedUrl::default()
    })
}

/// One request through `admit` and `prepare`: the refusal's code and the
/// worker's HTTP status, or `None` when it would go upstream.
fn through_worker(
    admin: bool,
    url: &str,
    auth: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Option<(Error, u16)> {
    through_worker_with(&worker_config(admin), admin, url, auth, content_type, body)
}

fn through_worker_with(
    cfg: &WorkerConfig,
    admin: bool,
    url: &str,
    auth: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Option<(Error, u16)> {
    let mut limiter = RateLimiter::new();
    let len = body.len().to_string();
    let header = auth.map(|t| format!("Bearer {t}"));
    let req = Incoming {
        method: "POST",
        url,
        origin: if admin { None } else { Some("https://app.example") },
        authorization: header.as_deref(),
        content_type: Some(content_type),
        content_length: Some(&len),
        request_method: None,
        request_headers: None,
        token_verdict: None,
    };
    let admitted = match handler::admit(cfg, &req, NOW_SECS * 1000, &mut limiter) {
        Ok(a) => a,
        Err(reply) => {
            let v: Value = serde_json::from_str(reply.body.as_deref().unwrap_or("{}")).ok()?;
            let e = &v["error"];
            let kind = match e["kind"].as_str().unwrap_or("") {
                "invalid_image" => ErrorKind::InvalidImage,
                "invalid_argument" => ErrorKind::InvalidArgument,
                "auth" => ErrorKind::Auth,
                "throttled" => ErrorKind::Throttled,
                "unavailable" => ErrorKind::Unavailable,
                _ => ErrorKind::Protocol,
            };
            let err = Error::new(
                kind,
                e["code"].as_str().unwrap_or("").to_owned(),
                e["message"].as_str().unwrap_or("").to_owned(),
            );
            return Some((err, reply.status));
        }
    };
    if body.len() as u64 > admitted.cap {
        return Some((*handler::too_large(admitted.cap).error, 413));
    }
    match handler::prepare_with(cfg, &admitted, body, &plain_url) {
        Ok(_) => None,
        Err(f) => Some((*f.error, f.http)),
    }
}

fn expect_worker(r: Option<(Error, u16)>, want: &Expect) -> Result<(), String> {
    match r {
        None if want.code == ACCEPTED => Ok(()),
        None => Err(format!("the worker would send it upstream, expected {:?}", want.code)),
        Some((e, status)) if want.code == ACCEPTED => {
            Err(format!("the worker refused it: {status} {:?} ({})", e.code(), e.message()))
        }
        Some((e, status)) => {
            if !(400..500).contains(&status) {
                return Err(format!("worker status {status} for {}", e.code()));
            }
            compare(&e, &Expect { kind: None, ..want.clone() })
        }
    }
}

// ---------------------------------------------------------------------------
// Images

fn image_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("images.tsv")).expect("images.tsv");
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "images.tsv line {}: 5 tab-separated fields: {line}", i + 1);
        let (name, target, recipe, expected, worker) = (f[0], f[1], f[2], f[3], f[4]);
        let built = build(recipe).unwrap_or_else(|e| panic!("images.tsv {name}: {e}"));
        for (suffix, bytes) in built {
            let want = Expect::parse(expected);
            let worker_want = match worker {
                "=" => Some(want.clone()),
                "-" => None,
                w => Some(Expect::parse(w)),
            };
            let target = target.to_owned();
            cases.push(Case {
                name: format!("{name}{suffix}"),
                run: Box::new(move || image_case(&target, &bytes, &want, worker_want.as_ref())),
                known: None,
            });
        }
    }
    cases
}

/// Reads like a streaming caller: the prefix it is asked for, step by step,
/// exactly within the first 4 KiB (every boundary of a small header), then
/// at least 4 KiB more a step, as `probeBlob` and `probeImage` read.
fn probe_incrementally(bytes: &[u8]) -> Result<image::ImageInfo, Error> {
    /// Where exact steps end, and the least step after it (js::image's reads).
    const STEP: usize = 4096;
    let total = bytes.len() as u64;
    // Real callers (probeBlob, the base64 path) start with a first read of
    // kilobytes; 12 bytes is the longest signature. (From an empty prefix, a
    // file under 12 bytes is refused as truncated whatever it holds: see
    // README.md, known issues.) Exact steps all the way made a header of
    // thousands of tiny segments cost seconds in a debug build, and time
    // out on a loaded machine.
    let mut have = bytes.len().min(12);
    for _ in 0..10_000 {
        match image::probe_prefix(&bytes[..have], total)? {
            Partial::Done(info) => return Ok(info),
            Partial::NeedMore(n) => {
                if n <= have || n as u64 > total {
                    return Err(Error::invalid_image(
                        "test.bad_need_more",
                        format!("NeedMore({n}) with {have} of {total} bytes"),
                    ));
                }
                have = if n <= STEP { n } else { n.max(have + STEP).min(bytes.len()) };
            }
        }
    }
    Err(Error::invalid_image("test.too_many_steps", "probe_prefix asked 10000 times"))
}

/// The first registered operation whose image target is `name`: the one a
/// row of that target runs through (the operation's own builder, route and
/// scope).
fn operation_for_target(name: &str) -> Option<&'static Descriptor> {
    registry::OPERATIONS.iter().copied().find(|d| d.target.is_some_and(|t| t.name == name))
}

/// The operation's builder given the image as its first image key holds it.
fn build_with_image(d: &Descriptor, image: FieldImage<'_>) -> Result<(), Error> {
    let mut fields = Fields::new(Origin::Js);
    fields.set_image(vec![(d.image_keys[0].to_owned(), image)])?;
    let ctx = Context { project_id: PROJECT_ID, ..Context::default() };
    (d.build)(&ctx, &fields).map(|_| ())
}

fn image_case(
    target: &str,
    bytes: &[u8],
    want: &Expect,
    worker: Option<&Expect>,
) -> Result<(), String> {
    let tag = |what: &str, r: Result<(), String>| r.map_err(|e| format!("{what}: {e}"));
    // A `probe` row also runs through the quota invoice, the first operation.
    let op = if target == "probe" {
        Some(registry::OPERATIONS[0])
    } else {
        operation_for_target(target)
    };
    let Some(op) = op else { return Err(format!("unknown target {target:?}")) };
    if target == "probe" && want.violation.is_none() {
        tag("probe", expect_err(image::probe(bytes), want))?;
        tag("probe_prefix", expect_err(probe_incrementally(bytes), want))?;
    }
    if let (ACCEPTED, Some(w), Some(t)) = (want.code.as_str(), &want.violation, op.target) {
        let info = image::probe(bytes).map_err(|e| format!("probe: {e}"))?;
        let warned: Vec<&str> = image::check(&info, t).warnings.iter().map(|v| v.code).collect();
        if !warned.contains(&w.as_str()) {
            return Err(format!("checkImage warnings {warned:?} lack {w:?}"));
        }
    }
    let builder = format!("{} builder", op.id);
    tag(&builder, expect_err(build_with_image(op, FieldImage::Bytes(bytes.into())), want))?;
    // The same image as base64 text (the JSON bodies): same code, but an
    // empty image is empty base64 text.
    if !bytes.is_empty() {
        let text = b64(bytes);
        let r = build_with_image(op, FieldImage::Base64(text.into()));
        tag("base64 builder", expect_err(r, want))?;
    }
    if let Some(w) = worker {
        let scope = op.scope.ok_or("an image operation without a capture scope")?;
        let t = capture_token(&[scope], 600, NOW_SECS);
        let url = match op.flag {
            Some(flag) => format!("{}?{flag}=1", op.path),
            None => op.path.to_owned(),
        };
        tag(
            "worker core",
            expect_worker(through_worker(false, &url, Some(&t), "image/png", bytes), w),
        )?;
    }
    Ok(())
}

#[test]
fn images() {
    let cases = image_cases();
    assert!(cases.len() >= 80, "only {} image cases", cases.len());
    run_all("images", cases);
}

// ---------------------------------------------------------------------------
// Parameters, URLs, credentials, tokens

fn s<'a>(a: &'a Value, k: &str) -> Option<&'a str> {
    a.get(k).and_then(Value::as_str)
}

fn serde_invalid(e: serde_json::Error) -> Error {
    // What the JS layer (params_from_js) and the worker make of a parameter
    // object that does not fit the type.
    Error::invalid_argument("argument.invalid", format!("params: {e}"))
}

/// The client's `megabytes` option, as the signing clients read it.
fn client_megabytes(client: &Value) -> Result<image::Megabytes, String> {
    s(client, "megabytes")
        .map_or(Some(image::Megabytes::Decimal), image::Megabytes::from_name)
        .ok_or_else(|| "client.megabytes is decimal or binary".to_owned())
}

fn param_case(op: &str, client: &Value, args: &Value, want: &Expect) -> Result<(), String> {
    let region = s(client, "region");
    let project = s(client, "projectId").unwrap_or(PROJECT_ID);
    match op {
        "huawei.recognizeQuotaInvoice" => {
            let bytes = s(args, "imageHex").map(unhex).transpose()?;
            let image = match (&bytes, s(args, "image")) {
                (Some(b), _) => Some(ImageInput::Bytes(b)),
                (None, Some(t)) => Some(ImageInput::Base64(t)),
                _ => None,
            };
            let p = ocr::QuotaInvoiceParams {
                image,
                url: s(args, "url"),
                enterprise_project_id: s(args, "enterpriseProjectId"),
            };
            let megabytes = client_megabytes(client)?;
            expect_err(ocr::recognize_quota_invoice_with(region, project, &p, megabytes), want)
        }
        "tencent.verifyBizLicense" | "tencent.verifyBasicBizLicense" => {
            let image_config = match args.get("imageConfig") {
                None | Some(Value::Null) => None,
                Some(v) => match tocr::ImageConfig::from_json(v) {
                    Ok(c) => Some(c),
                    Err(e) => return expect_err::<()>(Err(e), want),
                },
            };
            let bytes = s(args, "imageHex").map(unhex).transpose()?;
            let image = match (&bytes, s(args, "imageBase64")) {
                (Some(b), _) => Some(ImageInput::Bytes(b)),
                (None, t) => t.map(ImageInput::Base64),
            };
            let megabytes = client_megabytes(client)?;
            let p = tocr::BizLicenseParams {
                image,
                image_url: s(args, "imageUrl"),
                image_config,
                reg_num: s(args, "regNum"),
                name: s(args, "name"),
                address: s(args, "address"),
                region,
                skip_reg_num_check: args
                    .get("skipRegNumCheck")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            };
            if op == "tencent.verifyBizLicense" {
                expect_err(tocr::verify_biz_license_with(&p, megabytes), want)
            } else {
                let cap = args.get("regCapital").is_some_and(tocr::reg_capital_requested);
                expect_err(tocr::verify_basic_biz_license_with(&p, cap, megabytes), want)
            }
        }
        "huawei.listSecretResourceInstances" => {
            // Typed, as a Rust caller builds it...
            let typed = serde_json::from_value::<csms::ListResourceInstancesParams>(args.clone())
                .map_err(serde_invalid)
                .and_then(|p| csms::list_resource_instances(region, project, &p));
            expect_err(typed, want)?;
            // ...and as the worker's admin route reads it from JSON.
            let body = serde_json::to_vec(args).unwrap_or_default();
            let r = through_worker(
                true,
                "/v1/admin/csms/list",
                Some(ADMIN_SECRET),
                "application/json",
                &body,
            );
            expect_worker(r, want).map_err(|e| format!("worker core: {e}"))
        }
        "huawei.createApp" => {
            let typed = serde_json::from_value::<apig::CreateAppParams>(args.clone())
                .map_err(serde_invalid)
                .and_then(|p| apig::create_app(region, &p));
            expect_err(typed, want)?;
            let body = serde_json::to_vec(args).unwrap_or_default();
            let r = through_worker(
                true,
                "/v1/admin/apig/apps",
                Some(ADMIN_SECRET),
                "application/json",
                &body,
            );
            expect_worker(r, want).map_err(|e| format!("worker core: {e}"))
        }
        "huawei.deleteSecretTag" => {
            let (Some(id), Some(key)) = (s(args, "secretId"), s(args, "key")) else {
                return Err("deleteSecretTag needs string secretId and key natively".into());
            };
            expect_err(csms::delete_secret_tag(region, project, id, key), want)?;
            let body = serde_json::to_vec(&serde_json::json!({ "secretId": id, "key": key }))
                .unwrap_or_default();
            let r = through_worker(
                true,
                "/v1/admin/csms/delete-tag",
                Some(ADMIN_SECRET),
                "application/json",
                &body,
            );
            expect_worker(r, want).map_err(|e| format!("worker core: {e}"))
        }
        "credentials.huawei" => {
            if let Some(t) = s(args, "token") {
                return expect_err(IamToken::new(t), want);
            }
            let c = Credentials::new(
                s(args, "accessKey").unwrap_or(""),
                s(args, "secretKey").unwrap_or(""),
            );
            let c = match (c, s(args, "securityToken")) {
                (Ok(c), Some(t)) => c.with_session_token(t),
                (c, _) => c,
            };
            expect_err(c, want)
        }
        "credentials.tencent" => {
            let c = Credentials::new(
                s(args, "secretId").unwrap_or(""),
                s(args, "secretKey").unwrap_or(""),
            );
            let c = match (c, s(args, "token")) {
                (Ok(c), Some(t)) => c.with_session_token(t),
                (c, _) => c,
            };
            expect_err(c, want)
        }
        "client.huawei" => {
            let e = s(args, "endpoint").ok_or("client.huawei natively reads only endpoint")?;
            expect_err(ocr_edge::worker::upstream::Upstream::parse(e), want)
        }
        "token.verify" => {
            let t = s(args, "token");
            let scope = s(args, "scope").unwrap_or("");
            expect_err(token::verify(TOKEN_SECRET, t, scope, NOW_SECS), want)?;
            // Through the worker core: the token in the Authorization header.
            let route = if scope == "huawei.quotaInvoice" {
                "/v1/huawei/quota-invoice"
            } else {
                "/v1/tencent/biz-license"
            };
            let png = unhex("89504e470d0a1a0a0000000d494844520000004000000020080200000000000000")?;
            let r = through_worker(false, route, t, "image/png", &png);
            expect_worker(r, want).map_err(|e| format!("worker core: {e}"))
        }
        "token.issue" => {
            let secret = s(args, "secret").unwrap_or(TOKEN_SECRET);
            let scope: Vec<String> = args
                .get("scope")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let ttl = args.get("ttlSeconds").and_then(Value::as_u64).unwrap_or(0);
            expect_err(token::issue(secret, &scope, ttl, NOW_SECS, b"0123456789abcdef"), want)
        }
        other => descriptor_param_case(other, client, args, want),
    }
}

/// Any other operation, through its descriptor: its builder reads the
/// arguments as the worker's JSON body would carry them, and the worker core
/// gets that body on the operation's route with a token of its scope.
fn descriptor_param_case(
    op: &str,
    client: &Value,
    args: &Value,
    want: &Expect,
) -> Result<(), String> {
    let d = op
        .split_once('.')
        .and_then(|(_, method)| registry::by_method(method))
        .ok_or_else(|| format!("unknown op {op:?}"))?;
    let mut obj = args.as_object().cloned().unwrap_or_default();
    let bytes = match obj.remove("imageHex") {
        Some(Value::String(h)) => Some(unhex(&h)?),
        _ => None,
    };
    let body_value = |image: Option<String>| {
        let mut o = obj.clone();
        if let Some(text) = image {
            o.insert(d.image_keys[0].to_owned(), Value::String(text));
        }
        serde_json::to_vec(&Value::Object(o)).unwrap_or_default()
    };
    let json = body_value(None);
    let built = Fields::from_json(&json, d.image_keys).and_then(|mut fields| {
        if let Some(b) = &bytes {
            fields.set_image(vec![(d.image_keys[0].to_owned(), FieldImage::Bytes(b.into()))])?;
        }
        let ctx = Context {
            region: s(client, "region"),
            project_id: s(client, "projectId").unwrap_or(PROJECT_ID),
            ..Context::default()
        };
        (d.build)(&ctx, &fields).map(|_| ())
    });
    expect_err(built, want)?;
    let body = body_value(bytes.as_deref().map(b64));
    let (admin, auth) = match d.scope {
        Some(scope) => (false, capture_token(&[scope], 600, NOW_SECS)),
        None => (true, ADMIN_SECRET.to_owned()),
    };
    let url = match d.flag {
        Some(flag) => format!("{}?{flag}=1", d.path),
        None => d.path.to_owned(),
    };
    let r = through_worker(admin, &url, Some(&auth), "application/json", &body);
    expect_worker(r, want).map_err(|e| format!("worker core: {e}"))
}

fn tokens() -> HashMap<&'static str, String> {
    let good = capture_token(&["huawei.quotaInvoice"], 600, NOW_SECS);
    // One MAC character changed in the middle: still canonical base64url.
    let forged = {
        let mut chars: Vec<char> = good.chars().collect();
        let i = chars.len() - 10;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    HashMap::from([
        ("forged", forged),
        ("expired", capture_token(&["huawei.quotaInvoice"], 60, NOW_SECS - 3600)),
        ("tencent", capture_token(&["tencent.bizLicense"], 600, NOW_SECS)),
    ])
}

fn load_json(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    v["cases"].as_array().cloned().unwrap_or_default()
}

/// The expectation of this runner: `native` overrides `expected`; `None` = skip.
fn native_expect(case: &Value) -> Option<Expect> {
    let code = match case.get("native").and_then(Value::as_str) {
        Some("skip") => return None,
        Some(c) => c,
        None => case["expected"].as_str()?,
    };
    let mut e = Expect::parse(code);
    e.kind = case.get("kind").and_then(Value::as_str).map(str::to_owned);
    e.message = case.get("message").and_then(Value::as_str).map(str::to_owned);
    Some(e)
}

#[test]
fn parameters() {
    let tokens = tokens();
    let mut cases = Vec::new();
    let mut names = std::collections::HashSet::new();
    for c in load_json("params.json") {
        let name = c["name"].as_str().unwrap_or("?").to_owned();
        assert!(names.insert(name.clone()), "params.json: {name} twice");
        let Some(want) = native_expect(&c) else { continue };
        let op = c["op"].as_str().unwrap_or("").to_owned();
        let args = template(&c["args"], &tokens);
        let client = c.get("client").cloned().unwrap_or(Value::Null);
        let known = c.get("known").and_then(Value::as_str).map(str::to_owned);
        cases.push(Case {
            name,
            run: Box::new(move || param_case(&op, &client, &args, &want)),
            known,
        });
    }
    run_all("parameters", cases);
}

// ---------------------------------------------------------------------------
// Responses

fn response_body(c: &Value) -> Vec<u8> {
    if let Some(h) = c.get("bodyHex").and_then(Value::as_str) {
        return unhex(h).unwrap_or_default();
    }
    expand(c["body"].as_str().unwrap_or(""), &HashMap::new()).into_bytes()
}

/// The registered operation a response row's `op` names: its client method
/// name, `quotaInvoice` being the catalogue's short name of
/// `recognizeQuotaInvoice`.
fn registered(op: &str) -> Option<&'static api::Descriptor> {
    let method = if op == "quotaInvoice" { "recognizeQuotaInvoice" } else { op };
    api::registry::by_method(method)
}

fn response_case(op: &str, status: u16, body: &[u8], want: &Expect) -> Result<(), String> {
    let rid = Some("req-bad-input");
    match registered(op) {
        // The descriptor's answer reads the body with the operation's parser.
        Some(d) => expect_err((d.answer)(status, rid, body), want),
        None => Err(format!("unknown op {op:?}")),
    }?;
    // The generic mapper gives the same code for error statuses.
    if !(200..300).contains(&status) && want.code != ACCEPTED {
        let operation =
            registry::by_method(op).map_or(api::Operation::RecognizeQuotaInvoice, |d| d.operation);
        let e = api::parse_error(status, rid, body, operation);
        if e.code() != want.code {
            return Err(format!("parse_error gave {:?}", e.code()));
        }
    }
    Ok(())
}

#[test]
fn responses() {
    let mut cases = Vec::new();
    for c in load_json("responses.json") {
        let name = c["name"].as_str().unwrap_or("?").to_owned();
        let Some(mut want) = native_expect(&c) else { continue };
        want.code = expand(&want.code, &HashMap::new());
        let op = c["op"].as_str().unwrap_or("").to_owned();
        let status = c["status"].as_u64().unwrap_or(0) as u16;
        let body = response_body(&c);
        let known = c.get("known").and_then(Value::as_str).map(str::to_owned);
        cases.push(Case {
            name,
            run: Box::new(move || response_case(&op, status, &body, &want)),
            known,
        });
    }
    run_all("responses", cases);
}

/// The catalogue's size, for the README's promise of at least 80 cases.
#[test]
fn catalogue_size() {
    let images = image_cases().len();
    let params = load_json("params.json").len();
    let responses = load_json("responses.json").len();
    let mut line = String::new();
    let _ =
        write!(line, "catalogue: {images} image, {params} parameter, {responses} response cases");
    eprintln!("{line}");
    assert!(images + params + responses >= 80, "{line}");
}

// ---------------------------------------------------------------------------
// Values the documents allow: the worker core sends them upstream.

fn tencent_through_worker(query: &str, body: &Value) -> Option<(Error, u16)> {
    let t = capture_token(&["tencent.bizLicense"], 600, NOW_SECS);
    let url = format!("/v1/tencent/biz-license{query}");
    let body = serde_json::to_vec(body).unwrap_or_default();
    through_worker(false, &url, Some(&t), "application/json", &body)
}

#[test]
fn worker_accepts_documented_tencent_values() {
    let url = "https://example.com/a.png";
    let accepted = [
        serde_json::json!({ "imageUrl": url, "imageConfig": { "regNum": true, "name": true } }),
        serde_json::json!({ "imageUrl": url, "imageConfig": { "regNum": true } }),
        serde_json::json!({ "regNum": "911101085636549482", "regCapital": 0 }),
        serde_json::json!({ "regNum": "911101085636549482", "regCapital": 2 }),
        serde_json::json!({ "regNum": "911101085636549482", "regCapital": "yes" }),
        serde_json::json!({ "regNum": "911101085636549482", "regCapital": [1] }),
    ];
    for body in &accepted {
        if let Some((e, status)) = tencent_through_worker("", body) {
            panic!("{body}: refused with {status} {}: {}", e.code(), e.message());
        }
    }
    // The query form of an upload: regNum may be listed, as it is always verified.
    let t = capture_token(&["tencent.bizLicense"], 600, NOW_SECS);
    let png = unhex("89504e470d0a1a0a0000000d494844520000004000000020080200000000000000")
        .unwrap_or_default();
    let route = "/v1/tencent/biz-license?imageConfig=regNum,name&regCapital=0";
    if let Some((e, _)) = through_worker(false, route, Some(&t), "image/png", &png) {
        panic!("{route}: {} {}", e.code(), e.message());
    }
    let route = "/v1/tencent/biz-license?imageConfig=regNum,colour";
    let r = through_worker(false, route, Some(&t), "image/png", &png);
    assert_eq!(r.map(|(e, _)| e.code().to_owned()).as_deref(), Some("argument.invalid"));
    let refused = [
        (serde_json::json!({ "imageUrl": url, "imageConfig": { "regNum": false } }), "regNum"),
        (serde_json::json!({ "imageUrl": url, "imageConfig": { "regnum": true } }), "regnum"),
        (serde_json::json!({ "imageUrl": url, "imageConfig": { "name": "yes" } }), "name"),
    ];
    for (body, names) in &refused {
        let (e, status) =
            tencent_through_worker("", body).unwrap_or_else(|| panic!("{body}: sent"));
        assert_eq!((e.code(), status), ("argument.invalid", 400), "{body}: {}", e.message());
        assert!(e.message().contains(names), "{body}: {}", e.message());
    }
}

#[test]
fn worker_ignores_limit_and_offset_for_csms_count() {
    let list = |body: &str| {
        let r = through_worker(
            true,
            "/v1/admin/csms/list",
            Some(ADMIN_SECRET),
            "application/json",
            body.as_bytes(),
        );
        r.map(|(e, _)| e.code().to_owned())
    };
    assert_eq!(list(r#"{"action":"count","limit":10,"offset":0}"#), None);
    assert_eq!(list(r#"{"action":"count","limit":5000}"#), None);
    assert_eq!(list(r#"{"action":"filter","limit":5000}"#).as_deref(), Some("argument.invalid"));
    assert_eq!(list(r#"{"action":"count","limit":"x"}"#).as_deref(), Some("argument.invalid"));
}

#[test]
fn worker_accepts_long_signed_image_urls() {
    let t = capture_token(&["huawei.quotaInvoice"], 600, NOW_SECS);
    let send = |url: &str| {
        let body = serde_json::to_vec(&serde_json::json!({ "url": url })).unwrap_or_default();
        let r =
            through_worker(false, "/v1/huawei/quota-invoice", Some(&t), "application/json", &body);
        r.map(|(e, _)| e.code().to_owned())
    };
    let head = "https://bucket.obs.cn-north-4.myhuaweicloud.com/a.jpg?x-obs-security-token=";
    assert_eq!(send(&format!("{head}{}", "T".repeat(3_000))), None);
    assert_eq!(send(&format!("{head}{}", "T".repeat(60_000))), None);
    let over = format!("{head}{}", "T".repeat(api::input::MAX_URL_LEN));
    assert_eq!(send(&over).as_deref(), Some("argument.url"));
    // Only on the listed hosts, and not at all without IMAGE_URL_HOSTS.
    assert_eq!(send("https://evil.example/a.jpg").as_deref(), Some("url.not_allowed"));
    let off = worker_config_with(false, &[("IMAGE_URL_HOSTS", "")]);
    let body = serde_json::to_vec(&serde_json::json!({ "url": format!("{head}x") })).unwrap();
    let r = through_worker_with(
        &off,
        false,
        "/v1/huawei/quota-invoice",
        Some(&t),
        "application/json",
        &body,
    );
    assert_eq!(r.map(|(e, s)| (e.code().to_owned(), s)), Some(("url.mode_off".into(), 400)));
}

#[test]
fn worker_reads_megabytes_as_its_config_says() {
    // 7.2 M base64 characters: over Tencent's 7 MB read as 10^6, under 7 x 2^20.
    let png = unhex("89504e470d0a1a0a0000000d494844520000004000000020080200000000000000")
        .unwrap_or_default();
    let mut text = b64(&png);
    text.push_str(&"A".repeat(7_200_000 - text.len()));
    let body = serde_json::to_vec(&serde_json::json!({ "imageBase64": text })).unwrap_or_default();
    let t = capture_token(&["tencent.bizLicense"], 600, NOW_SECS);
    let route = "/v1/tencent/biz-license";
    let binary = worker_config_with(false, &[("MEGABYTES", "binary")]);
    assert_eq!(binary.megabytes, image::Megabytes::Binary);
    if let Some((e, _)) =
        through_worker_with(&binary, false, route, Some(&t), "application/json", &body)
    {
        panic!("binary megabytes refused {}: {}", e.code(), e.message());
    }
    // The default reading still refuses it (before reading the body, by size).
    let r = through_worker(false, route, Some(&t), "application/json", &body);
    assert_eq!(r.map(|(e, s)| (e.code().to_owned(), s)), Some(("body.too_large".into(), 413)));
    for bad in ["Binary", "2^20", "mib"] {
        let env = HashMap::from([("MEGABYTES", bad)]);
        let e = WorkerConfig::from_lookup(|k| env.get(k).map(|v| (*v).to_owned())).unwrap_err();
        assert_eq!(e.code(), "config.invalid", "{bad:?}");
    }
}
