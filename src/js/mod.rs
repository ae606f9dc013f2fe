//! The wasm-bindgen exports: conversions between JS values and the core, no
//! logic of their own. Public only so wasm-bindgen tests can reach it.

pub mod abort;
#[cfg(feature = "clients")]
pub mod client;
pub mod convert;
#[cfg(feature = "clients")]
pub mod edge_bindings;
pub mod error;
pub mod fetch;
#[cfg(feature = "fit")]
pub mod fit;
#[cfg(feature = "fit")]
mod fit_worker;
pub(crate) mod host_body;
#[cfg(feature = "clients")]
pub mod huawei;
pub mod image;
pub mod operations;
#[cfg(feature = "clients")]
mod params;
#[cfg(feature = "proxy")]
pub mod proxy;
#[cfg(feature = "clients")]
pub mod tencent;
#[cfg(feature = "proxy")]
pub mod transport;
mod types;
#[cfg(feature = "clients")]
pub mod worker;
