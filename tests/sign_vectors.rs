//! The signing vectors of `signing.md`, one file each under tests/vectors/,
//! checked stage by stage so a failure names the stage that broke. Runs
//! natively and in wasm32 (Node) under wasm-bindgen-test.

use ocr_edge::sign::canonical::{canonical_query, hex};
use ocr_edge::sign::{huawei, tencent, Credentials, ReceivedRequest, SignableRequest, UtcDateTime};
use serde::Deserialize;

/// Every vector file, embedded so the wasm build needs no file system.
const VECTORS: &[(&str, &str)] = &[
    ("hw-1-vpcs-get", include_str!("vectors/hw-1-vpcs-get.json")),
    ("hw-2a-get", include_str!("vectors/hw-2a-get.json")),
    ("hw-2b-post", include_str!("vectors/hw-2b-post.json")),
    ("hw-2c-query", include_str!("vectors/hw-2c-query.json")),
    ("hw-3a-get", include_str!("vectors/hw-3a-get.json")),
    ("hw-3b-post", include_str!("vectors/hw-3b-post.json")),
    ("tc-1-describe-instances", include_str!("vectors/tc-1-describe-instances.json")),
    ("tc-2-with-action", include_str!("vectors/tc-2-with-action.json")),
    ("tc-3-node-sdk", include_str!("vectors/tc-3-node-sdk.json")),
];

#[derive(Deserialize)]
struct Vector {
    name: String,
    scheme: String,
    credentials: Option<Keys>,
    sdk_date: Option<String>,
    timestamp: Option<u64>,
    action: Option<String>,
    version: Option<String>,
    region: Option<String>,
    service: Option<String>,
    #[serde(default)]
    signed_headers: Vec<String>,
    request: Request,
    expected: Expected,
}

#[derive(Deserialize)]
struct Keys {
    access_key: String,
    secret_key: String,
}

#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    method: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    path: String,
    query: Vec<(String, String)>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct Expected {
    canonical_query: Option<String>,
    canonical_request: Option<String>,
    canonical_request_sha256: Option<String>,
    scope: Option<String>,
    string_to_sign: Option<String>,
    signing_key: Option<String>,
    signature: Option<String>,
    authorization: Option<String>,
}

fn load(file: &str, text: &str) -> Vector {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: bad vector file: {e}"))
}

fn credentials(v: &Vector) -> Credentials {
    let keys = v.credentials.as_ref().expect("vector has credentials");
    Credentials::new(&keys.access_key, &keys.secret_key).expect("valid credentials")
}

fn stage(name: &str, stage: &str, got: &str, want: &Option<String>) {
    if let Some(want) = want {
        assert_eq!(got, want, "{name}: stage `{stage}` differs");
    }
}

fn signable(v: &Vector) -> SignableRequest<'_> {
    let mut req = SignableRequest::new(&v.request.method, &v.request.host, &v.request.path)
        .with_body(v.request.body.as_bytes());
    req.query = v.request.query.clone();
    req.headers = v.request.headers.clone();
    req
}

/// The request as the server would receive it: the signer's headers plus Host.
fn received_headers(v: &Vector, added: &[(String, String)]) -> Vec<(String, String)> {
    let mut headers = v.request.headers.clone();
    headers.push(("Host".to_owned(), v.request.host.clone()));
    headers.extend(added.iter().cloned());
    headers
}

fn check_huawei(v: &Vector) {
    let name = &v.name;
    let date = v.sdk_date.as_deref().expect("huawei vector has sdk_date");
    let time = UtcDateTime::parse_basic(date).expect("valid sdk_date");
    assert_eq!(time.basic(), date, "{name}: stage `sdk_date` differs");
    let params = huawei::SigningParams::new(time.unix())
        .with_signed_headers(huawei::SignedHeaders::Names(v.signed_headers.clone()));
    let req = signable(v);
    let creds = credentials(v);
    let signed = huawei::sign(&req, &creds, &params).expect("signs");
    let e = &v.expected;
    stage(name, "canonical_request", &signed.canonical_request().to_string(), &e.canonical_request);
    stage(
        name,
        "canonical_request_sha256",
        &signed.canonical_request().hash(),
        &e.canonical_request_sha256,
    );
    stage(name, "string_to_sign", &signed.string_to_sign().to_string(), &e.string_to_sign);
    stage(name, "signature", &signed.signature().to_string(), &e.signature);
    stage(name, "authorization", signed.authorization(), &e.authorization);

    // The verifier, fed what would arrive on the wire, must agree.
    let path_and_query = req.path_and_query();
    let (path, query) = path_and_query.split_once('?').unwrap_or((&path_and_query, ""));
    let headers = received_headers(v, signed.headers());
    let received = ReceivedRequest {
        method: &v.request.method,
        raw_path: path,
        raw_query: query,
        headers: &headers,
        body: v.request.body.as_bytes(),
    };
    let auth = huawei::parse_authorization(signed.authorization()).expect("parses");
    let again = huawei::recompute(&received, &auth, &creds).expect("recomputes");
    stage(
        name,
        "verifier canonical_request",
        &again.canonical_request.to_string(),
        &e.canonical_request,
    );
    assert!(again.matches, "{name}: stage `verifier` differs");
}

