//! Success parsers: typed results from the fixture bodies, `raw` kept,
//! missing fields as `None`, wrong shapes as protocol errors, the JS shape
//! of the serialised results, and the CSMS pager.

use std::path::Path;

use ocr_edge::api::huawei::apig::parse_create_app;
use ocr_edge::api::huawei::csms::{
    next_offset, parse_delete_secret_tag, parse_list_resource_instances, ListAction,
    ListResourceInstancesParams, Resource, ResourceInstances, ResourcePager,
};
use ocr_edge::api::huawei::ocr::{parse_amount_cents, parse_quota_invoice};
use ocr_edge::api::tencent::ocr::{parse_verify_basic_biz_license, parse_verify_biz_license};
use ocr_edge::ErrorKind;
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/responses/ok").join(name),
    )
    .unwrap()
}

// ---------- RecognizeQuotaInvoice ----------

#[test]
fn quota_invoice_full() {
    let inv = parse_quota_invoice(200, Some("rid-1"), &fixture("quota-invoice.json")).unwrap();
    assert_eq!(inv.number.as_deref(), Some("91XXXX61"));
    assert_eq!(inv.code.as_deref(), Some("244031XXXX11"));
    assert_eq!(inv.location.as_deref(), Some("广东省深圳市"));
    assert_eq!(inv.amount.as_deref(), Some("￥50.00"));
    assert_eq!(inv.amount_cents, Some(5000));
    assert_eq!(inv.confidence.amount, Some(0.9971));
    assert_eq!(inv.confidence.number, Some(0.9943));
    assert_eq!(inv.request_id.as_deref(), Some("rid-1"));
    assert_eq!(inv.raw["result"]["code"], "244031XXXX11");
    let js = serde_json::to_value(&inv).unwrap();
    assert_eq!(js["amountCents"], 5000);
    assert_eq!(js["requestId"], "rid-1");
    assert_eq!(js["confidence"]["location"], 0.9706);
    assert_eq!(js["raw"]["result"]["number"], "91XXXX61");
}

#[test]
fn quota_invoice_sparse_and_bad() {
    let inv = parse_quota_invoice(200, None, &fixture("quota-invoice-sparse.json")).unwrap();
    assert_eq!(inv.number, None);
    assert_eq!(inv.code, None);
    assert_eq!(inv.amount_cents, None, "Chinese numerals are not guessed");
    assert_eq!(inv.confidence.amount, None);
    assert_eq!(inv.raw["result"]["extra_field"]["x"], 1);
    for (name, code) in [
        ("quota-invoice-wrong-type.json", "response.shape"),
        ("quota-invoice-no-result.json", "response.shape"),
    ] {
        let e = parse_quota_invoice(200, Some("r"), &fixture(name)).unwrap_err();
        assert_eq!((e.kind(), e.code()), (ErrorKind::Protocol, code), "{name}");
        assert_eq!(e.request_id(), Some("r"));
    }
    for body in [&b""[..], b"{\"result\":", b"<html></html>", b"null", b"[]"] {
        let e = parse_quota_invoice(200, None, body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{:?}", String::from_utf8_lossy(body));
    }
    // An error envelope is an error whatever the status.
    let e = parse_quota_invoice(200, None, br#"{"error_code":"AIS.0105","error_msg":"x"}"#)
        .unwrap_err();
    assert_eq!(e.code(), "AIS.0105");
    let e = parse_quota_invoice(400, Some("h"), br#"{"error_code":"AIS.0103","error_msg":"size"}"#)
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code(), e.request_id()),
        (ErrorKind::InvalidImage, "AIS.0103", Some("h"))
    );
}

#[test]
fn amounts() {
    for (text, want) in [
        ("￥50.00", Some(5000)),
        ("¥1,234.5", Some(123_450)),
        ("50元", Some(5000)),
        ("50.00元", Some(5000)),
        ("¥ 12", Some(1200)),
        ("RMB 3.05", Some(305)),
        ("人民币100元整", Some(10_000)),
        ("0.01", Some(1)),
        ("1,000,000", Some(100_000_000)),
        ("５０．００", Some(5000)),
        ("10.500", Some(1050)),
        ("  ￥20  ", Some(2000)),
        ("伍拾元", None),
        ("", None),
        ("￥", None),
        ("-5", None),
        ("+5", None),
        ("1,23", None),
        ("12,345,67", None),
        (",123", None),
        ("1.234", None),
        ("50.", None),
        (".5", None),
        ("5 0", None),
        ("50元5角", None),
        ("$50", None),
        ("99999999999999999999", None),
        ("1e3", None),
    ] {
        assert_eq!(parse_amount_cents(text), want, "{text:?}");
    }
}

// ---------- ListResourceInstances ----------

#[test]
fn list_page() {
    let page = parse_list_resource_instances(200, Some("r"), &fixture("csms-list.json")).unwrap();
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.resources.len(), 2);
    let a = &page.resources[0];
    assert_eq!(a.resource_name.as_deref(), Some("db-password"));
    let s = a.resource_detail.as_ref().unwrap();
    assert_eq!(s.state.as_deref(), Some("ENABLED"));
    assert_eq!(s.create_time, Some(1_581_507_580_000));
    assert_eq!(s.scheduled_delete_time, None);
    assert_eq!(a.tags.len(), 2);
    assert_eq!((a.tags[1].key.as_str(), a.tags[1].value.as_str()), ("team", ""));
    let b = &page.resources[1];
    assert!(b.tags.is_empty(), "null tags read as empty");
    assert_eq!(b.resource_detail.as_ref().unwrap().scheduled_delete_time, Some(1_582_112_380));
    assert_eq!(page.raw["resources"][1]["resource_detail"]["future_field"], true);
    let js = serde_json::to_value(&page).unwrap();
    assert_eq!(js["totalCount"], 2);
    assert_eq!(
        js["resources"][0]["resourceDetail"]["kmsKeyId"],
        "0d0466b0-e727-4d9c-b35d-f84bb474a37f"
    );
    assert_eq!(js["resources"][1]["resourceDetail"]["scheduledDeleteTime"], 1_582_112_380);
    assert!(js["resources"][0]["resourceDetail"]["scheduledDeleteTime"].is_null());

    let count = parse_list_resource_instances(200, None, &fixture("csms-count.json")).unwrap();
    assert_eq!((count.total_count, count.resources.len()), (Some(57), 0));

    let e = parse_list_resource_instances(200, None, &fixture("csms-wrong-type.json")).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Protocol, "response.shape"));
    let e = parse_list_resource_instances(
        400,
        Some("h"),
        br#"{"error":{"error_code":"CSMS.0002","error_msg":"bad"}}"#,
    )
    .unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::InvalidArgument, "CSMS.0002"));
}

