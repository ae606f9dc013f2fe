//! cargo-fuzz target `sign_tencent`: the checks live in `src/checks.rs` so that
//! `tests/fuzz_regressions.rs` replays crash files through the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ocr_edge_fuzz::checks::sign_tencent(data));
