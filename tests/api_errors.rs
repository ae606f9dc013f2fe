//! Error answers: a table over the response fixture files covering every
//! code in the reference's errors.md, the non-JSON answers, the request id
//! sources and the retry policy.

use std::path::Path;

use ocr_edge::api::provider_errors::{excerpt, kind_of_code, EXCERPT_CHARS};
use ocr_edge::api::{parse_error, Operation};
use ocr_edge::ErrorKind;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/responses");

fn op(name: &str) -> Operation {
    match name {
        "RecognizeQuotaInvoice" => Operation::RecognizeQuotaInvoice,
        "ListResourceInstances" => Operation::ListResourceInstances,
        "DeleteSecretTag" => Operation::DeleteSecretTag,
        "CreateApp" => Operation::CreateApp,
        "VerifyBasicBizLicense" => Operation::VerifyBasicBizLicense,
        "VerifyBizLicense" => Operation::VerifyBizLicense,
        other => panic!("unknown operation {other}"),
    }
}

fn kind(name: &str) -> ErrorKind {
    match name {
        "invalid_image" => ErrorKind::InvalidImage,
        "invalid_argument" => ErrorKind::InvalidArgument,
        "auth" => ErrorKind::Auth,
        "throttled" => ErrorKind::Throttled,
        "service" => ErrorKind::Service,
        "unavailable" => ErrorKind::Unavailable,
        "protocol" => ErrorKind::Protocol,
        other => panic!("unknown kind {other}"),
    }
}

/// Every row of the manifest: file, status, operation, code, kind,
/// retryable, request id (`hdr-req-1` means: given as the header).
#[test]
fn manifest_table() {
    let manifest = std::fs::read_to_string(Path::new(DIR).join("errors/manifest.tsv")).unwrap();
    let mut rows = 0;
    for line in manifest.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let [file, status, opname, code, kname, retry, rid] = f[..] else { panic!("{line}") };
        let body = std::fs::read(Path::new(DIR).join(file)).unwrap();
        let status: u16 = status.parse().unwrap();
        let header = (rid == "hdr-req-1").then_some("hdr-req-1");
        let e = parse_error(status, header, &body, op(opname));
        let ctx = format!("{file} ({opname}, {status}): {e:?}");
        assert_eq!(e.code(), code, "{ctx}");
        assert_eq!(e.kind(), kind(kname), "{ctx}");
        assert_eq!(e.retryable(), retry == "true", "{ctx}");
        assert_eq!(e.status(), Some(status), "{ctx}");
        assert_eq!(e.request_id(), (!rid.is_empty()).then_some(rid), "{ctx}");
        assert!(!e.message().is_empty(), "{ctx}");
        assert!(e.message().chars().count() <= 2 * EXCERPT_CHARS + 300, "{ctx}");
        assert!(!e.message().chars().any(char::is_control), "{ctx}");
        rows += 1;
    }
    assert!(rows >= 90, "{rows} rows");
}

/// The documented codes of errors.md, listed again here so that a code
/// missing from the fixtures fails the test.
#[test]
fn every_documented_code_has_a_fixture() {
    let documented = "AIS.0101 AIS.0102 AIS.0103 AIS.0104 AIS.0105 ModelArts.0203 ModelArts.0212 \
        ModelArts.4101 ModelArts.4102 ModelArts.4103 ModelArts.4104 ModelArts.4105 ModelArts.4204 \
        ModelArts.4603 ModelArts.4704 APIG.0301 APIG.0307 APIG.0308 APIGW.0301 APIGW.0303 \
        CSMS.0002 CSMS.0003 CSMS.0004 CSMS.0005 CSMS.0103 CSMS.0107 CSMS.0106 CSMS.0202 CSMS.0203 \
        APIG.1002 APIG.1005 APIG.2000 APIG.2001 APIG.2002 APIG.2003 APIG.2004 APIG.3310 \
        ActionOffline AuthFailure.InvalidAuthorization AuthFailure.InvalidSecretId \
        AuthFailure.MFAFailure AuthFailure.SecretIdNotFound AuthFailure.SignatureExpire \
        AuthFailure.SignatureFailure AuthFailure.TokenFailure AuthFailure.UnauthorizedOperation \
        DryRunOperation FailedOperation InternalError InvalidAction InvalidParameter \
        InvalidParameterValue LimitExceeded MissingParameter NoSuchVersion RequestLimitExceeded \
        RequestSizeLimitExceeded ResourceInUse ResourceInsufficient ResourceNotFound \
        ResourceUnavailable UnauthorizedOperation UnknownParameter UnsupportedOperation \
        UnsupportedProtocol UnsupportedRegion FailedOperation.DataSourceQueryFailed \
        FailedOperation.DownLoadError FailedOperation.ImageDecodeFailed \
        FailedOperation.ImageSizeTooLarge FailedOperation.NoBizLicense FailedOperation.OcrFailed \
        FailedOperation.QueryNoRecord FailedOperation.UnKnowError FailedOperation.UnOpenError \
        InvalidParameterValue.InvalidParameterValueLimit LimitExceeded.TooLargeFileError \
        ResourcesSoldOut.ChargeStatusException";
    let manifest = std::fs::read_to_string(Path::new(DIR).join("errors/manifest.tsv")).unwrap();
    let codes: Vec<&str> = manifest.lines().filter_map(|l| l.split('\t').nth(3)).collect();
    for code in documented.split_whitespace() {
        assert!(codes.contains(&code), "{code} has no fixture row");
    }
}

