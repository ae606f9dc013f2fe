//! The three live OCR calls (RecognizeBusinessLicense, RecognizeVatInvoice,
//! BizLicenseOCR) built and signed here and by the official Python SDKs'
//! own service clients (tests/interop/sdk_requests.py, clock fixed, nothing
//! sent): the same URL, the same body bytes, the same signing headers and,
//! with the two headers we deliberately set otherwise taken from the SDK
//! (Content-Type: `application/json` with or without a charset; Huawei's
//! SDK also signs its User-Agent, which we neither send nor sign), the same
//! Authorization.
//!
//! Needs the venv (`make venv`); `OCR_EDGE_PYTHON` overrides the interpreter.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use ocr_edge::api::huawei::business_license::{recognize_business_license, BusinessLicenseParams};
use ocr_edge::api::huawei::vat_invoice::{recognize_vat_invoice, VatInvoiceParams};
use ocr_edge::api::signing::{sign_huawei, sign_tencent, HuaweiAuth, Outgoing, Upstream};
use ocr_edge::api::tencent::biz_license_ocr::{biz_license_ocr, BizLicenseOcrParams};
use ocr_edge::api::{ImageInput, PreparedRequest};
use ocr_edge::image::Megabytes;
use ocr_edge::sign::{huawei, Credentials, Payload, SignableRequest};
use serde_json::{json, Value};

const LICENCE: &[u8] = include_bytes!("../emulator/fixtures/images/biz-license.png");
const VAT_PNG: &[u8] = include_bytes!("../emulator/fixtures/images/vat-invoice.png");
const VAT_PDF: &[u8] = include_bytes!("../emulator/fixtures/images/vat-invoice.pdf");
const VAT_OFD: &[u8] = include_bytes!("../emulator/fixtures/images/vat-invoice.ofd");
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn python() -> PathBuf {
    let path = std::env::var_os("OCR_EDGE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"));
    assert!(path.exists(), "no Python at {}: run make venv", path.display());
    path
}

fn run_peer(cases: &[Value]) -> Vec<Value> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/sdk_requests.py");
    let mut child = Command::new(python())
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the Python peer");
    let mut stdin = child.stdin.take().expect("peer stdin");
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().expect("peer stdout");
    let answers: Vec<Value> = BufReader::new(stdout)
        .lines()
        .map(|l| serde_json::from_str(&l.expect("read peer")).expect("peer JSON"))
        .collect();
    writer.join().expect("writer").expect("write to peer");
    assert!(child.wait().expect("peer exits").success(), "the peer failed (run make venv)");
    assert_eq!(answers.len(), cases.len());
    answers
}

fn b64(bytes: &[u8]) -> String {
    let body = ocr_edge::image::body::json_with_base64(&[], "i", bytes);
    String::from_utf8(body[6..body.len() - 2].to_vec()).expect("ascii")
}

/// One call: our request, and the SDK model body that describes it.
struct Case {
    name: &'static str,
    ours: PreparedRequest,
    scheme: &'static str,
    op: &'static str,
    body: Value,
    enterprise_project_id: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let m = Megabytes::Decimal;
    let hw_lic = |p: BusinessLicenseParams<'_>| {
        recognize_business_license(Some("cn-north-4"), PROJECT, &p, m).expect("builds")
    };
    let hw_vat = |p: VatInvoiceParams<'_>| {
        recognize_vat_invoice(Some("cn-east-3"), PROJECT, &p, m).expect("builds")
    };
    let tc = |p: BizLicenseOcrParams<'_>| biz_license_ocr(&p, m).expect("builds");
    let url = "https://img.example.test/dir/licence%20scan.png?sig=a+b/c";
    vec![
        Case {
            name: "business licence, image",
            ours: hw_lic(BusinessLicenseParams {
                image: Some(ImageInput::Bytes(LICENCE)),
                ..Default::default()
            }),
            scheme: "huawei",
            op: "business_license",
            body: json!({ "image": b64(LICENCE) }),
            enterprise_project_id: None,
        },
        Case {
            name: "business licence, url and enterprise project",
            ours: hw_lic(BusinessLicenseParams {
                url: Some(url),
                enterprise_project_id: Some("ep-1"),
                ..Default::default()
            }),
            scheme: "huawei",
            op: "business_license",
            body: json!({ "url": url }),
            enterprise_project_id: Some("ep-1"),
        },
        Case {
            name: "vat invoice, png, every option",
            ours: hw_vat(VatInvoiceParams {
                image: Some(ImageInput::Bytes(VAT_PNG)),
                advanced_mode: Some(true),
                return_text_location: Some(false),
                page_num: Some(1),
                ofd_to_image_mode: Some(true),
                ..Default::default()
            }),
            scheme: "huawei",
            op: "vat_invoice",
            body: json!({ "image": b64(VAT_PNG), "advanced_mode": true,
                "return_text_location": false, "page_num": 1, "ofd_to_image_mode": true }),
            enterprise_project_id: None,
        },
        Case {
            name: "vat invoice, pdf page 2",
            ours: hw_vat(VatInvoiceParams {
                image: Some(ImageInput::Bytes(VAT_PDF)),
                page_num: Some(2),
                ..Default::default()
            }),
            scheme: "huawei",
            op: "vat_invoice",
            body: json!({ "image": b64(VAT_PDF), "page_num": 2 }),
            enterprise_project_id: None,
        },
        Case {
            name: "vat invoice, ofd by base64",
            ours: hw_vat(VatInvoiceParams {
                image: Some(ImageInput::Base64(&b64(VAT_OFD))),
                ..Default::default()
            }),
            scheme: "huawei",
            op: "vat_invoice",
            body: json!({ "image": b64(VAT_OFD) }),
            enterprise_project_id: None,
        },
        Case {
            name: "BizLicenseOCR, image and every flag",
            ours: tc(BizLicenseOcrParams {
                image: Some(ImageInput::Bytes(LICENCE)),
                enable_copy_warn: Some(true),
                enable_period_complete: Some(false),
                enable_business_certificate: Some(true),
                ..Default::default()
            }),
            scheme: "tencent",
            op: "biz_license_ocr",
            body: json!({ "ImageBase64": b64(LICENCE), "EnableCopyWarn": true,
                "EnablePeriodComplete": false, "EnableBusinessCertificate": true }),
            enterprise_project_id: None,
        },
        Case {
            name: "BizLicenseOCR, url",
            ours: tc(BizLicenseOcrParams { image_url: Some(url), ..Default::default() }),
            scheme: "tencent",
            op: "biz_license_ocr",
            body: json!({ "ImageUrl": url }),
            enterprise_project_id: None,
        },
    ]
}

