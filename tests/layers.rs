//! The layering of ARCHITECTURE.md, checked from the source: a module may
//! name `crate::X` only when X sits on a lower layer (or is itself), so no
//! import runs up a layer and no two top-level modules import each other.

use std::fs;
use std::path::Path;

/// Layer of each top-level module; lower numbers sit lower.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("date", 0),
    ("retry", 1),
    ("image", 1),
    ("sign", 1),
    ("api", 2),
    ("worker", 3),
    ("js", 4),
];

fn layer(module: &str) -> Option<u8> {
    match module {
        // The root re-exports of error.rs.
        "Error" | "ErrorKind" | "Result" => Some(0),
        _ => LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::name` a line of code (not a comment) refers to.
fn crate_refs(line: &str) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    let mut refs = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String =
            after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            refs.push(name);
        }
        rest = after;
    }
    refs
}

#[test]
fn no_import_runs_up_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_str().unwrap();
        let top = top.trim_end_matches(".rs");
        if top == "lib" {
            continue;
        }
        let own = layer(top).unwrap_or_else(|| panic!("{top} has no layer in LAYERS"));
        for (n, line) in fs::read_to_string(file).unwrap().lines().enumerate() {
            for name in crate_refs(line) {
                checked += 1;
                let theirs = layer(&name).unwrap_or_else(|| panic!("crate::{name} has no layer"));
                if name != top && theirs >= own {
                    bad.push(format!("{}:{}: {top} -> crate::{name}", rel.display(), n + 1));
                }
            }
        }
    }
    assert!(checked > 50, "the scan found only {checked} references");
    assert!(bad.is_empty(), "imports up or across a layer:\n{}", bad.join("\n"));
}

#[test]
fn the_scan_sees_references() {
    assert_eq!(crate_refs("use crate::api::{x, y};"), vec!["api"]);
    assert_eq!(
        crate_refs("    let e = crate::error::Error::new(crate::ErrorKind::X);"),
        vec!["error", "ErrorKind"]
    );
    assert!(crate_refs("/// see [`crate::worker`]").is_empty());
}

/// Files that may name a particular operation: its own module, the provider
/// module declaring it, the registry and the one JS file of per-operation
/// methods. Unit tests (after `#[cfg(test)]`) may use any operation.
const OPERATION_HOMES: &[&str] =
    &["api/huawei/quota_invoice.rs", "api/huawei/mod.rs", "api/registry.rs", "js/operations.rs"];

/// The spellings of one operation: its id, provider name, path, types.
const QUOTA_INVOICE: &[&str] = &["quota"];

#[test]
fn an_operation_is_named_only_in_its_homes() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    let mut homes_seen = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_str().unwrap().replace('\\', "/");
        let text = fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("").to_ascii_lowercase();
        let named = QUOTA_INVOICE.iter().any(|w| code.contains(w));
        if OPERATION_HOMES.contains(&rel.as_str()) {
            homes_seen += usize::from(named);
        } else if named {
            bad.push(rel);
        }
    }
    // The scan must see the operation where it does live, or it proves nothing.
    assert_eq!(homes_seen, OPERATION_HOMES.len(), "the operation's homes no longer name it");
    assert!(bad.is_empty(), "files naming the quota-invoice operation:\n{}", bad.join("\n"));
}
