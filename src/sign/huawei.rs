//! Huawei Cloud: token mode (`X-Auth-Token`) and AK/SK mode
//! (`SDK-HMAC-SHA256`, as the API gateway verifies it).

use std::fmt;

use super::canonical::{
    canonical_headers, canonical_query, canonical_uri, hmac_sha256, parse_query, sha256_hex,
    CanonicalRequest, Signature,
};
use super::{Credentials, IamToken, Payload, ReceivedRequest, SignableRequest, UtcDateTime};
use crate::error::{Error, Result};

/// The algorithm name that opens the string to sign and the header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The literal that [`Payload::Unsigned`] puts in `X-Sdk-Content-Sha256`.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Header carrying the signing time.
pub const HEADER_DATE: &str = "X-Sdk-Date";
/// Header whose value, when present, replaces the payload hash.
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// Header naming the project of project-scoped calls.
pub const HEADER_PROJECT_ID: &str = "X-Project-Id";
/// Header carrying the session token of temporary credentials.
pub const HEADER_SECURITY_TOKEN: &str = "X-Security-Token";
/// Header of token mode.
pub const HEADER_AUTH_TOKEN: &str = "X-Auth-Token";

/// Token mode: the one header to add. Nothing is signed.
pub fn token_headers(token: &IamToken) -> Vec<(String, String)> {
    vec![(HEADER_AUTH_TOKEN.to_owned(), token.as_str().to_owned())]
}

/// Which headers go into the signature.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SignedHeaders {
    /// `host`, `x-sdk-date`, and whichever of `content-type`,
    /// `x-project-id`, `x-security-token` and `x-sdk-content-sha256` the
    /// request carries.
    #[default]
    Default,
    /// Every header of the request plus `host`, except names holding `_`,
    /// which proxies commonly drop (the official Python SDK's choice).
    All,
    /// Exactly these names (any case); each must be present.
    Names(Vec<String>),
}

/// What the AK/SK signer needs besides the request and the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningParams {
    /// The signing time, unix seconds (the gateway allows 15 minutes of skew).
    pub time: u64,
    /// Sent and signed as `X-Project-Id` when set.
    pub project_id: Option<String>,
    /// Which headers to sign.
    pub signed_headers: SignedHeaders,
}

impl SigningParams {
    /// Signs at `time` (unix seconds) with the default header set.
    pub fn new(time: u64) -> Self {
        SigningParams { time, project_id: None, signed_headers: SignedHeaders::Default }
    }

    /// Adds `X-Project-Id`.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Chooses the signed headers.
    pub fn with_signed_headers(mut self, signed: SignedHeaders) -> Self {
        self.signed_headers = signed;
        self
    }
}

/// `SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex(sha256(canonical request))}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToSign {
    date: String,
    hashed_request: String,
}

impl StringToSign {
    /// From the `X-Sdk-Date` text and the canonical request.
    pub fn new(sdk_date: &str, canonical_request: &CanonicalRequest) -> Self {
        StringToSign { date: sdk_date.to_owned(), hashed_request: canonical_request.hash() }
    }
    /// The `X-Sdk-Date` line.
    pub fn date(&self) -> &str {
        &self.date
    }
    /// `hex(sha256(canonical request))`.
    pub fn hashed_request(&self) -> &str {
        &self.hashed_request
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ALGORITHM}\n{}\n{}", self.date, self.hashed_request)
    }
}

/// `hex(HMAC-SHA256(SK, string to sign))`.
pub fn signature(credentials: &Credentials, string_to_sign: &StringToSign) -> Signature {
    Signature(hmac_sha256(
        credentials.secret_key().as_bytes(),
        string_to_sign.to_string().as_bytes(),
    ))
}

/// The outcome of AK/SK signing (see [`super::SignedRequest`]); its headers
/// are `X-Sdk-Date`, any of `X-Project-Id`, `X-Security-Token`,
/// `X-Sdk-Content-Sha256`, then `Authorization`.
pub type SignedRequest = super::SignedRequest<StringToSign>;

