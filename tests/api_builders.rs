//! Request builders: exact method, host, path, headers and body bytes, and
//! every parameter rule, passing and failing.

use ocr_edge::api::endpoints::{huawei_host, HuaweiService};
use ocr_edge::api::huawei::apig::{create_app, CreateAppParams};
use ocr_edge::api::huawei::csms::{
    delete_secret_tag, list_resource_instances, ListAction, ListResourceInstancesParams, TagFilter,
    TagMatch,
};
use ocr_edge::api::huawei::ocr::{recognize_quota_invoice, QuotaInvoiceParams};
use ocr_edge::api::input::{normalize_url, validate_base64};
use ocr_edge::api::request::{encode_path, encode_segment};
use ocr_edge::api::tencent::ocr::{
    verify_basic_biz_license, verify_biz_license, BizLicenseParams, ImageConfig,
};
use ocr_edge::api::{ImageInput, Operation, PreparedRequest, Signing};
use ocr_edge::ErrorKind;

const PID: &str = "0123456789abcdef0123456789abcdef";

/// A PNG signature and IHDR chunk (header-only probing needs no more).
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 2, 0, 0, 0]);
    // CRC of the IHDR chunk, computed here so strict readers accept it.
    let crc = crc32(&v[12..29]);
    v.extend_from_slice(&crc.to_be_bytes());
    v
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

fn gif(w: u16, h: u16) -> Vec<u8> {
    let mut v = b"GIF89a".to_vec();
    v.extend_from_slice(&w.to_le_bytes());
    v.extend_from_slice(&h.to_le_bytes());
    v.extend_from_slice(&[0, 0, 0, b';']);
    v
}

/// An independent base64 encoder, so expectations do not reuse the code under test.
fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn body(req: &PreparedRequest) -> &str {
    std::str::from_utf8(&req.body).unwrap()
}

fn kind_code(r: ocr_edge::Result<PreparedRequest>) -> (ErrorKind, String) {
    let e = r.unwrap_err();
    (e.kind(), e.code().to_owned())
}

// ---------- shared pieces ----------

#[test]
fn segment_encoding_table() {
    for (raw, enc) in [
        ("abcXYZ019-_.~", "abcXYZ019-_.~"),
        ("a b", "a%20b"),
        ("a/b", "a%2Fb"),
        ("100%", "100%25"),
        ("é", "%C3%A9"),
        ("环境", "%E7%8E%AF%E5%A2%83"),
        ("+=&?#", "%2B%3D%26%3F%23"),
        ("", ""),
    ] {
        assert_eq!(encode_segment(raw), enc, "{raw:?}");
    }
    assert_eq!(encode_path(&[]), "/");
    assert_eq!(encode_path(&["v1", "a b"]), "/v1/a%20b");
}

#[test]
fn hosts_and_regions() {
    assert_eq!(huawei_host(HuaweiService::Ocr, None).unwrap(), "ocr.cn-north-4.myhuaweicloud.com");
    assert_eq!(
        huawei_host(HuaweiService::Apig, Some("ap-southeast-1")).unwrap(),
        "apig.ap-southeast-1.myhuaweicloud.com"
    );
    for bad in ["", "CN-NORTH-4", "cn.north", "evil.com/x", "-cn", "cn-", &"a".repeat(33)] {
        let e = huawei_host(HuaweiService::Kms, Some(bad)).unwrap_err();
        assert_eq!(e.code(), "argument.invalid", "{bad:?}");
    }
}

#[test]
fn prepared_request_debug_hides_body_and_url_is_https() {
    let p = CreateAppParams {
        name: "app_001".into(),
        app_secret: Some("TopSecret123".into()),
        ..Default::default()
    };
    let req = create_app(None, &p).unwrap();
    let dbg = format!("{req:?}");
    assert!(!dbg.contains("TopSecret123"), "{dbg}");
    assert!(dbg.contains("bytes>"), "{dbg}");
    assert_eq!(req.url(), "https://apig.cn-north-4.myhuaweicloud.com/v1.0/apigw/apps");
    assert_eq!(req.query_string(), "");
    let pd = format!("{p:?}");
    assert!(!pd.contains("TopSecret123") && pd.contains("<redacted>"), "{pd}");
}

// ---------- Huawei RecognizeQuotaInvoice ----------

