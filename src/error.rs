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

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