fn page(ids: std::ops::Range<u32>, total: Option<u64>) -> ResourceInstances {
    let resources = ids
        .map(|i| Resource { resource_id: Some(format!("id-{i}")), ..Default::default() })
        .collect();
    ResourceInstances { resources, total_count: total, request_id: None, raw: json!(null) }
}

#[test]
fn next_offset_table() {
    let p = |limit: Option<u32>, offset: Option<u64>| ListResourceInstancesParams {
        limit,
        offset,
        ..Default::default()
    };
    assert_eq!(next_offset(&p(Some(2), None), &page(0..2, Some(5))), Some(2));
    assert_eq!(next_offset(&p(Some(2), Some(2)), &page(2..4, Some(5))), Some(4));
    assert_eq!(next_offset(&p(Some(2), Some(4)), &page(4..5, Some(5))), None);
    assert_eq!(next_offset(&p(Some(2), Some(0)), &page(0..2, Some(2))), None);
    assert_eq!(next_offset(&p(Some(2), None), &page(0..0, Some(9))), None, "empty page ends");
    assert_eq!(next_offset(&p(None, None), &page(0..10, None)), Some(10), "default limit 10");
    assert_eq!(next_offset(&p(None, None), &page(0..9, None)), None, "short page ends");
    assert_eq!(next_offset(&p(Some(2), Some(u64::MAX)), &page(0..2, None)), None, "no overflow");
    let count = ListResourceInstancesParams { action: ListAction::Count, ..Default::default() };
    assert_eq!(next_offset(&count, &page(0..0, Some(9))), None);
}

#[test]
fn pager_walks_to_the_end() {
    let mut pager =
        ResourcePager::new(ListResourceInstancesParams { limit: Some(2), ..Default::default() });
    let mut offsets = vec![];
    let mut n = 0;
    while let Some(params) = pager.params() {
        let off = params.offset.unwrap_or(0) as u32;
        offsets.push(off);
        let p = page(off..(off + 2).min(5), Some(5));
        n += p.resources.len();
        if !pager.advance(&p).unwrap() {
            break;
        }
    }
    assert_eq!(offsets, [0, 2, 4]);
    assert_eq!(n, 5);
    assert!(pager.params().is_none());
    assert!(!pager.advance(&page(0..1, None)).unwrap(), "finished pagers stay finished");
}

#[test]
fn pager_stops_a_server_that_ignores_the_offset() {
    let mut pager =
        ResourcePager::new(ListResourceInstancesParams { limit: Some(2), ..Default::default() });
    // The server answers the first page again and again, claiming many more.
    assert!(pager.advance(&page(0..2, Some(1_000_000))).unwrap());
    let e = pager.advance(&page(0..2, Some(1_000_000))).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Protocol, "csms.pager_stuck"));
    assert!(pager.params().is_none());
}