#[test]
fn quota_invoice_from_bytes() {
    let img = png(64, 32);
    let p = QuotaInvoiceParams { image: Some(ImageInput::Bytes(&img)), ..Default::default() };
    let req = recognize_quota_invoice(None, PID, &p).unwrap();
    assert_eq!(req.operation, Operation::RecognizeQuotaInvoice);
    assert_eq!(req.method, "POST");
    assert_eq!(req.host, "ocr.cn-north-4.myhuaweicloud.com");
    assert_eq!(req.path, format!("/v2/{PID}/ocr/quota-invoice"));
    assert_eq!(req.path_segments, ["v2", PID, "ocr", "quota-invoice"]);
    assert!(req.query.is_empty());
    assert_eq!(req.headers, [("Content-Type".to_owned(), "application/json".to_owned())]);
    assert_eq!(body(&req), format!(r#"{{"image":"{}"}}"#, b64(&img)));
    assert!(req.idempotent);
}

#[test]
fn quota_invoice_from_base64_and_data_url() {
    let img = png(100, 200);
    let text = b64(&img);
    for given in [text.clone(), format!("data:image/png;base64,{text}")] {
        let p = QuotaInvoiceParams {
            image: Some(ImageInput::Base64(&given)),
            enterprise_project_id: Some("0"),
            ..Default::default()
        };
        let req = recognize_quota_invoice(Some("cn-south-1"), PID, &p).unwrap();
        assert_eq!(req.host, "ocr.cn-south-1.myhuaweicloud.com");
        assert_eq!(body(&req), format!(r#"{{"image":"{text}"}}"#));
        assert_eq!(req.header_value("enterprise-project-id"), Some("0"));
        assert_eq!(req.signing, Signing::Huawei);
    }
}

#[test]
fn quota_invoice_from_url() {
    let p = QuotaInvoiceParams {
        url: Some("https://bucket.obs.example.com/发票 1.png?x=%41"),
        ..Default::default()
    };
    let req = recognize_quota_invoice(None, PID, &p).unwrap();
    assert_eq!(
        body(&req),
        r#"{"url":"https://bucket.obs.example.com/%E5%8F%91%E7%A5%A8%201.png?x=%41"}"#
    );
}

#[test]
fn quota_invoice_rules() {
    let ok_png = png(64, 64);
    let small = png(10, 300);
    let wide = png(5000, 20);
    let g = gif(100, 100);
    let gif_b64 = b64(&g);
    let small_b64 = b64(&small);
    let cases: Vec<(&str, QuotaInvoiceParams, &str)> = vec![
        ("none", QuotaInvoiceParams::default(), "argument.missing"),
        (
            "both",
            QuotaInvoiceParams {
                image: Some(ImageInput::Bytes(&ok_png)),
                url: Some("https://a.example/x.png"),
                ..Default::default()
            },
            "argument.conflict",
        ),
        (
            "too small",
            QuotaInvoiceParams { image: Some(ImageInput::Bytes(&small)), ..Default::default() },
            "image.rejected",
        ),
        (
            "too wide",
            QuotaInvoiceParams { image: Some(ImageInput::Bytes(&wide)), ..Default::default() },
            "image.rejected",
        ),
        (
            "gif",
            QuotaInvoiceParams { image: Some(ImageInput::Bytes(&g)), ..Default::default() },
            "image.rejected",
        ),
        (
            "gif b64",
            QuotaInvoiceParams { image: Some(ImageInput::Base64(&gif_b64)), ..Default::default() },
            "image.rejected",
        ),
        (
            "small b64",
            QuotaInvoiceParams {
                image: Some(ImageInput::Base64(&small_b64)),
                ..Default::default()
            },
            "image.rejected",
        ),
        (
            "not an image",
            QuotaInvoiceParams {
                image: Some(ImageInput::Bytes(b"hello world")),
                ..Default::default()
            },
            "image.unknown_format",
        ),
        (
            "ftp url",
            QuotaInvoiceParams { url: Some("ftp://a.example/x.png"), ..Default::default() },
            "argument.url",
        ),
        (
            "bad enterprise project",
            QuotaInvoiceParams {
                image: Some(ImageInput::Bytes(&ok_png)),
                enterprise_project_id: Some("a\r\nX-Evil: 1"),
                ..Default::default()
            },
            "argument.invalid",
        ),
    ];
    for (name, p, code) in cases {
        let e = recognize_quota_invoice(None, PID, &p).unwrap_err();
        assert_eq!(e.code(), code, "{name}: {e}");
        if code == "image.rejected" {
            assert_eq!(e.kind(), ErrorKind::InvalidImage);
            assert!(!e.violations().is_empty(), "{name}");
        }
    }
    let p = QuotaInvoiceParams { image: Some(ImageInput::Bytes(&ok_png)), ..Default::default() };
    for bad in ["", "a/b", "x y", &"p".repeat(65)] {
        assert_eq!(
            recognize_quota_invoice(None, bad, &p).unwrap_err().code(),
            "argument.invalid",
            "{bad:?}"
        );
    }
}

#[test]
fn base64_budget_is_checked_on_length_without_decoding() {
    // A valid header followed by 13.4 M characters: over the 10 MB budget.
    let mut text = b64(&png(100, 100));
    text.push_str(&"A".repeat(13_400_000));
    let p = QuotaInvoiceParams { image: Some(ImageInput::Base64(&text)), ..Default::default() };
    let e = recognize_quota_invoice(None, PID, &p).unwrap_err();
    assert_eq!(e.code(), "image.rejected");
    assert!(e.violations().iter().any(|v| v.code == "image.over_budget"), "{e:?}");
}

#[test]
fn base64_rules() {
    assert_eq!(validate_base64("aGk=").unwrap(), 2);
    assert_eq!(validate_base64("aGVsbG8=").unwrap(), 5);
    assert_eq!(validate_base64("aGVs").unwrap(), 3);
    assert_eq!(validate_base64("aA==").unwrap(), 1);
    for bad in
        ["", "aGk", "aGk==", "aG=k", "a-_b", "aGVs\nbG8=", "aGVs bG8=", "====", "aGk*", "a==="]
    {
        let e = validate_base64(bad).unwrap_err();
        assert_eq!(e.code(), "image.base64", "{bad:?}");
    }
    let e = validate_base64("ab-d").unwrap_err();
    assert!(e.message().contains("URL-safe"), "{e}");
    let img = png(64, 64);
    let bad_data_url = format!("data:image/png,{}", b64(&img));
    let p =
        QuotaInvoiceParams { image: Some(ImageInput::Base64(&bad_data_url)), ..Default::default() };
    assert_eq!(recognize_quota_invoice(None, PID, &p).unwrap_err().code(), "image.base64");
}

#[test]
fn url_rules() {
    for (given, want) in [
        ("http://a.example/x.png", "http://a.example/x.png"),
        ("HTTPS://a.example/x.png", "HTTPS://a.example/x.png"),
        ("  https://a.example/a b.png  ", "https://a.example/a%20b.png"),
        ("https://a.example/%E5%8F%91", "https://a.example/%E5%8F%91"),
        ("https://a.example/100%", "https://a.example/100%25"),
        ("https://a.example/é?q=\"x\"", "https://a.example/%C3%A9?q=%22x%22"),
        ("https://a.example:8443/x", "https://a.example:8443/x"),
        ("https://[::1]:8443/x", "https://[::1]:8443/x"),
        ("https://a.example/x?sig=a@b", "https://a.example/x?sig=a@b"),
    ] {
        assert_eq!(normalize_url(given).unwrap(), want, "{given:?}");
    }
    let long = format!("https://a.example/{}", "x".repeat(65_600));
    for bad in [
        "",
        "a.example/x.png",
        "ftp://a.example/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "https:///x",
        "https://user:pass@a.example/x",
        "https://user@a.example/x",
        "https://a.example/x\ny",
        long.as_str(),
    ] {
        assert_eq!(normalize_url(bad).unwrap_err().code(), "argument.url", "{bad:?}");
    }
}

// ---------- Huawei CSMS ListResourceInstances ----------

#[test]
fn list_default_body() {
    let req = list_resource_instances(None, PID, &Default::default()).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.host, "kms.cn-north-4.myhuaweicloud.com");
    assert_eq!(req.path, format!("/v1/{PID}/csms/resource_instances/action"));
    assert_eq!(body(&req), r#"{"action":"filter"}"#);
    assert_eq!(req.header_value("content-type"), Some("application/json"));
    assert!(req.idempotent);
}

#[test]
fn list_full_body() {
    let p = ListResourceInstancesParams {
        action: ListAction::Filter,
        limit: Some(1000),
        offset: Some(20),
        tags: vec![
            TagFilter { key: "env".into(), values: vec!["prod".into(), "".into()] },
            TagFilter { key: "团队".into(), values: vec![] },
        ],
        matches: vec![TagMatch { key: "resource_name".into(), value: "db".into() }],
        sequence: Some("919c82d4-8046-4722-9094-35c3c6524cff".into()),
    };
    let req = list_resource_instances(Some("cn-east-3"), PID, &p).unwrap();
    assert_eq!(req.host, "kms.cn-east-3.myhuaweicloud.com");
    assert_eq!(
        body(&req),
        r#"{"limit":"1000","offset":"20","action":"filter","tags":[{"key":"env","values":["prod",""]},{"key":"团队","values":[]}],"matches":[{"key":"resource_name","value":"db"}],"sequence":"919c82d4-8046-4722-9094-35c3c6524cff"}"#
    );
    let count = ListResourceInstancesParams { action: ListAction::Count, ..Default::default() };
    let req = list_resource_instances(None, PID, &count).unwrap();
    assert_eq!(body(&req), r#"{"action":"count"}"#);
}

#[test]
fn list_count_ignores_limit_and_offset() {
    // The document: for action count, limit and offset "need not be set".
    for (limit, offset) in [(Some(10), None), (None, Some(0)), (Some(5000), Some(7))] {
        let p = ListResourceInstancesParams {
            action: ListAction::Count,
            limit,
            offset,
            ..Default::default()
        };
        let req = list_resource_instances(None, PID, &p).unwrap();
        assert_eq!(body(&req), r#"{"action":"count"}"#, "{limit:?} {offset:?}");
    }
    // For filter they are still sent, and still checked.
    let p = ListResourceInstancesParams { limit: Some(5), offset: Some(3), ..Default::default() };
    let req = list_resource_instances(None, PID, &p).unwrap();
    assert_eq!(body(&req), r#"{"limit":"5","offset":"3","action":"filter"}"#);
    for limit in [0, 1001] {
        let p = ListResourceInstancesParams { limit: Some(limit), ..Default::default() };
        let e = list_resource_instances(None, PID, &p).unwrap_err();
        assert_eq!(e.code(), "argument.invalid", "{limit}");
    }
}

#[test]
fn list_params_deserialise_from_js_shape() {
    let p: ListResourceInstancesParams = serde_json::from_str(
        r#"{"action":"count","tags":[{"key":"k","values":["v"]}],"matches":[]}"#,
    )
    .unwrap();
    assert_eq!(p.action, ListAction::Count);
    assert_eq!(p.tags[0].key, "k");
}

#[test]
fn list_rules() {
    let tag = |k: &str, vs: &[&str]| TagFilter {
        key: k.into(),
        values: vs.iter().map(|s| (*s).to_owned()).collect(),
    };
    let m = |k: &str, v: &str| TagMatch { key: k.into(), value: v.into() };
    let p = |f: &dyn Fn(&mut ListResourceInstancesParams)| {
        let mut p = ListResourceInstancesParams::default();
        f(&mut p);
        p
    };
    let max_key = "k".repeat(36);
    let long_key = "k".repeat(37);
    let max_cjk_key = "键".repeat(36);
    let max_val = "v".repeat(43);
    let long_val = "v".repeat(44);
    let twenty: Vec<TagFilter> = (0..20).map(|i| tag(&format!("k{i}"), &[])).collect();
    let twenty_one: Vec<TagFilter> = (0..21).map(|i| tag(&format!("k{i}"), &[])).collect();
    let pass: Vec<ListResourceInstancesParams> = vec![
        p(&|p| p.limit = Some(1)),
        p(&|p| p.limit = Some(1000)),
        p(&|p| p.offset = Some(0)),
        p(&|p| p.offset = Some(u64::MAX)),
        p(&|p| p.tags = vec![tag(&max_key, &[&max_val])]),
        p(&|p| p.tags = vec![tag(&max_cjk_key, &[""])]),
        p(&|p| p.tags = twenty.clone()),
        p(&|p| p.tags = vec![tag("a b/c", &["x y"])]),
        p(&|p| p.matches = vec![m("resource_name", "")]),
        p(&|p| p.matches = vec![m("resource_name", &"n".repeat(255))]),
    ];
    for (i, params) in pass.iter().enumerate() {
        assert!(list_resource_instances(None, PID, params).is_ok(), "pass case {i}");
    }
    let fail: Vec<(ListResourceInstancesParams, &str)> = vec![
        (p(&|p| p.limit = Some(0)), "argument.invalid"),
        (p(&|p| p.limit = Some(1001)), "argument.invalid"),
        (p(&|p| p.tags = vec![tag("", &[])]), "argument.invalid"),
        (p(&|p| p.tags = vec![tag(&long_key, &[])]), "argument.invalid"),
        (p(&|p| p.tags = twenty_one.clone()), "argument.invalid"),
        (p(&|p| p.tags = vec![tag("a", &[]), tag("a", &[])]), "argument.invalid"),
        (p(&|p| p.tags = vec![tag("a", &["x", "x"])]), "argument.invalid"),
        (p(&|p| p.tags = vec![tag("a", &[&long_val])]), "argument.invalid"),
        (p(&|p| p.matches = vec![m("name", "x")]), "argument.invalid"),
        (p(&|p| p.matches = vec![m("resource_name", &"n".repeat(256))]), "argument.invalid"),
        (
            p(&|p| p.matches = vec![m("resource_name", "a"), m("resource_name", "b")]),
            "argument.invalid",
        ),
        (p(&|p| p.matches = vec![m("resource_name", "a*")]), "argument.invalid"),
        (p(&|p| p.sequence = Some("short".into())), "argument.invalid"),
        (p(&|p| p.sequence = Some(" ".repeat(36))), "argument.invalid"),
    ];
    for (i, (params, code)) in fail.into_iter().enumerate() {
        let e = list_resource_instances(None, PID, &params).unwrap_err();
        assert_eq!(e.code(), code, "fail case {i}: {e}");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
    // Every forbidden character, in keys and in values.
    for c in ['\0', '\x1f', '\n', '*', '<', '>', '\\', '='] {
        let k = format!("a{c}b");
        for params in [p(&|p| p.tags = vec![tag(&k, &[])]), p(&|p| p.tags = vec![tag("a", &[&k])])]
        {
            assert_eq!(
                list_resource_instances(None, PID, &params).unwrap_err().code(),
                "argument.invalid",
                "{c:?}"
            );
        }
    }
}

// ---------- Huawei CSMS DeleteSecretTag ----------

#[test]
fn delete_tag_encodes_path_segments_once() {
    let req = delete_secret_tag(None, PID, "secret-1", "a b/c%d é").unwrap();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.host, "kms.cn-north-4.myhuaweicloud.com");
    assert_eq!(req.path, format!("/v1/{PID}/csms/secret-1/tags/a%20b%2Fc%25d%20%C3%A9"));
    assert_eq!(req.path_segments.last().unwrap(), "a b/c%d é");
    assert!(req.body.is_empty());
    assert!(req.headers.is_empty());
    assert!(req.idempotent);
    let req = delete_secret_tag(Some("ap-southeast-3"), PID, "my secret", "环境").unwrap();
    assert_eq!(req.path, format!("/v1/{PID}/csms/my%20secret/tags/%E7%8E%AF%E5%A2%83"));
}

#[test]
fn delete_tag_rules() {
    let long_key = "k".repeat(37);
    let long_id = "s".repeat(256);
    for (sid, key) in [
        ("", "k"),
        ("s", ""),
        ("s", long_key.as_str()),
        ("s", "a=b"),
        ("s", "a*"),
        ("s", "tab\there"),
        ("s", "."),
        ("s", ".."),
        (".", "k"),
        ("..", "k"),
        (long_id.as_str(), "k"),
        ("a\nb", "k"),
    ] {
        let (kind, code) = kind_code(delete_secret_tag(None, PID, sid, key));
        assert_eq!(
            (kind, code.as_str()),
            (ErrorKind::InvalidArgument, "argument.invalid"),
            "{sid:?} {key:?}"
        );
    }
    assert!(delete_secret_tag(None, PID, "s", &"键".repeat(36)).is_ok());
    assert!(delete_secret_tag(None, PID, "s", "...").is_ok());
}

// ---------- Huawei APIG Create APP ----------

#[test]
fn create_app_body() {
    let p = CreateAppParams {
        name: "app_001".into(),
        remark: Some("first app".into()),
        app_key: Some("app_key_sample".into()),
        app_secret: Some("app_secret_sample".into()),
    };
    let req = create_app(Some("cn-north-1"), &p).unwrap();
    assert_eq!(req.operation, Operation::CreateApp);
    assert_eq!(req.method, "POST");
    assert_eq!(req.host, "apig.cn-north-1.myhuaweicloud.com");
    assert_eq!(req.path, "/v1.0/apigw/apps");
    assert_eq!(
        body(&req),
        r#"{"name":"app_001","remark":"first app","app_key":"app_key_sample","app_secret":"app_secret_sample"}"#
    );
    assert!(!req.idempotent, "creating an app must not be retried blindly");
    let req =
        create_app(None, &CreateAppParams { name: "应用一".into(), ..Default::default() }).unwrap();
    assert_eq!(body(&req), r#"{"name":"应用一"}"#);
}

#[test]
fn create_app_rules() {
    let app = |name: &str| CreateAppParams { name: name.into(), ..Default::default() };
    let with = |f: &dyn Fn(&mut CreateAppParams)| {
        let mut p = app("app_001");
        f(&mut p);
        p
    };
    let pass = [
        app("abc"),
        app(&"a".repeat(64)),
        app("应用一"),
        app("AAA"),
        app("应用_1"),
        app("A_9"),
        with(&|p| p.remark = Some("r".repeat(255))),
        with(&|p| p.remark = Some("说".repeat(255))),
        with(&|p| p.app_key = Some("a".repeat(8))),
        with(&|p| p.app_key = Some(format!("9{}", "-_".repeat(31) + "a"))),
        with(&|p| p.app_secret = Some("1!@#$%_-".into())),
        with(&|p| p.app_secret = Some("s".repeat(64))),
    ];
    for (i, p) in pass.iter().enumerate() {
        assert!(create_app(None, p).is_ok(), "pass case {i}: {:?}", create_app(None, p));
    }
    let fail = vec![
        app("ab"),
        app("应用"),
        app(&"a".repeat(65)),
        app("_abc"),
        app("1abc"),
        app("ab-c"),
        app("ab c"),
        app("abé"),
        app(""),
        with(&|p| p.remark = Some("r".repeat(256))),
        with(&|p| p.app_key = Some("a".repeat(7))),
        with(&|p| p.app_key = Some("a".repeat(65))),
        with(&|p| p.app_key = Some("_abcdefgh".into())),
        with(&|p| p.app_key = Some("abcdefg!".into())),
        with(&|p| p.app_secret = Some("!abcdefgh".into())),
        with(&|p| p.app_secret = Some("abcdefg^".into())),
        with(&|p| p.app_secret = Some("short1".into())),
        with(&|p| p.app_secret = Some("s".repeat(65))),
    ];
    for (i, p) in fail.iter().enumerate() {
        let e = create_app(None, p).unwrap_err();
        assert_eq!(e.code(), "argument.invalid", "fail case {i}");
        if let Some(secret) = &p.app_secret {
            assert!(!e.message().contains(secret.as_str()), "secret echoed: {e}");
        }
    }
}

// ---------- Tencent VerifyBasicBizLicense / VerifyBizLicense ----------

fn tc_headers(req: &PreparedRequest, action: &str) {
    assert_eq!(req.method, "POST");
    assert_eq!(req.host, "ocr.tencentcloudapi.com");
    assert_eq!(req.path, "/");
    assert!(req.path_segments.is_empty());
    let Signing::Tencent(scope) = &req.signing else { panic!("{:?}", req.signing) };
    assert_eq!((scope.action, scope.version), (action, "2018-11-19"));
    assert_eq!(scope.region, "ap-guangzhou");
    // The X-TC-* headers are the signer's; the builder sends only the type.
    let names: Vec<&str> = req.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["Content-Type"]);
    assert_eq!(req.header_value("Content-Type"), Some("application/json; charset=utf-8"));
    assert!(req.idempotent);
}

#[test]
fn tencent_text_bodies() {
    let p = BizLicenseParams {
        reg_num: Some(" 911101085636549482 "),
        name: Some("腾讯云计算（北京）有限责任公司"),
        address: Some("北京市海淀区知春路49号3层西部309"),
        ..Default::default()
    };
    let req = verify_basic_biz_license(&p, true).unwrap();
    tc_headers(&req, "VerifyBasicBizLicense");
    assert_eq!(req.operation, Operation::VerifyBasicBizLicense);
    assert_eq!(
        body(&req),
        r#"{"RegNum":"911101085636549482","Name":"腾讯云计算（北京）有限责任公司","Address":"北京市海淀区知春路49号3层西部309","RegCapital":1}"#
    );
    let req = verify_biz_license(&BizLicenseParams {
        reg_num: Some("110108013297537"),
        ..Default::default()
    })
    .unwrap();
    tc_headers(&req, "VerifyBizLicense");
    assert_eq!(body(&req), r#"{"RegNum":"110108013297537"}"#);
    // Lower-case letters are normalised; a skipped check sends the text as given.
    let req = verify_biz_license(&BizLicenseParams {
        reg_num: Some("91440300ma5f111123"),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(body(&req), r#"{"RegNum":"91440300MA5F111123"}"#);
    let req = verify_biz_license(&BizLicenseParams {
        reg_num: Some("12345"),
        skip_reg_num_check: true,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(body(&req), r#"{"RegNum":"12345"}"#);
}

#[test]
fn tencent_image_bodies() {
    let img = png(800, 600);
    let p = BizLicenseParams {
        image: Some(ImageInput::Bytes(&img)),
        image_config: Some(ImageConfig { name: true, address: false }),
        ..Default::default()
    };
    let req = verify_biz_license(&p).unwrap();
    assert_eq!(
        body(&req),
        format!(
            r#"{{"ImageConfig":"{{\"RegNum\":true,\"Name\":true,\"Address\":false}}","ImageBase64":"{}"}}"#,
            b64(&img)
        )
    );
    let text = b64(&img);
    let req = verify_basic_biz_license(
        &BizLicenseParams { image: Some(ImageInput::Base64(&text)), ..Default::default() },
        true,
    )
    .unwrap();
    assert_eq!(body(&req), format!(r#"{{"RegCapital":1,"ImageBase64":"{text}"}}"#));
    let req = verify_basic_biz_license(
        &BizLicenseParams { image_url: Some("https://xx/a b.jpg"), ..Default::default() },
        false,
    )
    .unwrap();
    assert_eq!(body(&req), r#"{"ImageUrl":"https://xx/a%20b.jpg"}"#);
}

#[test]
fn tencent_rules() {
    let img = png(800, 600);
    let g = gif(800, 600);
    let cases: Vec<(BizLicenseParams, &str)> = vec![
        (BizLicenseParams::default(), "argument.missing"),
        (
            BizLicenseParams {
                image: Some(ImageInput::Bytes(&img)),
                image_url: Some("https://a.example/x.png"),
                ..Default::default()
            },
            "argument.conflict",
        ),
        (
            BizLicenseParams {
                image: Some(ImageInput::Bytes(&img)),
                reg_num: Some("911101085636549482"),
                ..Default::default()
            },
            "argument.conflict",
        ),
        (
            BizLicenseParams {
                reg_num: Some("911101085636549482"),
                image_config: Some(ImageConfig::default()),
                ..Default::default()
            },
            "argument.conflict",
        ),
        (BizLicenseParams { name: Some("x"), ..Default::default() }, "argument.missing"),
        (
            BizLicenseParams { reg_num: Some("911101085636549483"), ..Default::default() },
            "regnum.check_character",
        ),
        (BizLicenseParams { reg_num: Some("9111"), ..Default::default() }, "regnum.length"),
        (
            BizLicenseParams { reg_num: Some(""), skip_reg_num_check: true, ..Default::default() },
            "argument.invalid",
        ),
        (
            BizLicenseParams {
                reg_num: Some("911101085636549482"),
                name: Some("  "),
                ..Default::default()
            },
            "argument.invalid",
        ),
        (
            BizLicenseParams {
                reg_num: Some("911101085636549482"),
                address: Some("a\u{0}b"),
                ..Default::default()
            },
            "argument.invalid",
        ),
        (
            BizLicenseParams { image: Some(ImageInput::Bytes(&g)), ..Default::default() },
            "image.rejected",
        ),
        (BizLicenseParams { image_url: Some("ftp://x/y"), ..Default::default() }, "argument.url"),
        (
            BizLicenseParams {
                reg_num: Some("911101085636549482"),
                region: Some("AP_GUANGZHOU"),
                ..Default::default()
            },
            "argument.invalid",
        ),
    ];
    for (i, (p, code)) in cases.iter().enumerate() {
        assert_eq!(verify_biz_license(p).unwrap_err().code(), *code, "case {i}");
        assert_eq!(verify_basic_biz_license(p, true).unwrap_err().code(), *code, "case {i}");
    }
    let req = verify_biz_license(&BizLicenseParams {
        reg_num: Some("911101085636549482"),
        region: Some("ap-shanghai"),
        ..Default::default()
    })
    .unwrap();
    let Signing::Tencent(scope) = &req.signing else { panic!("{:?}", req.signing) };
    assert_eq!(scope.region, "ap-shanghai");
}

#[test]
fn tencent_image_config_reg_num_and_reg_capital() {
    use ocr_edge::api::tencent::ocr::reg_capital_requested;
    use serde_json::json;
    // The document's form, RegNum true, is accepted; leaving it out too.
    let full = ImageConfig::from_json(&json!({ "regNum": true, "name": true })).unwrap();
    assert_eq!(full, ImageConfig { name: true, address: false });
    assert_eq!(ImageConfig::from_json(&json!({})).unwrap(), ImageConfig::default());
    let typed: ImageConfig =
        serde_json::from_value(json!({ "regNum": true, "address": true })).unwrap();
    assert_eq!(typed, ImageConfig { name: false, address: true });
    assert_eq!(ImageConfig::from_list("regNum,name").unwrap(), full);
    assert_eq!(ImageConfig::from_list(&full.to_list()).unwrap(), full);
    // regNum false is a clear refusal, not "unknown field".
    for bad in [json!({ "regNum": false }), json!({ "regNum": false, "name": true })] {
        let e = ImageConfig::from_json(&bad).unwrap_err();
        assert_eq!(e.code(), "argument.invalid");
        assert!(e.message().contains("regNum must be true"), "{}", e.message());
        let e = serde_json::from_value::<ImageConfig>(bad).unwrap_err().to_string();
        assert!(e.contains("regNum must be true"), "{e}");
    }
    for bad in [json!({ "colour": true }), json!({ "name": 1 }), json!("name")] {
        assert_eq!(ImageConfig::from_json(&bad).unwrap_err().code(), "argument.invalid", "{bad}");
    }
    assert_eq!(ImageConfig::from_list("name,colour").unwrap_err().code(), "argument.invalid");
    // RegCapital: 1 outputs the capital, other values do not; none is refused.
    for yes in [json!(1), json!(1.0), json!(true), json!("1"), json!("true")] {
        assert!(reg_capital_requested(&yes), "{yes}");
    }
    for no in [json!(0), json!(2), json!(-1), json!(false), json!("no"), json!(null), json!([1])] {
        assert!(!reg_capital_requested(&no), "{no}");
    }
}

/// A Huawei OBS temporary-authorization URL with a security token, `n`
/// bytes long: the form that runs past 2 KB.
fn signed_obs_url(n: usize) -> String {
    let head = "https://bucket.obs.cn-north-4.myhuaweicloud.com/a.jpg?AccessKeyId=AK&Expires=1&\
                Signature=s%2Bg&x-obs-security-token=";
    format!("{head}{}", "T".repeat(n - head.len()))
}

#[test]
fn long_image_urls_are_accepted_up_to_the_abuse_bound() {
    use ocr_edge::api::input::MAX_URL_LEN;
    // No document sets 2,048 bytes; the bound is 64 KiB, raw and encoded.
    assert_eq!(MAX_URL_LEN, 65_536);
    for n in [2_049, 4_000, 20_000, MAX_URL_LEN] {
        let url = signed_obs_url(n);
        assert_eq!(normalize_url(&url).unwrap().len(), n);
        let p = QuotaInvoiceParams { url: Some(&url), ..Default::default() };
        recognize_quota_invoice(None, PID, &p).unwrap();
        let p = BizLicenseParams { image_url: Some(&url), ..Default::default() };
        verify_biz_license(&p).unwrap();
    }
    let over = signed_obs_url(MAX_URL_LEN + 1);
    let e = normalize_url(&over).unwrap_err();
    assert_eq!((e.code(), e.kind()), ("argument.url", ErrorKind::InvalidArgument));
    assert!(e.message().contains("65536-byte bound"), "{}", e.message());
    let p = BizLicenseParams { image_url: Some(&over), ..Default::default() };
    assert_eq!(verify_biz_license(&p).unwrap_err().code(), "argument.url");
    // Under the bound raw, over it once encoded (each é becomes %C3%A9).
    let wide = format!("https://example.com/{}", "é".repeat(12_000));
    assert!(wide.len() < MAX_URL_LEN);
    assert_eq!(normalize_url(&wide).unwrap_err().code(), "argument.url");
}

#[test]
fn megabytes_binary_widens_the_base64_budgets() {
    use ocr_edge::api::huawei::ocr::recognize_quota_invoice_with;
    use ocr_edge::api::tencent::ocr::{verify_basic_biz_license_with, verify_biz_license_with};
    use ocr_edge::image::Megabytes;
    let text = |n: usize| {
        let mut t = b64(&png(100, 100));
        t.push_str(&"A".repeat(n - t.len()));
        t
    };
    let over_budget = |e: ocr_edge::Error| {
        assert_eq!(e.code(), "image.rejected");
        assert!(e.violations().iter().any(|v| v.code == "image.over_budget"), "{e:?}");
    };
    // Huawei's 10 MB: 10,200,000 characters pass only as 10 x 2^20.
    let t = text(10_200_000);
    let p = QuotaInvoiceParams { image: Some(ImageInput::Base64(&t)), ..Default::default() };
    recognize_quota_invoice_with(None, PID, &p, Megabytes::Binary).unwrap();
    over_budget(recognize_quota_invoice_with(None, PID, &p, Megabytes::Decimal).unwrap_err());
    over_budget(recognize_quota_invoice(None, PID, &p).unwrap_err());
    // Tencent's 7 MB: 7,200,000 characters pass only as 7 x 2^20.
    let t = text(7_200_000);
    let p = BizLicenseParams { image: Some(ImageInput::Base64(&t)), ..Default::default() };
    verify_biz_license_with(&p, Megabytes::Binary).unwrap();
    verify_basic_biz_license_with(&p, true, Megabytes::Binary).unwrap();
    over_budget(verify_biz_license(&p).unwrap_err());
    over_budget(verify_basic_biz_license_with(&p, false, Megabytes::Decimal).unwrap_err());
    // Over 7 x 2^20 is refused either way.
    let t = text(7_340_036);
    let p = BizLicenseParams { image: Some(ImageInput::Base64(&t)), ..Default::default() };
    over_budget(verify_biz_license_with(&p, Megabytes::Binary).unwrap_err());
    assert_eq!(Megabytes::from_name("binary"), Some(Megabytes::Binary));
    assert_eq!(Megabytes::from_name("MiB"), None);
}
