//! Runs tests/interop/emulator_sdk.py: the official Python SDKs (Huawei OCR,
//! CSMS and the core Signer; Tencent CommonClient and OcrClient) against the emulator.

mod common;

use std::path::Path;
use std::process::Command;

use common::Emulator;

#[test]
fn official_python_sdks_talk_to_the_emulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv/bin/python");
    assert!(python.exists(), "no Python venv at {}: run make venv", python.display());
    let probe = Command::new(&python)
        .args([
            "-c",
            "import huaweicloudsdkocr, huaweicloudsdkcsms, huaweicloudsdkcore, tencentcloud.common, tencentcloud.ocr",
        ])
        .status()
        .expect("run python");
    assert!(probe.success(), "the venv lacks the SDKs of tests/requirements.txt: run make venv");
    let emu = Emulator::start(&[]);
    let out = Command::new(&python)
        .arg(root.join("tests/interop/emulator_sdk.py"))
        .arg(format!("http://{}", emu.host()))
        .output()
        .expect("run the interop script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "interop failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("0 failure(s)"), "{stdout}");
    assert!(stdout.lines().filter(|l| l.starts_with("ok ")).count() >= 36, "{stdout}");
}
