//! CORS for the demo page: reflect an allowed Origin (by default any
//! loopback origin) and answer preflights with the headers the clients send.

use crate::envelope::Reply;

/// Headers a browser client may send (signing, tokens, faults).
pub const ALLOW_HEADERS: &str = "authorization, content-type, x-auth-token, x-sdk-date, x-sdk-content-sha256, \
x-project-id, x-security-token, enterprise-project-id, x-tc-action, x-tc-version, x-tc-timestamp, x-tc-region, \
x-tc-token, x-tc-language, x-tc-content-sha256, x-tc-requestclient, x-emulator-fault, x-emulator-fault-key";
/// Methods the six operations use.
pub const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";
/// Headers a page may read from answers.
pub const EXPOSE_HEADERS: &str = "x-request-id, retry-after";

/// Whether `origin` may call: a configured origin (`*` for any), or by
/// default any `http(s)://127.0.0.1`, `localhost` or `[::1]` origin.
pub fn allowed(configured: &[String], origin: &str) -> bool {
    if !configured.is_empty() {
        return configured.iter().any(|c| c == "*" || c == origin);
    }
    let rest = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    let Some(rest) = rest else { return false };
    let host = match rest.strip_prefix("[::1]") {
        Some(port) => return port.is_empty() || is_port(port),
        None => rest,
    };
    let (name, port) = match host.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    (name == "127.0.0.1" || name == "localhost") && port.is_none_or(|p| is_port(&format!(":{p}")))
}

fn is_port(s: &str) -> bool {
    s.strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Adds the CORS headers of an allowed origin to an answer.
pub fn decorate(reply: &mut Reply, origin: &str) {
    reply.headers.push(("access-control-allow-origin", origin.to_owned()));
    reply.headers.push(("access-control-expose-headers", EXPOSE_HEADERS.to_owned()));
    reply.headers.push(("vary", "Origin".to_owned()));
}

/// The answer to a preflight: 204 with the allowances, or 403 for an origin
/// that is not allowed.
pub fn preflight(configured: &[String], origin: Option<&str>) -> Reply {
    match origin {
        Some(o) if allowed(configured, o) => {
            let mut r = Reply::empty(204)
                .with_header("access-control-allow-methods", ALLOW_METHODS)
                .with_header("access-control-allow-headers", ALLOW_HEADERS)
                .with_header("access-control-max-age", "600");
            decorate(&mut r, o);
            r
        }
        _ => Reply::empty(403),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_by_default() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://localhost",
            "https://[::1]:443",
        ] {
            assert!(allowed(&[], ok), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://127.0.0.1.evil.com",
            "http://localhost:x",
            "null",
            "http://localhost.:1",
        ] {
            assert!(!allowed(&[], bad), "{bad}");
        }
        assert!(allowed(&["http://demo.test".to_owned()], "http://demo.test"));
        assert!(!allowed(&["http://demo.test".to_owned()], "http://127.0.0.1:1"));
    }
}
