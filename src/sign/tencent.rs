//! Tencent Cloud API 3.0: `TC3-HMAC-SHA256`.

use std::fmt;

use super::canonical::{
    canonical_headers, encode_into, hex, hmac_sha256, sha256_hex, CanonicalRequest, Signature,
};
use super::{Credentials, Payload, ReceivedRequest, SignableRequest, UtcDateTime};
use crate::error::{Error, Result};

/// The algorithm name that opens the string to sign and the header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The literal of unsigned payloads (hashed, unlike Huawei's).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Header marking an unsigned payload.
pub const HEADER_CONTENT_SHA256: &str = "X-TC-Content-SHA256";
/// Header carrying the signing time in unix seconds.
pub const HEADER_TIMESTAMP: &str = "X-TC-Timestamp";

/// Which headers go into the signature.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SignedHeaders {
    /// `content-type;host`, what the official SDKs sign.
    #[default]
    Default,
    /// `content-type;host;x-tc-action`, the documentation's longer example.
    WithAction,
    /// Exactly these names (any case); each must be present.
    Names(Vec<String>),
}

/// What the TC3 signer needs besides the request and the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningParams {
    /// Unix seconds; sent as `X-TC-Timestamp` (5 minutes of skew allowed).
    pub timestamp: u64,
    /// `X-TC-Action`, e.g. `GeneralBasicOCR`.
    pub action: String,
    /// `X-TC-Version`, e.g. `2018-11-19`.
    pub version: String,
    /// `X-TC-Region`, when the action needs one.
    pub region: Option<String>,
    /// The service in the credential scope; derived from the host's first
    /// label when `None` (`ocr.tencentcloudapi.com` → `ocr`).
    pub service: Option<String>,
    /// `X-TC-Language`, e.g. `en-US`.
    pub language: Option<String>,
    /// Which headers to sign.
    pub signed_headers: SignedHeaders,
}

impl SigningParams {
    /// Signs `action` of API `version` at `timestamp`, with the defaults.
    pub fn new(action: impl Into<String>, version: impl Into<String>, timestamp: u64) -> Self {
        SigningParams {
            timestamp,
            action: action.into(),
            version: version.into(),
            region: None,
            service: None,
            language: None,
            signed_headers: SignedHeaders::Default,
        }
    }
    /// Sets `X-TC-Region`.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Sets the scope's service instead of deriving it from the host.
    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }
    /// Sets `X-TC-Language`.
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }
    /// Chooses the signed headers.
    pub fn with_signed_headers(mut self, signed: SignedHeaders) -> Self {
        self.signed_headers = signed;
        self
    }
}

/// The service from a host's first label; fails with `sign.service_invalid`
/// when that label is empty or not lower-case letters, digits and `-`.
pub fn service_from_host(host: &str) -> Result<String> {
    let label = host.trim().split(['.', ':']).next().unwrap_or_default();
    check_service(label)?;
    Ok(label.to_owned())
}

fn check_service(service: &str) -> Result<()> {
    let ok = !service.is_empty()
        && service.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(
            "sign.service_invalid",
            "service must be lower-case letters, digits and '-'",
        ))
    }
}

/// The query string to send and sign, keeping the given order: form
/// encoding, unreserved bytes kept, space as `+`, the rest `%XX` (what
/// the SDKs produce for GET requests).
pub fn encode_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, k.as_ref().as_bytes(), true);
        out.push('=');
        encode_into(&mut out, v.as_ref().as_bytes(), true);
    }
    out
}

/// `TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hash}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToSign {
    timestamp: u64,
    date: String,
    service: String,
    hashed_request: String,
}

impl StringToSign {
    /// From the timestamp, scope date (`YYYY-MM-DD`), service and request.
    pub fn new(
        timestamp: u64,
        date: &str,
        service: &str,
        canonical_request: &CanonicalRequest,
    ) -> Self {
        StringToSign {
            timestamp,
            date: date.to_owned(),
            service: service.to_owned(),
            hashed_request: canonical_request.hash(),
        }
    }
    /// The credential scope, `{date}/{service}/tc3_request`.
    pub fn scope(&self) -> String {
        format!("{}/{}/tc3_request", self.date, self.service)
    }
    /// The scope date.
    pub fn date(&self) -> &str {
        &self.date
    }
    /// The scope service.
    pub fn service(&self) -> &str {
        &self.service
    }
    /// `hex(sha256(canonical request))`.
    pub fn hashed_request(&self) -> &str {
        &self.hashed_request
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ALGORITHM}\n{}\n{}\n{}", self.timestamp, self.scope(), self.hashed_request)
    }
}

