//! Huawei OCR RecognizeQuotaInvoice and the gateway's authentication.

mod common;

use common::*;
use ocr_edge::sign::Payload;
use serde_json::json;

fn invoice_body() -> Vec<u8> {
    serde_json::to_vec(&json!({ "image": b64(INVOICE_PNG) })).unwrap()
}

#[test]
fn token_and_aksk_both_succeed_with_the_fixture_result() {
    let emu = Emulator::start(&[]);
    let body = invoice_body();
    let r = emu.send("POST", OCR_PATH, &token(), &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["result"]["number"], "91234561");
    assert_eq!(r.header("x-request-id").map(str::len), Some(32));
    let h = emu.hw_signed("POST", OCR_PATH, &body, "dev-ak", "dev-sk", now());
    let r = emu.send("POST", OCR_PATH, &h, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["result"]["location"], "广东省深圳市");
}

#[test]
fn unsigned_payload_is_accepted() {
    let emu = Emulator::start(&[]);
    let body = invoice_body();
    let h =
        hw_sign(&emu.host(), "POST", OCR_PATH, &body, "dev-ak", "dev-sk", now(), Payload::Unsigned);
    assert!(h.iter().any(|(k, v)| k == "X-Sdk-Content-Sha256" && v == "UNSIGNED-PAYLOAD"));
    let r = emu.send("POST", OCR_PATH, &h, &body);
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn auth_failures_have_the_gateway_codes() {
    let emu = Emulator::start(&[]);
    let body = invoice_body();
    // Wrong secret: APIGW.0301 with the canonical request, '|' for newlines.
    let h = emu.hw_signed("POST", OCR_PATH, &body, "dev-ak", "wrong-sk", now());
    let r = emu.send("POST", OCR_PATH, &h, &body);
    assert_eq!((r.status, r.code().as_str()), (401, "APIGW.0301"));
    let msg = r.json()["error_msg"].as_str().unwrap().to_owned();
    assert!(msg.contains("POST|/v2/") && msg.contains("|x-sdk-date:"), "{msg}");
    assert!(!msg.contains("wrong-sk") && !msg.contains("dev-sk"));
    // Tampered body.
    let h = emu.hw_signed("POST", OCR_PATH, &body, "dev-ak", "dev-sk", now());
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let r = emu.send("POST", OCR_PATH, &h, &tampered);
    assert_eq!(r.code(), "APIGW.0301");
    // Stale date: more than 15 minutes.
    let h = emu.hw_signed("POST", OCR_PATH, &body, "dev-ak", "dev-sk", now() - 16 * 60);
    let r = emu.send("POST", OCR_PATH, &h, &body);
    assert_eq!((r.status, r.code().as_str()), (401, "APIGW.0303"));
    // 14 minutes is fine.
    let h = emu.hw_signed("POST", OCR_PATH, &body, "dev-ak", "dev-sk", now() - 14 * 60);
    assert_eq!(emu.send("POST", OCR_PATH, &h, &body).status, 200);
    // Unknown AK.
    let h = emu.hw_signed("POST", OCR_PATH, &body, "nobody", "dev-sk", now());
    assert_eq!(emu.send("POST", OCR_PATH, &h, &body).code(), "APIGW.0301");
    // Missing X-Sdk-Date.
    let h: Vec<_> = emu
        .hw_signed("POST", OCR_PATH, &body, "dev-ak", "dev-sk", now())
        .into_iter()
        .filter(|(k, _)| k != "X-Sdk-Date")
        .collect();
    assert_eq!(emu.send("POST", OCR_PATH, &h, &body).code(), "APIGW.0301");
    // No credentials at all; a wrong token.
    let r = emu.send("POST", OCR_PATH, &[], &body);
    assert_eq!((r.status, r.code().as_str()), (401, "ModelArts.4101"));
    let r = emu.send("POST", OCR_PATH, &[("X-Auth-Token".into(), "nope".into())], &body);
    assert_eq!((r.status, r.code().as_str()), (401, "ModelArts.4103"));
    // A project the account does not have; a mismatching X-Project-Id.
    let other = "/v2/ffffffffffffffffffffffffffffffff/ocr/quota-invoice";
    assert_eq!(emu.send("POST", other, &token(), &body).code(), "ModelArts.4204");
    let h = emu.hw_signed("POST", other, &body, "dev-ak", "dev-sk", now());
    assert_eq!(emu.send("POST", other, &h, &body).status, 403);
}

#[test]
fn validation_codes() {
    let emu = Emulator::start(&[]);
    let post = |body: &[u8]| emu.send("POST", OCR_PATH, &token(), body);
    let code = |v: serde_json::Value| {
        let r = post(&serde_json::to_vec(&v).unwrap());
        assert_eq!(r.status, 400, "{}", r.text());
        r.code()
    };
    assert_eq!(post(b"not json").code(), "ModelArts.4105");
    assert_eq!(
        code(json!({ "image": b64(INVOICE_PNG), "url": "https://x.test/a.png" })),
        "AIS.0101"
    );
    assert_eq!(code(json!({})), "AIS.0101");
    assert_eq!(code(json!({ "url": "ftp://x.test/a.png" })), "AIS.0101");
    assert_eq!(code(json!({ "image": "not base64!" })), "AIS.0102");
    assert_eq!(code(json!({ "image": b64(b"plain text, not an image") })), "AIS.0102");
    let gif = b"GIF89a\x40\x00\x40\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x2c\x00\x00\x00\x00\x40\x00\x40\x00\x00\x02\x02\x44\x01\x00\x3b";
    assert_eq!(code(json!({ "image": b64(gif) })), "AIS.0104");
    let tiny = png_header(10, 10);
    assert_eq!(code(json!({ "image": b64(&tiny) })), "AIS.0103");
    let huge = png_header(5000, 100);
    assert_eq!(code(json!({ "image": b64(&huge) })), "AIS.0103");
    // Base64 over 10 MB (but under the 12 MB body limit).
    let big = "A".repeat(10 * 1024 * 1024 + 4);
    assert_eq!(code(json!({ "image": big })), "ModelArts.4104");
    // Over the body limit: refused from Content-Length.
    let r = post(&vec![b' '; 13 * 1024 * 1024]);
    assert_eq!(r.code(), "ModelArts.4104");
}

#[test]
fn urls_are_not_fetched_and_unknown_images_are_emulated() {
    let emu = Emulator::start(&[]);
    let post = |v: serde_json::Value| {
        emu.send("POST", OCR_PATH, &token(), &serde_json::to_vec(&v).unwrap())
    };
    let r = post(json!({ "url": "http://127.0.0.1/fixtures/quota-invoice.png" }));
    assert_eq!(r.json()["result"]["number"], "91234562");
    let r = post(json!({ "url": "https://bucket.example.test/unknown.png" }));
    let result = r.json()["result"].clone();
    assert_eq!(result["location"], "emulated");
    for k in ["number", "code", "amount", "location"] {
        assert!(result[k].is_string(), "{k}");
    }
    assert!(result["confidence"]["number"].is_number());
    let r = post(json!({ "image": b64(&png_header(64, 64)) }));
    assert_eq!(r.json()["result"]["location"], "emulated");
}

/// A PNG header the probe reads (signature and IHDR).
pub fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut v =
        vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    v
}

