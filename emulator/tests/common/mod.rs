//! Test harness: spawn the emulator binary, talk HTTP/1.1 over a plain
//! `TcpStream`, and sign requests with `ocr_edge::sign`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ocr_edge::sign::{huawei, tencent, Credentials, Payload, SignableRequest};
use serde_json::Value;

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const OCR_PATH: &str = "/v2/0123456789abcdef0123456789abcdef/ocr/quota-invoice";
pub const LIST_PATH: &str = "/v1/0123456789abcdef0123456789abcdef/csms/resource_instances/action";
pub const INVOICE_PNG: &[u8] = include_bytes!("../../fixtures/images/quota-invoice.png");
pub const LICENSE_PNG: &[u8] = include_bytes!("../../fixtures/images/biz-license.png");

/// A running emulator, killed on drop.
pub struct Emulator {
    child: Child,
    pub port: u16,
}

impl Emulator {
    /// Starts with `--listen 127.0.0.1:0 --quiet` plus `args`.
    pub fn start(args: &[&str]) -> Emulator {
        Self::start_with(args, true)
    }

    /// Starts; `quiet` false keeps the request log (stderr is then piped).
    pub fn start_with(args: &[&str], quiet: bool) -> Emulator {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocr-edge-emulator"));
        cmd.args(["--listen", "127.0.0.1:0"]).args(args).stdout(Stdio::piped());
        if quiet {
            cmd.arg("--quiet").stderr(Stdio::null());
        } else {
            cmd.stderr(Stdio::piped());
        }
        let mut child = cmd.spawn().expect("spawn emulator");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("first line");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {line:?}"));
        let port = addr.rsplit(':').next().unwrap().parse().unwrap();
        Emulator { child, port }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Takes the piped stderr (only with `start_with(_, false)`).
    pub fn take_stderr(&mut self) -> Option<std::process::ChildStderr> {
        self.child.stderr.take()
    }

    /// Sends one request; the raw outcome (errors for resets).
    pub fn try_send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> std::io::Result<Vec<u8>> {
        let s = TcpStream::connect(("127.0.0.1", self.port))?;
        self.send_over(s, method, path, headers, body)
    }

    /// Sends one request over an already connected stream and reads the answer.
    pub fn send_over(
        &self,
        mut s: TcpStream,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> std::io::Result<Vec<u8>> {
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.host(),
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes())?;
        // A server may answer early (body too large) and close: read anyway.
        let written = s.write_all(body);
        let mut raw = Vec::new();
        let read = s.read_to_end(&mut raw);
        if raw.is_empty() {
            written?;
            read?;
        }
        Ok(raw)
    }

    /// Sends one request and parses the answer (panics on a broken one).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Resp {
        let raw = self.try_send(method, path, headers, body).expect("request");
        Resp::parse(&raw)
            .unwrap_or_else(|| panic!("unparsable answer: {:?}", String::from_utf8_lossy(&raw)))
    }

    /// `GET /__emulator/stats`.
    pub fn stats(&self) -> Value {
        self.send("GET", "/__emulator/stats", &[], b"").json()
    }

    /// A Huawei request signed with AK/SK at `time`.
    pub fn hw_signed(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        ak: &str,
        sk: &str,
        time: u64,
    ) -> Vec<(String, String)> {
        hw_sign(&self.host(), method, path, body, ak, sk, time, Payload::Bytes(body))
    }

    /// A Tencent request signed with TC3 at `time`.
    pub fn tc_signed(
        &self,
        action: &str,
        body: &[u8],
        id: &str,
        key: &str,
        time: u64,
    ) -> Vec<(String, String)> {
        tc_sign(&self.host(), action, body, id, key, time)
    }

    /// POSTs a JSON body to Tencent with the dev keys; returns `Response`.
    pub fn tencent(&self, action: &str, body: &Value) -> Value {
        let bytes = serde_json::to_vec(body).unwrap();
        let h = self.tc_signed(action, &bytes, "dev-secret-id", "dev-secret-key", now());
        let r = self.send("POST", "/", &h, &bytes);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["Response"].clone()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[allow(clippy::too_many_arguments)]
pub fn hw_sign(
    host: &str,
    method: &str,
    path: &str,
    body: &[u8],
    ak: &str,
    sk: &str,
    time: u64,
    payload: Payload<'_>,
) -> Vec<(String, String)> {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let mut req = SignableRequest::new(method, host, p)
        .with_header("Content-Type", "application/json")
        .with_body(body);
    req.payload = payload;
    for pair in q.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        req = req.with_query(k, v);
    }
    let creds = Credentials::new(ak, sk).unwrap();
    let params = huawei::SigningParams::new(time).with_project_id(PROJECT);
    let signed = huawei::sign(&req, &creds, &params).unwrap();
    let mut h = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    h.extend(signed.headers().iter().cloned());
    h
}

pub fn tc_sign(
    host: &str,
    action: &str,
    body: &[u8],
    id: &str,
    key: &str,
    time: u64,
) -> Vec<(String, String)> {
    let req = SignableRequest::new("POST", host, "/")
        .with_header("Content-Type", "application/json")
        .with_body(body);
    let creds = Credentials::new(id, key).unwrap();
    let params = tencent::SigningParams::new(action, "2018-11-19", time)
        .with_region("ap-guangzhou")
        .with_service("ocr");
    let signed = tencent::sign(&req, &creds, &params).unwrap();
    let mut h = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    h.extend(signed.headers().iter().cloned());
    h
}

pub fn token() -> Vec<(String, String)> {
    vec![
        ("X-Auth-Token".to_owned(), "dev-token".to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ]
}

pub fn with(mut h: Vec<(String, String)>, k: &str, v: &str) -> Vec<(String, String)> {
    h.push((k.to_owned(), v.to_owned()));
    h
}

pub fn b64(bytes: &[u8]) -> String {
    let mut out = Vec::new();
    ocr_edge::image::body::encode_base64_into(&mut out, bytes);
    String::from_utf8(out).unwrap()
}

/// A parsed answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn parse(raw: &[u8]) -> Option<Resp> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(raw.get(..split)?).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let body = raw.get(split + 4..)?.to_vec();
        Some(Resp { status, headers, body })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The error code in whichever envelope the answer uses.
    pub fn code(&self) -> String {
        let v = self.json();
        v["error_code"]
            .as_str()
            .or_else(|| v["error"]["error_code"].as_str())
            .or_else(|| v["Response"]["Error"]["Code"].as_str())
            .unwrap_or("")
            .to_owned()
    }
}
