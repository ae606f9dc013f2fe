//! Capture tokens: short-lived, scoped JWTs (RFC 7519) that the customer's
//! backend mints for a page with the JWT library it already has, and the
//! worker verifies.
//!
//! Compact JWS (RFC 7515): `base64url(header).base64url(claims).base64url(sig)`.
//! The header's `kid` names a configured key ([`TokenKeys`]) and its `alg`
//! must be the one that key is pinned to. HS256 is checked here; EdDSA and
//! ES256 by the runtime's WebCrypto, whose verdict is handed in
//! ([`host_check`]). Claims: `exp`, `iat`, `jti`, `aud` and `scope` required,
//! `nbf` and `origin` optional, anything else ignored.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::image::body::{self, Alphabet};
use crate::sign::canonical::hmac_sha256;
use crate::sign::ct_eq;
pub use crate::worker::token_keys::{Alg, Material, TokenKey, TokenKeys, SECRET_KID};

/// The lifetime `issueCaptureToken` gives by default.
pub const DEFAULT_TTL_SECS: u64 = 300;
/// The longest lifetime a token may have (`exp - iat`, and `exp` from now).
pub const MAX_TTL_SECS: u64 = 900;
/// Clock skew allowed on `iat` and `nbf` between the minting backend and the worker.
pub const LEEWAY_SECS: u64 = 30;
/// The longest token accepted, before any decoding.
pub const MAX_TOKEN_LEN: usize = 4096;
/// The audience tokens name unless `CAPTURE_TOKEN_AUDIENCE` says otherwise.
pub const DEFAULT_AUDIENCE: &str = "ocr-edge";

/// What a valid token grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// The scopes (operation ids) it may call.
    pub scope: Vec<String>,
    /// Expiry, unix seconds.
    pub exp: u64,
    /// Issued at, unix seconds.
    pub iat: u64,
    /// Not before, unix seconds.
    pub nbf: Option<u64>,
    /// The audiences it names.
    pub aud: Vec<String>,
    /// Its unique id: budgets, revocation and rate limits are keyed by it.
    pub jti: String,
    /// The page origin it is bound to, if any.
    pub origin: Option<String>,
}

/// What the route and request expect of a token.
#[derive(Clone, Copy, Debug)]
pub struct Expect<'a> {
    /// The route's scope.
    pub scope: &'a str,
    /// This worker's audience.
    pub audience: &'a str,
    /// The request's `Origin`.
    pub origin: Option<&'a str>,
    /// Now, unix seconds.
    pub now_secs: u64,
}

/// A signature for the runtime to check with WebCrypto.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCheck<'a> {
    /// The key's algorithm (EdDSA or ES256).
    pub alg: Alg,
    /// The public JWK, as JSON.
    pub jwk: &'a str,
    /// The signed text: `header.claims` as sent.
    pub data: &'a str,
    /// The signature bytes (64; ES256's are `r || s`, as WebCrypto wants).
    pub signature: Vec<u8>,
}

fn token_error(code: &'static str, message: &str) -> Error {
    let status = if matches!(code, "token.scope" | "token.origin") { 403 } else { 401 };
    Error::new(ErrorKind::Auth, code, message.to_owned()).with_status(status)
}

fn malformed() -> Error {
    token_error("token.malformed", "the capture token is not a JWT")
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

/// A token split into its parts, its header read, nothing verified yet.
struct Presented<'a> {
    alg: String,
    kid: Option<String>,
    data: &'a str,
    claims: &'a str,
    signature: Vec<u8>,
}

fn decode(token: Option<&str>) -> Result<Presented<'_>> {
    let token = match token.map(str::trim) {
        None | Some("") => {
            return Err(token_error(
                "token.missing",
                "a capture token is required (Authorization: Bearer <token>)",
            ))
        }
        Some(t) => t,
    };
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed());
    }
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    // Only the canonical spelling of the signature, so one token has one text.
    let signature = b64url_decode(sig).filter(|b| b64url_encode(b) == sig).ok_or_else(malformed)?;
    let head: Value = b64url_decode(header)
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or_else(malformed)?;
    let head = head.as_object().ok_or_else(malformed)?;
    if head.contains_key("crit") {
        // Extensions we cannot honour must not be ignored (RFC 7515, 4.1.11).
        return Err(malformed());
    }
    let alg = head.get("alg").and_then(Value::as_str).ok_or_else(malformed)?.to_owned();
    let kid = match head.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(_) => return Err(malformed()),
    };
    let data = &token[..header.len() + 1 + claims.len()];
    Ok(Presented { alg, kid, data, claims, signature })
}

