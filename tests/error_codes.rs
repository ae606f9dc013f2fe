//! The error-code catalogue (`error::CODES`) is the one list: every code
//! string under `src/` and in the package's JS is in it, and the `.d.ts`
//! union (`ErrorCode` in `src/js/error.rs`) names exactly its codes.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use ocr_edge::error::{code_info, CODES};

/// Dotted lower-case literals that are names, not error codes.
const NOT_CODES: &[&str] = &[
    "huawei.quotaInvoice",
    "tencent.bizLicense",
    "tencent.bizLicense.detailed",
    "admin.csms.list",
    "admin.csms.deleteTag",
    "admin.apig.createApp",
];

fn files(dir: &Path, ext: &[&str], out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if ext.iter().any(|x| p.extension().is_some_and(|e| e == *x)) {
            out.push(p);
        }
    }
}

/// String literals that look like our codes: `word.word[.word]`, lower
/// case and `_`, no digits in the first word, and not a host or file name.
fn code_like(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split('"').skip(1).step_by(2) {
        let segs: Vec<&str> = part.split('.').collect();
        let word =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        let looks = segs.len() >= 2 && segs.len() <= 3 && segs.iter().all(|s| word(s));
        let host = ["com", "example", "invalid", "jpg", "png", "js", "wasm", "rs", "json"]
            .iter()
            .any(|t| segs.last() == Some(t) || segs.contains(t));
        if looks && !host {
            out.push(part.to_owned());
        }
    }
    out
}

#[test]
fn every_code_under_src_is_in_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), &["rs"], &mut paths);
    files(&root.join("pkg-template"), &["js", "cjs", "mjs"], &mut paths);
    let mut strays = BTreeSet::new();
    let mut seen = 0;
    for p in &paths {
        let text = fs::read_to_string(p).unwrap();
        for code in code_like(&text) {
            seen += 1;
            if code_info(&code).is_none() && !NOT_CODES.contains(&code.as_str()) {
                strays.insert(format!("{code} ({})", p.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(seen > 100, "the scan found the codes ({seen})");
    assert!(strays.is_empty(), "codes missing from error::CODES: {strays:?}");
}

#[test]
fn the_catalogue_is_sorted_unique_and_typed_as_the_ts_union() {
    let codes: Vec<&str> = CODES.iter().map(|c| c.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted, "sorted, no duplicates");
    for c in CODES {
        assert!(!c.meaning.is_empty() && c.meaning.len() < 100, "{}: one line", c.code);
    }
    let ts =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/js/error.rs")).unwrap();
    let start = ts.find("export type ErrorCode =").expect("the union");
    let end = start + ts[start..].find(';').unwrap();
    let union: Vec<String> = ts[start..end]
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_start_matches("| ").trim_matches('"').trim_matches('`').to_owned())
        .map(|l| if l == "http.${number}" { "http.<status>".to_owned() } else { l })
        .collect();
    assert_eq!(union, codes, "ErrorCode in the .d.ts lists error::CODES in order");
}

#[test]
fn codes_keep_their_kind_and_http_statuses_resolve() {
    assert_eq!(code_info("http.404").unwrap().code, "http.<status>");
    assert_eq!(code_info("aborted").unwrap().kind.as_str(), "aborted");
    assert!(code_info("AIS.0103").is_none(), "provider codes are not ours");
    // The shorthand constructors' errors carry a catalogued kind.
    let e = ocr_edge::api::regnum::validate_reg_num("911101085636549483").unwrap_err();
    assert_eq!(code_info(e.code()).unwrap().kind, e.kind());
}