fn header<'a>(answer: &'a Value, name: &str) -> &'a str {
    answer["headers"][name].as_str().unwrap_or_else(|| panic!("the SDK sent no {name}"))
}

#[test]
fn live_ocr_requests_are_built_and_signed_as_the_sdks_do() {
    let cases = cases();
    let (ak, sk) = ("QTWAOYTTINDUT2QVKYUC", "s3cr3t/+=秘");
    let creds = Credentials::new(ak, sk).expect("credentials");
    let time = 1_733_100_000u64;
    let input: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let region = if c.op == "vat_invoice" { "cn-east-3" } else { "cn-north-4" };
            json!({ "id": i, "scheme": c.scheme, "op": c.op, "ak": ak, "sk": sk,
                "secret_id": ak, "secret_key": sk, "project_id": PROJECT,
                "region": if c.scheme == "tencent" { "ap-guangzhou" } else { region },
                "time": time, "body": c.body, "enterprise_project_id": c.enterprise_project_id })
        })
        .collect();
    let answers = run_peer(&input);
    let mut failures = Vec::new();
    for (c, theirs) in cases.iter().zip(&answers) {
        if let Some(e) = theirs.get("error") {
            failures.push(format!("{}: peer error {e}", c.name));
            continue;
        }
        let mut ours = c.ours.clone();
        let sdk_body = theirs["body"].as_str().unwrap_or_default();
        if ours.body != sdk_body.as_bytes() {
            failures.push(format!(
                "{}: body differs\n ours:   {:.300}\n theirs: {sdk_body:.300}",
                c.name,
                String::from_utf8_lossy(&ours.body)
            ));
        }
        // The two headers we set otherwise, as the SDK sets them.
        for (k, v) in &mut ours.headers {
            if k.eq_ignore_ascii_case("content-type") {
                *v = header(theirs, "Content-Type").to_owned();
            }
        }
        let out = if c.scheme == "huawei" {
            let to = Upstream::https(&ours.host);
            let out =
                sign_huawei(&ours, &to, HuaweiAuth::AkSk(&creds), PROJECT, time).expect("signs");
            // The SDK also signs its User-Agent: sign the same headers with every one listed.
            ours.headers.push(("User-Agent".into(), header(theirs, "User-Agent").into()));
            let mut req = SignableRequest::new(ours.method, &ours.host, &ours.path)
                .with_payload(Payload::Bytes(&ours.body));
            req.headers = ours.headers.clone();
            let params = huawei::SigningParams::new(time)
                .with_project_id(PROJECT.to_owned())
                .with_signed_headers(huawei::SignedHeaders::All);
            let all = huawei::sign(&req, &creds, &params).expect("signs");
            let mut headers = out.headers.clone();
            headers.retain(|(k, _)| k != "Authorization");
            headers.push(("Authorization".into(), all.authorization().to_owned()));
            Outgoing { headers, ..out }
        } else {
            let language = theirs["headers"]["X-TC-Language"].as_str();
            let to = Upstream::https(&ours.host);
            sign_tencent(&ours, &to, &creds, language, time).expect("signs")
        };
        if out.url != theirs["url"].as_str().unwrap_or_default() {
            failures.push(format!("{}: url ours {} theirs {}", c.name, out.url, theirs["url"]));
        }
        let auth = out.headers.iter().find(|(k, _)| k == "Authorization").map(|(_, v)| v.as_str());
        if auth != Some(header(theirs, "Authorization")) {
            failures.push(format!(
                "{}: Authorization differs\n ours:   {auth:?}\n theirs: {}",
                c.name,
                header(theirs, "Authorization")
            ));
        }
        // Every signing header the SDK sends, we send alike.
        for name in [
            "X-Sdk-Date",
            "X-Project-Id",
            "Enterprise-Project-Id",
            "X-TC-Action",
            "X-TC-Version",
            "X-TC-Region",
            "X-TC-Timestamp",
        ] {
            let sdk = theirs["headers"][name].as_str();
            let mine = out
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str());
            if sdk != mine {
                failures.push(format!("{}: header {name} ours {mine:?} theirs {sdk:?}", c.name));
            }
        }
    }
    eprintln!(
        "live ops: {} of {} calls agree with the SDKs",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
