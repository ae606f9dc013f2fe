//! Every image fixture against golden.tsv, plus prefix reading and truncation
//! properties. Fixtures are embedded so this runs on wasm32 (Node, Chromium)
//! as well as natively.

use ocr_edge::image::{probe, probe_prefix, ImageInfo, Partial};

#[allow(missing_docs)]
mod list {
    include!("fixtures/images/list.rs");
}
use list::FIXTURES;

const GOLDEN: &str = include_str!("fixtures/images/golden.tsv");
/// The error codes the probe may return.
const CODES: [&str; 4] =
    ["image.empty", "image.unknown_format", "image.truncated", "image.corrupt"];

/// One golden row: the expected probe result, or the expected error code.
struct Row<'a> {
    file: &'a str,
    expect: Result<(&'a str, [u64; 6], u64), &'a str>,
}

fn golden() -> Vec<Row<'static>> {
    let mut rows = Vec::new();
    for line in GOLDEN.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 9, "golden row has 9 fields: {line}");
        let expect = if f[8] != "-" {
            Err(f[8])
        } else {
            let n = |i: usize| f[i].parse::<u64>().unwrap_or_else(|_| panic!("number in {line}"));
            Ok((f[1], [n(2), n(3), n(4), n(5), n(6), 0], n(7)))
        };
        rows.push(Row { file: f[0], expect });
    }
    rows
}

fn bytes_of(name: &str) -> &'static [u8] {
    FIXTURES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b).unwrap_or_else(|| {
        panic!("{name} is in golden.tsv but not in list.rs: rerun make_fixtures.py")
    })
}

