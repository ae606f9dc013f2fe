//! Error answers of the four envelopes, mapped onto [`Error`].
//!
//! The envelope is recognised by shape rather than trusted from the service:
//! Huawei's API gateway answers in the flat `{error_code, error_msg}` form in
//! front of every Huawei service (CSMS included) when it refuses a token or a
//! signature, while CSMS itself nests its errors.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::request::Operation;
use crate::error::{Error, ErrorKind, Result};

/// The longest excerpt of a provider's body or message put in an error.
pub const EXCERPT_CHARS: usize = 200;

/// Turns a provider's error answer into an [`Error`].
///
/// `request_id` is the `X-Request-Id` response header (Huawei), preferred over
/// a request id found in the body (`request_id`, `RequestId`). Bodies that
/// are not JSON (a gateway's HTML page, an empty or cut-short body) become
/// `http.{status}` errors with a short, cleaned excerpt of the body.
pub fn parse_error(status: u16, request_id: Option<&str>, body: &[u8], op: Operation) -> Error {
    let value: Option<Value> = serde_json::from_slice(body).ok();
    let envelope = value.as_ref().and_then(envelope);
    let body_id = value.as_ref().and_then(body_request_id);
    let id = request_id.filter(|s| !s.is_empty()).map(str::to_owned).or(body_id);

    let err = match envelope {
        Some(env) => from_envelope(status, &env, op),
        None => from_status(status, body, value.is_some(), op),
    };
    let err = err.with_status(status);
    match id {
        Some(id) => err.with_request_id(clean(&id, 100)),
        None => err,
    }
}

/// The code and message an error envelope carries.
struct Envelope {
    code: String,
    message: String,
}

/// Finds an error envelope of any of the four shapes.
fn envelope(v: &Value) -> Option<Envelope> {
    if let Some(e) = v.get("Response").and_then(|r| r.get("Error")) {
        return Some(Envelope {
            code: text(e.get("Code"))?,
            message: text_or_empty(e.get("Message")),
        });
    }
    if let Some(e) = v.get("error").filter(|e| e.is_object()) {
        return Some(Envelope {
            code: text(e.get("error_code").or_else(|| e.get("code")))?,
            message: text_or_empty(e.get("error_msg").or_else(|| e.get("message"))),
        });
    }
    let code = text(v.get("error_code"))?;
    Some(Envelope { code, message: text_or_empty(v.get("error_msg")) })
}