#[test]
fn messages_tell_what_to_do() {
    let tc = |code: &str| {
        format!(r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"m"}},"RequestId":"r"}}}}"#)
    };
    let e =
        parse_error(200, None, tc("ActionOffline").as_bytes(), Operation::VerifyBasicBizLicense);
    assert!(e.message().starts_with("Tencent has taken VerifyBasicBizLicense offline"), "{e}");
    let e = parse_error(200, None, tc("ActionOffline").as_bytes(), Operation::VerifyBizLicense);
    assert!(e.message().contains("VerifyBizLicense offline"), "{e}");
    // The date the seed document gives, not the earlier announcement.
    assert!(e.message().contains("2023-06-20 15:52:24"), "{e}");
    assert!(!e.message().contains("2023-06-01"), "{e}");
    // Another Tencent code gets no offline hint.
    let e = parse_error(
        200,
        None,
        tc("FailedOperation.UnOpenError").as_bytes(),
        Operation::VerifyBizLicense,
    );
    assert!(!e.message().contains("offline"), "{e}");
    let e = parse_error(
        403,
        None,
        br#"{"error_code":"ModelArts.4204","error_msg":"not subscribed"}"#,
        Operation::RecognizeQuotaInvoice,
    );
    assert!(e.message().contains("subscribe to the OCR service in this region"), "{e}");
    assert!(e.message().contains("not subscribed"), "provider text kept: {e}");
    let e = parse_error(
        401,
        None,
        br#"{"error_code":"APIGW.0303","error_msg":""}"#,
        Operation::CreateApp,
    );
    assert!(e.message().contains("clock"), "{e}");
    let e = parse_error(
        200,
        None,
        tc("AuthFailure.SignatureExpire").as_bytes(),
        Operation::VerifyBizLicense,
    );
    assert!(e.message().contains("clock"), "{e}");
    let e = parse_error(
        200,
        None,
        tc("FailedOperation.UnOpenError").as_bytes(),
        Operation::VerifyBizLicense,
    );
    assert!(e.message().contains("enable"), "{e}");
    // No message at all still gives one.
    let e =
        parse_error(400, None, br#"{"error_code":"AIS.0105"}"#, Operation::RecognizeQuotaInvoice);
    assert!(e.message().contains("AIS.0105"), "{e}");
}

#[test]
fn non_json_answers_give_short_clean_excerpts() {
    let html = std::fs::read(Path::new(DIR).join("errors/other/gateway-502.html")).unwrap();
    let e = parse_error(502, None, &html, Operation::ListResourceInstances);
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert!(e.message().contains("<title>502 Bad Gateway</title>"), "{e}");
    assert!(!e.message().contains('\n') && !e.message().contains('\r'), "{e}");

    let huge = format!("<html>{}</html>", "x".repeat(100_000));
    let e = parse_error(500, None, huge.as_bytes(), Operation::DeleteSecretTag);
    assert!(e.message().len() < 400, "{}", e.message().len());
    assert!(e.message().ends_with('…'), "{e}");

    let e = parse_error(400, None, b"", Operation::RecognizeQuotaInvoice);
    assert!(e.message().contains("empty body"), "{e}");

    let bin = [0xff, 0xfe, 0x00, 0x01, b'a', 0x1b, b'[', b'3', b'1', b'm'];
    let ex = excerpt(&bin);
    assert!(!ex.chars().any(char::is_control), "{ex:?}");

    // Cut in the middle of a multi-byte character: still valid text.
    let cut = "错误".as_bytes();
    assert!(!excerpt(&cut[..4]).is_empty());
}

#[test]
fn request_id_sources() {
    // Header wins over the body.
    let body = br#"{"error_code":"APIG.2000","error_msg":"x","request_id":"from-body"}"#;
    let e = parse_error(400, Some("from-header"), body, Operation::CreateApp);
    assert_eq!(e.request_id(), Some("from-header"));
    let e = parse_error(400, Some(""), body, Operation::CreateApp);
    assert_eq!(e.request_id(), Some("from-body"));
    let e = parse_error(
        200,
        None,
        br#"{"Response":{"Error":{"Code":"InternalError","Message":"x"},"RequestId":"tc"}}"#,
        Operation::VerifyBizLicense,
    );
    assert_eq!(e.request_id(), Some("tc"));
    let e = parse_error(502, None, b"<html/>", Operation::CreateApp);
    assert_eq!(e.request_id(), None);
}

#[test]
fn retry_policy() {
    // 5xx: retryable only where the operation is idempotent.
    for (op, want) in [
        (Operation::RecognizeQuotaInvoice, true),
        (Operation::ListResourceInstances, true),
        (Operation::DeleteSecretTag, true),
        (Operation::VerifyBasicBizLicense, true),
        (Operation::VerifyBizLicense, true),
        (Operation::CreateApp, false),
    ] {
        assert_eq!(parse_error(504, None, b"", op).retryable(), want, "{op:?}");
        assert_eq!(op.idempotent(), want, "{op:?}");
        // Throttling refuses the request before any work: always safe.
        assert!(parse_error(429, None, b"", op).retryable(), "{op:?}");
    }
    // Client errors never are.
    assert!(!parse_error(
        400,
        None,
        br#"{"error_code":"AIS.0101","error_msg":"x"}"#,
        Operation::RecognizeQuotaInvoice
    )
    .retryable());
}

#[test]
fn kind_of_code_prefixes() {
    assert_eq!(kind_of_code("AuthFailure.Anything"), Some(ErrorKind::Auth));
    assert_eq!(kind_of_code("InvalidParameterValue.Other"), Some(ErrorKind::InvalidArgument));
    assert_eq!(kind_of_code("ResourcesSoldOut.Other"), Some(ErrorKind::Unavailable));
    assert_eq!(kind_of_code("RequestLimitExceeded.UinLimitExceeded"), Some(ErrorKind::Throttled));
    assert_eq!(kind_of_code("AIS.0105"), None);
}
