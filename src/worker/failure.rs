//! Every refusal as JSON: `{ "error": { kind, code, message, status,
//! requestId, retryable, violations } }`, the fields of the client library's
//! `OcrEdgeError`, so `ProxyClient` rebuilds the same error. `status` is the
//! provider's HTTP status when the provider answered, else the worker's own.

use serde_json::{json, Value};

use crate::error::{Error, ErrorKind};

/// A refusal: the error, the HTTP status the worker answers with, and the
/// headers that go with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The worker's HTTP status.
    pub http: u16,
    /// What went wrong (boxed: a `Result<_, Failure>` stays small).
    pub error: Box<Error>,
    /// Seconds for `Retry-After` (rate limiting, throttling).
    pub retry_after: Option<u64>,
}

/// The worker's status for an error it did not assign one to: the provider
/// refused the worker, not the caller, so auth and service failures are 502.
pub fn http_status(err: &Error) -> u16 {
    match err.kind() {
        ErrorKind::InvalidImage => 422,
        ErrorKind::InvalidArgument => 400,
        ErrorKind::Throttled => 429,
        ErrorKind::Timeout => 504,
        // The caller gave up (client closed request), as proxies report it.
        ErrorKind::Aborted => 499,
        ErrorKind::Unavailable => 503,
        ErrorKind::Auth | ErrorKind::Network | ErrorKind::Protocol => 502,
        // A provider's 4xx about the request itself (unknown secret, bad tag) is the caller's.
        ErrorKind::Service => match err.status() {
            Some(s) if (400..500).contains(&s) && s != 401 && s != 403 && s != 429 => s,
            _ => 502,
        },
    }
}

impl Failure {
    /// A refusal by the worker itself: `err.status()` is the HTTP status.
    pub fn local(err: Error) -> Failure {
        let http = err.status().unwrap_or_else(|| http_status(&err));
        Failure { http, error: Box::new(err), retry_after: None }
    }

    /// A failure from the builders (no status) or the provider (its status).
    pub fn from_error(err: Error) -> Failure {
        Failure { http: http_status(&err), error: Box::new(err), retry_after: None }
    }

    /// Adds a `Retry-After`.
    pub fn with_retry_after(mut self, secs: u64) -> Failure {
        self.retry_after = Some(secs);
        self
    }

    /// The JSON body.
    pub fn to_json(&self) -> Value {
        let e = &self.error;
        let violations: Vec<Value> = e
            .violations()
            .iter()
            .map(|v| {
                // Counts as numbers, format names as text, as the JS clients give them.
                let value =
                    |text: &str, n: Option<u64>| n.map_or_else(|| json!(text), |n| json!(n));
                json!({
                    "code": v.code,
                    "message": v.message,
                    "limit": value(&v.limit, v.limit_number()),
                    "actual": value(&v.actual, v.actual_number()),
                })
            })
            .collect();
        json!({
            "error": {
                "kind": e.kind().as_str(),
                "code": e.code(),
                "message": e.message(),
                "status": e.status().unwrap_or(self.http),
                "requestId": e.request_id(),
                "retryable": e.retryable(),
                "violations": violations,
            }
        })
    }
}

/// A worker-made error with its HTTP status.
pub fn local(kind: ErrorKind, code: &'static str, message: &str, http: u16) -> Failure {
    Failure::local(Error::new(kind, code, message.to_owned()).with_status(http))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Violation;

    #[test]
    fn statuses() {
        let e = |k| Error::new(k, "c", "m");
        assert_eq!(http_status(&e(ErrorKind::InvalidImage)), 422);
        assert_eq!(http_status(&e(ErrorKind::InvalidArgument)), 400);
        assert_eq!(http_status(&e(ErrorKind::Auth).with_status(401)), 502);
        assert_eq!(http_status(&e(ErrorKind::Throttled)), 429);
        assert_eq!(http_status(&e(ErrorKind::Service).with_status(404)), 404);
        assert_eq!(http_status(&e(ErrorKind::Service).with_status(200)), 502);
        assert_eq!(http_status(&e(ErrorKind::Timeout)), 504);
        assert_eq!(local(ErrorKind::Auth, "token.scope", "m", 403).http, 403);
    }

    #[test]
    fn json_shape() {
        let v = Violation {
            code: "image.format",
            message: "m".into(),
            limit: "PNG".into(),
            actual: "GIF".into(),
        };
        let f = Failure::from_error(
            Error::new(ErrorKind::InvalidImage, "image.rejected", "bad").with_violations(vec![v]),
        );
        let j = f.to_json();
        assert_eq!(j["error"]["kind"], "invalid_image");
        assert_eq!(j["error"]["status"], 422);
        assert_eq!(j["error"]["requestId"], Value::Null);
        assert_eq!(j["error"]["retryable"], false);
        assert_eq!(j["error"]["violations"][0]["actual"], "GIF");
        let small = Violation {
            code: "image.too_small",
            message: "m".into(),
            limit: "15".into(),
            actual: "8".into(),
        };
        let f = Failure::from_error(
            Error::new(ErrorKind::InvalidImage, "image.rejected", "bad")
                .with_violations(vec![small]),
        );
        let j = f.to_json();
        assert_eq!(
            (
                j["error"]["violations"][0]["limit"].as_u64(),
                j["error"]["violations"][0]["actual"].as_u64()
            ),
            (Some(15), Some(8))
        );
        let up = Failure::from_error(
            Error::new(ErrorKind::Auth, "APIGW.0301", "x").with_status(401).with_request_id("r1"),
        );
        assert_eq!((up.http, up.to_json()["error"]["status"].as_u64()), (502, Some(401)));
        assert_eq!(up.to_json()["error"]["requestId"], "r1");
    }
}
