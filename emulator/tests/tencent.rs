//! Tencent VerifyBasicBizLicense / VerifyBizLicense: TC3, checks, results.

mod common;

use common::*;
use serde_json::{json, Value};

const CODE: &str = "91110108EMU0000159";
const NAME: &str = "示例云计算（北京）有限责任公司";
const ADDR: &str = "北京市海淀区示例路1号1层101";

fn error_code(resp: &Value) -> String {
    resp["Error"]["Code"].as_str().unwrap_or("").to_owned()
}

#[test]
fn fixture_company_is_valid_for_the_library() {
    assert!(ocr_edge::api::regnum::validate_reg_num(CODE).is_ok());
}

#[test]
fn text_mode_results_follow_the_documented_semantics() {
    let emu = Emulator::start(&[]);
    let r = emu.tencent(
        "VerifyBasicBizLicense",
        &json!({ "RegNum": CODE, "Name": NAME, "Address": ADDR, "RegCapital": 1 }),
    );
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(r["RegNumResult"], json!({ "RegNum": "0", "Name": "0", "Address": "0" }));
    assert_eq!(r["Entname"], NAME);
    assert_eq!(r["RegCapital"], "14250.00");
    assert!(r["RequestId"].as_str().unwrap().len() == 36);
    for k in [
        "ErrorCode",
        "CreditCode",
        "Opfrom",
        "Opto",
        "Frname",
        "Entstatus",
        "Zsopscope",
        "Reason",
        "Oriregno",
        "VerifyRegno",
        "Regno",
        "VerifyEntname",
        "Entname",
        "VerifyDom",
        "Dom",
        "RegNumResult",
    ] {
        assert!(r.get(k).is_some(), "{k}");
    }
    // Half-width brackets differ, as in the documentation's example; no address: not checked.
    let r = emu.tencent(
        "VerifyBasicBizLicense",
        &json!({ "RegNum": CODE, "Name": "示例云计算(北京)有限责任公司" }),
    );
    assert_eq!(r["RegNumResult"], json!({ "RegNum": "0", "Name": "-1", "Address": "" }));
    assert!(r.get("RegCapital").is_none());
    // Unknown number.
    let r =
        emu.tencent("VerifyBizLicense", &json!({ "RegNum": "911101080000000000", "Name": NAME }));
    assert_eq!(r["RegNumResult"]["RegNum"], "-1");
    // The detailed action has every documented field.
    let r = emu.tencent("VerifyBizLicense", &json!({ "RegNum": "110108012345670" }));
    assert_eq!(r["EnterpriseName"], NAME);
    for k in [
        "ErrorCode",
        "CreditCode",
        "OrgCode",
        "OpenFrom",
        "OpenTo",
        "FrName",
        "EnterpriseStatus",
        "OperateScopeAndForm",
        "RegCap",
        "RegCapCur",
        "RegOrg",
        "EsDate",
        "EnterpriseType",
        "CancelDate",
        "RevokeDate",
        "AbuItem",
        "CbuItem",
        "ApprDate",
        "Province",
        "City",
        "County",
        "AreaCode",
        "IndustryPhyCode",
        "IndustryPhyName",
        "IndustryCode",
        "IndustryName",
        "OperateScope",
        "VerifyRegNo",
        "RegNo",
        "VerifyEnterpriseName",
        "EnterpriseName",
        "VerifyAddress",
        "Address",
        "RegNumResult",
        "RequestId",
    ] {
        assert!(r.get(k).is_some(), "{k}");
    }
}

#[test]
fn image_mode_reads_the_fixture_and_checks_the_config() {
    let emu = Emulator::start(&[]);
    let r = emu.tencent("VerifyBizLicense", &json!({ "ImageBase64": b64(LICENSE_PNG), "ImageConfig": "{\"RegNum\":true,\"Name\":true,\"Address\":false}" }));
    assert_eq!(r["RegNumResult"], json!({ "RegNum": "0", "Name": "0", "Address": "" }), "{r}");
    assert_eq!(r["CreditCode"], CODE);
    // ImageUrl wins over ImageBase64 and is not fetched.
    let r = emu.tencent(
        "VerifyBasicBizLicense",
        &json!({ "ImageUrl": "http://127.0.0.1/fixtures/biz-license.png", "ImageBase64": "!!" }),
    );
    assert_eq!(r["CreditCode"], "91440300EMU000023B", "{r}");
    let r = emu
        .tencent("VerifyBasicBizLicense", &json!({ "ImageUrl": "https://elsewhere.test/x.jpg" }));
    assert_eq!(r["Entname"], "emulated");
    assert_eq!(r["RegNumResult"]["RegNum"], "0");
}

