//! The signing clients against the emulator, in Node and in Chromium:
//! every operation, the typed errors, retries, timeouts and non-JSON answers.
//! Run through `scripts/with-emulator.sh`, which sets OCR_EDGE_EMULATOR.
#![cfg(all(target_arch = "wasm32", feature = "clients"))]

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use ocr_edge::js::huawei::HuaweiClient;
use ocr_edge::js::tencent::TencentClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const EMULATOR: &str = match option_env!("OCR_EDGE_EMULATOR") {
    Some(url) => url,
    None => "http://127.0.0.1:18787",
};
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const INVOICE: &[u8] = include_bytes!("../emulator/fixtures/images/quota-invoice.png");
const LICENCE: &[u8] = include_bytes!("../emulator/fixtures/images/biz-license.png");
const CREDIT_CODE: &str = "91110108EMU0000159";

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn field(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, k| {
        if v.is_object() {
            Reflect::get(&v, &k.into()).unwrap()
        } else {
            JsValue::UNDEFINED
        }
    })
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "call failed: {} {}",
            field(&e, "code").as_string().unwrap_or_default(),
            field(&e, "message").as_string().unwrap_or_default()
        ),
    }
}

async fn err(p: Promise) -> JsValue {
    JsFuture::from(p).await.expect_err("the call should fail")
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

/// The emulator's own endpoints: arm a fault on a route, reset, read stats.
async fn emulator(path: &str, body: Option<String>) -> JsValue {
    let fetch: Function =
        Reflect::get(&js_sys::global(), &"fetch".into()).unwrap().unchecked_into();
    let init = obj(&[("method", "POST".into())]);
    let (method, init) = match body {
        Some(b) => {
            Reflect::set(&init, &"body".into(), &b.into()).unwrap();
            ("POST", init)
        }
        None if path.ends_with("stats") => ("GET", obj(&[("method", "GET".into())])),
        None => ("POST", init),
    };
    let _ = method;
    let url = format!("{EMULATOR}/__emulator/{path}");
    let resp: web_sys::Response = JsFuture::from(
        fetch.call2(&JsValue::NULL, &url.into(), &init).unwrap().unchecked_into::<Promise>(),
    )
    .await
    .unwrap()
    .unchecked_into();
    JsFuture::from(resp.json().unwrap()).await.unwrap()
}

async fn arm(route: &str, spec: &str) {
    emulator("faults", Some(format!(r#"{{"route":"{route}","spec":"{spec}"}}"#))).await;
}

async fn served(route: &str) -> f64 {
    let stats = emulator("stats", None).await;
    field(&stats, &format!("routes.{route}.requests")).as_f64().unwrap_or(0.0)
}

fn huawei(credentials: JsValue, extra: &[(&str, JsValue)]) -> HuaweiClient {
    let mut opts = vec![
        ("projectId", JsValue::from(PROJECT)),
        ("endpoint", EMULATOR.into()),
        ("credentials", credentials),
        ("maxRetries", 2.into()),
    ];
    opts.extend(extra.iter().cloned());
    HuaweiClient::new(obj(&opts)).unwrap()
}

fn aksk() -> JsValue {
    obj(&[("accessKey", "dev-ak".into()), ("secretKey", "dev-sk".into())])
}

fn tencent(secret_key: &str) -> TencentClient {
    let creds = obj(&[("secretId", "dev-secret-id".into()), ("secretKey", secret_key.into())]);
    TencentClient::new(obj(&[("endpoint", EMULATOR.into()), ("credentials", creds)])).unwrap()
}

#[wasm_bindgen_test]
async fn quota_invoice_with_aksk_and_with_token() {
    let token = obj(&[("token", "dev-token".into())]);
    for client in [huawei(aksk(), &[]), huawei(token, &[])] {
        let r =
            ok(client
                .recognize_quota_invoice(obj(&[("image", bytes(INVOICE))]), JsValue::UNDEFINED))
            .await;
        assert_eq!(field(&r, "number"), "91234561");
        assert_eq!(field(&r, "amount"), "￥50.00");
        assert_eq!(field(&r, "amountCents"), 5000);
        assert_eq!(field(&r, "confidence.amount"), 0.9971);
        assert!(field(&r, "requestId").is_string());
        assert!(field(&r, "raw.result").is_object());
    }
}

#[wasm_bindgen_test]
async fn quota_invoice_from_a_blob_base64_and_url() {
    let client = huawei(aksk(), &[]);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&bytes(INVOICE))).unwrap();
    let r = ok(client.recognize_quota_invoice(obj(&[("image", blob.into())]), JsValue::UNDEFINED))
        .await;
    assert_eq!(field(&r, "number"), "91234561");
    let b64 = js_sys::global().unchecked_into::<Object>();
    let btoa: Function = Reflect::get(&b64, &"btoa".into()).unwrap().unchecked_into();
    let latin1: String = INVOICE.iter().map(|b| char::from(*b)).collect();
    let text = btoa.call1(&JsValue::NULL, &latin1.into()).unwrap();
    let r = ok(client.recognize_quota_invoice(obj(&[("image", text)]), JsValue::UNDEFINED)).await;
    assert_eq!(field(&r, "code"), "244031901111");
    let r = ok(client.recognize_quota_invoice(
        obj(&[("url", "http://127.0.0.1/fixtures/quota-invoice.png".into())]),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(field(&r, "number"), "91234562");
}

#[wasm_bindgen_test]
async fn a_refused_photo_never_leaves_the_page() {
    let client = huawei(aksk(), &[]);
    let before = served("RecognizeQuotaInvoice").await;
    let tiny = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 10, 0, 0, 0, 10, 8, 2, 0, 0, 0, 0, 0, 0, 0,
    ];
    let e =
        err(client.recognize_quota_invoice(obj(&[("image", bytes(&tiny))]), JsValue::UNDEFINED))
            .await;
    assert_eq!(field(&e, "kind"), "invalid_image");
    assert_eq!(field(&e, "violations.0.code"), "image.too_small");
    let e = err(client.recognize_quota_invoice(
        obj(&[("image", bytes(INVOICE)), ("url", "https://x/y.png".into())]),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(field(&e, "kind"), "invalid_argument");
    assert_eq!(served("RecognizeQuotaInvoice").await, before, "nothing was sent");
}

#[wasm_bindgen_test]
async fn wrong_secret_gives_the_gateway_code() {
    let bad = obj(&[("accessKey", "dev-ak".into()), ("secretKey", "not-the-key".into())]);
    let e = err(huawei(bad, &[])
        .recognize_quota_invoice(obj(&[("image", bytes(INVOICE))]), JsValue::UNDEFINED))
    .await;
    assert_eq!(field(&e, "name"), "OcrEdgeError");
    assert_eq!(field(&e, "kind"), "auth");
    assert_eq!(field(&e, "code"), "APIGW.0301");
    assert_eq!(field(&e, "status"), 401);
    assert_eq!(field(&e, "retryable"), false);
    let msg = field(&e, "message").as_string().unwrap();
    assert!(!msg.contains("not-the-key"), "the secret never reaches a message");
    let stale = huawei(
        aksk(),
        &[(
            "clock",
            Closure::<dyn Fn() -> f64>::new(|| js_sys::Date::now() - 16.0 * 60_000.0)
                .into_js_value(),
        )],
    );
    let e =
        err(stale.recognize_quota_invoice(obj(&[("image", bytes(INVOICE))]), JsValue::UNDEFINED))
            .await;
    assert_eq!(field(&e, "code"), "APIGW.0303");
}

#[wasm_bindgen_test]
async fn csms_list_count_all_and_delete() {
    emulator("reset", None).await;
    let client = huawei(aksk(), &[]);
    let page =
        ok(client.list_secret_resource_instances(obj(&[("limit", 2.into())]), JsValue::UNDEFINED))
            .await;
    let total = field(&page, "totalCount").as_f64().unwrap();
    assert!(total >= 3.0);
    assert_eq!(Array::from(&field(&page, "resources")).length(), 2);
    let count = ok(client
        .list_secret_resource_instances(obj(&[("action", "count".into())]), JsValue::UNDEFINED))
    .await;
    assert_eq!(field(&count, "totalCount").as_f64(), Some(total));
    let all =
        ok(client
            .list_all_secret_resource_instances(obj(&[("limit", 2.into())]), JsValue::UNDEFINED))
        .await;
    assert_eq!(Array::from(&all).length() as f64, total, "pages followed to the end");
    let tags =
        Array::of1(&obj(&[("key", "env".into()), ("values", Array::of1(&"prod".into()).into())]));
    let prod = ok(client
        .list_secret_resource_instances(obj(&[("tags", tags.clone().into())]), JsValue::UNDEFINED))
    .await;
    let first = field(&prod, "resources.0");
    let id = field(&first, "resourceId");
    ok(client.delete_secret_tag(
        obj(&[("secretId", id.clone()), ("key", "cost center".into())]),
        JsValue::UNDEFINED,
    ))
    .await;
    let after =
        ok(client.list_all_secret_resource_instances(JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    let mine = Array::from(&after).iter().find(|r| field(r, "resourceId") == id).unwrap();
    assert!(!Array::from(&field(&mine, "tags")).iter().any(|t| field(&t, "key") == "cost center"));
    let e =
        err(client.list_secret_resource_instances(obj(&[("limit", 0.into())]), JsValue::UNDEFINED))
            .await;
    assert_eq!(field(&e, "kind"), "invalid_argument");
    emulator("reset", None).await;
}

#[wasm_bindgen_test]
async fn apig_create_app_and_its_duplicate() {
    let client = huawei(aksk(), &[]);
    let key = format!("key{}", js_sys::Date::now() as u64);
    let params = obj(&[("name", "app_wasm".into()), ("appKey", key.clone().into())]);
    let app = ok(client.create_app(params.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(field(&app, "name"), "app_wasm");
    assert_eq!(field(&app, "appKey"), key.as_str());
    let e = err(client.create_app(params, JsValue::UNDEFINED)).await;
    assert_eq!(field(&e, "code"), "APIG.3310");
}

#[wasm_bindgen_test]
async fn tencent_both_actions_and_offline() {
    let client = tencent("dev-secret-key");
    let basic = ok(client.verify_basic_biz_license(
        obj(&[("regNum", CREDIT_CODE.into()), ("regCapital", true.into())]),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(field(&basic, "regNumResult.regNum"), "0");
    assert!(field(&basic, "requestId").is_string());
    let detailed =
        ok(client.verify_biz_license(obj(&[("image", bytes(LICENCE))]), JsValue::UNDEFINED)).await;
    assert_eq!(field(&detailed, "creditCode"), CREDIT_CODE);
    let e = err(tencent("wrong")
        .verify_biz_license(obj(&[("regNum", CREDIT_CODE.into())]), JsValue::UNDEFINED))
    .await;
    assert_eq!(field(&e, "code"), "AuthFailure.SignatureFailure");
    assert_eq!(field(&e, "kind"), "auth");
    let e = err(client
        .verify_biz_license(obj(&[("regNum", "91110108EMU0000158".into())]), JsValue::UNDEFINED))
    .await;
    assert_eq!(field(&e, "kind"), "invalid_argument", "check character verified locally");
    let gif = b"GIF89a\x20\x00\x20\x00\x00\x00\x00;";
    let e = err(client.verify_biz_license(obj(&[("image", bytes(gif))]), JsValue::UNDEFINED)).await;
    assert_eq!(field(&e, "violations.0.code"), "image.format");
}

#[wasm_bindgen_test]
async fn retries_transient_failures_on_safe_operations() {
    emulator("reset", None).await;
    let client = huawei(aksk(), &[]);
    arm("RecognizeQuotaInvoice", "status=503;times=2;retry-after=0").await;
    let r =
        ok(client.recognize_quota_invoice(obj(&[("image", bytes(INVOICE))]), JsValue::UNDEFINED))
            .await;
    assert_eq!(field(&r, "number"), "91234561");
    assert_eq!(served("RecognizeQuotaInvoice").await, 3.0, "two failures, then success");
    arm("RecognizeQuotaInvoice", "").await;

    arm("VerifyBizLicense", "throttle;times=1;retry-after=0").await;
    let r = ok(tencent("dev-secret-key")
        .verify_biz_license(obj(&[("regNum", CREDIT_CODE.into())]), JsValue::UNDEFINED))
    .await;
    assert_eq!(field(&r, "creditCode"), CREDIT_CODE);
    arm("VerifyBizLicense", "").await;

    arm("ListResourceInstances", "reset;times=1").await;
    ok(client.list_secret_resource_instances(JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    arm("ListResourceInstances", "").await;

    arm("RecognizeQuotaInvoice", "html").await;
    let e =
        err(client.recognize_quota_invoice(obj(&[("image", bytes(INVOICE))]), JsValue::UNDEFINED))
            .await;
    assert_eq!(field(&e, "kind"), "protocol", "a gateway page is a typed error");
    assert_eq!(field(&e, "status"), 502);
    arm("RecognizeQuotaInvoice", "").await;
    emulator("reset", None).await;
}

#[wasm_bindgen_test]
async fn never_repeats_create_app() {
    emulator("reset", None).await;
    arm("CreateApp", "status=503;times=1").await;
    let client = huawei(aksk(), &[]);
    let e = err(client.create_app(obj(&[("name", "app_once".into())]), JsValue::UNDEFINED)).await;
    assert_eq!(field(&e, "status"), 503);
    assert_eq!(served("CreateApp").await, 1.0, "sent once, not retried");
    arm("CreateApp", "").await;
    emulator("reset", None).await;
}

#[wasm_bindgen_test]
async fn the_overall_timeout_holds() {
    arm("ListResourceInstances", "latency=3000").await;
    let client = huawei(aksk(), &[("timeoutMs", 300.into())]);
    let started = js_sys::Date::now();
    let e =
        err(client.list_secret_resource_instances(JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(field(&e, "kind"), "timeout");
    assert!(js_sys::Date::now() - started < 2500.0, "gave up at the deadline");
    arm("ListResourceInstances", "").await;
}

#[wasm_bindgen_test]
fn bad_options_are_typed_errors() {
    let cases = [
        obj(&[("credentials", aksk())]),
        obj(&[
            ("projectId", PROJECT.into()),
            ("credentials", obj(&[("accessKey", "".into()), ("secretKey", "x".into())])),
        ]),
        obj(&[
            ("projectId", PROJECT.into()),
            ("credentials", aksk()),
            ("endpoint", "ftp://x".into()),
        ]),
        obj(&[("projectId", PROJECT.into()), ("credentials", aksk()), ("timeoutMs", (-1).into())]),
        JsValue::from(7),
        obj(&[("projectId", PROJECT.into()), ("credentials", aksk()), ("timeout", 5.into())]),
    ];
    for c in cases {
        let e = HuaweiClient::new(c).err().expect("refused");
        assert_eq!(field(&e, "name"), "OcrEdgeError");
        assert_eq!(field(&e, "kind"), "invalid_argument");
    }
}
