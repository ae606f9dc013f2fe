//! What the worker keeps across isolates, in the `CAPTURE_LEDGER` Durable
//! Object (`ocr-edge/edge`'s `CaptureLedger`): a capture token's budget and
//! revocation, the answer an `Idempotency-Key` got, and the account's daily
//! count of billed calls. This module names the records, checks the key and
//! builds the refusals; the runtime makes the calls.

use crate::error::{Error, ErrorKind};
use crate::worker::failure::Failure;
use crate::worker::routes::Route;

/// The longest `Idempotency-Key` accepted.
pub const MAX_KEY_LEN: usize = 255;
/// How long a claimed key is held for the request that claimed it.
pub const LEASE_MS: u64 = 60_000;
/// The default number of billed calls one token may make.
pub const DEFAULT_TOKEN_MAX_CALLS: u32 = 5;
/// The default number of successful calls that spend a token.
pub const DEFAULT_TOKEN_MAX_SUCCESSES: u32 = 1;
/// The default time an answer is kept for resends of its key.
pub const DEFAULT_IDEMPOTENCY_KEEP_SECS: u64 = 86_400;

/// The record of a capture token, by `jti`.
pub fn token_record(jti: &str) -> String {
    format!("t:{jti}")
}

/// The record of an idempotency key on a route: one key means one call per route.
pub fn key_record(route: Route, key: &str) -> String {
    format!("k:{}:{key}", route.descriptor().id)
}

/// The record of the account's billed calls on the UTC day of `now_secs`.
pub fn day_record(now_secs: u64) -> String {
    let days = (now_secs / 86_400) as i64;
    let (y, m, d) = crate::date::civil_from_days(days).unwrap_or((1970, 1, 1));
    format!("d:{y:04}-{m:02}-{d:02}")
}

/// The end of the UTC day of `now_secs`, unix seconds.
pub fn day_end(now_secs: u64) -> u64 {
    (now_secs / 86_400 + 1) * 86_400
}

/// The request's `Idempotency-Key`: `None` when absent; 1 to 255 visible
/// ASCII characters, else 400 `idempotency.key`.
pub fn idempotency_key(header: Option<&str>) -> Result<Option<&str>, Failure> {
    let Some(k) = header.map(str::trim) else { return Ok(None) };
    if k.is_empty() || k.len() > MAX_KEY_LEN || !k.bytes().all(|b| b.is_ascii_graphic()) {
        let e = Error::invalid_argument(
            "idempotency.key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        );
        return Err(Failure::local(e.with_status(400)));
    }
    Ok(Some(k))
}

/// A revoked token (401): everywhere, at once.
pub fn revoked() -> Failure {
    let e = Error::new(ErrorKind::Auth, "token.revoked", "the capture token was revoked");
    Failure::local(e.with_status(401))
}

/// A token that made its calls (401): the page needs a new one.
pub fn spent() -> Failure {
    let e = Error::new(
        ErrorKind::Auth,
        "token.spent",
        "the capture token has made all its calls; get a new one",
    );
    Failure::local(e.with_status(401))
}

/// A resend while the first request with its key is still running (409).
pub fn in_progress() -> Failure {
    let e = Error::new(
        ErrorKind::Throttled,
        "idempotency.in_progress",
        "a request with this Idempotency-Key is still running; retry shortly",
    );
    Failure::local(e.with_status(409).with_retryable(true)).with_retry_after(2)
}

/// The account's daily cap of billed calls is reached (503 until midnight UTC).
pub fn daily_cap(now_secs: u64) -> Failure {
    let e = Error::new(
        ErrorKind::Unavailable,
        "account.daily_cap",
        "the proxy has made its billed calls for today",
    );
    let wait = day_end(now_secs).saturating_sub(now_secs).max(1);
    Failure::local(e.with_status(503).with_retryable(true)).with_retry_after(wait)
}

/// The ledger could not be reached (503): budgets cannot be checked, so no call is made.
pub fn unavailable() -> Failure {
    let e = Error::new(
        ErrorKind::Unavailable,
        "ledger.unavailable",
        "the proxy's ledger could not be reached; retry shortly",
    );
    Failure::local(e.with_status(503).with_retryable(true)).with_retry_after(1)
}

/// A revocation request's body, `{"jti": "…", "exp": <unix seconds>}`:
/// the token's id and until when to hold the revocation (its expiry).
pub fn revocation(body: &[u8]) -> Result<(String, u64), Failure> {
    #[derive(serde::Deserialize)]
    struct Revoke {
        jti: String,
        exp: u64,
    }
    let bad = || {
        let e = Error::invalid_argument(
            "argument.invalid",
            "send {\"jti\": \"<the token's jti>\", \"exp\": <its exp>}",
        );
        Failure::local(e.with_status(400))
    };
    let r: Revoke = serde_json::from_slice(body).map_err(|_| bad())?;
    if r.jti.is_empty() || r.jti.len() > 128 {
        return Err(bad());
    }
    Ok((r.jti, r.exp))
}

/// Whether a reply is kept for resends of its key: answers from the
/// provider (successes and its refusals), not the worker's own transient ones.
pub fn keep_answer(status: u16, code: Option<&str>) -> bool {
    let transient = matches!(status, 408 | 409 | 429 | 499) || status >= 500;
    !(transient || code.is_some_and(|c| c.starts_with("ledger.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_names() {
        assert_eq!(token_record("abc"), "t:abc");
        let route = crate::api::registry::OPERATIONS[0];
        assert_eq!(key_record(Route(route), "k1"), format!("k:{}:k1", route.id));
        assert_eq!(day_record(1_700_000_000), "d:2023-11-14");
        assert_eq!(day_end(1_700_000_000), 1_700_006_400);
        assert_eq!(day_record(0), "d:1970-01-01");
    }

    #[test]
    fn keys_are_checked() {
        assert_eq!(idempotency_key(None), Ok(None));
        assert_eq!(idempotency_key(Some(" 5f0c-11 ")), Ok(Some("5f0c-11")));
        for bad in ["", "a b", "é", &"k".repeat(256)] {
            let f = idempotency_key(Some(bad)).unwrap_err();
            assert_eq!((f.http, f.error.code()), (400, "idempotency.key"), "{bad:?}");
        }
    }

    #[test]
    fn revocation_bodies() {
        assert_eq!(revocation(br#"{"jti":"j1","exp":5}"#), Ok(("j1".into(), 5)));
        for bad in [&b"{}"[..], b"[]", br#"{"jti":"","exp":1}"#, br#"{"jti":"j","exp":-1}"#, b"x"] {
            assert_eq!(revocation(bad).unwrap_err().http, 400);
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(revoked().http, 401);
        assert_eq!(spent().error.code(), "token.spent");
        assert_eq!(in_progress().retry_after, Some(2));
        let cap = daily_cap(1_700_000_000);
        assert_eq!((cap.http, cap.retry_after), (503, Some(6_400)));
        assert!(keep_answer(200, None) && keep_answer(422, Some("image.too_small")));
        assert!(!keep_answer(503, Some("ledger.unavailable")) && !keep_answer(504, None));
        assert!(!keep_answer(429, Some("rate.limited")));
    }
}