/// A request id in the body: Tencent's `Response.RequestId`, APIG's
/// `request_id`, or either at top level.
fn body_request_id(v: &Value) -> Option<String> {
    let r = v.get("Response");
    [
        r.and_then(|r| r.get("RequestId")),
        v.get("request_id"),
        v.get("RequestId"),
        v.get("error").and_then(|e| e.get("request_id")),
    ]
    .into_iter()
    .flatten()
    .find_map(|x| x.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
}

/// A string, or a number written as text (some gateways send numeric codes).
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text_or_empty(v: Option<&Value>) -> String {
    text(v).unwrap_or_default()
}

/// The broad kind of a documented provider code; `None` for codes that are
/// the service's own business errors.
pub fn kind_of_code(code: &str) -> Option<ErrorKind> {
    use ErrorKind::*;
    let kind = match code {
        // Credentials, tokens, signatures, permissions.
        "APIGW.0301"
        | "APIGW.0303"
        | "APIG.0301"
        | "APIG.0307"
        | "APIG.1002"
        | "APIG.1005"
        | "ModelArts.0203"
        | "ModelArts.0212"
        | "ModelArts.4101"
        | "ModelArts.4102"
        | "ModelArts.4103"
        | "UnauthorizedOperation" => Auth,
        c if c.starts_with("AuthFailure") || c.starts_with("UnauthorizedOperation.") => Auth,
        "APIG.0308" | "RequestLimitExceeded" => Throttled,
        c if c.starts_with("RequestLimitExceeded.") => Throttled,
        // Withdrawn, not subscribed, not offered here, not billable.
        "ActionOffline"
        | "ModelArts.4204"
        | "FailedOperation.UnOpenError"
        | "InvalidAction"
        | "UnsupportedOperation"
        | "UnsupportedRegion"
        | "ResourceUnavailable" => Unavailable,
        c if c.starts_with("ResourcesSoldOut") || c.starts_with("ResourceUnavailable.") => {
            Unavailable
        }
        // The image itself: format, size, decoding.
        "AIS.0102"
        | "AIS.0103"
        | "AIS.0104"
        | "ModelArts.4104"
        | "RequestSizeLimitExceeded"
        | "FailedOperation.ImageDecodeFailed"
        | "FailedOperation.ImageSizeTooLarge"
        // No licence on the photo, or an empty one: another photo is the fix.
        | "FailedOperation.NoBizLicense"
        | "FailedOperation.EmptyImageError"
        | "LimitExceeded.TooLargeFileError" => InvalidImage,
        // A parameter the caller can fix, the image URL included.
        "AIS.0101"
        | "CSMS.0002"
        | "CSMS.0003"
        | "CSMS.0004"
        | "APIG.2000"
        | "APIG.2001"
        | "APIG.2002"
        | "APIG.2003"
        | "APIG.2004"
        | "MissingParameter"
        | "UnknownParameter"
        | "ModelArts.4603"
        | "ModelArts.4704"
        | "FailedOperation.DownLoadError" => InvalidArgument,
        c if c.starts_with("InvalidParameter")
            || c.starts_with("MissingParameter.")
            || c.starts_with("UnknownParameter.") =>
        {
            InvalidArgument
        }
        _ => return None,
    };
    Some(kind)
}

/// What the caller can do about a code, when there is something to say.
fn hint(code: &str, op: Operation) -> Option<String> {
    let s = match code {
        "ActionOffline" => {
            return Some(format!(
                "Tencent has taken {} offline (its document gave 2023-06-20 15:52:24 Beijing \
                 time), so this call cannot succeed; move to a current Tencent OCR action or \
                 another provider",
                op.name()
            ))
        }
        "ModelArts.4204" => {
            "the OCR API is not subscribed for this account in this region: subscribe to the \
             OCR service in this region in the Huawei Cloud console (the same region you call)"
        }
        "FailedOperation.UnOpenError" => {
            "the service is not enabled for this Tencent account: enable it in the Tencent \
             Cloud OCR console"
        }
        "ResourcesSoldOut.ChargeStatusException" => {
            "Tencent will not bill this account (arrears or no package left): check billing in \
             the Tencent Cloud console"
        }
        "UnsupportedRegion" => "this action is not offered in the region sent: use ap-guangzhou",
        "APIGW.0303" | "AuthFailure.SignatureExpire" => {
            "the signature has expired: check the clock of the signing device (Huawei allows \
             15 minutes of skew, Tencent 5)"
        }
        "APIGW.0301" | "AuthFailure.SignatureFailure" => {
            "the signature was refused: check the access key and secret"
        }
        "AuthFailure.SecretIdNotFound" | "AuthFailure.InvalidSecretId" => {
            "the SecretId is unknown or not an API key: check it in the console, without spaces"
        }
        "APIG.0307" => "the token has expired or was issued for another region: get a new one",
        "ModelArts.0212" => "the token has no project scope: request a project-scoped token",
        "APIG.0308" | "RequestLimitExceeded" => "the provider is throttling calls: retry later",
        "ModelArts.4603" | "ModelArts.4704" | "FailedOperation.DownLoadError" => {
            "the provider could not download the image URL: make sure it is public and answers \
             quickly"
        }
        "CSMS.0103" | "CSMS.0107" => {
            "the secret is pending deletion: cancel the deletion before changing it"
        }
        "APIG.3310" => "an app with this AppKey already exists",
        _ => return None,
    };
    Some(s.to_owned())
}

/// Whether a failure is transient: throttling, a 5xx, or an internal error.
fn transient(kind: ErrorKind, status: u16, code: &str) -> bool {
    kind == ErrorKind::Throttled
        || status >= 500
        || code == "InternalError"
        || code.starts_with("InternalError.")
}

/// Retry is safe when throttled (the request was refused before any work) or
/// when transient and the operation is idempotent.
fn retryable(kind: ErrorKind, status: u16, code: &str, op: Operation) -> bool {
    kind == ErrorKind::Throttled || (transient(kind, status, code) && op.idempotent())
}

fn from_envelope(status: u16, env: &Envelope, op: Operation) -> Error {
    let code = clean(&env.code, 64);
    let kind = kind_of_code(&code).unwrap_or(match status {
        401 | 403 => ErrorKind::Auth,
        429 => ErrorKind::Throttled,
        _ => ErrorKind::Service,
    });
    let said = clean(&env.message, EXCERPT_CHARS);
    let message = match (hint(&code, op), said.is_empty()) {
        (Some(h), false) => format!("{h} (provider said: {said})"),
        (Some(h), true) => h,
        (None, false) => said,
        (None, true) => format!("the provider answered {code} without a message"),
    };
    let retry = retryable(kind, status, &code, op);
    Error::new(kind, code, message).with_retryable(retry)
}

fn from_status(status: u16, body: &[u8], is_json: bool, op: Operation) -> Error {
    let kind = match status {
        401 | 403 => ErrorKind::Auth,
        429 => ErrorKind::Throttled,
        _ => ErrorKind::Protocol,
    };
    let what = if body.is_empty() {
        "an empty body".to_owned()
    } else if is_json {
        format!("JSON without an error code: {}", excerpt(body))
    } else {
        format!("a body that is not JSON: {}", excerpt(body))
    };
    let (code, message) = if (200..300).contains(&status) {
        let code = if is_json { "response.shape" } else { "response.not_json" };
        (code.to_owned(), format!("the provider answered HTTP {status} with {what}"))
    } else {
        (format!("http.{status}"), format!("the provider answered HTTP {status} with {what}"))
    };
    let retry = retryable(kind, status, &code, op);
    Error::new(kind, code, message).with_retryable(retry)
}

/// A short, single-line excerpt of a body: lossy UTF-8, control characters
/// turned into spaces, runs of spaces collapsed, at most [`EXCERPT_CHARS`].
pub fn excerpt(body: &[u8]) -> String {
    // Four bytes per character is the UTF-8 maximum, so this prefix is enough.
    let head = body.get(..body.len().min(EXCERPT_CHARS * 4 + 4)).unwrap_or(body);
    clean(&String::from_utf8_lossy(head), EXCERPT_CHARS)
}

/// Cleans provider text for a message: no control characters, single
/// spaces, trimmed, cut at `max` characters with an ellipsis.
fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0usize;
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_control() || c.is_whitespace() { ' ' } else { c };
        if c == ' ' {
            if space || out.is_empty() {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if count == max {
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// The JSON of a 2xx answer, or the error it stands for: a non-2xx status,
/// an error envelope (Tencent answers errors with HTTP 200), or a body that
/// is not JSON.
pub(crate) fn success_json(
    op: Operation,
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<Value> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, request_id, body, op));
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Err(parse_error(status, request_id, body, op)),
    };
    // A Tencent `Response.Error` without a usable code is still an error
    // (`response.shape`), never a success with every field null.
    let bare_error =
        value.get("Response").and_then(|r| r.get("Error")).is_some_and(|e| !e.is_null());
    if bare_error || envelope(&value).is_some() {
        return Err(parse_error(status, request_id, body, op));
    }
    Ok(value)
}

/// The object under `key` in a success answer (`result` for Huawei OCR,
/// `Response` for Tencent), or a shape error naming it.
pub(crate) fn member<'a>(
    raw: &'a Value,
    key: &str,
    status: u16,
    request_id: Option<&str>,
) -> Result<&'a Value> {
    match raw.get(key) {
        Some(r) if r.is_object() => Ok(r),
        _ => Err(shape_error(status, request_id, &format!("no `{key}` object"))),
    }
}

/// Reads `v` into `T`; a wrong type or missing required part is a protocol
/// error naming the problem, never a panic.
pub(crate) fn shape<T: DeserializeOwned>(
    v: &Value,
    status: u16,
    request_id: Option<&str>,
    what: &str,
) -> Result<T> {
    T::deserialize(v).map_err(|e| shape_error(status, request_id, &format!("{what}: {e}")))
}

/// A protocol error for a 2xx body of the wrong shape.
pub(crate) fn shape_error(status: u16, request_id: Option<&str>, detail: &str) -> Error {
    let err = Error::new(
        ErrorKind::Protocol,
        "response.shape",
        format!("the provider's answer has an unexpected shape ({})", clean(detail, EXCERPT_CHARS)),
    )
    .with_status(status);
    match request_id {
        Some(id) if !id.is_empty() => err.with_request_id(clean(id, 100)),
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_caps_and_flattens() {
        assert_eq!(clean("  a\n\tb\u{0}c  ", 10), "a b c");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("", 3), "");
        let long = "é".repeat(500);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), EXCERPT_CHARS + 1);
    }
}