/// Signs `request` with AK/SK: computes each stage and returns the headers
/// to add. Fails on a header the signer owns being set already
/// (`sign.header_conflict`), a missing signed header (`sign.header_missing`),
/// an empty method or host (`sign.request_invalid`), or an unformattable time.
pub fn sign(
    request: &SignableRequest<'_>,
    credentials: &Credentials,
    params: &SigningParams,
) -> Result<SignedRequest> {
    check_request(request)?;
    let date = UtcDateTime::from_unix(params.time)?.basic();

    let mut added = vec![(HEADER_DATE.to_owned(), date.clone())];
    let mut owned = vec![HEADER_DATE, "authorization"];
    if let Some(project) = &params.project_id {
        added.push((HEADER_PROJECT_ID.to_owned(), project.clone()));
        owned.push(HEADER_PROJECT_ID);
    }
    if let Some(token) = credentials.session_token() {
        added.push((HEADER_SECURITY_TOKEN.to_owned(), token.to_owned()));
        owned.push(HEADER_SECURITY_TOKEN);
    }
    if request.payload == Payload::Unsigned {
        added.push((HEADER_CONTENT_SHA256.to_owned(), UNSIGNED_PAYLOAD.to_owned()));
        owned.push(HEADER_CONTENT_SHA256);
    }
    if let Some(name) = owned.iter().find(|name| request.header(name).is_some()) {
        return Err(Error::invalid_argument(
            "sign.header_conflict",
            format!("header {name} is set by the signer and must not be given"),
        ));
    }

    let mut all = request.headers.clone();
    all.extend(added.iter().cloned());
    let names = signed_names(&params.signed_headers, &all);
    let headers = canonical_headers(&all, Some(&request.host), &names, false)?;

    let payload_hash = match (find(&all, HEADER_CONTENT_SHA256), request.payload) {
        // The gateway takes the header verbatim whenever it is present.
        (Some(value), _) => value.trim().to_owned(),
        (None, Payload::Bytes(body)) => sha256_hex(body),
        (None, Payload::Sha256Hex(hex)) => hex.to_ascii_lowercase(),
        (None, Payload::Unsigned) => UNSIGNED_PAYLOAD.to_owned(),
    };
    let canonical_request = CanonicalRequest::new(
        &request.method,
        canonical_uri(&request.path),
        canonical_query(&request.query),
        headers,
        payload_hash,
    );
    let string_to_sign = StringToSign::new(&date, &canonical_request);
    let signature = signature(credentials, &string_to_sign);
    added.push((
        "Authorization".to_owned(),
        authorization(credentials.access_key(), canonical_request.signed_headers(), &signature),
    ));
    Ok(SignedRequest::new(canonical_request, string_to_sign, signature, added))
}

fn authorization(access_key: &str, signed_headers: &str, signature: &Signature) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

fn check_request(request: &SignableRequest<'_>) -> Result<()> {
    let method_ok =
        !request.method.is_empty() && request.method.bytes().all(|b| b.is_ascii_alphabetic());
    if !method_ok || request.host.trim().is_empty() {
        return Err(Error::invalid_argument(
            "sign.request_invalid",
            "the request needs a method (letters only) and a host",
        ));
    }
    Ok(())
}

use super::canonical::last_header as find;

fn signed_names(choice: &SignedHeaders, headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = match choice {
        SignedHeaders::Names(names) => return names.clone(),
        SignedHeaders::All => headers
            .iter()
            .map(|(k, _)| k.trim().to_ascii_lowercase())
            .filter(|k| !k.contains('_') && k != "authorization")
            .collect(),
        SignedHeaders::Default => [
            "content-type",
            "x-sdk-date",
            "x-project-id",
            "x-security-token",
            "x-sdk-content-sha256",
        ]
        .iter()
        .filter(|name| find(headers, name).is_some())
        .map(|name| (*name).to_owned())
        .collect(),
    };
    names.push("host".to_owned());
    names.sort_unstable();
    names.dedup();
    names
}

/// The parts of a received `Authorization: SDK-HMAC-SHA256 …` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The `Access` value (the AK).
    pub access_key: String,
    /// The `SignedHeaders` names, as listed.
    pub signed_headers: Vec<String>,
    /// The `Signature` hex.
    pub signature: String,
}

/// Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` (fields
/// in any order, spaces after commas optional). Fails with
/// `sign.authorization_invalid`.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization> {
    let invalid = |what: &str| {
        Error::invalid_argument("sign.authorization_invalid", format!("authorization {what}"))
    };
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| invalid("is not SDK-HMAC-SHA256"))?;
    let (mut access, mut signed, mut sig) = (None, None, None);
    for field in rest.split(',') {
        let (key, val) = field.trim().split_once('=').ok_or_else(|| invalid("has a bad field"))?;
        let slot = match key {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut sig,
            _ => return Err(invalid("has an unknown field")),
        };
        if slot.replace(val.trim()).is_some() {
            return Err(invalid("repeats a field"));
        }
    }
    let (Some(access), Some(signed), Some(sig)) = (access, signed, sig) else {
        return Err(invalid("lacks a field"));
    };
    if access.is_empty() || signed.is_empty() || sig.is_empty() {
        return Err(invalid("has an empty field"));
    }
    Ok(ParsedAuthorization {
        access_key: access.to_owned(),
        signed_headers: signed.split(';').map(str::to_owned).collect(),
        signature: sig.to_owned(),
    })
}

/// What a gateway recomputes from a received request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recomputed {
    /// The canonical request as the gateway builds it (echoed on mismatch).
    pub canonical_request: CanonicalRequest,
    /// The string to sign.
    pub string_to_sign: StringToSign,
    /// The expected signature.
    pub signature: Signature,
    /// The `X-Sdk-Date` time, for the skew check.
    pub time: UtcDateTime,
    /// Whether the received signature matches (compared in constant time).
    pub matches: bool,
}

/// Recomputes the signature of a received request the way the gateway does:
/// decode the path and re-encode per segment, parse and sort the query,
/// take the signed headers as listed (with `Host` as received), and use
/// `X-Sdk-Content-Sha256` verbatim when present. The caller checks the AK
/// and the skew.
pub fn recompute(
    received: &ReceivedRequest<'_>,
    authorization: &ParsedAuthorization,
    credentials: &Credentials,
) -> Result<Recomputed> {
    let canonical_request = canonical_request_received(received, &authorization.signed_headers)?;
    let date = received.header(HEADER_DATE).ok_or_else(|| {
        Error::invalid_argument("sign.header_missing", "the request has no X-Sdk-Date")
    })?;
    let time = UtcDateTime::parse_basic(date.trim())?;
    let string_to_sign = StringToSign::new(&time.basic(), &canonical_request);
    let signature = signature(credentials, &string_to_sign);
    let matches = signature.matches_hex(&authorization.signature);
    Ok(Recomputed { canonical_request, string_to_sign, signature, time, matches })
}

