//! The wasm-bindgen exports: conversions between JS values and the core, no
//! logic of their own. Public only so wasm-bindgen tests can reach it.

pub mod convert;
pub mod error;
pub mod image;
mod types;
