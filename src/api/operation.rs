//! What an operation is, as data: the [`Descriptor`] every adapter (the
//! signing clients, the edge worker, `ProxyClient`) reads instead of naming
//! operations. Each operation's own module defines one; `api::registry`
//! lists them.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::api::endpoints::HuaweiService;
use crate::api::fields::Fields;
use crate::api::request::{Operation, PreparedRequest};
use crate::error::{Error, ErrorKind, Result};
use crate::image::{Megabytes, Target};

/// Who signs an operation and which host serves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Huawei Cloud, on the host of this service (SDK-HMAC-SHA256 or a token).
    Huawei(HuaweiService),
    /// Tencent Cloud OCR (TC3-HMAC-SHA256).
    Tencent,
}

/// The account facts a builder needs besides the caller's parameters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The region, or the provider's default.
    pub region: Option<&'a str>,
    /// The Huawei project id (empty for Tencent).
    pub project_id: &'a str,
    /// How "MB" of the image budget is read.
    pub megabytes: Megabytes,
    /// The worker's `Enterprise-Project-Id` (the signing clients take the caller's).
    pub enterprise_project: Option<&'a str>,
}

/// Parses a provider's answer (status, request id, body) to the result's JSON.
pub type Answer = fn(u16, Option<&str>, &[u8]) -> Result<Option<String>>;

/// One operation, end to end.
#[derive(Clone, Copy)]
pub struct Descriptor {
    /// The id: route name in logs, and for an operation a page may call, the
    /// capture-token scope and `checkImage` target share its stem
    /// (`<provider>.<operation>`, camelCase).
    pub id: &'static str,
    /// The JS method name on the clients (the provider's action, camelCase).
    pub method: &'static str,
    /// The provider operation (name, error envelope, retry safety).
    pub operation: Operation,
    /// Who signs and which host serves it.
    pub provider: Provider,
    /// The image target whose limits apply, for operations taking an image.
    pub target: Option<Target>,
    /// The capture-token scope a page needs, or `None` for an admin
    /// operation (behind the worker's admin secret, never on `ProxyClient`).
    pub scope: Option<&'static str>,
    /// The worker's route path.
    pub path: &'static str,
    /// A query flag that selects this operation on a path shared with
    /// another (`detailed` on `/v1/tencent/biz-license`).
    pub flag: Option<&'static str>,
    /// The parameter names that may hold the image (base64 text, or bytes
    /// from JS); the first is where `ProxyClient` puts base64 on the wire.
    pub image_keys: &'static [&'static str],
    /// The HTTP status the worker answers a success with (200, 201, 204).
    pub success: u16,
    /// Reads the parameters (with their rules) and builds the request.
    pub build: fn(&Context<'_>, &Fields<'_>) -> Result<PreparedRequest>,
    /// Parses the provider's answer to the result's JSON (`None`: no body).
    pub answer: Answer,
    /// A parameter's text in a query when `ProxyClient` sends the image as
    /// the raw body (`None`: leave it out); see [`crate::api::wire`].
    pub query_text: fn(&str, &Value) -> Result<Option<String>>,
}

impl Descriptor {
    /// Safe to retry after an ambiguous failure.
    pub fn idempotent(&self) -> bool {
        self.operation.idempotent()
    }

    /// True for operations behind the worker's admin secret.
    pub fn is_admin(&self) -> bool {
        self.scope.is_none()
    }

    /// The image limits with "MB" read as `megabytes` says.
    pub fn limits(&self, megabytes: Megabytes) -> Option<crate::image::Limits> {
        self.target.map(|t| megabytes.limits(t))
    }
}

impl Descriptor {
    /// What `ProxyClient` needs, evaluated at compile time
    /// (`const W: Wire = DESCRIPTOR.wire();`) so the browser build links
    /// no builder or parser.
    pub const fn wire(self) -> Wire {
        Wire {
            id: self.id,
            path: self.path,
            flag: self.flag,
            target: self.target,
            image_keys: self.image_keys,
            query_text: self.query_text,
        }
    }
}

/// The part of a [`Descriptor`] the page's `ProxyClient` sends by; see
/// [`crate::api::wire`].
#[derive(Clone, Copy, Debug)]
pub struct Wire {
    /// The descriptor's id.
    pub id: &'static str,
    /// The worker's route path.
    pub path: &'static str,
    /// The query flag selecting the route on a shared path.
    pub flag: Option<&'static str>,
    /// The image target, checked before sending.
    pub target: Option<Target>,
    /// The image keys; base64 goes under the first.
    pub image_keys: &'static [&'static str],
    /// A parameter's query text for a raw-body call.
    pub query_text: fn(&str, &Value) -> Result<Option<String>>,
}

impl Wire {
    /// The image limits with "MB" read as `megabytes` says.
    pub fn limits(&self, megabytes: Megabytes) -> Option<crate::image::Limits> {
        self.target.map(|t| megabytes.limits(t))
    }
}

impl fmt::Debug for Descriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Descriptor").field("id", &self.id).finish_non_exhaustive()
    }
}

impl PartialEq for Descriptor {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Descriptor {}

/// A registered operation as the worker routes it: a copyable handle on its
/// descriptor, equal by id. Operation modules define their route as an
/// associated constant (`Route::X`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Route(pub &'static Descriptor);

impl Route {
    /// The descriptor.
    pub fn descriptor(self) -> &'static Descriptor {
        self.0
    }

    /// The name in logs (the descriptor's id).
    pub fn name(self) -> &'static str {
        self.0.id
    }

    /// The capture-token scope required, or `None` for admin routes.
    pub fn scope(self) -> Option<&'static str> {
        self.0.scope
    }

    /// True for the routes behind the admin secret.
    pub fn is_admin(self) -> bool {
        self.0.is_admin()
    }

    /// The image target whose limits apply to uploads.
    pub fn target(self) -> Option<Target> {
        self.0.target
    }

    /// The provider operation.
    pub fn operation(self) -> Operation {
        self.0.operation
    }

    /// The Huawei service, for Huawei routes.
    pub fn huawei_service(self) -> Option<HuaweiService> {
        match self.0.provider {
            Provider::Huawei(s) => Some(s),
            Provider::Tencent => None,
        }
    }
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Route({})", self.0.id)
    }
}

impl std::hash::Hash for Route {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

/// A parsed result as the JSON text the worker sends and the clients read.
pub fn json_answer<T: Serialize>(result: Result<T>) -> Result<Option<String>> {
    let value = result?;
    serde_json::to_string(&value)
        .map(Some)
        .map_err(|_| Error::new(ErrorKind::Protocol, "result.encode", "result not encodable"))
}
