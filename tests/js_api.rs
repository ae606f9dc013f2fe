//! The JS exports, run under wasm-bindgen-test in Node and in Chromium.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect, Uint8Array};
use ocr_edge::js::image::{check_image, probe_blob, probe_image};
use ocr_edge::js::operations::build_quota_invoice_body;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const PNG_64X32: [u8; 33] = [
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    64, 0, 0, 0, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
];

fn field(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

#[wasm_bindgen_test]
fn probe_image_reads_a_uint8array_and_an_arraybuffer() {
    let arr = Uint8Array::from(&PNG_64X32[..]);
    for input in [JsValue::from(arr.clone()), arr.buffer().into()] {
        let info = probe_image(input).unwrap();
        assert_eq!(field(&info, "format"), "png");
        assert_eq!(field(&info, "width"), 64);
        assert_eq!(field(&info, "displayHeight"), 32);
        assert_eq!(field(&info, "byteLength"), 33);
    }
}

#[wasm_bindgen_test]
fn errors_are_real_js_errors_with_fields() {
    let err = probe_image(Uint8Array::from(&b"hello"[..]).into()).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(field(&err, "name"), "OcrEdgeError");
    assert_eq!(field(&err, "kind"), "invalid_image");
    assert_eq!(field(&err, "code"), "image.unknown_format");
    let err = probe_image(JsValue::from_str("not bytes")).unwrap_err();
    assert_eq!(field(&err, "code"), "argument.type");
    let err = check_image(
        Uint8Array::from(&PNG_64X32[..]).into(),
        "aws.textract".into(),
        JsValue::UNDEFINED,
    );
    assert_eq!(field(&err.unwrap_err(), "code"), "target.unknown");
}

#[wasm_bindgen_test]
fn check_image_takes_bytes_or_a_probe_result() {
    let bytes: JsValue = Uint8Array::from(&PNG_64X32[..]).into();
    let from_bytes =
        check_image(bytes.clone(), "huawei.quotaInvoice".into(), JsValue::UNDEFINED).unwrap();
    let info = probe_image(bytes).unwrap();
    let from_info = check_image(info, "huawei.quotaInvoice".into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(field(&from_bytes, "ok"), field(&from_info, "ok"));
    let v: Array = field(&from_bytes, "violations").into();
    assert_eq!(v.length(), Array::from(&field(&from_info, "violations")).length());
}

#[wasm_bindgen_test]
async fn probe_blob_reads_a_blob() {
    let parts = Array::of1(&Uint8Array::from(&PNG_64X32[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let info = probe_blob(blob.into()).await.unwrap();
    assert_eq!(field(&info, "height"), 32);
    let err = probe_blob(JsValue::from(3)).await.unwrap_err();
    assert_eq!(field(&err, "code"), "argument.type");
}

#[wasm_bindgen_test]
fn body_matches_the_core_builder_across_chunk_boundaries() {
    for n in [0usize, 1, 2, 3, 49151, 49152, 49153, 200_000] {
        let img: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
        let js = build_quota_invoice_body(Uint8Array::from(&img[..]).into()).unwrap();
        let want = ocr_edge::image::body::json_with_base64(&[], "image", &img);
        assert_eq!(js.to_vec(), want, "length {n}");
    }
}

#[wasm_bindgen_test]
fn check_image_options_change_the_budget() {
    let bytes: JsValue = Uint8Array::from(&PNG_64X32[..]).into();
    let opts = js_sys::Object::new();
    Reflect::set(&opts, &"maxBase64Bytes".into(), &40.into()).unwrap();
    let c = check_image(bytes.clone(), "tencent.bizLicense".into(), opts.into()).unwrap();
    let v: Array = field(&c, "violations").into();
    assert_eq!(field(&v.get(0), "code"), "image.over_budget");
    let bad = js_sys::Object::new();
    Reflect::set(&bad, &"megabytes".into(), &"metric".into()).unwrap();
    let err = check_image(bytes, "tencent.bizLicense".into(), bad.into()).unwrap_err();
    assert_eq!(field(&err, "code"), "argument.type");
}

#[wasm_bindgen_test]
fn a_misspelt_option_is_reported_not_ignored() {
    let bytes: JsValue = Uint8Array::from(&PNG_64X32[..]).into();
    let opts = js_sys::Object::new();
    Reflect::set(&opts, &"maxBase64".into(), &40.into()).unwrap();
    let err = check_image(bytes, "tencent.bizLicense".into(), opts.into()).unwrap_err();
    assert_eq!(field(&err, "code"), "argument.unknown");
}
