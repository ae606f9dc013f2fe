//! Faults on demand, stats and reset, CORS, the request log, and load.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn fault(spec: &str) -> Vec<(String, String)> {
    with(token(), "X-Emulator-Fault", spec)
}

#[test]
fn status_times_n_then_success_and_stats() {
    let emu = Emulator::start(&[]);
    let h = with(fault("status=503;times=2;retry-after=1"), "X-Emulator-Fault-Key", "retry-test");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(emu.send("POST", LIST_PATH, &h, br#"{"action":"count"}"#));
    }
    assert_eq!(statuses.iter().map(|r| r.status).collect::<Vec<_>>(), [503, 503, 200]);
    assert_eq!(statuses[0].code(), "APIG.0202");
    assert_eq!(statuses[0].header("retry-after"), Some("1"));
    let stats = emu.stats();
    assert_eq!(
        stats["routes"]["ListResourceInstances"],
        json!({ "requests": 3, "served": 1, "faulted": 2 })
    );
    // Reset clears counters and stats: the fault fires again.
    emu.send("POST", "/__emulator/reset", &[], b"");
    assert_eq!(emu.send("POST", LIST_PATH, &h, br#"{"action":"count"}"#).status, 503);
    assert_eq!(emu.stats()["total"]["requests"], 1);
}

#[test]
fn throttling_per_provider() {
    let emu = Emulator::start(&[]);
    let r = emu.send("POST", "/v1.0/apigw/apps", &fault("throttle;retry-after=3"), b"{}");
    assert_eq!(
        (r.status, r.code().as_str(), r.header("retry-after")),
        (429, "APIG.0308", Some("3"))
    );
    let body = br#"{"RegNum":"x"}"#;
    let h = with(
        emu.tc_signed("VerifyBizLicense", body, "dev-secret-id", "dev-secret-key", now()),
        "X-Emulator-Fault",
        "throttle",
    );
    let r = emu.send("POST", "/", &h, body);
    assert_eq!(
        (r.status, r.code().as_str(), r.header("retry-after")),
        (200, "RequestLimitExceeded", Some("1"))
    );
    assert!(r.json()["Response"]["RequestId"].is_string());
}

#[test]
fn reset_truncate_html_latency() {
    let emu = Emulator::start(&[]);
    assert!(emu
        .try_send("POST", LIST_PATH, &fault("reset"), b"{}")
        .map_or(true, |raw| raw.is_empty()));
    let raw = emu
        .try_send("POST", LIST_PATH, &fault("truncate"), br#"{"action":"count"}"#)
        .unwrap_or_default();
    let r = Resp::parse(&raw).expect("headers arrive");
    let declared: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(r.body.len() < declared, "{} < {declared}", r.body.len());
    let r = emu.send("POST", OCR_PATH, &fault("html"), b"{}");
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    let t = Instant::now();
    let r = emu.send("POST", LIST_PATH, &fault("latency=300"), br#"{"action":"count"}"#);
    assert_eq!(r.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let r = emu.send("POST", LIST_PATH, &fault("bogus"), b"{}");
    assert_eq!((r.status, r.code().as_str()), (400, "Emulator.BadFault"));
    let s = emu.stats();
    assert_eq!(s["routes"]["ListResourceInstances"]["faulted"], 2);
}

#[test]
fn standing_fault_from_the_flag() {
    let emu = Emulator::start(&["--fault", "CreateApp=status=500;times=1"]);
    let r = emu.send("POST", "/v1.0/apigw/apps", &token(), br#"{"name":"app_x"}"#);
    assert_eq!(r.status, 500);
    let r = emu.send("POST", "/v1.0/apigw/apps", &token(), br#"{"name":"app_x"}"#);
    assert_eq!(r.status, 201);
}

#[test]
fn config_file_credentials_and_security_token() {
    let dir = std::env::temp_dir().join(format!("emu-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.json");
    let cfg = json!({
        "huawei_keys": [{ "ak": "TMPAK", "sk": "TMPSK", "security_token": "sts-token" }],
        "huawei_tokens": ["cfg-token"],
        "tencent_keys": [{ "secret_id": "cfg-id", "secret_key": "cfg-key" }],
        "tencent_offline": true
    });
    std::fs::write(&path, cfg.to_string()).unwrap();
    let emu = Emulator::start(&["--config", path.to_str().unwrap()]);
    let body = br#"{"action":"count"}"#;
    // The dev credentials are not accepted once others are configured.
    let r = emu.send("POST", LIST_PATH, &token(), body);
    assert_eq!(r.status, 401);
    let r = emu.send("POST", LIST_PATH, &[("X-Auth-Token".into(), "cfg-token".into())], body);
    assert_eq!(r.status, 200);
    // Temporary AK/SK: the security token must be sent and signed.
    let h = emu.hw_signed("POST", LIST_PATH, body, "TMPAK", "TMPSK", now());
    assert_eq!(emu.send("POST", LIST_PATH, &h, body).code(), "APIGW.0301");
    let req = ocr_edge::sign::SignableRequest::new("POST", emu.host(), LIST_PATH).with_body(body);
    let creds = ocr_edge::sign::Credentials::new("TMPAK", "TMPSK")
        .unwrap()
        .with_session_token("sts-token")
        .unwrap();
    let signed = ocr_edge::sign::huawei::sign(
        &req,
        &creds,
        &ocr_edge::sign::huawei::SigningParams::new(now()),
    )
    .unwrap();
    let r = emu.send("POST", LIST_PATH, signed.headers(), body);
    assert_eq!(r.status, 200, "{}", r.text());
    let h = emu.tc_signed("VerifyBizLicense", b"{}", "cfg-id", "cfg-key", now());
    assert_eq!(emu.send("POST", "/", &h, b"{}").code(), "ActionOffline");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cors_preflight_and_simple_requests() {
    let emu = Emulator::start(&[]);
    let pre = |origin: &str| {
        emu.send(
            "OPTIONS",
            OCR_PATH,
            &[
                ("Origin".into(), origin.into()),
                ("Access-Control-Request-Method".into(), "POST".into()),
                (
                    "Access-Control-Request-Headers".into(),
                    "authorization,x-sdk-date,x-project-id".into(),
                ),
            ],
            b"",
        )
    };
    let r = pre("http://127.0.0.1:5173");
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("http://127.0.0.1:5173"));
    let allowed = r.header("access-control-allow-headers").unwrap();
    for h in [
        "authorization",
        "x-sdk-date",
        "x-project-id",
        "x-security-token",
        "x-tc-action",
        "x-tc-timestamp",
        "content-type",
        "x-emulator-fault",
    ] {
        assert!(allowed.contains(h), "{h}");
    }
    assert!(r.header("access-control-allow-methods").unwrap().contains("DELETE"));
    let r = pre("https://evil.example");
    assert_eq!(r.status, 403);
    assert!(r.header("access-control-allow-origin").is_none());
    let r = emu.send(
        "POST",
        LIST_PATH,
        &with(token(), "Origin", "http://localhost:8080"),
        br#"{"action":"count"}"#,
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("http://localhost:8080"));
    assert!(r.header("access-control-expose-headers").unwrap().contains("x-request-id"));
    let only = Emulator::start(&["--cors-origin", "http://demo.test"]);
    let r = only.send("OPTIONS", "/", &[("Origin".into(), "http://127.0.0.1:1".into())], b"");
    assert_eq!(r.status, 403);
}

#[test]
fn request_log_has_one_json_line_per_request_and_no_secrets() {
    let mut emu = Emulator::start_with(&[], false);
    let body = br#"{"action":"count"}"#;
    let h = with(
        emu.hw_signed("POST", LIST_PATH, body, "dev-ak", "dev-sk", now()),
        "X-Security-Token",
        "do-not-log-me",
    );
    emu.send("POST", LIST_PATH, &h, body);
    emu.send(
        "POST",
        LIST_PATH,
        &with(token(), "X-TC-Token", "tc-secret-token"),
        b"{\"secret\":\"body-content\"}",
    );
    let mut err = emu.take_stderr().unwrap();
    drop(emu);
    let mut text = String::new();
    err.read_to_string(&mut text).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect(l)).collect();
    assert_eq!(lines.len(), 2, "{text}");
    for k in ["time", "method", "path", "action", "status", "code", "ms"] {
        assert!(lines[0].get(k).is_some(), "{k}");
    }
    assert_eq!(lines[0]["action"], "ListResourceInstances");
    for secret in ["dev-token", "do-not-log-me", "tc-secret-token", "body-content", "Signature="] {
        assert!(!text.contains(secret), "{secret}");
    }
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Connects opened before the server has accepted the earlier ones, at most.
const WAVE: usize = 50;

/// Opens `n` connections in waves of [`WAVE`], each wave only once the
/// server has accepted the one before, so its accept queue never holds more
/// than a wave (well under any listen backlog, even a `somaxconn` of 128).
fn open_paced(emu: &Emulator, n: usize) -> Vec<std::net::TcpStream> {
    // Each stats call is a connection of its own, counted as it is accepted:
    // `base` holds the first, `polls` the later ones.
    let base = emu.stats()["connections"]["accepted"].as_u64().unwrap();
    let mut polls = 0;
    let mut conns = Vec::with_capacity(n);
    while conns.len() < n {
        for _ in 0..WAVE.min(n - conns.len()) {
            conns.push(std::net::TcpStream::connect(("127.0.0.1", emu.port)).expect("connect"));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            polls += 1;
            let accepted = emu.stats()["connections"]["accepted"].as_u64().unwrap();
            if accepted >= base + (conns.len() + polls) as u64 {
                break;
            }
            assert!(Instant::now() < deadline, "{accepted} of {} accepted", conns.len());
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    conns
}

#[test]
fn holds_500_concurrent_connections() {
    let emu = Emulator::start(&[]);
    let before = rss_kb(emu.pid());
    let body = serde_json::to_vec(&json!({ "image": b64(INVOICE_PNG) })).unwrap();
    let conns = open_paced(&emu, 500);
    // All 500 are held by the server at once before any request is sent.
    let open = emu.stats()["connections"]["open"].as_u64().unwrap();
    assert!(open >= 500, "{open} connections open");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(500));
    let results: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = conns
            .into_iter()
            .enumerate()
            .map(|(i, conn)| {
                let (emu, body, barrier) = (&emu, &body, barrier.clone());
                s.spawn(move || {
                    barrier.wait();
                    let raw = if i % 2 == 0 {
                        emu.send_over(conn, "POST", OCR_PATH, &token(), body)
                    } else {
                        let h = emu.hw_signed("POST", LIST_PATH, b"{}", "dev-ak", "dev-sk", now());
                        emu.send_over(conn, "POST", LIST_PATH, &h, b"{}")
                    };
                    common::Resp::parse(&raw.expect("request")).map_or(0, |r| r.status)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        results.iter().all(|&s| s == 200),
        "{:?}",
        results.iter().filter(|&&s| s != 200).count()
    );
    let after = rss_kb(emu.pid());
    assert!(after < 200 * 1024, "RSS {before} kB -> {after} kB");
    assert_eq!(emu.stats()["total"]["served"], 500);
}
