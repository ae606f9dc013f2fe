//! cargo-fuzz target `worker`: the edge worker's request handling (headers,
//! multipart, JSON, capture tokens); see `src/checks.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ocr_edge_fuzz::checks::worker(data));
