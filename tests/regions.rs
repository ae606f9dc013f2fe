//! The Huawei regions each service is reached in, checked against the
//! official Python SDKs' own region lists (OCR, CSMS on the KMS host, APIG):
//! a region they list builds its host, and one they do not is refused as
//! `region.unknown` before any request.
//!
//! Needs the venv (`make venv`); `OCR_EDGE_PYTHON` overrides the interpreter.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use ocr_edge::api::endpoints::{huawei_host, HuaweiService};

fn python() -> PathBuf {
    let path = std::env::var_os("OCR_EDGE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"));
    assert!(path.exists(), "no Python at {}: run make venv", path.display());
    path
}

/// The region ids the SDK's `<Service>Region` class lists.
fn sdk_regions(module: &str, class: &str) -> BTreeSet<String> {
    let script = format!(
        "from {module} import {class} as R\n\
         print('\\n'.join(r.id for r in vars(R).values() if type(r).__name__ == 'Region'))"
    );
    let out = Command::new(python()).args(["-c", &script]).output().expect("python runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn regions_are_the_sdks_own() {
    for (service, module, class) in [
        (HuaweiService::Ocr, "huaweicloudsdkocr.v1.region.ocr_region", "OcrRegion"),
        (HuaweiService::Kms, "huaweicloudsdkcsms.v1.region.csms_region", "CsmsRegion"),
        (HuaweiService::Apig, "huaweicloudsdkapig.v2.region.apig_region", "ApigRegion"),
    ] {
        let sdk = sdk_regions(module, class);
        assert!(sdk.len() > 5, "{module}: {sdk:?}");
        let ours: BTreeSet<String> = service.regions().iter().map(|r| (*r).to_owned()).collect();
        assert_eq!(ours, sdk, "{service:?}");
        for r in &sdk {
            let host = huawei_host(service, Some(r)).unwrap();
            assert_eq!(host, format!("{}.{r}.myhuaweicloud.com", service.label()));
        }
    }
    let e = huawei_host(HuaweiService::Ocr, Some("mars-1")).unwrap_err();
    assert_eq!(e.code(), "region.unknown");
    assert!(e.message().contains("endpoint"), "{}", e.message());
    // A region one service has and another lacks.
    assert!(huawei_host(HuaweiService::Kms, Some("cn-north-9")).is_ok());
    assert_eq!(
        huawei_host(HuaweiService::Ocr, Some("cn-north-9")).unwrap_err().code(),
        "region.unknown"
    );
}
