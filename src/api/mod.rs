//! Sans-IO request builders and response parsers, one module per operation.
//!
//! Each operation has a builder that checks the caller's parameters and
//! returns a [`PreparedRequest`] (method, host, encoded path, headers, body
//! bytes; nothing secret), and a parser that turns the status and body of the
//! answer into a typed result or a typed [`crate::Error`]. Signing and
//! sending happen elsewhere: see [`request`] for the hand-off.
//!
//! Each operation's module also holds its [`Descriptor`] (id, target
//! limits, parameter rules, route, scope, retry safety); [`registry`] lists
//! them and the adapters iterate over it.
//!
//! Each operation's module is named for it (`huawei::<operation>`,
//! `tencent::<operation>`) and holds its builder and parser;
//! [`registry::OPERATIONS`] lists them all. What two operations share sits
//! in a module named for what it holds (`huawei::csms`, `tencent::verify`).
//!
//! Result structs serialise to the JS shape (camelCase, with `raw`).

pub mod amount;
pub mod endpoints;
pub mod fields;
pub mod huawei;
pub mod input;
pub mod operation;
pub mod provider_errors;
pub mod registry;
pub mod regnum;
pub mod request;
pub(crate) mod sdk_body;
pub mod signing;
pub mod tencent;
pub mod wire;

pub use fields::Fields;
pub use input::ImageInput;
pub use operation::{Descriptor, Route};
pub use provider_errors::parse_error;
pub use request::{Operation, PendingImage, PreparedRequest, Service, Signing, TencentSigning};

use serde::{Deserialize, Deserializer};

/// Reads `null` as the type's default, for lists and objects the services
/// send as `null` when empty.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
