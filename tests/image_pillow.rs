//! Cross-check against Pillow: format, stored size and EXIF orientation of
//! every fixture Pillow can open must equal what `probe` reports.
//!
//! Runs `.venv/bin/python tests/reference/pillow_probe.py` (override the
//! interpreter with OCR_EDGE_PYTHON). Native only: it starts a process.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

use ocr_edge::image::probe;

/// Fewest fixtures that must be compared, so a broken script cannot pass quietly.
const MIN_COMPARED: usize = 90;

/// Pillow's format name as ours.
fn format_name(pillow: &str) -> Option<&'static str> {
    Some(match pillow {
        "JPEG" | "MPO" => "jpeg",
        "PNG" => "png",
        "BMP" => "bmp",
        "TIFF" => "tiff",
        "GIF" => "gif",
        "WEBP" => "webp",
        "HEIF" => "heif",
        "AVIF" => "avif",
        _ => return None,
    })
}

#[test]
fn probe_agrees_with_pillow() {
    let root = env!("CARGO_MANIFEST_DIR");
    let python =
        std::env::var("OCR_EDGE_PYTHON").unwrap_or_else(|_| format!("{root}/.venv/bin/python"));
    assert!(
        Path::new(&python).exists() || std::env::var_os("OCR_EDGE_PYTHON").is_some(),
        "no Python at {python}: run `make venv` (or set OCR_EDGE_PYTHON to a Python with Pillow)"
    );
    let dir = format!("{root}/tests/fixtures/images");
    let out = Command::new(&python)
        .arg(format!("{root}/tests/reference/pillow_probe.py"))
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}; run `make venv`"));
    assert!(
        out.status.success(),
        "pillow_probe.py failed (is Pillow installed? run `make venv`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let (mut agree, mut differ, mut skipped, mut refused) = (0, Vec::new(), Vec::new(), Vec::new());
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let name = f[0];
        let bytes = std::fs::read(format!("{dir}/{name}")).expect("fixture");
        let ours = probe(&bytes);
        if f[1] != "ok" {
            skipped.push(format!("{name} ({})", f.get(2).unwrap_or(&"")));
            continue;
        }
        let Ok(info) = ours else {
            // Pillow opens it but we refuse: only acceptable for files meant to fail.
            refused.push(name.to_owned());
            continue;
        };
        let o: i64 = f[5].parse().expect("orientation");
        // The probe's rule: orientations outside 1-8 are 1.
        let o = if (1..=8).contains(&o) { o as u8 } else { 1 };
        let pillow = (format_name(f[2]), f[3].parse::<u64>().ok(), f[4].parse::<u64>().ok(), o);
        let mine = (
            Some(info.format.as_str()),
            Some(u64::from(info.width)),
            Some(u64::from(info.height)),
            info.orientation,
        );
        if pillow == mine {
            agree += 1;
        } else {
            differ.push(format!("{name}: pillow {pillow:?}, probe {mine:?}"));
        }
    }
    eprintln!(
        "Pillow agrees on {agree} fixtures; cannot open {}: {}",
        skipped.len(),
        skipped.join(", ")
    );
    eprintln!("Pillow opens, probe refuses: {refused:?}");
    assert!(differ.is_empty(), "probe and Pillow differ:\n{}", differ.join("\n"));
    let wrongly_refused: Vec<_> = refused.iter().filter(|n| !n.starts_with("bad-")).collect();
    assert!(
        wrongly_refused.is_empty(),
        "Pillow opens these but probe refuses: {wrongly_refused:?}"
    );
    assert!(agree >= MIN_COMPARED, "only {agree} fixtures compared with Pillow");
}
