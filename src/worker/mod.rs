//! The edge proxy's core, free of I/O so it is tested natively: which route
//! a request asks for, whether its origin and capture token let it in, how
//! much body it may send, how that body becomes a provider request, and how
//! every outcome becomes a JSON answer. The wasm shell (`js/worker.rs`, full
//! build) reads the body, signs with [`upstream`] and sends.
//!
//! A request passes these gates in order ([`admit`]), each answering with
//! JSON ([`reply`]) when it refuses: CORS preflight and origin ([`cors`]),
//! route ([`routes`]), caller authorisation ([`token`] or the admin secret),
//! rate limit ([`limits`]), provider configured, content type and declared
//! body size; then the body is read under a cap, parsed ([`multipart`] or
//! JSON or raw bytes), probed and checked against the target's image limits,
//! and only then signed and forwarded to a host fixed by [`config`].

pub mod admit;
pub mod config;
pub mod cors;
pub mod failure;
pub mod handler;
pub mod image_url;
pub mod ledger;
pub mod limits;
pub mod multipart;
pub mod reply;
pub mod routes;
pub mod token;
pub mod token_keys;
/// The signing hand-off now lives in [`crate::api::signing`]; kept here for callers.
pub use crate::api::signing as upstream;

pub use admit::{Admitted, BodyKind, Incoming};
pub use config::WorkerConfig;
pub use failure::Failure;
pub use reply::Reply;
pub use routes::Route;
