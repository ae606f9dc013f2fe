//! Replays the fuzz corpus and every saved crash through the fuzz targets'
//! own checks (`fuzz/src/checks.rs`), natively under `cargo test`: a crash
//! fixed once stays fixed, and the corpus covers what the fuzzers found.
//! Crash files go in `fuzz/regressions/<target>/`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use std::path::Path;

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 9] = [
    ("image_probe", checks::image_probe),
    ("body", checks::body),
    ("base64_input", checks::base64_input),
    ("responses", checks::responses),
    ("sign_huawei", checks::sign_huawei),
    ("sign_tencent", checks::sign_tencent),
    ("canonical", checks::canonical),
    ("builders", checks::builders),
    ("worker", checks::worker),
];

/// Runs `check` on every file under `dir`; returns how many it ran.
fn replay(dir: &Path, check: Check, failures: &mut Vec<String>) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut n = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(data) = std::fs::read(&path) else { continue };
        n += 1;
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failures.push(path.display().to_string());
        }
    }
    n
}

#[test]
fn corpus_and_regressions_replay_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, check) in TARGETS {
        let corpus = replay(&root.join("corpus").join(name), check, &mut failures);
        let crashes = replay(&root.join("regressions").join(name), check, &mut failures);
        println!("{name}: {corpus} corpus files, {crashes} regression files");
        total += corpus + crashes;
    }
    assert!(total > 100, "only {total} files replayed: is fuzz/corpus there?");
    assert!(failures.is_empty(), "these inputs fail their checks:\n{}", failures.join("\n"));
}