fn summary(i: &ImageInfo) -> (&'static str, [u64; 6], u64) {
    let o = u64::from(i.orientation);
    let d = [i.width, i.height, 0, i.display_width, i.display_height].map(u64::from);
    (i.format.as_str(), [d[0], d[1], o, d[3], d[4], 0], i.byte_length)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_fixture_matches_golden() {
    let mut wrong = Vec::new();
    let rows = golden();
    for row in &rows {
        let got = probe(bytes_of(row.file));
        let ok = match (&row.expect, &got) {
            (Ok(want), Ok(info)) => summary(info) == *want,
            (Err(code), Err(e)) => e.code() == *code,
            _ => false,
        };
        if !ok {
            wrong.push(format!("{}: expected {:?}, got {:?}", row.file, row.expect, got));
        }
    }
    assert!(wrong.is_empty(), "{} fixtures differ from golden:\n{}", wrong.len(), wrong.join("\n"));
    assert!(rows.len() >= 100, "only {} golden rows", rows.len());
    for format in ["jpeg", "png", "bmp", "tiff", "gif", "webp", "heif", "avif"] {
        let n = rows.iter().filter(|r| r.expect.as_ref().is_ok_and(|e| e.0 == format)).count();
        assert!(n >= 2, "{format} has {n} fixtures");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn golden_and_list_name_the_same_files() {
    let mut g: Vec<&str> = golden().iter().map(|r| r.file).collect();
    let mut l: Vec<&str> = FIXTURES.iter().map(|(n, _)| *n).collect();
    g.sort_unstable();
    l.sort_unstable();
    assert_eq!(g, l);
    for (name, _) in FIXTURES {
        let fails = golden().iter().any(|r| r.file == *name && r.expect.is_err());
        assert_eq!(name.starts_with("bad-"), fails, "{name}: only bad-* files may fail");
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn golden_lists_every_file_in_the_folder() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/images");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".py") && !n.ends_with(".mjs"))
        .filter(|n| !matches!(n.as_str(), "golden.tsv" | "list.rs"))
        .collect();
    on_disk.sort_unstable();
    let mut g: Vec<String> = golden().iter().map(|r| r.file.to_owned()).collect();
    g.sort_unstable();
    assert_eq!(on_disk, g, "golden.tsv and the folder differ: rerun make_fixtures.py");
}

/// How a prefix walk went: the result, the steps, the prefix length at the
/// end, and the bytes really read when skipped ranges are not fetched.
struct Walk {
    result: Result<ImageInfo, String>,
    steps: usize,
    prefix: usize,
    read: usize,
}

/// Follows NeedMore from an empty prefix. With `window`, only the last
/// `window` bytes of each request are real and the gap before them is
/// garbage: the result must not change, which shows skipped ranges are never
/// looked at (a range-reading shell need not fetch them).
fn walk(bytes: &[u8], window: Option<usize>) -> Walk {
    let total = bytes.len();
    let mut buf: Vec<u8> = Vec::new();
    let (mut steps, mut read) = (0, 0);
    loop {
        match probe_prefix(&buf, total as u64) {
            Ok(Partial::Done(info)) => {
                return Walk { result: Ok(info), steps, prefix: buf.len(), read };
            }
            Err(e) => {
                return Walk { result: Err(e.code().to_owned()), steps, prefix: buf.len(), read }
            }
            Ok(Partial::NeedMore(n)) => {
                assert!(n > buf.len() && n <= total, "NeedMore({n}) with {} of {total}", buf.len());
                steps += 1;
                assert!(steps < 1000, "no end to NeedMore");
                let real_from = window.map_or(buf.len(), |w| n.saturating_sub(w).max(buf.len()));
                buf.resize(real_from, 0xA5);
                buf.extend_from_slice(&bytes[real_from..n]);
                read += n - real_from;
            }
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn prefix_walk_agrees_with_whole_file_probe() {
    for (name, bytes) in FIXTURES {
        let whole = probe(bytes).map_err(|e| e.code().to_owned());
        let w = walk(bytes, None);
        assert_eq!(w.result, whole, "{name}: prefix walk");
        assert!(w.steps <= 12, "{name}: {} NeedMore steps", w.steps);
        // An EXIF APP1 is at most 64 KiB, so that window covers every read.
        let sparse = walk(bytes, Some(65_536 + 64));
        assert_eq!(sparse.result, whole, "{name}: sparse walk");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn large_app_segments_take_few_steps_and_few_bytes() {
    let bytes = bytes_of("jpeg-large-app.jpg");
    assert!(bytes.len() > 250_000);
    let w = walk(bytes, None);
    assert_eq!(w.result.map(|i| (i.width, i.height)), Ok((32, 24)));
    // One step per segment before the frame: APP0, XMP, four ICC chunks, tables.
    assert!(w.steps <= 10, "{} steps", w.steps);
    assert!(w.prefix < bytes.len(), "the prefix stops at the frame header");
    let s = walk(bytes, Some(16));
    assert_eq!(s.result.map(|i| (i.width, i.height)), Ok((32, 24)));
    assert!(s.read < 1_000, "{} of {} bytes read", s.read, bytes.len());
}

/// Every truncation of every fixture (the first 4 KiB of lengths for large
/// files) gives a result or a typed error, never a panic; a prefix of a
/// valid file never errs, and a finished prefix agrees with the whole.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn truncations_never_panic() {
    for (name, bytes) in FIXTURES {
        let whole = probe(bytes);
        let total = bytes.len() as u64;
        for n in 0..bytes.len().min(4096) {
            let cut = &bytes[..n];
            if let Err(e) = probe(cut) {
                assert!(CODES.contains(&e.code()), "{name}[..{n}]: {}", e.code());
            }
            match (probe_prefix(cut, total), &whole) {
                (Ok(Partial::NeedMore(m)), _) => {
                    assert!(m > n && m as u64 <= total, "{name}[..{n}]: NeedMore({m})")
                }
                (Ok(Partial::Done(info)), Ok(w)) => assert_eq!(info, *w, "{name}[..{n}]"),
                (Ok(Partial::Done(_)), Err(_)) => panic!("{name}[..{n}]: done but whole fails"),
                (Err(e), Ok(_)) => panic!("{name}[..{n}]: {} on a valid file", e.code()),
                (Err(e), Err(_)) => assert!(CODES.contains(&e.code())),
            }
        }
    }
}

/// Single-byte changes in the first bytes of every fixture never panic.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn byte_flips_never_panic() {
    for (_, bytes) in FIXTURES {
        let mut b = bytes.to_vec();
        for i in 0..b.len().min(200) {
            let keep = b[i];
            for v in [0x00, 0xFF, keep ^ 0x80, 0x01] {
                b[i] = v;
                if let Err(e) = probe(&b) {
                    assert!(CODES.contains(&e.code()));
                }
                let _ = probe_prefix(&b[..b.len() / 2], b.len() as u64);
            }
            b[i] = keep;
        }
    }
}