/// The canonical request of a received request (see [`recompute`]).
pub fn canonical_request_received(
    received: &ReceivedRequest<'_>,
    signed_headers: &[String],
) -> Result<CanonicalRequest> {
    let headers = canonical_headers(received.headers, None, signed_headers, false)?;
    let payload_hash = match received.header(HEADER_CONTENT_SHA256) {
        Some(value) => value.trim().to_owned(),
        None => sha256_hex(received.body),
    };
    Ok(CanonicalRequest::new(
        received.method,
        canonical_uri(received.raw_path),
        canonical_query(&parse_query(received.raw_query)),
        headers,
        payload_hash,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AccessKey", "SecretKey").unwrap()
    }

    #[test]
    fn token_mode_signs_nothing() {
        let token = IamToken::new("MIItoken").unwrap();
        assert_eq!(token_headers(&token), [("X-Auth-Token".to_owned(), "MIItoken".to_owned())]);
    }

    #[test]
    fn default_set_and_added_headers() {
        let creds = creds().with_session_token("tmp").unwrap();
        let req = SignableRequest::new("post", "h.example:8443", "/v1/a%20b")
            .with_header("Content-Type", "application/octet-stream")
            .with_header("X-Other", "not signed")
            .with_payload(Payload::Unsigned);
        let params = SigningParams::new(1_591_583_940).with_project_id("p1");
        let signed = sign(&req, &creds, &params).unwrap();
        let cr = signed.canonical_request();
        assert_eq!(
            cr.signed_headers(),
            "content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date;x-security-token"
        );
        assert_eq!(cr.payload_hash(), "UNSIGNED-PAYLOAD");
        assert_eq!(cr.uri(), "/v1/a%20b/");
        let names: Vec<&str> = signed.headers().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "X-Sdk-Date",
                "X-Project-Id",
                "X-Security-Token",
                "X-Sdk-Content-Sha256",
                "Authorization"
            ]
        );
        assert!(signed.authorization().ends_with(&format!("Signature={}", signed.signature())));
    }

    #[test]
    fn conflicts_and_bad_requests_are_errors() {
        let req = SignableRequest::new("GET", "h", "/").with_header("x-sdk-date", "x");
        let err = sign(&req, &creds(), &SigningParams::new(0)).unwrap_err();
        assert_eq!(err.code(), "sign.header_conflict");
        let req = SignableRequest::new("", "h", "/");
        assert_eq!(
            sign(&req, &creds(), &SigningParams::new(0)).unwrap_err().code(),
            "sign.request_invalid"
        );
        let req = SignableRequest::new("GET", " ", "/");
        assert_eq!(
            sign(&req, &creds(), &SigningParams::new(0)).unwrap_err().code(),
            "sign.request_invalid"
        );
        let req = SignableRequest::new("GET", "h", "/");
        let params =
            SigningParams::new(0).with_signed_headers(SignedHeaders::Names(vec!["x-a".into()]));
        assert_eq!(sign(&req, &creds(), &params).unwrap_err().code(), "sign.header_missing");
        let late = SigningParams::new(u64::MAX);
        assert_eq!(sign(&req, &creds(), &late).unwrap_err().code(), "time.out_of_range");
    }

    #[test]
    fn verifier_round_trips_what_the_signer_made() {
        let body = br#"{"a":1}"#;
        let req = SignableRequest::new("PUT", "h.example", "/v1/%E6%A0%87/x%2Fy")
            .with_query("q", "a b")
            .with_query("e", "")
            .with_header("Content-Type", "application/json")
            .with_body(body);
        let params = SigningParams::new(1_700_000_000).with_signed_headers(SignedHeaders::All);
        let signed = sign(&req, &creds(), &params).unwrap();
        let path_and_query = req.path_and_query();
        let (path, query) = path_and_query.split_once('?').unwrap();
        let mut headers = req.headers.clone();
        headers.push(("Host".into(), "h.example".into()));
        headers.extend(signed.headers().iter().cloned());
        let received = ReceivedRequest {
            method: "PUT",
            raw_path: path,
            raw_query: query,
            headers: &headers,
            body,
        };
        let auth = parse_authorization(signed.authorization()).unwrap();
        assert_eq!(auth.access_key, "AccessKey");
        let again = recompute(&received, &auth, &creds()).unwrap();
        assert!(again.matches);
        assert_eq!(again.canonical_request, *signed.canonical_request());
        assert_eq!(again.time.unix(), 1_700_000_000);
        let other = Credentials::new("AccessKey", "Other").unwrap();
        assert!(!recompute(&received, &auth, &other).unwrap().matches);
        let tampered = ReceivedRequest { body: b"{}", ..received };
        assert!(!recompute(&tampered, &auth, &creds()).unwrap().matches);
    }

    #[test]
    fn parse_authorization_is_strict() {
        let ok = parse_authorization(
            "SDK-HMAC-SHA256 Signature=ab,Access=AK, SignedHeaders=host;x-sdk-date",
        )
        .unwrap();
        assert_eq!(ok.signed_headers, ["host", "x-sdk-date"]);
        assert_eq!(ok.signature, "ab");
        for bad in [
            "",
            "SDK-HMAC-SHA256",
            "SDK-HMAC-SHA256Access=a, SignedHeaders=h, Signature=s",
            "TC3-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=h",
            "SDK-HMAC-SHA256 Access=a, Access=a, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Access=, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=s, Extra=1",
            "SDK-HMAC-SHA256 Access=a SignedHeaders=h Signature=s",
        ] {
            assert_eq!(
                parse_authorization(bad).unwrap_err().code(),
                "sign.authorization_invalid",
                "{bad}"
            );
        }
    }
}