// ---------- DeleteSecretTag ----------

#[test]
fn delete_tag_answers() {
    assert!(parse_delete_secret_tag(204, None, b"").is_ok());
    assert!(parse_delete_secret_tag(200, None, b"{}").is_ok());
    assert!(parse_delete_secret_tag(204, None, b"  \n").is_ok());
    let e = parse_delete_secret_tag(
        404,
        Some("h"),
        br#"{"error":{"error_code":"CSMS.0005","error_msg":"no"}}"#,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.status(), e.request_id()), ("CSMS.0005", Some(404), Some("h")));
    let e = parse_delete_secret_tag(
        200,
        None,
        br#"{"error":{"error_code":"CSMS.0002","error_msg":"x"}}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), "CSMS.0002");
    let e = parse_delete_secret_tag(502, None, b"<html>bad gateway</html>").unwrap_err();
    assert_eq!((e.code(), e.retryable()), ("http.502", true));
}

// ---------- Create APP ----------

#[test]
fn create_app_answer() {
    let app = parse_create_app(201, Some("hdr"), &fixture("apig-create-app.json")).unwrap();
    assert_eq!(app.id.as_deref(), Some("14b399ac-967f-4115-bb62-c0346b4537e9"));
    assert_eq!(app.status, Some(1));
    assert_eq!(app.app_secret.as_deref(), Some("s3cr3t-Value!"));
    assert_eq!(app.creator.as_deref(), Some("USER"));
    assert_eq!(app.app_type.as_deref(), Some("apig"));
    assert_eq!(app.register_time.as_deref(), Some("2017-12-28T12:26:54.2345858Z"));
    assert_eq!(app.request_id.as_deref(), Some("hdr"));
    let dbg = format!("{app:?}");
    assert!(!dbg.contains("s3cr3t-Value!"), "{dbg}");
    let js = serde_json::to_value(&app).unwrap();
    assert_eq!(js["appSecret"], "s3cr3t-Value!", "the caller gets its secret");
    assert_eq!(js["registerTime"], "2017-12-28T12:26:54.2345858Z");
    assert_eq!(js["raw"]["app_key"], "d49b1cbf-cc81-4a5f-b2a0-61b568e376eb");

    let e = parse_create_app(201, None, br#"{"id":1}"#).unwrap_err();
    assert_eq!(e.code(), "response.shape");
    let e = parse_create_app(
        400,
        None,
        br#"{"error_code":"APIG.3310","error_msg":"exists","request_id":"b"}"#,
    )
    .unwrap_err();
    assert_eq!((e.kind(), e.code(), e.request_id()), (ErrorKind::Service, "APIG.3310", Some("b")));
}

// ---------- Tencent ----------

#[test]
fn basic_biz_license_answer() {
    let r = parse_verify_basic_biz_license(200, &fixture("tencent-basic.json")).unwrap();
    assert_eq!(r.error_code, Some(0));
    assert_eq!(r.credit_code.as_deref(), Some("911101085636549482"));
    assert_eq!(r.opfrom.as_deref(), Some("2010-10-21"));
    assert_eq!(r.opto.as_deref(), Some(""));
    assert_eq!(r.frname.as_deref(), Some("谢兰芳"));
    assert_eq!(r.entstatus.as_deref(), Some("在营"));
    assert!(r.zsopscope.is_some());
    assert_eq!(r.reason.as_deref(), Some("成功"));
    assert_eq!(r.oriregno.as_deref(), Some(""));
    assert_eq!(r.verify_regno.as_deref(), Some("911101085636549482"));
    assert_eq!(r.regno.as_deref(), Some("110108013297537"));
    assert!(r.verify_entname.is_some() && r.entname.is_some());
    assert!(r.verify_dom.is_some() && r.dom.is_some());
    let v = r.reg_num_result.as_ref().unwrap();
    assert_eq!(
        (v.reg_num.as_deref(), v.name.as_deref(), v.address.as_deref()),
        (Some("0"), Some("0"), Some("0"))
    );
    assert_eq!(r.reg_capital.as_deref(), Some("14250.00"));
    assert_eq!(r.request_id.as_deref(), Some("8d9627c4-eb52-4a8d-8565-5b07ad436c9f"));
    assert_eq!(r.raw["Response"]["Frname"], "谢兰芳");
    let js = serde_json::to_value(&r).unwrap();
    for key in [
        "errorCode",
        "creditCode",
        "opfrom",
        "opto",
        "frname",
        "entstatus",
        "zsopscope",
        "reason",
        "oriregno",
        "verifyRegno",
        "regno",
        "verifyEntname",
        "entname",
        "verifyDom",
        "dom",
        "regNumResult",
        "regCapital",
        "requestId",
        "raw",
    ] {
        assert!(js.get(key).is_some(), "{key} missing from {js}");
    }
    assert_eq!(js["regNumResult"]["regNum"], "0");
}

#[test]
fn biz_license_answer() {
    let r = parse_verify_biz_license(200, &fixture("tencent-detail.json")).unwrap();
    assert_eq!(r.org_code.as_deref(), Some("563654948"));
    assert_eq!(r.open_to.as_deref(), Some("2030-10-20"));
    assert_eq!(r.reg_cap_cur.as_deref(), Some("人民币"));
    assert_eq!(r.industry_phy_code.as_deref(), Some("I"));
    assert_eq!(r.area_code.as_deref(), Some("110108"));
    assert_eq!(r.reg_num_result.as_ref().unwrap().name.as_deref(), Some("-1"));
    let js = serde_json::to_value(&r).unwrap();
    let keys = [
        "errorCode",
        "creditCode",
        "orgCode",
        "openFrom",
        "openTo",
        "frName",
        "enterpriseStatus",
        "operateScopeAndForm",
        "regCap",
        "regCapCur",
        "regOrg",
        "esDate",
        "enterpriseType",
        "cancelDate",
        "revokeDate",
        "abuItem",
        "cbuItem",
        "apprDate",
        "province",
        "city",
        "county",
        "areaCode",
        "industryPhyCode",
        "industryPhyName",
        "industryCode",
        "industryName",
        "operateScope",
        "verifyRegNo",
        "regNo",
        "verifyEnterpriseName",
        "enterpriseName",
        "verifyAddress",
        "address",
        "regNumResult",
        "requestId",
        "raw",
    ];
    for key in keys {
        assert!(js.get(key).is_some_and(|v| !v.is_null()), "{key} missing or null");
    }
    // Every documented field of the fixture is mapped (nothing left only in raw).
    let response = r.raw["Response"].as_object().unwrap();
    assert_eq!(response.len() + 1, keys.len(), "raw has {:?}", response.keys().collect::<Vec<_>>());
}

#[test]
fn tencent_errors_and_bad_shapes() {
    let e = parse_verify_basic_biz_license(
        200,
        br#"{"Response":{"Error":{"Code":"ActionOffline","Message":"gone"},"RequestId":"q"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.kind(), e.code(), e.request_id()),
        (ErrorKind::Unavailable, "ActionOffline", Some("q"))
    );
    assert!(e.message().contains("VerifyBasicBizLicense"));
    let e = parse_verify_biz_license(200, &fixture("tencent-no-response.json")).unwrap_err();
    assert_eq!(e.code(), "response.shape");
    let e = parse_verify_biz_license(200, &fixture("tencent-wrong-type.json")).unwrap_err();
    assert_eq!((e.code(), e.request_id()), ("response.shape", Some("y")));
    let e = parse_verify_biz_license(502, b"<html>").unwrap_err();
    assert_eq!((e.kind(), e.code(), e.retryable()), (ErrorKind::Protocol, "http.502", true));
    // Missing fields are None.
    let r =
        parse_verify_biz_license(200, br#"{"Response":{"RequestId":"z","Unknown":1}}"#).unwrap();
    assert_eq!((r.credit_code, r.request_id.as_deref()), (None, Some("z")));
    assert_eq!(r.raw["Response"]["Unknown"], 1);
}

#[test]
fn create_app_times_as_strings_or_numbers() {
    // The document types register_time/update_time only as "Timestamp".
    let cases = [
        (r#""2017-12-28T12:26:54.2345858Z""#, Some("2017-12-28T12:26:54.2345858Z")),
        ("1514464014234", Some("1514464014234")),
        ("1514464014.5", Some("1514464014.5")),
        ("null", None),
    ];
    for (time, want) in cases {
        let body = format!(
            r#"{{"id":"a1","name":"app_1","status":1,"register_time":{time},"update_time":{time}}}"#
        );
        let app = parse_create_app(201, None, body.as_bytes())
            .unwrap_or_else(|e| panic!("{time}: a created app surfaced as {e}"));
        assert_eq!((app.register_time.as_deref(), app.update_time.as_deref()), (want, want));
        assert_eq!(app.id.as_deref(), Some("a1"));
    }
    let app = parse_create_app(201, None, br#"{"id":"a1","update_time":0}"#).unwrap();
    assert_eq!((app.register_time, app.update_time.as_deref()), (None, Some("0")));
    // A time of another type is still a shape error, as a wrong-typed name is.
    for time in ["true", "[1]", r#"{"s":1}"#] {
        let body = format!(r#"{{"id":"a1","register_time":{time}}}"#);
        let e = parse_create_app(201, None, body.as_bytes()).unwrap_err();
        assert_eq!((e.code(), e.kind()), ("response.shape", ErrorKind::Protocol), "{time}");
    }
}
