//! Capture tokens: short-lived, scoped bearer tokens that the customer's
//! backend issues to a page with a secret it shares with the worker.
//!
//! Format: `v1.<payload>.<mac>` where `payload` is the base64url (no padding)
//! of `{"scope":["<provider>.<operation>"],"exp":<unix seconds>,"nonce":"…"}`
//! and `mac` the base64url of HMAC-SHA256(secret, `"v1." + payload`). The
//! MAC is checked in constant time before the payload is parsed. The nonce
//! names the token for the rate limiter.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::image::body::{self, Alphabet};
use crate::sign::canonical::hmac_sha256;
use crate::sign::ct_eq;

/// The version prefix of the token format.
pub const PREFIX: &str = "v1";
/// The longest lifetime a token may be issued with: capture tokens are short-lived.
pub const MAX_TTL_SECS: u64 = 86_400;
/// The longest token accepted, before any decoding.
pub const MAX_TOKEN_LEN: usize = 1024;

/// What a token grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// The routes it may call.
    pub scope: Vec<String>,
    /// Expiry, unix seconds.
    pub exp: u64,
    /// A random name for this token (rate limiting, logs never show it).
    pub nonce: String,
}

fn token_error(code: &'static str, message: &str) -> Error {
    let status = if code == "token.scope" { 403 } else { 401 };
    Error::new(ErrorKind::Auth, code, message.to_owned()).with_status(status)
}

/// Base64url without padding.
pub fn b64url_encode(bytes: &[u8]) -> String {
    body::encode_base64(bytes, Alphabet::UrlSafe)
}

/// Decodes base64url without padding; `None` on any other character or a
/// length no encoder makes.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    body::decode_base64(s, Alphabet::UrlSafe, usize::MAX)
}

fn mac(secret: &str, payload_b64: &str) -> [u8; 32] {
    hmac_sha256(secret.as_bytes(), format!("{PREFIX}.{payload_b64}").as_bytes())
}

/// Issues a token for `scope` valid `ttl_secs` from `now_secs`. `nonce` is
/// random bytes from the caller (this core has no randomness of its own).
pub fn issue(
    secret: &str,
    scope: &[String],
    ttl_secs: u64,
    now_secs: u64,
    nonce: &[u8],
) -> Result<String> {
    if secret.len() < crate::worker::config::MIN_TOKEN_SECRET_LEN {
        return Err(Error::invalid_argument(
            "token.secret",
            "the token secret must be at least 32 characters",
        ));
    }
    let known = crate::api::registry::scopes();
    if scope.is_empty() || scope.iter().any(|s| !known.contains(&s.as_str())) {
        return Err(Error::invalid_argument(
            "token.scope",
            format!("scope must be one or more of {}", known.join(", ")),
        ));
    }
    if ttl_secs == 0 || ttl_secs > MAX_TTL_SECS {
        return Err(Error::invalid_argument(
            "token.ttl",
            "ttlSeconds must be a whole number from 1 to 86400",
        ));
    }
    if nonce.len() < 8 {
        return Err(Error::invalid_argument("token.nonce", "the nonce needs 8 random bytes"));
    }
    let claims = Claims {
        scope: scope.to_vec(),
        exp: now_secs.saturating_add(ttl_secs),
        nonce: b64url_encode(nonce),
    };
    let json = serde_json::to_vec(&claims)
        .map_err(|_| Error::invalid_argument("token.encode", "the claims could not be encoded"))?;
    let payload = b64url_encode(&json);
    let sig = b64url_encode(&mac(secret, &payload));
    Ok(format!("{PREFIX}.{payload}.{sig}"))
}

/// Verifies `token` for `scope` at `now_secs`. Errors, in the order checked:
/// `token.missing` (401), `token.malformed` (401), `token.forged` (401),
/// `token.expired` (401; a replay after expiry is this too), `token.scope` (403).
pub fn verify(secret: &str, token: Option<&str>, scope: &str, now_secs: u64) -> Result<Claims> {
    let token = match token.map(str::trim) {
        None | Some("") => {
            return Err(token_error(
                "token.missing",
                "a capture token is required (Authorization: Bearer <token>)",
            ))
        }
        Some(t) => t,
    };
    let malformed = || token_error("token.malformed", "the capture token is not in the v1 format");
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed());
    }
    let mut parts = token.split('.');
    let (Some(prefix), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    if prefix != PREFIX || payload.is_empty() {
        return Err(malformed());
    }
    // Only the canonical spelling is accepted, so one token has one text.
    let sig = b64url_decode(sig)
        .filter(|s| s.len() == 32)
        .filter(|bytes| b64url_encode(bytes) == sig)
        .ok_or_else(malformed)?;
    if !ct_eq(&sig, &mac(secret, payload)) {
        return Err(token_error("token.forged", "the capture token's signature does not match"));
    }
    // Only a payload this worker's secret signed is parsed.
    let json = b64url_decode(payload).ok_or_else(malformed)?;
    let claims: Claims = serde_json::from_slice(&json).map_err(|_| malformed())?;
    if claims.exp <= now_secs {
        return Err(token_error("token.expired", "the capture token has expired; get a new one"));
    }
    if claims.exp > now_secs.saturating_add(MAX_TTL_SECS + 300) {
        return Err(token_error("token.malformed", "the capture token lives longer than allowed"));
    }
    if !claims.scope.iter().any(|s| s == scope) {
        return Err(token_error("token.scope", "the capture token does not allow this operation"));
    }
    Ok(claims)
}