/// The key a token names, if its `alg` is the one that key is pinned to.
fn key_for<'k>(keys: &'k TokenKeys, p: &Presented<'_>) -> Result<&'k TokenKey> {
    if Alg::from_name(&p.alg).is_none() {
        return Err(token_error(
            "token.algorithm",
            "the capture token's alg must be HS256, EdDSA or ES256",
        ));
    }
    let kid = p
        .kid
        .as_deref()
        .ok_or_else(|| token_error("token.key", "the capture token's header names no key (kid)"))?;
    let key = keys.find(kid).ok_or_else(|| {
        token_error("token.key", "the capture token names a key this worker does not hold")
    })?;
    if key.alg.name() != p.alg || p.signature.len() != key.alg.signature_len() {
        return Err(token_error(
            "token.algorithm",
            "the capture token's alg is not the one its key is pinned to",
        ));
    }
    Ok(key)
}

/// The signature the runtime must check, when the token's key is an
/// asymmetric one; `None` when it is HS256 or the token is refused anyway.
pub fn host_check<'a>(keys: &'a TokenKeys, token: Option<&'a str>) -> Option<HostCheck<'a>> {
    let p = decode(token).ok()?;
    let key = key_for(keys, &p).ok()?;
    match &key.material {
        Material::Public(jwk) => {
            Some(HostCheck { alg: key.alg, jwk, data: p.data, signature: p.signature })
        }
        Material::Secret(_) => None,
    }
}

fn hs256(secret: &[u8], data: &str) -> [u8; 32] {
    hmac_sha256(secret, data.as_bytes())
}

/// Verifies `token` against `keys` and what the request expects. `verdict`
/// is the runtime's WebCrypto answer for an asymmetric key ([`host_check`]);
/// without it such a token is forged. Errors, in the order checked:
/// `token.missing`, `token.malformed`, `token.algorithm`, `token.key`,
/// `token.forged`, `token.expired`, `token.not_yet_valid`, `token.lifetime`,
/// `token.audience`, `token.scope` (403), `token.origin` (403); 401 otherwise.
pub fn verify_with(
    keys: &TokenKeys,
    token: Option<&str>,
    expect: &Expect<'_>,
    verdict: Option<bool>,
) -> Result<Claims> {
    let p = decode(token)?;
    let key = key_for(keys, &p)?;
    let genuine = match &key.material {
        Material::Secret(s) => ct_eq(&p.signature, &hs256(s, p.data)),
        Material::Public(_) => verdict == Some(true),
    };
    if !genuine {
        return Err(token_error("token.forged", "the capture token's signature does not match"));
    }
    // Only claims a configured key signed are parsed.
    let json = b64url_decode(p.claims).ok_or_else(malformed)?;
    let value: Value = serde_json::from_slice(&json).map_err(|_| malformed())?;
    let claims = claims_of(value.as_object().ok_or_else(malformed)?)?;
    check(&claims, expect)?;
    Ok(claims)
}

/// A NumericDate (RFC 7519, 2): seconds, fractions allowed and dropped.
fn date(o: &Map<String, Value>, k: &str) -> Result<Option<u64>> {
    match o.get(k) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(malformed),
    }
}

/// A claim that is a string or a list of strings; `split` also splits a
/// string on spaces (OAuth's `scope`).
fn strings(o: &Map<String, Value>, k: &str, split: bool) -> Result<Vec<String>> {
    match o.get(k) {
        Some(Value::String(s)) if split => {
            Ok(s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect())
        }
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => {
            a.iter().map(|v| v.as_str().map(str::to_owned).ok_or_else(malformed)).collect()
        }
        _ => Err(malformed()),
    }
}

