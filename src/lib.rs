//! ocr-edge: capture documents in a browser or at the edge and send them to
//! cloud document APIs (Huawei OCR, CSMS and APIG; Tencent OCR).
//!
//! The core is sans-IO: `image` probes and checks photos from their header
//! bytes, `sign` signs requests with time passed in, and `api` builds
//! requests and parses answers. Only the wasm build's JS layer does I/O.
//!
//! ```
//! let png = [
//!     0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
//!     0, 0, 0, 64, 0, 0, 0, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
//! ];
//! let info = ocr_edge::image::probe(&png).unwrap();
//! assert_eq!((info.width, info.height), (64, 32));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub(crate) mod date;
pub mod error;
pub mod image;
pub mod retry;
pub mod sign;
pub mod worker;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod js;
#[cfg(all(target_arch = "wasm32", feature = "clients"))]
pub use js::transport;

pub use error::{Error, ErrorKind, Result};
