//! Every operation in the crate's registry, built by its own descriptor,
//! signed as the clients sign it, answered by the emulator and read back by
//! the descriptor's parser: an operation added to the registry without an
//! emulator route (or a case here) fails this test.

mod common;

use common::{now, Emulator};
use ocr_edge::api::fields::{Fields, Image};
use ocr_edge::api::operation::{Context, Provider};
use ocr_edge::api::registry::OPERATIONS;
use ocr_edge::api::signing::{sign_huawei, sign_tencent, HuaweiAuth, Upstream};
use ocr_edge::sign::Credentials;
use serde_json::{json, Value};

const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// The parameters each registered operation is called with, by its id, and
/// the fixture image of those that take one.
fn case(id: &str) -> Option<(Value, Option<&'static str>)> {
    Some(match id {
        "huawei.quotaInvoice" => (json!({}), Some("quota-invoice.png")),
        "huawei.businessLicense" => (json!({}), Some("biz-license.png")),
        "huawei.vatInvoice" => (json!({ "advancedMode": true }), Some("vat-invoice.png")),
        "tencent.bizLicense" | "tencent.bizLicense.detailed" => {
            (json!({ "regNum": "91110108EMU0000159" }), None)
        }
        "tencent.bizLicenseOcr" => (json!({ "enableCopyWarn": true }), Some("biz-license.png")),
        "admin.csms.list" => {
            (json!({ "action": "filter", "tags": [{ "key": "env", "values": ["prod"] }] }), None)
        }
        "admin.csms.deleteTag" => {
            (json!({ "secretId": "5ec7e7a0-0000-4000-8000-000000000001", "key": "team" }), None)
        }
        "admin.apig.createApp" => (json!({ "name": "registry_app" }), None),
        _ => return None,
    })
}

#[test]
fn every_registered_operation_is_served_and_read_back() {
    let emu = Emulator::start(&[]);
    let up = Upstream::parse(&format!("http://{}", emu.host())).unwrap();
    let huawei = Credentials::new("dev-ak", "dev-sk").unwrap();
    let tencent = Credentials::new("dev-secret-id", "dev-secret-key").unwrap();
    let ctx = Context { project_id: PROJECT_ID, ..Context::default() };
    let mut missing = Vec::new();
    for d in OPERATIONS {
        let Some((params, image)) = case(d.id) else {
            missing.push(d.id);
            continue;
        };
        let body = serde_json::to_vec(&params).unwrap();
        let mut fields = Fields::from_json(&body, d.image_keys).unwrap();
        let bytes = image.map(|name| {
            let path = format!("{}/fixtures/images/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        });
        if let Some(b) = &bytes {
            fields.set_image(vec![(d.image_keys[0].to_owned(), Image::Bytes(b.into()))]).unwrap();
        }
        let prepared = (d.build)(&ctx, &fields).unwrap_or_else(|e| panic!("{}: build: {e}", d.id));
        let out = match d.provider {
            Provider::Huawei(_) => {
                sign_huawei(&prepared, &up, HuaweiAuth::AkSk(&huawei), PROJECT_ID, now())
            }
            Provider::Tencent => sign_tencent(&prepared, &up, &tencent, None, now()),
        }
        .unwrap_or_else(|e| panic!("{}: sign: {e}", d.id));
        let target = out.url.split_once(&emu.host()).map_or("/", |(_, rest)| rest).to_owned();
        let target = if target.is_empty() { "/".to_owned() } else { target };
        let headers: Vec<(String, String)> =
            out.headers.into_iter().filter(|(k, _)| !k.eq_ignore_ascii_case("host")).collect();
        let r = emu.send(out.method, &target, &headers, &prepared.body);
        assert_eq!(r.status, d.success, "{}: {} {}", d.id, r.status, r.text());
        let answer = (d.answer)(r.status, r.header("x-request-id"), &r.body)
            .unwrap_or_else(|e| panic!("{}: the parser refused the emulator's answer: {e}", d.id));
        if d.success != 204 {
            let v: Value = serde_json::from_str(&answer.expect("a result body")).unwrap();
            assert!(v.is_object() || v.is_array(), "{}: {v}", d.id);
        }
    }
    assert!(missing.is_empty(), "registered operations with no case here: {missing:?}");
}