/// The derived key `kSigning`: HMAC chain over `TC3`+SecretKey, date,
/// service and `tc3_request`.
pub fn signing_key(credentials: &Credentials, date: &str, service: &str) -> [u8; 32] {
    let mut first = Vec::with_capacity(3 + credentials.secret_key().len());
    first.extend_from_slice(b"TC3");
    first.extend_from_slice(credentials.secret_key().as_bytes());
    let k_date = hmac_sha256(&first, date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    hmac_sha256(&k_service, b"tc3_request")
}

/// `hex(HMAC(kSigning, string to sign))`.
pub fn signature(credentials: &Credentials, string_to_sign: &StringToSign) -> Signature {
    let key = signing_key(credentials, &string_to_sign.date, &string_to_sign.service);
    Signature(hmac_sha256(&key, string_to_sign.to_string().as_bytes()))
}

/// The outcome of TC3 signing (see [`super::SignedRequest`]); its headers
/// are `X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp`, any of
/// `X-TC-Region`, `X-TC-Token`, `X-TC-Language`, `X-TC-Content-SHA256`,
/// then `Authorization`.
pub type SignedRequest = super::SignedRequest<StringToSign>;

/// Signs `request` with TC3. The request must carry `Content-Type` when it
/// is signed (it is by default). The query, if any, is signed and must be
/// sent as [`encode_query`] writes it. Fails with `sign.header_conflict`
/// when a header the signer sets is given, `sign.header_missing`,
/// `sign.request_invalid`, `sign.service_invalid`, or an unformattable time.
pub fn sign(
    request: &SignableRequest<'_>,
    credentials: &Credentials,
    params: &SigningParams,
) -> Result<SignedRequest> {
    let method_ok =
        !request.method.is_empty() && request.method.bytes().all(|b| b.is_ascii_alphabetic());
    if !method_ok || request.host.trim().is_empty() || params.action.is_empty() {
        return Err(Error::invalid_argument(
            "sign.request_invalid",
            "the request needs a method (letters only), a host and an action",
        ));
    }
    let service = match &params.service {
        Some(service) => {
            check_service(service)?;
            service.clone()
        }
        None => service_from_host(&request.host)?,
    };
    let date = UtcDateTime::from_unix(params.timestamp)?.date();

    let mut added = vec![
        ("X-TC-Action".to_owned(), params.action.clone()),
        ("X-TC-Version".to_owned(), params.version.clone()),
        (HEADER_TIMESTAMP.to_owned(), params.timestamp.to_string()),
    ];
    let optional = [
        ("X-TC-Region", params.region.as_deref()),
        ("X-TC-Token", credentials.session_token()),
        ("X-TC-Language", params.language.as_deref()),
        (HEADER_CONTENT_SHA256, (request.payload == Payload::Unsigned).then_some(UNSIGNED_PAYLOAD)),
    ];
    added.extend(optional.iter().filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v.to_owned()))));
    let owned = added.iter().map(|(k, _)| k.as_str()).chain(["Authorization"]);
    if let Some(name) = owned.into_iter().find(|name| request.header(name).is_some()) {
        return Err(Error::invalid_argument(
            "sign.header_conflict",
            format!("header {name} is set by the signer and must not be given"),
        ));
    }

    let mut all = request.headers.clone();
    all.extend(added.iter().cloned());
    let names: Vec<String> = match &params.signed_headers {
        SignedHeaders::Default => vec!["content-type".into(), "host".into()],
        SignedHeaders::WithAction => {
            vec!["content-type".into(), "host".into(), "x-tc-action".into()]
        }
        SignedHeaders::Names(names) => names.clone(),
    };
    let headers = canonical_headers(&all, Some(&request.host), &names, true)?;
    let payload_hash = match request.payload {
        Payload::Bytes(body) => sha256_hex(body),
        Payload::Unsigned => sha256_hex(UNSIGNED_PAYLOAD.as_bytes()),
        Payload::Sha256Hex(hash) => hash.to_ascii_lowercase(),
    };
    let path = if request.path.is_empty() { "/" } else { request.path.as_str() };
    let canonical_request = CanonicalRequest::new(
        &request.method,
        path.to_owned(),
        encode_query(&request.query),
        headers,
        payload_hash,
    );
    let string_to_sign = StringToSign::new(params.timestamp, &date, &service, &canonical_request);
    let signature = signature(credentials, &string_to_sign);
    let authorization = format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={signature}",
        credentials.access_key(),
        string_to_sign.scope(),
        canonical_request.signed_headers(),
    );
    added.push(("Authorization".to_owned(), authorization));
    Ok(SignedRequest::new(canonical_request, string_to_sign, signature, added))
}

