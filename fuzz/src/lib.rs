//! Fuzz checks for ocr-edge. Each function takes the raw fuzz input, runs a
//! part of the core on it and asserts its properties; a panic is a finding.
#![forbid(unsafe_code)]

pub mod checks;