fn claims_of(o: &Map<String, Value>) -> Result<Claims> {
    let need = |d: Option<u64>| d.ok_or_else(malformed);
    let jti = o
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty() && j.len() <= 128 && j.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(malformed)?
        .to_owned();
    let origin = match o.get("origin") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed()),
    };
    Ok(Claims {
        scope: strings(o, "scope", true)?,
        exp: need(date(o, "exp")?)?,
        iat: need(date(o, "iat")?)?,
        nbf: date(o, "nbf")?,
        aud: strings(o, "aud", false)?,
        jti,
        origin,
    })
}

fn check(c: &Claims, e: &Expect<'_>) -> Result<()> {
    let now = e.now_secs;
    if c.exp <= now {
        return Err(token_error("token.expired", "the capture token has expired; get a new one"));
    }
    let future = |t: u64| t > now.saturating_add(LEEWAY_SECS);
    if future(c.iat) || c.nbf.is_some_and(future) {
        return Err(token_error("token.not_yet_valid", "the capture token is not valid yet"));
    }
    if c.exp.saturating_sub(c.iat) > MAX_TTL_SECS
        || c.exp > now.saturating_add(MAX_TTL_SECS + LEEWAY_SECS)
    {
        return Err(token_error(
            "token.lifetime",
            "the capture token lives longer than 15 minutes; mint shorter ones",
        ));
    }
    if !c.aud.iter().any(|a| a == e.audience) {
        return Err(token_error("token.audience", "the capture token is for another audience"));
    }
    if !c.scope.iter().any(|s| s == e.scope) {
        return Err(token_error("token.scope", "the capture token does not allow this operation"));
    }
    if let Some(bound) = &c.origin {
        let same = e.origin.and_then(crate::worker::cors::normalise_origin)
            == crate::worker::cors::normalise_origin(bound);
        if !same {
            return Err(token_error(
                "token.origin",
                "the capture token is bound to another origin",
            ));
        }
    }
    Ok(())
}

/// What `issue_with` mints.
#[derive(Clone, Debug)]
pub struct Issue<'a> {
    /// The key's id (`kid`).
    pub kid: &'a str,
    /// The scopes.
    pub scope: &'a [String],
    /// Lifetime in seconds, 1 to [`MAX_TTL_SECS`].
    pub ttl_secs: u64,
    /// Now, unix seconds (`iat`).
    pub now_secs: u64,
    /// Random bytes from the caller for `jti` (this core has no randomness).
    pub nonce: &'a [u8],
    /// The audience.
    pub audience: &'a str,
    /// The page origin to bind it to.
    pub origin: Option<&'a str>,
}

/// Mints an HS256 token with `secret`.
pub fn issue_with(secret: &str, t: &Issue<'_>) -> Result<String> {
    if secret.len() < crate::worker::config::MIN_TOKEN_SECRET_LEN {
        return Err(Error::invalid_argument(
            "token.secret",
            "the token secret must be at least 32 characters",
        ));
    }
    let known = crate::api::registry::scopes();
    if t.scope.is_empty() || t.scope.iter().any(|s| !known.contains(&s.as_str())) {
        return Err(Error::invalid_argument(
            "token.scope",
            format!("scope must be one or more of {}", known.join(", ")),
        ));
    }
    if t.ttl_secs == 0 || t.ttl_secs > MAX_TTL_SECS {
        return Err(Error::invalid_argument(
            "token.ttl",
            "ttlSeconds must be a whole number from 1 to 900",
        ));
    }
    if t.nonce.len() < 8 {
        return Err(Error::invalid_argument("token.nonce", "the nonce needs 8 random bytes"));
    }
    if t.origin.is_some_and(|o| crate::worker::cors::normalise_origin(o).is_none()) {
        return Err(Error::invalid_argument(
            "argument.invalid",
            "origin must look like https://app.example.com",
        ));
    }
    let header = serde_json::json!({ "alg": "HS256", "kid": t.kid, "typ": "JWT" });
    let mut claims = serde_json::json!({
        "aud": t.audience,
        "exp": t.now_secs.saturating_add(t.ttl_secs),
        "iat": t.now_secs,
        "jti": b64url_encode(t.nonce),
        "scope": t.scope.join(" "),
    });
    if let Some(o) = t.origin {
        claims["origin"] = o.into();
    }
    let data = format!(
        "{}.{}",
        b64url_encode(header.to_string().as_bytes()),
        b64url_encode(claims.to_string().as_bytes())
    );
    let sig = b64url_encode(&hs256(secret.as_bytes(), &data));
    Ok(format!("{data}.{sig}"))
}