/// The parts of a received `Authorization: TC3-HMAC-SHA256 …` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The SecretId.
    pub secret_id: String,
    /// The scope date, `YYYY-MM-DD`.
    pub date: String,
    /// The scope service.
    pub service: String,
    /// The `SignedHeaders` names, as listed.
    pub signed_headers: Vec<String>,
    /// The `Signature` hex.
    pub signature: String,
}

/// Parses `TC3-HMAC-SHA256 Credential={id}/{date}/{service}/tc3_request,
/// SignedHeaders=…, Signature=…`. Fails with `sign.authorization_invalid`.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization> {
    let invalid = |what: &str| {
        Error::invalid_argument("sign.authorization_invalid", format!("authorization {what}"))
    };
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| invalid("is not TC3-HMAC-SHA256"))?;
    let (mut credential, mut signed, mut sig) = (None, None, None);
    for field in rest.split(',') {
        let (key, val) = field.trim().split_once('=').ok_or_else(|| invalid("has a bad field"))?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut sig,
            _ => return Err(invalid("has an unknown field")),
        };
        if slot.replace(val.trim()).is_some() {
            return Err(invalid("repeats a field"));
        }
    }
    let (Some(credential), Some(signed), Some(sig)) = (credential, signed, sig) else {
        return Err(invalid("lacks a field"));
    };
    let parts: Vec<&str> = credential.split('/').collect();
    let [id, date, service, "tc3_request"] = parts.as_slice() else {
        return Err(invalid("has a bad credential scope"));
    };
    if id.is_empty() || date.is_empty() || service.is_empty() || signed.is_empty() || sig.is_empty()
    {
        return Err(invalid("has an empty field"));
    }
    Ok(ParsedAuthorization {
        secret_id: (*id).to_owned(),
        date: (*date).to_owned(),
        service: (*service).to_owned(),
        signed_headers: signed.split(';').map(str::to_owned).collect(),
        signature: sig.to_owned(),
    })
}

/// What the server recomputes from a received request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recomputed {
    /// The canonical request.
    pub canonical_request: CanonicalRequest,
    /// The string to sign, with the scope the client claimed.
    pub string_to_sign: StringToSign,
    /// The expected signature.
    pub signature: Signature,
    /// The `X-TC-Timestamp` value, for the skew check.
    pub timestamp: u64,
    /// Whether the claimed scope date is the timestamp's UTC date.
    pub date_matches: bool,
    /// Whether the received signature matches (compared in constant time).
    pub matches: bool,
}

/// Recomputes the signature of a received request: path and query as
/// received, the listed headers (values lower-cased), and the body hash or
/// the unsigned literal's hash when `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`.
/// The caller checks the SecretId, the skew and `date_matches`.
pub fn recompute(
    received: &ReceivedRequest<'_>,
    authorization: &ParsedAuthorization,
    credentials: &Credentials,
) -> Result<Recomputed> {
    let headers = canonical_headers(received.headers, None, &authorization.signed_headers, true)?;
    let unsigned = received
        .header(HEADER_CONTENT_SHA256)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(UNSIGNED_PAYLOAD));
    let payload_hash =
        if unsigned { sha256_hex(UNSIGNED_PAYLOAD.as_bytes()) } else { sha256_hex(received.body) };
    let path = if received.raw_path.is_empty() { "/" } else { received.raw_path };
    let canonical_request = CanonicalRequest::new(
        received.method,
        path.to_owned(),
        received.raw_query.to_owned(),
        headers,
        payload_hash,
    );
    let timestamp = received
        .header(HEADER_TIMESTAMP)
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| {
            Error::invalid_argument("sign.header_missing", "X-TC-Timestamp is missing or invalid")
        })?;
    let date_matches =
        UtcDateTime::from_unix(timestamp).is_ok_and(|t| t.date() == authorization.date);
    let string_to_sign = StringToSign::new(
        timestamp,
        &authorization.date,
        &authorization.service,
        &canonical_request,
    );
    let signature = signature(credentials, &string_to_sign);
    let matches = signature.matches_hex(&authorization.signature);
    Ok(Recomputed {
        canonical_request,
        string_to_sign,
        signature,
        timestamp,
        date_matches,
        matches,
    })
}