#[test]
fn validation_codes() {
    let emu = Emulator::start(&[]);
    let code = |action: &str, body: Value| error_code(&emu.tencent(action, &body));
    assert_eq!(code("VerifyBasicBizLicense", json!({})), "MissingParameter");
    assert_eq!(
        code("VerifyBasicBizLicense", json!({ "ImageBase64": "not base64" })),
        "FailedOperation.ImageDecodeFailed"
    );
    let gif = b"GIF89a\x40\x00\x40\x00\x80\x00\x00";
    assert_eq!(
        code("VerifyBizLicense", json!({ "ImageBase64": b64(gif) })),
        "FailedOperation.ImageDecodeFailed"
    );
    assert_eq!(
        code("VerifyBizLicense", json!({ "ImageBase64": "A".repeat(7 * 1024 * 1024 + 4) })),
        "LimitExceeded.TooLargeFileError"
    );
    assert_eq!(
        code("VerifyBizLicense", json!({ "ImageUrl": "ftp://x.test/a.png" })),
        "FailedOperation.DownLoadError"
    );
    assert_eq!(
        code("VerifyBizLicense", json!({ "RegNum": CODE, "RegCapital": 1 })),
        "UnknownParameter"
    );
    assert_eq!(code("VerifyBizLicense", json!({ "RegNum": 5 })), "InvalidParameter");
    assert_eq!(
        code(
            "VerifyBizLicense",
            json!({ "ImageUrl": "http://a.test/x.png", "ImageConfig": "nope" })
        ),
        "InvalidParameterValue.InvalidParameterValueLimit"
    );
    // ImageConfig must set RegNum to true, as the document requires.
    for cfg in ["{\"Name\":true}", "{\"RegNum\":false,\"Name\":true}", "{}"] {
        let p = json!({ "ImageUrl": "http://a.test/x.png", "ImageConfig": cfg });
        assert_eq!(
            code("VerifyBizLicense", p),
            "InvalidParameterValue.InvalidParameterValueLimit",
            "{cfg}"
        );
    }
    let p = json!({ "ImageUrl": "http://a.test/x.png", "ImageConfig": "{\"RegNum\":true}" });
    assert_eq!(code("VerifyBizLicense", p), "");
    assert_eq!(code("DescribeInstances", json!({})), "InvalidAction");
}

#[test]
fn auth_failures() {
    let emu = Emulator::start(&[]);
    let body = serde_json::to_vec(&json!({ "RegNum": CODE })).unwrap();
    let call = |h: Vec<(String, String)>, b: &[u8]| {
        let r = emu.send("POST", "/", &h, b);
        assert_eq!(r.status, 200);
        assert!(r.json()["Response"]["RequestId"].is_string());
        r.code()
    };
    let sign =
        |id: &str, key: &str, t: u64| emu.tc_signed("VerifyBasicBizLicense", &body, id, key, t);
    assert_eq!(call(sign("dev-secret-id", "wrong", now()), &body), "AuthFailure.SignatureFailure");
    assert_eq!(
        call(sign("dev-secret-id", "dev-secret-key", now()), b"{\"RegNum\":\"x\"}"),
        "AuthFailure.SignatureFailure"
    );
    assert_eq!(
        call(sign("dev-secret-id", "dev-secret-key", now() - 301), &body),
        "AuthFailure.SignatureExpire"
    );
    assert_eq!(call(sign("dev-secret-id", "dev-secret-key", now() - 200), &body), "");
    assert_eq!(
        call(sign("unknown-id", "dev-secret-key", now()), &body),
        "AuthFailure.SecretIdNotFound"
    );
    let no_auth: Vec<_> = sign("dev-secret-id", "dev-secret-key", now())
        .into_iter()
        .filter(|(k, _)| k != "Authorization")
        .collect();
    assert_eq!(call(no_auth, &body), "AuthFailure.InvalidAuthorization");
    let no_ts: Vec<_> = sign("dev-secret-id", "dev-secret-key", now())
        .into_iter()
        .filter(|(k, _)| k != "X-TC-Timestamp")
        .collect();
    assert_eq!(call(no_ts, &body), "MissingParameter");
    let swap = |k: &str, v: &str| {
        sign("dev-secret-id", "dev-secret-key", now())
            .into_iter()
            .map(|(a, b)| if a == k { (a, v.to_owned()) } else { (a, b) })
            .collect::<Vec<_>>()
    };
    assert_eq!(call(swap("X-TC-Version", "2017-03-12"), &body), "NoSuchVersion");
    assert_eq!(call(swap("X-TC-Region", "ap-beijing"), &body), "UnsupportedRegion");
}

#[test]
fn offline_flag_answers_action_offline() {
    let emu = Emulator::start(&["--tencent-offline"]);
    for action in ["VerifyBasicBizLicense", "VerifyBizLicense"] {
        let r = emu.tencent(action, &json!({ "RegNum": CODE }));
        assert_eq!(error_code(&r), "ActionOffline");
    }
}
