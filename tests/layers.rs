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

/// One registered operation and the names it is known by.
struct Known {
    /// Its module under `src/`, the provider module declaring it.
    home: &'static str,
    provider: &'static str,
    /// Spellings found anywhere in a word, case-insensitively: module, type,
    /// `Operation` constant, action and method names, id, worker path.
    spellings: &'static [&'static str],
    /// Names too common to find inside other words, matched as whole
    /// identifiers with their case.
    words: &'static [&'static str],
}

const HUAWEI: &str = "api/huawei/mod.rs";
const TENCENT: &str = "api/tencent/mod.rs";

/// Every operation of `api::registry::OPERATIONS`.
const KNOWN: &[Known] = &[
    Known {
        home: "api/huawei/quota_invoice.rs",
        provider: HUAWEI,
        spellings: &["quota"],
        words: &[],
    },
    Known {
        home: "api/tencent/verify_basic_biz_license.rs",
        provider: TENCENT,
        spellings: &["basicbizlicense", "basic_biz_license"],
        words: &[],
    },
    Known {
        home: "api/tencent/verify_biz_license.rs",
        provider: TENCENT,
        spellings: &["verifybizlicense", "verify_biz_license", "bizlicense.detailed"],
        words: &["BizLicense"],
    },
    Known {
        home: "api/huawei/list_resource_instances.rs",
        provider: HUAWEI,
        spellings: &[
            "resourceinstances",
            "resource_instances",
            "resourcepager",
            "admincsmslist",
            "csms.list",
            "csms/list",
        ],
        words: &[],
    },
    Known {
        home: "api/huawei/delete_secret_tag.rs",
        provider: HUAWEI,
        spellings: &[
            "deletesecrettag",
            "delete_secret_tag",
            "admincsmsdeletetag",
            "csms.deletetag",
            "csms/delete-tag",
        ],
        words: &[],
    },
    Known {
        home: "api/huawei/create_app.rs",
        provider: HUAWEI,
        spellings: &["createapp", "create_app"],
        words: &["App"],
    },
    Known {
        home: "api/huawei/business_license.rs",
        provider: HUAWEI,
        spellings: &["businesslicense", "business_license", "business-license"],
        words: &[],
    },
    Known {
        home: "api/huawei/vat_invoice.rs",
        provider: HUAWEI,
        spellings: &["vatinvoice", "vat_invoice", "vat-invoice", "passengertravelitem"],
        words: &[],
    },
    Known {
        home: "api/tencent/biz_license_ocr.rs",
        provider: TENCENT,
        spellings: &[
            "bizlicenseocr",
            "biz_license_ocr",
            "biz-license-ocr",
            "bizlicensewarnings",
            "businesscertificatefield",
        ],
        words: &[],
    },
];

/// Files any operation may be named in besides its own module and its
/// provider module: the registry and the one JS file of per-operation
/// methods. Unit tests (after `#[cfg(test)]`) may use any operation.
const SHARED_HOMES: &[&str] = &["api/registry.rs", "js/operations.rs"];

/// The code of a file as the naming check reads it: before its unit tests,
/// without `pub use` statements (a re-export keeping a former path resolving
/// holds no code of the operation).
fn scanned(text: &str) -> String {
    let mut rest = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = String::new();
    while let Some(i) = rest.find("pub use ") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once(';').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

fn names(code: &str, lower: &str, op: &Known) -> bool {
    op.spellings.iter().any(|w| lower.contains(w))
        || code
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|t| op.words.contains(&t))
}

#[test]
fn an_operation_is_named_only_in_its_homes() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    let mut unseen = Vec::new();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|file| {
            let rel = file.strip_prefix(&src).unwrap().to_str().unwrap().replace('\\', "/");
            (rel, scanned(&fs::read_to_string(file).unwrap()))
        })
        .collect();
    for op in KNOWN {
        let homes = [op.home, op.provider, SHARED_HOMES[0], SHARED_HOMES[1]];
        let mut seen = 0;
        for (rel, code) in &texts {
            let named = names(code, &code.to_ascii_lowercase(), op);
            if homes.contains(&rel.as_str()) {
                seen += usize::from(named);
            } else if named {
                bad.push(format!("{rel}: {}", op.home));
            }
        }
        // The scan must see the operation where it does live, or it proves nothing.
        if seen != homes.len() {
            unseen.push(op.home);
        }
    }
    assert!(
        unseen.is_empty() && bad.is_empty(),
        "operations their homes no longer name:\n{}\nfiles naming an operation outside its homes \
         (file: the operation's module):\n{}",
        unseen.join("\n"),
        bad.join("\n")
    );
}

#[test]
fn every_registered_operation_is_known_to_the_naming_check() {
    let registry =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api/registry.rs"))
            .unwrap();
    let list = registry.split("pub const OPERATIONS").nth(1).unwrap();
    let list = &list[..list.find("];").unwrap()];
    let entries: Vec<&str> = list.lines().filter(|l| l.trim_start().starts_with('&')).collect();
    assert_eq!(entries.len(), KNOWN.len(), "{entries:?}");
    for op in KNOWN {
        let module = op.home.rsplit('/').next().unwrap().trim_end_matches(".rs");
        let entry = format!("&{module}::DESCRIPTOR,");
        assert!(entries.iter().any(|l| l.trim() == entry), "{entry} is not in the registry");
    }
    assert!(scanned("a pub use x::{quota, b};\nb").find("quota").is_none());
    assert!(names("let x: App;", "", &KNOWN[5]) && !names("Apps", "", &KNOWN[5]));
}
