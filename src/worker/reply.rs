//! What goes back to the caller: status, headers (CORS ones included) and a
//! JSON body, secrets scrubbed; a refusal is its [`Failure`] as JSON.

use crate::error::Error;
use crate::worker::config::WorkerConfig;
use crate::worker::cors::{self, Decision};
use crate::worker::failure::Failure;

/// An answer: status, headers, and a JSON body (none for 204).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers, CORS ones included.
    pub headers: Vec<(String, String)>,
    /// The JSON text, secrets scrubbed.
    pub body: Option<String>,
    /// The error code, for the log line.
    pub code: Option<String>,
}

/// Replaces every configured secret value in `text`; the last line of
/// defence should a provider ever echo one back.
pub fn scrub_text(cfg: Option<&WorkerConfig>, text: String) -> String {
    let Some(cfg) = cfg else { return text };
    let mut out = text;
    for s in cfg.secret_values() {
        // Secrets are at least a few characters; a tiny one would wreck the body.
        if s.len() >= 4 && out.contains(s) {
            out = out.replace(s, "[redacted]");
        }
        // A secret cut short by an excerpt's ellipsis: its head before the "…".
        if out.contains('…') {
            for k in (4..s.len()).rev().filter(|k| s.is_char_boundary(*k)) {
                let cut = format!("{}…", &s[..k]);
                if out.contains(&cut) {
                    out = out.replace(&cut, "[redacted]…");
                }
            }
        }
    }
    out
}

impl Reply {
    /// A JSON answer with the CORS headers of `cors`.
    pub fn json(cfg: Option<&WorkerConfig>, cors: &Decision, status: u16, body: String) -> Reply {
        let mut headers = cors::response_headers(cors);
        headers.push(("Content-Type".into(), "application/json; charset=utf-8".into()));
        headers.push(("Cache-Control".into(), "no-store".into()));
        headers.push(("X-Content-Type-Options".into(), "nosniff".into()));
        Reply { status, headers, body: Some(scrub_text(cfg, body)), code: None }
    }

    /// The JSON answer of a refusal.
    pub fn failure(cfg: Option<&WorkerConfig>, cors: &Decision, f: &Failure) -> Reply {
        let mut r = Reply::json(cfg, cors, f.http, f.to_json().to_string());
        if let Some(s) = f.retry_after {
            r.headers.push(("Retry-After".into(), s.to_string()));
        }
        if f.http == 405 {
            r.headers.push(("Allow".into(), cors::ALLOW_METHODS.into()));
        }
        r.code = Some(f.error.code().to_owned());
        r
    }

    /// The answer when the configuration itself is broken: 503, no CORS.
    pub fn config_error(err: Error) -> Reply {
        Reply::failure(None, &Decision::NoOrigin, &Failure::local(err.with_status(503)))
    }

    /// The header value, by case-insensitive name (the last one if repeated).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::sign::canonical::last_header(&self.headers, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_whole_and_cut() {
        let cfg = WorkerConfig::from_lookup(|k| {
            (k == "ADMIN_SECRET").then(|| "0123456789abcdef0123456789abcdef-admin".to_owned())
        })
        .unwrap();
        let s = "0123456789abcdef0123456789abcdef-admin";
        let whole = scrub_text(Some(&cfg), format!("said {s} twice {s}"));
        assert_eq!(whole, "said [redacted] twice [redacted]");
        let cut = scrub_text(Some(&cfg), format!("provider said: key={}…", &s[..20]));
        assert_eq!(cut, "provider said: key=[redacted]…");
        assert_eq!(scrub_text(Some(&cfg), "plain … text".into()), "plain … text");
    }
}
