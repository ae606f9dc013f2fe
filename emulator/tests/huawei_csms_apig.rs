//! Huawei CSMS (paging, count, tag semantics, DeleteSecretTag) and APIG Create APP.

mod common;

use common::*;
use ocr_edge::sign::canonical::encode_path_segments;
use serde_json::{json, Value};

fn list(emu: &Emulator, body: Value) -> common::Resp {
    let bytes = serde_json::to_vec(&body).unwrap();
    let h = emu.hw_signed("POST", LIST_PATH, &bytes, "dev-ak", "dev-sk", now());
    emu.send("POST", LIST_PATH, &h, &bytes)
}

fn names(r: &common::Resp) -> Vec<String> {
    let v = r.json();
    v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["resource_name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn paging_and_count() {
    let emu = Emulator::start(&[]);
    let all = list(&emu, json!({ "action": "filter", "limit": "1000" }));
    assert_eq!(all.status, 200, "{}", all.text());
    assert_eq!(all.json()["total_count"], 12);
    let first = list(&emu, json!({ "action": "filter", "limit": "5", "offset": "0" }));
    let second = list(&emu, json!({ "action": "filter", "limit": "5", "offset": "5" }));
    let third = list(&emu, json!({ "action": "filter", "limit": "5", "offset": "10" }));
    assert_eq!(names(&first).len(), 5);
    assert_eq!(names(&third).len(), 2);
    let mut joined = names(&first);
    joined.extend(names(&second));
    joined.extend(names(&third));
    assert_eq!(joined, names(&all));
    assert_eq!(
        list(&emu, json!({})).json()["resources"].as_array().unwrap().len(),
        10,
        "default limit 10"
    );
    let count =
        list(&emu, json!({ "action": "count", "tags": [{ "key": "env", "values": ["prod"] }] }))
            .json();
    assert_eq!(count, json!({ "total_count": 5 }));
    let detail = &all.json()["resources"][0];
    for k in [
        "id",
        "name",
        "state",
        "kms_key_id",
        "description",
        "create_time",
        "update_time",
        "scheduled_delete_time",
    ] {
        assert!(detail["resource_detail"].get(k).is_some(), "{k}");
    }
    // Token mode works too.
    let r = emu.send("POST", LIST_PATH, &token(), br#"{"action":"count"}"#);
    assert_eq!(r.json()["total_count"], 12);
}

#[test]
fn tag_semantics_keys_and_values_or_and_fuzzy_names() {
    let emu = Emulator::start(&[]);
    let count = |tags: Value, matches: Value| {
        list(&emu, json!({ "action": "count", "tags": tags, "matches": matches })).json()
            ["total_count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count(json!([{ "key": "env", "values": ["prod"] }]), json!([])), 5);
    assert_eq!(
        count(json!([{ "key": "env", "values": ["prod", "dev"] }]), json!([])),
        8,
        "values OR"
    );
    assert_eq!(
        count(
            json!([{ "key": "env", "values": ["prod"] }, { "key": "team", "values": ["ocr"] }]),
            json!([])
        ),
        1,
        "keys AND"
    );
    assert_eq!(count(json!([{ "key": "cost center", "values": [] }]), json!([])), 2, "key only");
    assert_eq!(
        count(json!([]), json!([{ "key": "resource_name", "value": "ocr" }])),
        2,
        "substring"
    );
    assert_eq!(
        count(json!([]), json!([{ "key": "resource_name", "value": "" }])),
        0,
        "empty match value"
    );
    let r = list(
        &emu,
        json!({ "tags": [{ "key": "env", "values": ["dev"] }], "matches": [{ "key": "resource_name", "value": "-" }] }),
    );
    assert_eq!(names(&r), ["api-key-ocr-dev", "redis-auth", "s3-credentials"].map(String::from));
}

#[test]
fn list_validation_codes() {
    let emu = Emulator::start(&[]);
    let code = |v: Value| {
        let r = list(&emu, v);
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.json()["error"]["error_msg"].is_string());
        r.code()
    };
    for bad in [
        json!({ "limit": "0" }),
        json!({ "limit": "1001" }),
        json!({ "limit": 10 }),
        json!({ "offset": "-1" }),
        json!({ "action": "bogus" }),
        json!({ "tags": [{ "key": "a*b", "values": [] }] }),
        json!({ "tags": [{ "key": "", "values": [] }] }),
        json!({ "tags": [{ "key": "env", "values": ["x"] }, { "key": "env", "values": ["y"] }] }),
        json!({ "matches": [{ "key": "description", "value": "x" }] }),
    ] {
        assert_eq!(code(bad.clone()), "CSMS.0002", "{bad}");
    }
    let h = emu.hw_signed("POST", LIST_PATH, b"[", "dev-ak", "dev-sk", now());
    assert_eq!(emu.send("POST", LIST_PATH, &h, b"[").code(), "CSMS.0004");
    // A wrong signature: 401 in CSMS's documented nested envelope.
    let h = emu.hw_signed("POST", LIST_PATH, b"{}", "dev-ak", "bad", now());
    let r = emu.send("POST", LIST_PATH, &h, b"{}");
    assert_eq!((r.status, r.code().as_str()), (401, "APIGW.0301"));
    assert!(r.json()["error_code"].is_null(), "flat envelope: {:?}", r.json());
    assert!(r.json()["error"]["error_msg"].as_str().unwrap().contains('|'));
    // A missing token too; a good signature still passes.
    let r = emu.send("POST", LIST_PATH, &[], b"{}");
    assert_eq!(r.status, 401);
    assert!(r.json()["error"]["error_code"].is_string(), "{:?}", r.json());
    // The 403 of an X-Project-Id that is not the path's project: nested too.
    let other = "/v1/ffffffffffffffffffffffffffffffff/csms/resource_instances/action";
    let h = emu.hw_signed("POST", other, b"{}", "dev-ak", "dev-sk", now());
    let r = emu.send("POST", other, &h, b"{}");
    assert_eq!((r.status, r.code().as_str()), (403, "APIGW.0301"));
    assert!(r.json()["error_code"].is_null(), "flat envelope: {:?}", r.json());
    assert!(r.json()["error"]["error_msg"].is_string(), "{:?}", r.json());
}

#[test]
fn delete_secret_tag_decodes_the_key_once() {
    let emu = Emulator::start(&[]);
    for (secret, id, key) in [
        ("db-password", "5ec7e7a0-0000-4000-8000-000000000001", "cost center"),
        ("api-key-ocr", "5ec7e7a0-0000-4000-8000-000000000003", "path/to"),
        ("tls-cert", "5ec7e7a0-0000-4000-8000-000000000005", "环境"),
        ("s3-credentials", "5ec7e7a0-0000-4000-8000-000000000010", "key with spaces"),
    ] {
        // The secret's name is not its secret_id: the document's path takes the id.
        let by_name = encode_path_segments(&["v1", PROJECT, "csms", secret, "tags", key]);
        let h = emu.hw_signed("DELETE", &by_name, b"", "dev-ak", "dev-sk", now());
        let r = emu.send("DELETE", &by_name, &h, b"");
        assert_eq!((r.status, r.code().as_str()), (404, "CSMS.0005"), "{secret}");
        let path = encode_path_segments(&["v1", PROJECT, "csms", id, "tags", key]);
        let h = emu.hw_signed("DELETE", &path, b"", "dev-ak", "dev-sk", now());
        let r = emu.send("DELETE", &path, &h, b"");
        assert_eq!(r.status, 204, "{key}: {}", r.text());
        assert!(r.body.is_empty());
        assert!(r.header("x-request-id").is_some());
        // Gone now: a second delete is a 404, and the list no longer sees it.
        let r = emu.send("DELETE", &path, &h, b"");
        assert_eq!((r.status, r.code().as_str()), (404, "CSMS.0005"));
        let c = list(
            &emu,
            json!({ "action": "count", "tags": [{ "key": key, "values": [] }], "matches": [{ "key": "resource_name", "value": secret }] }),
        );
        assert_eq!(c.json()["total_count"], 0, "{key}");
    }
    // Token mode; unknown secret; invalid key.
    let path = encode_path_segments(&[
        "v1",
        PROJECT,
        "csms",
        "5ec7e7a0-0000-4000-8000-000000000002",
        "tags",
        "team",
    ]);
    assert_eq!(emu.send("DELETE", &path, &token(), b"").status, 204);
    let path = encode_path_segments(&["v1", PROJECT, "csms", "no-such-secret", "tags", "env"]);
    assert_eq!(emu.send("DELETE", &path, &token(), b"").code(), "CSMS.0005");
    let path = encode_path_segments(&["v1", PROJECT, "csms", "db-password", "tags", "a=b"]);
    assert_eq!(emu.send("DELETE", &path, &token(), b"").code(), "CSMS.0002");
    // Reset re-seeds.
    assert_eq!(emu.send("POST", "/__emulator/reset", &[], b"").status, 200);
    let c =
        list(&emu, json!({ "action": "count", "tags": [{ "key": "cost center", "values": [] }] }));
    assert_eq!(c.json()["total_count"], 2);
}

fn create(emu: &Emulator, body: Value) -> common::Resp {
    let bytes = serde_json::to_vec(&body).unwrap();
    let h = emu.hw_signed("POST", "/v1.0/apigw/apps", &bytes, "dev-ak", "dev-sk", now());
    emu.send("POST", "/v1.0/apigw/apps", &h, &bytes)
}

#[test]
fn apig_create_app_rules_and_duplicates() {
    let emu = Emulator::start(&[]);
    let r = create(&emu, json!({ "name": "app_001", "remark": "first app" }));
    assert_eq!(r.status, 201, "{}", r.text());
    let app = r.json();
    for k in [
        "id",
        "name",
        "app_key",
        "app_secret",
        "creator",
        "register_time",
        "update_time",
        "remark",
        "app_type",
    ] {
        assert!(app[k].is_string(), "{k}");
    }
    assert_eq!(app["status"], 1);
    let r = create(
        &emu,
        json!({ "name": "app_002", "app_key": "app_key_sample", "app_secret": "app_secret_sample" }),
    );
    assert_eq!(r.json()["app_key"], "app_key_sample");
    // Masked as in the reference example, whether chosen or generated.
    assert_eq!(r.json()["app_secret"], "******");
    assert_eq!(app["app_secret"], "******");
    let r = create(&emu, json!({ "name": "app_003", "app_key": "app_key_sample" }));
    assert_eq!((r.status, r.code().as_str()), (400, "APIG.3310"));
    assert!(r.json()["request_id"].is_string());
    let r = emu.send("POST", "/v1.0/apigw/apps", &token(), r#"{"name":"应用_token"}"#.as_bytes());
    assert_eq!(r.status, 201, "{}", r.text());
    let cases = [
        (json!({}), "APIG.2001"),
        (json!({ "name": "ab" }), "APIG.2002"),
        (json!({ "name": "a".repeat(65) }), "APIG.2003"),
        (json!({ "name": "1app" }), "APIG.2000"),
        (json!({ "name": "app-dash" }), "APIG.2000"),
        (json!({ "name": "app_ok", "app_key": "short" }), "APIG.2002"),
        (json!({ "name": "app_ok", "app_key": "_starts_badly" }), "APIG.2000"),
        (json!({ "name": "app_ok", "app_secret": "secret*star" }), "APIG.2000"),
        (json!({ "name": "app_ok", "remark": "r".repeat(256) }), "APIG.2003"),
    ];
    for (body, code) in cases {
        let r = create(&emu, body.clone());
        assert_eq!((r.status, r.code()), (400, code.to_owned()), "{body}");
    }
    let r = emu.send("POST", "/v1.0/apigw/apps", &[], b"{}");
    assert_eq!((r.status, r.code().as_str()), (401, "APIG.1002"));
    let listed = emu.send("GET", "/v1.0/apigw/apps", &token(), b"").json();
    assert_eq!(listed["total"], 3);
    assert_eq!(listed["apps"][0]["app_secret"], "******");
}
