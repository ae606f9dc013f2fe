//! The wasm-bindgen exports: conversions only, no logic.
