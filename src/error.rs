//! One error type for the whole crate, with the fields callers branch on.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, broadly: callers branch on this, not on message text.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The image bytes are unreadable, or break the target's limits.
    InvalidImage,
    /// A parameter breaks a documented rule; nothing was sent.
    InvalidArgument,
    /// The provider refused the credentials or the signature.
    Auth,
    /// The provider throttled the call; retry later.
    Throttled,
    /// The provider answered with an error of its own.
    Service,
    /// The operation is withdrawn or not enabled for this account.
    Unavailable,
    /// The request never got an answer (connection refused, reset, DNS).
    Network,
    /// The overall deadline passed.
    Timeout,
    /// The answer could not be understood (not JSON, wrong shape, truncated).
    Protocol,
    /// The caller cancelled the call through its `AbortSignal`.
    Aborted,
}

impl ErrorKind {
    /// The snake_case name used in JS (`err.kind`) and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidImage => "invalid_image",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Auth => "auth",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Service => "service",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Aborted => "aborted",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The crate's error: a kind, a stable code (ours, like `image.truncated`, or
/// the provider's, like `AIS.0103`), a message, and what the provider said.
///
/// Messages never hold credentials: they are built from codes, sizes and the
/// provider's own text.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    kind: ErrorKind,
    code: Cow<'static, str>,
    message: String,
    status: Option<u16>,
    request_id: Option<String>,
    retryable: bool,
    attempts: u32,
    violations: Vec<Violation>,
}

impl Error {
    /// A new error; retryable is false until said otherwise.
    pub fn new(
        kind: ErrorKind,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            kind,
            code: code.into(),
            message: message.into(),
            status: None,
            request_id: None,
            retryable: false,
            attempts: 0,
            violations: Vec::new(),
        }
    }

    /// Shorthand for an [`ErrorKind::InvalidArgument`] error.
    pub fn invalid_argument(code: &'static str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, code, message)
    }

    /// Shorthand for an [`ErrorKind::InvalidImage`] error.
    pub fn invalid_image(code: &'static str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidImage, code, message)
    }

    /// Sets the HTTP status the provider answered with.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Replaces the message, keeping everything else.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Sets the provider's request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// Marks whether sending the same request again is safe and may succeed.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Records how many requests were sent before this error (0: none).
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Attaches the limit violations that made an image unacceptable.
    pub fn with_violations(mut self, violations: Vec<Violation>) -> Self {
        self.violations = violations;
        self
    }

    /// The broad kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The stable code.
    pub fn code(&self) -> &str {
        &self.code
    }
    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
    /// The provider's request id, when it gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// Whether a retry is safe and may succeed.
    pub fn retryable(&self) -> bool {
        self.retryable
    }
    /// How many requests were sent before this error (0 when none was).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The image limit violations, for [`ErrorKind::InvalidImage`] refusals.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// One entry of the error-code catalogue: the stable code, the kind it
/// comes with, and what it means in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code, as in `err.code`; `http.<status>` stands for every status.
    pub code: &'static str,
    /// The kind errors with this code have.
    pub kind: ErrorKind,
    /// What it means.
    pub meaning: &'static str,
}

/// The kind of one of our own codes; `None` for a provider's code.
pub fn kind_of(code: &str) -> Option<ErrorKind> {
    CODES.iter().find(|c| c.code == code).map(|c| c.kind)
}

const fn c(code: &'static str, kind: ErrorKind, meaning: &'static str) -> CodeInfo {
    CodeInfo { code, kind, meaning }
}

use ErrorKind as K;