/// The token in an `Authorization: Bearer …` header, if that is its form.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    let h = header?.trim();
    let (scheme, rest) = h.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef-test";
    const NOW: u64 = 1_700_000_000;

    fn scope(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    fn issue_one(ttl: u64) -> String {
        issue(SECRET, &scope(&["huawei.quotaInvoice"]), ttl, NOW, b"nonce-0123").unwrap()
    }

    #[test]
    fn base64url_round_trips() {
        for n in 0..40u8 {
            let v: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(b64url_decode(&b64url_encode(&v)).unwrap(), v);
        }
        assert_eq!(b64url_encode(b"\xfb\xff"), "-_8");
        assert!(b64url_decode("a").is_none());
        assert!(b64url_decode("ab=c").is_none());
        assert!(b64url_decode("ab+c").is_none());
    }

    #[test]
    fn valid_token() {
        let t = issue_one(300);
        let c = verify(SECRET, Some(&t), "huawei.quotaInvoice", NOW + 299).unwrap();
        assert_eq!(c.exp, NOW + 300);
        assert_eq!(c.scope, vec!["huawei.quotaInvoice"]);
    }

    #[test]
    fn expired_and_replayed_after_expiry() {
        let t = issue_one(60);
        assert!(verify(SECRET, Some(&t), "huawei.quotaInvoice", NOW + 10).is_ok());
        for at in [NOW + 60, NOW + 61, NOW + 100_000] {
            let e = verify(SECRET, Some(&t), "huawei.quotaInvoice", at).unwrap_err();
            assert_eq!((e.code(), e.status()), ("token.expired", Some(401)));
        }
    }

    #[test]
    fn forged_tokens() {
        let t = issue_one(60);
        let other =
            issue(&format!("{SECRET}x"), &scope(&["huawei.quotaInvoice"]), 60, NOW, b"nonce-0123")
                .unwrap();
        let e = verify(SECRET, Some(&other), "huawei.quotaInvoice", NOW).unwrap_err();
        assert_eq!(e.code(), "token.forged");
        // A payload edited to widen the scope keeps the old MAC.
        let parts: Vec<&str> = t.split('.').collect();
        let wide = Claims {
            scope: scope(&crate::api::registry::scopes()),
            exp: NOW + 60,
            nonce: "x".into(),
        };
        let forged =
            format!("v1.{}.{}", b64url_encode(&serde_json::to_vec(&wide).unwrap()), parts[2]);
        assert_eq!(
            verify(SECRET, Some(&forged), "tencent.bizLicense", NOW).unwrap_err().code(),
            "token.forged"
        );
        // A flipped MAC character.
        let mut bad = t.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == 'A' { 'B' } else { 'A' });
        let e = verify(SECRET, Some(&bad), "huawei.quotaInvoice", NOW).unwrap_err();
        assert!(matches!(e.code(), "token.forged" | "token.malformed"));
        assert_eq!(e.status(), Some(401));
    }

    #[test]
    fn wrong_scope_is_403() {
        let t = issue_one(60);
        let e = verify(SECRET, Some(&t), "tencent.bizLicense", NOW).unwrap_err();
        assert_eq!((e.code(), e.status()), ("token.scope", Some(403)));
        let both =
            issue(SECRET, &scope(&crate::api::registry::scopes()), 60, NOW, b"nonce-0123").unwrap();
        assert!(verify(SECRET, Some(&both), "tencent.bizLicense", NOW).is_ok());
    }

    #[test]
    fn missing_and_malformed() {
        assert_eq!(verify(SECRET, None, "x", NOW).unwrap_err().code(), "token.missing");
        assert_eq!(verify(SECRET, Some(" "), "x", NOW).unwrap_err().code(), "token.missing");
        for t in ["abc", "v1.x", "v2.a.b", "v1..AAAA", "v1.a.b.c", "v1.!!.AAAA", &"v1.".repeat(400)]
        {
            let e = verify(SECRET, Some(t), "huawei.quotaInvoice", NOW).unwrap_err();
            assert_eq!((e.code(), e.status()), ("token.malformed", Some(401)), "{t}");
        }
        // A correctly signed payload that is not the claims shape.
        let payload = b64url_encode(b"[1,2]");
        let sig = b64url_encode(&mac(SECRET, &payload));
        let e = verify(SECRET, Some(&format!("v1.{payload}.{sig}")), "x", NOW).unwrap_err();
        assert_eq!(e.code(), "token.malformed");
    }

    #[test]
    fn issue_checks_its_arguments() {
        assert!(issue("short", &scope(&["huawei.quotaInvoice"]), 60, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &scope(&["admin"]), 60, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &[], 60, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &scope(&["huawei.quotaInvoice"]), 0, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &scope(&["huawei.quotaInvoice"]), 86_401, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &scope(&["huawei.quotaInvoice"]), 60, NOW, b"1234").is_err());
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(None), None);
    }
}