/// Mints an HS256 token under [`SECRET_KID`] for the default audience.
pub fn issue(
    secret: &str,
    scope: &[String],
    ttl_secs: u64,
    now_secs: u64,
    nonce: &[u8],
) -> Result<String> {
    issue_with(
        secret,
        &Issue {
            kid: SECRET_KID,
            scope,
            ttl_secs,
            now_secs,
            nonce,
            audience: DEFAULT_AUDIENCE,
            origin: None,
        },
    )
}

/// Verifies an HS256 token minted with `secret` under [`SECRET_KID`] for the
/// default audience and no origin (the backend helper's view).
pub fn verify(secret: &str, token: Option<&str>, scope: &str, now_secs: u64) -> Result<Claims> {
    let keys = TokenKeys::hs256(SECRET_KID, secret)
        .map_err(|why| Error::invalid_argument("token.secret", why))?;
    let expect = Expect { scope, audience: DEFAULT_AUDIENCE, origin: None, now_secs };
    verify_with(&keys, token, &expect, None)
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
    const Q: &str = "huawei.quotaInvoice";
    const ED_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    fn scope(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    fn issue_one(ttl: u64) -> String {
        issue(SECRET, &scope(&[Q]), ttl, NOW, b"nonce-0123").unwrap()
    }

    fn expect(now_secs: u64) -> Expect<'static> {
        Expect { scope: Q, audience: DEFAULT_AUDIENCE, origin: None, now_secs }
    }

    fn keys() -> TokenKeys {
        let set = format!(
            r#"{{"keys":[{{"kid":"ed1","alg":"EdDSA","kty":"OKP","crv":"Ed25519","x":"{ED_X}"}}]}}"#
        );
        TokenKeys::parse(Some(&set), Some(SECRET)).unwrap()
    }

    /// A token with these header and claims, HS256-signed with `SECRET`.
    fn hand_made(header: &str, claims: &str) -> String {
        let data =
            format!("{}.{}", b64url_encode(header.as_bytes()), b64url_encode(claims.as_bytes()));
        format!("{data}.{}", b64url_encode(&hs256(SECRET.as_bytes(), &data)))
    }

    fn claims_json(extra: &str) -> String {
        format!(
            r#"{{"scope":"{Q}","aud":"ocr-edge","iat":{NOW},"exp":{},"jti":"j-1"{extra}}}"#,
            NOW + 300
        )
    }

    const H: &str = r#"{"alg":"HS256","kid":"default"}"#;

    fn code(t: &str, e: &Expect<'_>) -> String {
        verify_with(&keys(), Some(t), e, None).unwrap_err().code().to_owned()
    }

    #[test]
    fn valid_token() {
        let t = issue_one(300);
        let c = verify(SECRET, Some(&t), Q, NOW + 299).unwrap();
        assert_eq!((c.exp, c.iat), (NOW + 300, NOW));
        assert_eq!(c.scope, vec![Q]);
        assert_eq!(c.aud, vec!["ocr-edge"]);
        assert_eq!(c.jti, "bm9uY2UtMDEyMw");
        // Scope as a list, aud as a list, fractional dates, unknown claims.
        let t = hand_made(
            r#"{"alg":"HS256","kid":"default","typ":"JWT"}"#,
            &format!(
                r#"{{"scope":["{Q}"],"aud":["x","ocr-edge"],"iat":{NOW}.5,"exp":{}.9,"jti":"j","sub":"u1"}}"#,
                NOW + 60
            ),
        );
        assert_eq!(verify_with(&keys(), Some(&t), &expect(NOW), None).unwrap().exp, NOW + 60);
    }

    #[test]
    fn expired_and_replayed_after_expiry() {
        let t = issue_one(60);
        assert!(verify(SECRET, Some(&t), Q, NOW + 10).is_ok());
        for at in [NOW + 60, NOW + 61, NOW + 100_000] {
            let e = verify(SECRET, Some(&t), Q, at).unwrap_err();
            assert_eq!((e.code(), e.status()), ("token.expired", Some(401)));
        }
    }

    #[test]
    fn forged_tokens() {
        let other = issue(&format!("{SECRET}x"), &scope(&[Q]), 60, NOW, b"nonce-0123").unwrap();
        assert_eq!(verify(SECRET, Some(&other), Q, NOW).unwrap_err().code(), "token.forged");
        // Claims edited to widen the scope keep the old signature.
        let t = issue_one(60);
        let parts: Vec<&str> = t.split('.').collect();
        let wide = claims_json("").replace(Q, &crate::api::registry::scopes().join(" "));
        let forged = format!("{}.{}.{}", parts[0], b64url_encode(wide.as_bytes()), parts[2]);
        assert_eq!(
            verify(SECRET, Some(&forged), "tencent.bizLicense", NOW).unwrap_err().code(),
            "token.forged"
        );
        // A flipped signature character.
        let mut bad = t.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == 'A' { 'B' } else { 'A' });
        let e = verify(SECRET, Some(&bad), Q, NOW).unwrap_err();
        assert!(matches!(e.code(), "token.forged" | "token.malformed"));
        assert_eq!(e.status(), Some(401));
    }

    #[test]
    fn algorithm_and_key_are_pinned() {
        let c = claims_json("");
        // alg none, unsigned.
        let none = format!(
            "{}.{}.",
            b64url_encode(br#"{"alg":"none","kid":"default"}"#),
            b64url_encode(c.as_bytes())
        );
        assert_eq!(code(&none, &expect(NOW)), "token.algorithm");
        // HS256 under the Ed25519 key's id: the key's public x as an HMAC secret must not pass.
        let swapped = hand_made(r#"{"alg":"HS256","kid":"ed1"}"#, &c);
        assert_eq!(code(&swapped, &expect(NOW)), "token.algorithm");
        // EdDSA claimed for the HS256 key.
        let mut t = hand_made(r#"{"alg":"EdDSA","kid":"default"}"#, &c);
        t.push_str(&"A".repeat(43));
        assert!(matches!(code(&t, &expect(NOW)).as_str(), "token.algorithm" | "token.malformed"));
        assert_eq!(code(&hand_made(r#"{"alg":"HS256"}"#, &c), &expect(NOW)), "token.key");
        assert_eq!(
            code(&hand_made(r#"{"alg":"HS256","kid":"old"}"#, &c), &expect(NOW)),
            "token.key"
        );
        assert_eq!(
            code(&hand_made(r#"{"alg":"HS256","kid":"default","crit":["x"]}"#, &c), &expect(NOW)),
            "token.malformed"
        );
    }

    #[test]
    fn asymmetric_keys_take_the_runtimes_verdict() {
        let data = format!(
            "{}.{}",
            b64url_encode(br#"{"alg":"EdDSA","kid":"ed1"}"#),
            b64url_encode(claims_json("").as_bytes())
        );
        let t = format!("{data}.{}", b64url_encode(&[9; 64]));
        let keys = keys();
        let check = host_check(&keys, Some(&t)).unwrap();
        assert_eq!((check.alg, check.data, check.signature.len()), (Alg::EdDsa, data.as_str(), 64));
        assert!(check.jwk.contains(ED_X));
        assert!(verify_with(&keys, Some(&t), &expect(NOW), Some(true)).is_ok());
        for verdict in [Some(false), None] {
            let e = verify_with(&keys, Some(&t), &expect(NOW), verdict).unwrap_err();
            assert_eq!(e.code(), "token.forged");
        }
        assert_eq!(host_check(&keys, Some(&issue_one(60))), None);
    }

    #[test]
    fn claims_are_checked() {
        let at = |extra: &str| hand_made(H, &claims_json(extra));
        let e = expect(NOW);
        assert_eq!(code(&at(r#","nbf":1700000100"#), &e), "token.not_yet_valid");
        assert!(verify_with(&keys(), Some(&at(r#","nbf":1700000020"#)), &e, None).is_ok());
        let late_iat =
            hand_made(H, &claims_json("").replace(&format!("\"iat\":{NOW}"), "\"iat\":1700000200"));
        assert_eq!(code(&late_iat, &e), "token.not_yet_valid");
        let long = hand_made(
            H,
            &claims_json("").replace(&format!("\"exp\":{}", NOW + 300), "\"exp\":1700000901"),
        );
        assert_eq!(code(&long, &e), "token.lifetime");
        let wrong_aud =
            hand_made(H, &claims_json("").replace("\"aud\":\"ocr-edge\"", "\"aud\":\"other\""));
        assert_eq!(code(&wrong_aud, &e), "token.audience");
        for missing in ["\"jti\":\"j-1\"", "\"aud\":\"ocr-edge\"", &format!("\"iat\":{NOW}")] {
            let t = hand_made(
                H,
                &claims_json("")
                    .replace(&format!(",{missing}"), "")
                    .replace(&format!("{missing},"), ""),
            );
            assert_eq!(code(&t, &e), "token.malformed", "{missing}");
        }
        let e = verify_with(
            &keys(),
            Some(&issue_one(60)),
            &Expect { scope: "tencent.bizLicense", ..expect(NOW) },
            None,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.status()), ("token.scope", Some(403)));
    }

    #[test]
    fn origin_binding() {
        let t = issue_with(
            SECRET,
            &Issue {
                kid: SECRET_KID,
                scope: &scope(&[Q]),
                ttl_secs: 60,
                now_secs: NOW,
                nonce: b"12345678",
                audience: DEFAULT_AUDIENCE,
                origin: Some("https://App.example.com"),
            },
        )
        .unwrap();
        let from = |o: Option<&'static str>| {
            verify_with(&keys(), Some(&t), &Expect { origin: o, ..expect(NOW) }, None)
        };
        assert!(from(Some("https://app.example.com")).is_ok());
        for o in [None, Some("https://evil.example.com"), Some("http://app.example.com")] {
            let e = from(o).unwrap_err();
            assert_eq!((e.code(), e.status()), ("token.origin", Some(403)), "{o:?}");
        }
    }

    #[test]
    fn missing_and_malformed() {
        assert_eq!(verify(SECRET, None, "x", NOW).unwrap_err().code(), "token.missing");
        assert_eq!(verify(SECRET, Some(" "), "x", NOW).unwrap_err().code(), "token.missing");
        for t in ["abc", "v1.x", "v2.a.b", "a..AAAA", "v1.a.b.c", "v1.!!.AAAA", &"v1.".repeat(2000)]
        {
            let e = verify(SECRET, Some(t), Q, NOW).unwrap_err();
            assert_eq!((e.code(), e.status()), ("token.malformed", Some(401)), "{t}");
        }
        // A correctly signed payload that is not the claims shape.
        assert_eq!(code(&hand_made(H, "[1,2]"), &expect(NOW)), "token.malformed");
        assert_eq!(code(&hand_made(H, "{\"exp\":\"soon\"}"), &expect(NOW)), "token.malformed");
    }

    #[test]
    fn issue_checks_its_arguments() {
        assert!(issue("short", &scope(&[Q]), 60, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &scope(&["admin"]), 60, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &[], 60, NOW, b"12345678").is_err());
        assert!(issue(SECRET, &scope(&[Q]), 0, NOW, b"12345678").is_err());
        assert_eq!(
            issue(SECRET, &scope(&[Q]), 901, NOW, b"12345678").unwrap_err().code(),
            "token.ttl"
        );
        assert!(issue(SECRET, &scope(&[Q]), 900, NOW, b"12345678").is_ok());
        assert!(issue(SECRET, &scope(&[Q]), 60, NOW, b"1234").is_err());
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(None), None);
    }
}