fn check_tencent(v: &Vector) {
    let name = &v.name;
    let timestamp = v.timestamp.expect("tencent vector has timestamp");
    let mut params = tencent::SigningParams::new(
        v.action.clone().unwrap_or_else(|| "DescribeInstances".to_owned()),
        v.version.clone().unwrap_or_default(),
        timestamp,
    )
    .with_signed_headers(tencent::SignedHeaders::Names(v.signed_headers.clone()));
    params.region = v.region.clone();
    params.service = v.service.clone();
    let req = signable(v);
    let creds = credentials(v);
    let signed = tencent::sign(&req, &creds, &params).expect("signs");
    let e = &v.expected;
    let sts = signed.string_to_sign();
    stage(name, "canonical_request", &signed.canonical_request().to_string(), &e.canonical_request);
    stage(
        name,
        "canonical_request_sha256",
        &signed.canonical_request().hash(),
        &e.canonical_request_sha256,
    );
    stage(name, "scope", &sts.scope(), &e.scope);
    stage(name, "string_to_sign", &sts.to_string(), &e.string_to_sign);
    let key = hex(&tencent::signing_key(&creds, sts.date(), sts.service()));
    stage(name, "signing_key", &key, &e.signing_key);
    stage(name, "signature", &signed.signature().to_string(), &e.signature);
    stage(name, "authorization", signed.authorization(), &e.authorization);

    let headers = received_headers(v, signed.headers());
    let received = ReceivedRequest {
        method: &v.request.method,
        raw_path: &v.request.path,
        raw_query: "",
        headers: &headers,
        body: v.request.body.as_bytes(),
    };
    let auth = tencent::parse_authorization(signed.authorization()).expect("parses");
    let again = tencent::recompute(&received, &auth, &creds).expect("recomputes");
    stage(
        name,
        "verifier canonical_request",
        &again.canonical_request.to_string(),
        &e.canonical_request,
    );
    assert!(again.matches && again.date_matches, "{name}: stage `verifier` differs");
}

fn check_query(v: &Vector) {
    stage(
        &v.name,
        "canonical_query",
        &canonical_query(&v.request.query),
        &v.expected.canonical_query,
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_vector_matches_stage_by_stage() {
    for (file, text) in VECTORS {
        let v = load(file, text);
        match v.scheme.as_str() {
            "huawei" => check_huawei(&v),
            "tencent" => check_tencent(&v),
            "huawei-query" => check_query(&v),
            other => panic!("{file}: unknown scheme {other}"),
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn default_sets_sign_what_the_spec_says() {
    // HW-1 with the default header set: the same three headers, same signature.
    let v = load("hw-1", VECTORS[0].1);
    let time = UtcDateTime::parse_basic(v.sdk_date.as_deref().unwrap_or_default()).unwrap();
    let signed =
        huawei::sign(&signable(&v), &credentials(&v), &huawei::SigningParams::new(time.unix()))
            .unwrap();
    stage(&v.name, "default signature", &signed.signature().to_string(), &v.expected.signature);

    // TC-1 with the default set and TC-2 with `WithAction`.
    for (index, choice) in
        [(6, tencent::SignedHeaders::Default), (7, tencent::SignedHeaders::WithAction)]
    {
        let v = load("tc", VECTORS[index].1);
        let params =
            tencent::SigningParams::new("DescribeInstances", "2017-03-12", v.timestamp.unwrap())
                .with_region("ap-guangzhou")
                .with_signed_headers(choice);
        let signed = tencent::sign(&signable(&v), &credentials(&v), &params).unwrap();
        stage(&v.name, "default signature", &signed.signature().to_string(), &v.expected.signature);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_changed_input_changes_the_signature() {
    let v = load("hw-3", VECTORS[4].1);
    let time = UtcDateTime::parse_basic(v.sdk_date.as_deref().unwrap_or_default()).unwrap();
    let params = huawei::SigningParams::new(time.unix() + 1)
        .with_signed_headers(huawei::SignedHeaders::Names(v.signed_headers.clone()));
    let signed = huawei::sign(&signable(&v), &credentials(&v), &params).unwrap();
    assert_ne!(Some(signed.signature().to_string()), v.expected.signature);
}
