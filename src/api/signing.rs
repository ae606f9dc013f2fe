//! Signing a [`PreparedRequest`] for the host it is really sent to. Shared by
//! the direct clients (`HuaweiClient`, `TencentClient`) and the proxy, so
//! both sign exactly what they send, in one place, with time passed in.

use crate::api::{PreparedRequest, Signing};
use crate::error::{Error, Result};
use crate::sign::{huawei, tencent, Credentials, IamToken, Payload, SignableRequest};

/// The signing scope of Tencent's OCR API, whatever host it is reached at.
const TENCENT_SERVICE: &str = "ocr";

/// Where a request goes: scheme, authority (host and optional port, as
/// signed) and a path prefix without trailing `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    /// `http` or `https`.
    pub scheme: String,
    /// Host and optional port, lower case.
    pub authority: String,
    /// A path prefix without trailing `/`, often empty.
    pub base_path: String,
}

impl Upstream {
    /// Parses `https://host[:port][/prefix]`; no user info, query or fragment.
    pub fn parse(url: &str) -> Result<Upstream> {
        let bad = || {
            Error::invalid_argument(
                "endpoint.invalid",
                "an endpoint must be an http(s) URL such as https://host:port",
            )
        };
        let (scheme, rest) = url.trim().split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let ok_char = |c: char| c.is_ascii_alphanumeric() || "-._:[]".contains(c);
        if authority.is_empty() || !authority.chars().all(ok_char) || path.contains(['?', '#']) {
            return Err(bad());
        }
        Ok(Upstream {
            scheme,
            authority: authority.to_ascii_lowercase(),
            base_path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The provider's own host over https.
    pub fn https(host: &str) -> Upstream {
        Upstream { scheme: "https".into(), authority: host.into(), base_path: String::new() }
    }

    /// The URL and the path (as signed) of `prepared` sent here.
    pub fn target(&self, prepared: &PreparedRequest) -> (String, String) {
        let path = format!("{}{}", self.base_path, prepared.path);
        let q = prepared.query_string();
        let url = if q.is_empty() {
            format!("{}://{}{}", self.scheme, self.authority, path)
        } else {
            format!("{}://{}{}?{}", self.scheme, self.authority, path, q)
        };
        (url, path)
    }
}

/// A signed request without its body (the body is `prepared.body`, unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// HTTP method.
    pub method: &'static str,
    /// The full URL, as signed.
    pub url: String,
    /// Every header to send, the signature's included.
    pub headers: Vec<(String, String)>,
}

/// The SHA-256 of a body, computed by the caller (e.g. with the host's
/// native digest): 64 lower-case hex digits, checked when made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodySha256(String);

impl BodySha256 {
    /// The hex text of a digest; anything but 64 lower-case hex digits is refused.
    pub fn from_hex(hex: &str) -> Result<BodySha256> {
        let ok = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(BodySha256(hex.to_owned()))
        } else {
            Err(Error::invalid_argument("sign.request_invalid", "a body hash is 64 hex digits"))
        }
    }

    /// The SHA-256 of `bytes`, computed here.
    pub fn of(bytes: &[u8]) -> BodySha256 {
        BodySha256(crate::sign::canonical::sha256_hex(bytes))
    }

    /// The digest of 32 bytes.
    pub fn from_digest(digest: &[u8; 32]) -> BodySha256 {
        BodySha256(crate::sign::canonical::hex(digest))
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How Huawei requests are authenticated.
#[derive(Clone, Copy, Debug)]
pub enum HuaweiAuth<'a> {
    /// An IAM token in `X-Auth-Token`; nothing is signed.
    Token(&'a IamToken),
    /// AK/SK, SDK-HMAC-SHA256.
    AkSk(&'a Credentials),
    /// AK/SK, SDK-HMAC-SHA256 with the body left out of the signature
    /// (`X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`), as Huawei's own signers
    /// allow: nothing hashes the body. An explicit choice, since no one here
    /// can confirm that every Huawei endpoint accepts it.
    AkSkUnsignedPayload(&'a Credentials),
}

/// Signs a Huawei request for `to` at `now_secs` (unix seconds). Fails with
/// `sign.request_invalid` when `prepared` is to be signed for Tencent.
pub fn sign_huawei(
    prepared: &PreparedRequest,
    to: &Upstream,
    auth: HuaweiAuth<'_>,
    project_id: &str,
    now_secs: u64,
) -> Result<Outgoing> {
    sign_huawei_hashed(prepared, to, auth, project_id, now_secs, None)
}

/// [`sign_huawei`] with the body's SHA-256 given (`None`: hashed here). A
/// request whose image is still to be written in needs the hash of the
/// body as it will be sent.
pub fn sign_huawei_hashed(
    prepared: &PreparedRequest,
    to: &Upstream,
    auth: HuaweiAuth<'_>,
    project_id: &str,
    now_secs: u64,
    body_sha256: Option<&BodySha256>,
) -> Result<Outgoing> {
    if prepared.signing != Signing::Huawei {
        return Err(wrong_signer("Huawei"));
    }
    let (url, path) = to.target(prepared);
    let added = match auth {
        HuaweiAuth::Token(token) => huawei::token_headers(token),
        HuaweiAuth::AkSk(creds) => {
            let params =
                huawei::SigningParams::new(now_secs).with_project_id(project_id.to_owned());
            let req = signable(prepared, to, &path, body_sha256)?;
            huawei::sign(&req, creds, &params)?.headers().to_vec()
        }
        HuaweiAuth::AkSkUnsignedPayload(creds) => {
            let params =
                huawei::SigningParams::new(now_secs).with_project_id(project_id.to_owned());
            let req = unsigned(prepared, to, &path);
            huawei::sign(&req, creds, &params)?.headers().to_vec()
        }
    };
    Ok(outgoing(prepared, url, &added))
}

/// Signs a Tencent request (TC3-HMAC-SHA256) for `to` at `now_secs`, with
/// the action, version and region its builder set. Fails with
/// `sign.request_invalid` when `prepared` is to be signed for Huawei.
pub fn sign_tencent(
    prepared: &PreparedRequest,
    to: &Upstream,
    creds: &Credentials,
    language: Option<&str>,
    now_secs: u64,
) -> Result<Outgoing> {
    sign_tencent_hashed(prepared, to, creds, language, now_secs, None)
}

/// [`sign_tencent`] with the body's SHA-256 given (`None`: hashed here).
pub fn sign_tencent_hashed(
    prepared: &PreparedRequest,
    to: &Upstream,
    creds: &Credentials,
    language: Option<&str>,
    now_secs: u64,
    body_sha256: Option<&BodySha256>,
) -> Result<Outgoing> {
    let Signing::Tencent(scope) = &prepared.signing else {
        return Err(wrong_signer("Tencent"));
    };
    let (url, path) = to.target(prepared);
    let mut params = tencent::SigningParams::new(scope.action, scope.version, now_secs)
        .with_service(TENCENT_SERVICE)
        .with_region(scope.region.as_str());
    if let Some(lang) = language {
        params = params.with_language(lang);
    }
    let signed = tencent::sign(&signable(prepared, to, &path, body_sha256)?, creds, &params)?;
    Ok(outgoing(prepared, url, signed.headers()))
}

/// What either signer signs: `prepared` as sent to `to` at `path`, its
/// payload hashed here unless `body_sha256` is given. A body still missing
/// its image cannot be hashed here: signing it would sign the wrong bytes.
fn signable<'a>(
    prepared: &'a PreparedRequest,
    to: &Upstream,
    path: &str,
    body_sha256: Option<&'a BodySha256>,
) -> Result<SignableRequest<'a>> {
    let payload =
        match (body_sha256, prepared.pending_image) {
            (Some(h), _) => Payload::Sha256Hex(h.as_str()),
            (None, None) => Payload::Bytes(&prepared.body),
            (None, Some(_)) => return Err(Error::invalid_argument(
                "sign.request_invalid",
                "the body's image is still to be written: sign it with the hash of the full body",
            )),
        };
    let mut req = SignableRequest::new(prepared.method, &to.authority, path).with_payload(payload);
    req.query = prepared.query.clone();
    req.headers = prepared.headers.clone();
    Ok(req)
}

/// [`signable`] with the payload left unsigned: a gap for the image is
/// fine, as nothing here reads the body.
fn unsigned<'a>(prepared: &'a PreparedRequest, to: &Upstream, path: &str) -> SignableRequest<'a> {
    let mut req =
        SignableRequest::new(prepared.method, &to.authority, path).with_payload(Payload::Unsigned);
    req.query = prepared.query.clone();
    req.headers = prepared.headers.clone();
    req
}

/// The request to send: the builder's headers, then the signer's.
fn outgoing(prepared: &PreparedRequest, url: String, added: &[(String, String)]) -> Outgoing {
    let mut headers = prepared.headers.clone();
    headers.extend(added.iter().cloned());
    Outgoing { method: prepared.method, url, headers }
}

fn wrong_signer(signer: &str) -> Error {
    Error::invalid_argument(
        "sign.request_invalid",
        format!("this request is not to be signed by the {signer} signer"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::huawei::ocr;
    use crate::api::ImageInput;

    const PNG: [u8; 33] = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 64, 0, 0, 0, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
    ];

    #[test]
    fn parse_and_target() {
        let u = Upstream::parse("HTTP://127.0.0.1:9000/base/").unwrap();
        assert_eq!(u.authority, "127.0.0.1:9000");
        assert_eq!(u.base_path, "/base");
        assert!(Upstream::parse("ftp://x").is_err());
        assert!(Upstream::parse("https://user@host").is_err());
        assert!(Upstream::parse("https://host/?q").is_err());
    }

    #[test]
    fn huawei_signature_covers_the_real_host() {
        let p =
            ocr::QuotaInvoiceParams { image: Some(ImageInput::Bytes(&PNG)), ..Default::default() };
        let prepared = ocr::recognize_quota_invoice(None, "p1", &p).unwrap();
        let creds = Credentials::new("AK", "SK").unwrap();
        let to = Upstream::parse("http://127.0.0.1:9000").unwrap();
        let out =
            sign_huawei(&prepared, &to, HuaweiAuth::AkSk(&creds), "p1", 1_700_000_000).unwrap();
        assert_eq!(out.url, "http://127.0.0.1:9000/v2/p1/ocr/quota-invoice");
        let auth = out.headers.iter().find(|(k, _)| k == "Authorization").unwrap();
        assert!(auth.1.contains("Access=AK"));
        assert!(!auth.1.contains("SK,"));
    }

    #[test]
    fn an_unsigned_payload_is_signed_as_the_literal_and_needs_no_body() {
        let creds = Credentials::new("AK", "SK").unwrap();
        let to = Upstream::parse("http://127.0.0.1:9000").unwrap();
        let p =
            ocr::QuotaInvoiceParams { image: Some(ImageInput::Bytes(&PNG)), ..Default::default() };
        let whole = ocr::recognize_quota_invoice(None, "p1", &p).unwrap();
        let p = ocr::QuotaInvoiceParams {
            image: Some(ImageInput::Unencoded(&PNG)),
            ..Default::default()
        };
        let gap = ocr::recognize_quota_invoice(None, "p1", &p).unwrap();
        assert!(gap.pending_image.is_some());
        let auth = HuaweiAuth::AkSkUnsignedPayload(&creds);
        let sign = |r: &PreparedRequest| sign_huawei(r, &to, auth, "p1", 1_700_000_000).unwrap();
        let (a, b) = (sign(&whole), sign(&gap));
        assert_eq!(a.headers, b.headers, "the body does not enter the signature");
        let header = |o: &Outgoing, name: &str| {
            o.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        };
        assert_eq!(header(&a, "X-Sdk-Content-Sha256").as_deref(), Some("UNSIGNED-PAYLOAD"));
        let signed = sign_huawei(&whole, &to, HuaweiAuth::AkSk(&creds), "p1", 1_700_000_000);
        let signed = signed.unwrap();
        assert_eq!(header(&signed, "X-Sdk-Content-Sha256"), None);
        assert_ne!(header(&signed, "Authorization"), header(&a, "Authorization"));
    }

    #[test]
    fn each_request_goes_to_its_own_signer() {
        let p =
            ocr::QuotaInvoiceParams { image: Some(ImageInput::Bytes(&PNG)), ..Default::default() };
        let huawei = ocr::recognize_quota_invoice(None, "p1", &p).unwrap();
        let p = crate::api::tencent::ocr::BizLicenseParams {
            reg_num: Some("911101085636549482"),
            region: Some("ap-shanghai"),
            ..Default::default()
        };
        let tencent = crate::api::tencent::ocr::verify_biz_license(&p).unwrap();
        let creds = Credentials::new("AK", "SK").unwrap();
        let to = Upstream::https("ocr.example.com");
        let err = sign_tencent(&huawei, &to, &creds, None, 1_700_000_000).unwrap_err();
        assert_eq!(err.code(), "sign.request_invalid");
        let auth = HuaweiAuth::AkSk(&creds);
        let err = sign_huawei(&tencent, &to, auth, "p1", 1_700_000_000).unwrap_err();
        assert_eq!(err.code(), "sign.request_invalid");
        let out = sign_tencent(&tencent, &to, &creds, Some("en-US"), 1_700_000_000).unwrap();
        let names: Vec<&str> = out.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-TC-Action",
                "X-TC-Version",
                "X-TC-Timestamp",
                "X-TC-Region",
                "X-TC-Language",
                "Authorization"
            ]
        );
        let region = out.headers.iter().find(|(k, _)| k == "X-TC-Region").unwrap();
        assert_eq!(region.1, "ap-shanghai");
    }
}