/// Every code of our own the crate and its JS glue use; the providers' codes
/// (`AIS.0103`, `AuthFailure.SignatureFailure`) come on top. The `.d.ts`
/// exports the same list as the `ErrorCode` union (a test keeps them equal).
pub const CODES: &[CodeInfo] = &[
    c("aborted", K::Aborted, "the caller's AbortSignal cancelled the call"),
    c("account.daily_cap", K::Unavailable, "the account's daily cap of billed calls is reached"),
    c("admin.unauthorized", K::Auth, "an admin route without the right admin secret"),
    c(
        "argument.conflict",
        K::InvalidArgument,
        "two options that exclude each other were both given",
    ),
    c("argument.invalid", K::InvalidArgument, "a parameter breaks a documented rule"),
    c("argument.missing", K::InvalidArgument, "a required parameter is missing"),
    c("argument.type", K::InvalidArgument, "a parameter has the wrong type"),
    c("argument.unknown", K::InvalidArgument, "an option the API does not know (a misspelling?)"),
    c("argument.url", K::InvalidArgument, "an image URL that is not a public http(s) URL"),
    c("blob.read", K::InvalidArgument, "the Blob or File could not be read"),
    c("body.budget", K::Unavailable, "the worker's in-flight body budget is spent; retry shortly"),
    c(
        "body.length",
        K::InvalidArgument,
        "the request body is shorter or longer than its Content-Length",
    ),
    c("body.read", K::InvalidArgument, "the request body could not be read"),
    c(
        "body.timeout",
        K::Timeout,
        "the upload did not arrive within the worker's read deadline or pace",
    ),
    c("body.too_large", K::InvalidArgument, "the request body is over the worker's cap"),
    c("client.busy", K::Protocol, "the object is in use by another call of the same object"),
    c(
        "client.freed",
        K::InvalidArgument,
        "the object was freed (free() or `using`); create a new one",
    ),
    c("config.invalid", K::Unavailable, "a worker setting is malformed"),
    c("config.missing", K::Unavailable, "a worker setting or secret is missing"),
    c(
        "content_type.unsupported",
        K::InvalidArgument,
        "a request body type the route does not take",
    ),
    c("cors.preflight", K::InvalidArgument, "a CORS preflight the worker does not allow"),
    c("credentials.invalid", K::InvalidArgument, "credentials that are empty or malformed"),
    c("csms.pager_stuck", K::Protocol, "the CSMS listing returned the same page again"),
    c("endpoint.invalid", K::InvalidArgument, "an endpoint that is not an http(s) base URL"),
    c("fit.aborted", K::Aborted, "the caller's AbortSignal cancelled a fit"),
    c("fit.browser", K::InvalidImage, "the browser could not decode or encode the image"),
    c(
        "fit.heif_in_worker",
        K::Unavailable,
        "a HEIC/HEIF to fit in an edge worker, refused before any work",
    ),
    c(
        "fit.heif_unavailable",
        K::Unavailable,
        "a HEIF needs the optional libheif-js decoder, or is too large for this runtime",
    ),
    c("fit.unsupported", K::Unavailable, "fitting needs a runtime feature this one lacks"),
    c(
        "fit.worker_memory",
        K::Unavailable,
        "a photo whose fit would pass an edge worker's 128 MB, refused before any work",
    ),
    c("http.<status>", K::Protocol, "an HTTP error answer without an error body we can read"),
    c(
        "idempotency.in_progress",
        K::Throttled,
        "a resend while the first request with its key runs",
    ),
    c(
        "idempotency.key",
        K::InvalidArgument,
        "an Idempotency-Key that is empty, too long or not ASCII",
    ),
    c("image.base64", K::InvalidImage, "base64 text that does not decode"),
    c("image.cannot_fit", K::InvalidImage, "no size or quality brings the image within the limits"),
    c("image.corrupt", K::InvalidImage, "the image header is inconsistent"),
    c("image.decode", K::InvalidImage, "the image could not be decoded for fitting"),
    c("image.empty", K::InvalidImage, "no image bytes"),
    c("image.format", K::InvalidImage, "a format the target does not accept"),
    c("image.over_budget", K::InvalidImage, "the image, as base64, is over the target's budget"),
    c("image.rejected", K::InvalidImage, "the image breaks the target's limits (see violations)"),
    c("image.too_large", K::InvalidImage, "a side longer than the target allows"),
    c("image.too_small", K::InvalidImage, "a side shorter than the target allows"),
    c("image.truncated", K::InvalidImage, "the image ends before its header does"),
    c("image.unknown_format", K::InvalidImage, "bytes of no image format we know"),
    c("internal", K::Protocol, "the wasm glue failed in a way of its own"),
    c(
        "ledger.unavailable",
        K::Unavailable,
        "the worker's Durable Object ledger could not be reached",
    ),
    c("method.not_allowed", K::InvalidArgument, "an HTTP method the route does not take"),
    c("multipart.invalid", K::InvalidArgument, "a multipart body that cannot be read"),
    c("network.cors", K::Network, "the server refused this page's origin (CORS); not retried"),
    c("network.failed", K::Network, "the request got no answer (refused, reset, DNS)"),
    c("origin.forbidden", K::Auth, "a page origin the worker does not allow"),
    c("origins.invalid", K::InvalidArgument, "a malformed allowed-origins list"),
    c(
        "queue.full",
        K::Unavailable,
        "the CaptureQueue holds its most items or bytes; take or remove some",
    ),
    c(
        "queue.no_space",
        K::Unavailable,
        "the browser refused the CaptureQueue's write: no space left",
    ),
    c("queue.storage", K::Unavailable, "IndexedDB is missing or failed, or a stored photo is gone"),
    c("rate.limited", K::Throttled, "the worker's rate limit for this caller was reached"),
    c(
        "region.unknown",
        K::InvalidArgument,
        "a region the provider does not list; use `endpoint` for a new one",
    ),
    c("regnum.charset", K::InvalidArgument, "a registration number with characters it cannot hold"),
    c("regnum.check_character", K::InvalidArgument, "a credit code whose check character is wrong"),
    c("regnum.length", K::InvalidArgument, "a registration number of the wrong length"),
    c(
        "regnum.org_code_check",
        K::InvalidArgument,
        "a credit code whose organisation-code check fails",
    ),
    c("response.not_json", K::Protocol, "an answer that is not JSON"),
    c("response.redirect", K::Protocol, "a redirect, which is never followed"),
    c("response.shape", K::Protocol, "JSON of a shape the operation does not answer with"),
    c(
        "response.too_large",
        K::Protocol,
        "an answer over the size cap: refused unread, or cut off at the cap",
    ),
    c("result.encode", K::Protocol, "a result that could not be turned into JS"),
    c("route.not_found", K::InvalidArgument, "a path the worker has no route for"),
    c(
        "runtime.unsupported",
        K::Unavailable,
        "the runtime lacks a global we need (fetch, setTimeout)",
    ),
    c(
        "sign.authorization_invalid",
        K::InvalidArgument,
        "a malformed Authorization header to check",
    ),
    c("sign.failed", K::Protocol, "the request could not be signed"),
    c("sign.header_conflict", K::InvalidArgument, "a header given twice with different values"),
    c("sign.header_invalid", K::InvalidArgument, "a header name or value that cannot be signed"),
    c("sign.header_missing", K::InvalidArgument, "a header the signature needs is missing"),
    c("sign.request_invalid", K::InvalidArgument, "a request that cannot be signed as given"),
    c("sign.service_invalid", K::InvalidArgument, "a malformed service name for signing"),
    c("target.formats", K::InvalidArgument, "an output format the target does not accept"),
    c("target.unknown", K::InvalidArgument, "a target name we do not know"),
    c("time.invalid", K::InvalidArgument, "a signing time that is not a number of seconds"),
    c("time.out_of_range", K::InvalidArgument, "a signing time outside 1970-9999"),
    c("timeout", K::Timeout, "no answer within the deadline, retries included"),
    c("token.algorithm", K::Auth, "a capture token whose alg is not its key's"),
    c("token.audience", K::Auth, "a capture token minted for another audience (aud)"),
    c("token.expired", K::Auth, "a capture token past its expiry"),
    c("token.forged", K::Auth, "a capture token whose signature does not verify"),
    c("token.key", K::Auth, "a capture token naming no key, or one the worker does not hold"),
    c("token.lifetime", K::Auth, "a capture token living longer than 15 minutes"),
    c("token.malformed", K::Auth, "text that is not a capture token"),
    c("token.missing", K::Auth, "no capture token"),
    c("token.nonce", K::InvalidArgument, "a malformed capture-token nonce"),
    c("token.not_yet_valid", K::Auth, "a capture token whose iat or nbf lies ahead"),
    c("token.origin", K::Auth, "a capture token bound to another page origin"),
    c("token.revoked", K::Auth, "a capture token revoked by its id"),
    c("token.scope", K::Auth, "a capture token for another operation"),
    c("token.secret", K::InvalidArgument, "a capture-token secret that is too short"),
    c("token.spent", K::Auth, "a capture token that has used its calls"),
    c("token.ttl", K::InvalidArgument, "a capture-token lifetime out of range"),
    c("upload.concurrent", K::Throttled, "this capture token already has its uploads in flight"),
    c("upstream.forbidden", K::Unavailable, "an upstream host the worker may not call"),
    c("url.mode_off", K::InvalidArgument, "an image URL to a worker that takes image bytes only"),
    c(
        "url.not_allowed",
        K::InvalidArgument,
        "an image URL outside the worker's rules (https, default port, listed host, no IP)",
    ),
    c("wasm.not_found", K::Network, "the .wasm file could not be loaded"),
    c("wasm.not_ready", K::InvalidArgument, "a call before `await init()` in a browser"),
];

/// The catalogue entry of `code` (`http.404` finds `http.<status>`), if ours.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    let key = if code.starts_with("http.") { "http.<status>" } else { code };
    CODES.iter().find(|c| c.code == key)
}

/// One limit an image breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Stable code: `image.format`, `image.too_small`, `image.too_large` or `image.over_budget`.
    pub code: &'static str,
    /// Plain-words message.
    pub message: String,
    /// The limit, as text: accepted format names, or a number of pixels or bytes.
    pub limit: String,
    /// What the image has, in the same form as `limit`.
    pub actual: String,
}

impl Violation {
    /// `limit` as a number, when it is a count of pixels or bytes.
    pub fn limit_number(&self) -> Option<u64> {
        plain_number(&self.limit)
    }
    /// `actual` as a number, when it is a count of pixels or bytes.
    pub fn actual_number(&self) -> Option<u64> {
        plain_number(&self.actual)
    }
}

/// Digits only (no sign, no point), as the limits write counts.
pub fn plain_number(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