#[test]
fn content_type_must_be_json_as_documented() {
    let emu = Emulator::start(&[]);
    let licence = serde_json::to_vec(&json!({ "image": b64(LICENSE_PNG) })).unwrap();
    let paths = [
        (OCR_PATH.to_owned(), invoice_body()),
        (format!("/v2/{PROJECT}/ocr/business-license"), licence.clone()),
        (format!("/v2/{PROJECT}/ocr/vat-invoice"), licence),
    ];
    for (path, body) in &paths {
        let with = |ct: Option<&str>| {
            let mut h = vec![("X-Auth-Token".to_owned(), "dev-token".to_owned())];
            if let Some(ct) = ct {
                h.push(("Content-Type".to_owned(), ct.to_owned()));
            }
            emu.send("POST", path, &h, body)
        };
        for ok in [
            "application/json",
            "application/json;charset=UTF-8",
            "Application/JSON ; charset=utf-8",
        ] {
            let r = with(Some(ok));
            assert_ne!(r.code(), "AIS.0101", "{path} {ok}: {}", r.text());
        }
        for bad in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
            let r = with(bad);
            assert_eq!((r.status, r.code().as_str()), (400, "AIS.0101"), "{path} {bad:?}");
        }
    }
    let ok = |ct: &str| {
        let h = vec![
            ("X-Auth-Token".to_owned(), "dev-token".to_owned()),
            ("Content-Type".to_owned(), ct.to_owned()),
        ];
        emu.send("POST", OCR_PATH, &h, &invoice_body()).status
    };
    assert_eq!(ok("application/json;charset=UTF-8"), 200);
}