/// Hex of [`signing_key`], for vectors and debugging.
pub fn signing_key_hex(credentials: &Credentials, date: &str, service: &str) -> String {
    hex(&signing_key(credentials, date, service))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("id", "key").unwrap()
    }

    #[test]
    fn service_comes_from_the_first_label() {
        assert_eq!(service_from_host("ocr.tencentcloudapi.com").unwrap(), "ocr");
        assert_eq!(service_from_host("cvm.ap-guangzhou.example.com").unwrap(), "cvm");
        assert_eq!(service_from_host("localhost:8080").unwrap(), "localhost");
        assert_eq!(service_from_host(".x").unwrap_err().code(), "sign.service_invalid");
        assert_eq!(service_from_host("").unwrap_err().code(), "sign.service_invalid");
        assert_eq!(service_from_host("OCR.x").unwrap_err().code(), "sign.service_invalid");
    }

    #[test]
    fn form_query_encoding() {
        assert_eq!(encode_query(&[("b", "x y"), ("a", "1+1/é~")]), "b=x+y&a=1%2B1%2F%C3%A9~");
        assert_eq!(encode_query::<&str, &str>(&[]), "");
    }

    #[test]
    fn unsigned_payload_hashes_the_literal() {
        let req = SignableRequest::new("POST", "ocr.example.com", "/")
            .with_header("Content-Type", "application/octet-stream")
            .with_payload(Payload::Unsigned);
        let signed = sign(&req, &creds(), &SigningParams::new("A", "v", 0)).unwrap();
        assert_eq!(signed.canonical_request().payload_hash(), sha256_hex(b"UNSIGNED-PAYLOAD"));
        assert!(signed
            .headers()
            .iter()
            .any(|(k, v)| k == HEADER_CONTENT_SHA256 && v == UNSIGNED_PAYLOAD));
    }

    #[test]
    fn errors_are_typed() {
        let req = SignableRequest::new("POST", "ocr.example.com", "/");
        let missing = sign(&req, &creds(), &SigningParams::new("A", "v", 0)).unwrap_err();
        assert_eq!(missing.code(), "sign.header_missing");
        let req =
            req.with_header("Content-Type", "application/json").with_header("x-tc-action", "B");
        let conflict = sign(&req, &creds(), &SigningParams::new("A", "v", 0)).unwrap_err();
        assert_eq!(conflict.code(), "sign.header_conflict");
        let req =
            SignableRequest::new("POST", "ocr.example.com", "/").with_header("Content-Type", "a/b");
        let bad = SigningParams::new("A", "v", 0).with_service("Bad Service");
        assert_eq!(sign(&req, &creds(), &bad).unwrap_err().code(), "sign.service_invalid");
        let no_action = SigningParams::new("", "v", 0);
        assert_eq!(sign(&req, &creds(), &no_action).unwrap_err().code(), "sign.request_invalid");
    }

    #[test]
    fn verifier_round_trips_what_the_signer_made() {
        let creds = creds().with_session_token("tok").unwrap();
        let body = br#"{"ImageUrl":"x"}"#;
        let req = SignableRequest::new("POST", "ocr.example.com", "/")
            .with_header("Content-Type", "application/json; charset=utf-8")
            .with_body(body);
        let params = SigningParams::new("GeneralBasicOCR", "2018-11-19", 1_700_000_000)
            .with_region("ap-guangzhou")
            .with_signed_headers(SignedHeaders::WithAction);
        let signed = sign(&req, &creds, &params).unwrap();
        let mut headers = req.headers.clone();
        headers.push(("Host".into(), "ocr.example.com".into()));
        headers.extend(signed.headers().iter().cloned());
        let received = ReceivedRequest {
            method: "POST",
            raw_path: "/",
            raw_query: "",
            headers: &headers,
            body,
        };
        let auth = parse_authorization(signed.authorization()).unwrap();
        assert_eq!((auth.secret_id.as_str(), auth.service.as_str()), ("id", "ocr"));
        let again = recompute(&received, &auth, &creds).unwrap();
        assert!(again.matches && again.date_matches);
        assert_eq!(again.canonical_request, *signed.canonical_request());
        let tampered = ReceivedRequest { body: b"{}", ..received };
        assert!(!recompute(&tampered, &auth, &creds).unwrap().matches);
    }

    #[test]
    fn parse_authorization_is_strict() {
        for bad in [
            "TC3-HMAC-SHA256 Credential=id/2019-02-25/cvm, SignedHeaders=host, Signature=s",
            "TC3-HMAC-SHA256 Credential=id/2019-02-25/cvm/tc3, SignedHeaders=host, Signature=s",
            "TC3-HMAC-SHA256 Credential=/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=s",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=s",
            "TC3-HMAC-SHA256 Credential=id/d/s/tc3_request, Signature=s",
        ] {
            assert_eq!(parse_authorization(bad).unwrap_err().code(), "sign.authorization_invalid", "{bad}");
        }
    }
}
