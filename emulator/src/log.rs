//! The request log: one JSON line per request on stderr, with no secrets
//! (no Authorization, tokens or bodies: only what routing and timing need).

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

/// What one log line records.
pub struct Entry<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path, without the query.
    pub path: &'a str,
    /// Route name (operation).
    pub action: &'a str,
    /// Status sent, or 0 when the connection was closed without one.
    pub status: u16,
    /// Provider error code, if any.
    pub code: Option<&'a str>,
    /// Fault injected, if any.
    pub fault: Option<&'a str>,
    /// The request id.
    pub request_id: &'a str,
    /// Milliseconds spent.
    pub ms: u128,
}

/// Writes the line (errors writing stderr are ignored).
pub fn write(entry: &Entry<'_>) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let time = ocr_edge::sign::UtcDateTime::from_unix(now.as_secs())
        .map(|t| t.to_string())
        .unwrap_or_default();
    let line = json!({
        "time": time,
        "method": entry.method,
        "path": entry.path,
        "action": entry.action,
        "status": entry.status,
        "code": entry.code,
        "fault": entry.fault,
        "request_id": entry.request_id,
        "ms": entry.ms,
    });
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}
