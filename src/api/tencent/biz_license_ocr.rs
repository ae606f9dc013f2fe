//! Tencent OCR BizLicenseOCR (营业执照识别, API 2018-11-19): `POST /` on
//! `ocr.tencentcloudapi.com`, body as the SDK's `BizLicenseOCRRequest`
//! serialises it. The live successor of the two offline verify actions.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::endpoints::{tencent_region, TENCENT_OCR_HOST, TENCENT_OCR_VERSION};
use crate::api::fields::Fields;
use crate::api::input::{conflict, missing, normalize_url, ImageInput};
use crate::api::operation::{json_answer, Context, Descriptor, Provider, Route};
use crate::api::provider_errors::{member, shape, success_json};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::sdk_body::{self, opt_flag, Field};
use crate::error::Result;
use crate::image::{Format, Limits, Megabytes, Target};

/// The id of the operation: its `checkImage` target, capture scope and route name.
pub const ID: &str = "tencent.bizLicenseOcr";

#[allow(non_upper_case_globals)]
impl Operation {
    /// Tencent OCR BizLicenseOCR.
    pub const BizLicenseOcr: Operation = Operation::new("BizLicenseOCR", Service::TencentOcr, true);
}

#[allow(non_upper_case_globals)]
impl Target {
    /// Tencent OCR BizLicenseOCR's documented limits.
    pub const TencentBizLicenseOcr: Target = Target { name: ID, limits: LIMITS };
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/tencent/biz-license-ocr`: BizLicenseOCR.
    pub const BizLicenseOcr: Route = Route(&DESCRIPTOR);
}

/// The operation, for the registry.
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: ID,
    method: "bizLicenseOcr",
    operation: Operation::BizLicenseOcr,
    provider: Provider::Tencent,
    target: Some(Target::TencentBizLicenseOcr),
    scope: Some(ID),
    path: "/v1/tencent/biz-license-ocr",
    flag: None,
    image_keys: &["image", "imageBase64"],
    success: 200,
    build,
    answer: |status, _, body| json_answer(parse_biz_license_ocr(status, body)),
    query_text: sdk_body::query_text,
};

/// Reads `image` (or `imageBase64`), `url` (or `imageUrl`) and the three
/// flags, and builds.
fn build(ctx: &Context<'_>, f: &Fields<'_>) -> Result<PreparedRequest> {
    f.known(&[
        "url",
        "imageUrl",
        "enableCopyWarn",
        "enablePeriodComplete",
        "enableBusinessCertificate",
    ])?;
    let image_url = match (f.text("url")?, f.text("imageUrl")?) {
        (Some(_), Some(_)) => {
            return Err(conflict("give url or imageUrl (the same thing), not both"))
        }
        (a, b) => a.or(b),
    };
    let p = BizLicenseOcrParams {
        image: f.image(),
        image_url,
        enable_copy_warn: opt_flag(f, "enableCopyWarn")?,
        enable_period_complete: opt_flag(f, "enablePeriodComplete")?,
        enable_business_certificate: opt_flag(f, "enableBusinessCertificate")?,
        region: ctx.region,
    };
    biz_license_ocr(&p, ctx.megabytes)
}

/// The documented limits: PNG or JPEG (no GIF), base64 at most 7 MB. The
/// document states no pixel limits: the common ones only advise.
pub const LIMITS: Limits = Limits {
    service: "Tencent business licence OCR",
    formats: &[Format::Png, Format::Jpeg],
    min_side: 15,
    max_side: 4096,
    sides_are_advice: true,
    max_base64: 7 * Limits::MB,
};

/// Warning code: a black-and-white photocopy (黑白复印件).
pub const WARN_COPY: i64 = -9102;
/// Warning code: re-shot from a screen or a print (翻拍件).
pub const WARN_RESHOT: i64 = -9104;
/// Warning code: the business scope could not be read (经营范围识别异常).
pub const WARN_SCOPE_UNREADABLE: i64 = -9108;

/// The parameters of BizLicenseOCR: one of `image` and `image_url`.
#[derive(Clone, Debug, Default)]
pub struct BizLicenseOcrParams<'a> {
    /// The licence image (PNG or JPEG, ≤ 7 MB base64), checked against [`LIMITS`].
    pub image: Option<ImageInput<'a>>,
    /// A public http(s) URL of the image (downloaded within 3 s).
    pub image_url: Option<&'a str>,
    /// `EnableCopyWarn`: report copies and re-shots; Tencent's default false.
    pub enable_copy_warn: Option<bool>,
    /// `EnablePeriodComplete`: complete the business term; default true.
    pub enable_period_complete: Option<bool>,
    /// `EnableBusinessCertificate`: also read other business certificates; default false.
    pub enable_business_certificate: Option<bool>,
    /// `X-TC-Region`; default `ap-guangzhou`.
    pub region: Option<&'a str>,
}

/// [`LIMITS`] with "MB" read as `megabytes` says.
pub fn limits(megabytes: Megabytes) -> Limits {
    match megabytes {
        Megabytes::Decimal => LIMITS,
        Megabytes::Binary => LIMITS.binary_megabytes(),
    }
}

/// Builds BizLicenseOCR. With both an image and a URL Tencent silently
/// reads the URL, so both are refused here rather than one dropped.
pub fn biz_license_ocr(
    params: &BizLicenseOcrParams<'_>,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    let region = tencent_region(params.region)?;
    let mut rest: Vec<Field> = Vec::new();
    for (key, flag) in [
        ("EnableCopyWarn", params.enable_copy_warn),
        ("EnablePeriodComplete", params.enable_period_complete),
        ("EnableBusinessCertificate", params.enable_business_certificate),
    ] {
        if let Some(b) = flag {
            rest.push((key, Value::Bool(b)));
        }
    }
    let body = match (params.image, params.image_url) {
        (Some(_), Some(_)) => {
            return Err(conflict(
                "give either image or image_url, not both (Tencent would read only the URL)",
            ))
        }
        (None, None) => return Err(missing("an image or an image_url is required")),
        (Some(image), None) => {
            sdk_body::with_image(image, &limits(megabytes), "ImageBase64", &rest)?
        }
        (None, Some(url)) => {
            let mut fields = vec![("ImageUrl", Value::String(normalize_url(url)?))];
            fields.extend(rest);
            sdk_body::object(&fields).into()
        }
    };
    let op = Operation::BizLicenseOcr;
    let req = PreparedRequest::new(op, "POST", TENCENT_OCR_HOST.to_owned(), &[])
        .header("Content-Type", "application/json; charset=utf-8")
        .tencent(TENCENT_OCR_VERSION, region)
        .with_body(body);
    Ok(req)
}

/// A rectangle in the image, in pixels (the SDK's `Rect`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "PascalCase"), default)]
pub struct Rect {
    /// Left.
    pub x: Option<i64>,
    /// Top.
    pub y: Option<i64>,
    /// Width.
    pub width: Option<i64>,
    /// Height.
    pub height: Option<i64>,
}

/// A field of a business certificate that is not a licence (the SDK's
/// `BusinessCertificateInfo`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "PascalCase"), default)]
pub struct BusinessCertificateField {
    /// The field's name as printed.
    pub name: Option<String>,
    /// Its value.
    pub value: Option<String>,
    /// Where it is.
    pub rect: Option<Rect>,
}

/// The warnings of `RecognizeWarnCode`, one flag each (only reported with
/// `enable_copy_warn`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BizLicenseWarnings {
    /// -9102: a black-and-white photocopy.
    pub copy: bool,
    /// -9104: re-shot from a screen or a print.
    pub reshot: bool,
    /// -9108: the business scope could not be read (small, blurred, glare…).
    pub scope_unreadable: bool,
}

/// The answer of BizLicenseOCR: every field of `BizLicenseOCRResponse`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "PascalCase"), default)]
pub struct BizLicenseOcr {
    /// Unified social credit code (registration number before 2015).
    pub reg_num: Option<String>,
    /// Company name.
    pub name: Option<String>,
    /// Registered capital.
    pub capital: Option<String>,
    /// Legal representative.
    pub person: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Business scope.
    pub business: Option<String>,
    /// Entity type (主体类型).
    #[serde(rename(serialize = "type", deserialize = "Type"))]
    pub kind: Option<String>,
    /// Business term (营业期限).
    pub period: Option<String>,
    /// Composing form (组成形式).
    pub composing_form: Option<String>,
    /// Date of establishment.
    pub set_date: Option<String>,
    /// Warning codes: -9102 copy, -9104 re-shot, -9108 scope unreadable.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub recognize_warn_code: Vec<i64>,
    /// Warning names: `WARN_COPY_CARD`, `WARN_RESHOOT_CARD`, `WARN_EARLY_STOP`.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub recognize_warn_msg: Vec<String>,
    /// The warning codes as flags.
    #[serde(skip_deserializing)]
    pub warnings: BizLicenseWarnings,
    /// 1 when the licence is a duplicate original (副本), -1 when not.
    pub is_duplication: Option<i64>,
    /// Registration date (登记日期).
    pub registration_date: Option<String>,
    /// Rotation of the text, degrees clockwise, 0–360.
    pub angle: Option<f64>,
    /// Whether a national emblem is present.
    pub national_emblem: Option<bool>,
    /// Whether a QR code is present.
    #[serde(rename(deserialize = "QRCode"))]
    pub qr_code: Option<bool>,
    /// Whether a seal is present.
    pub seal: Option<bool>,
    /// Title.
    pub title: Option<String>,
    /// Serial number (编号).
    pub serial_number: Option<String>,
    /// Registration authority (登记机关).
    pub registration_authority: Option<String>,
    /// Whether it is an electronic licence.
    pub electronic: Option<bool>,
    /// With `enable_business_certificate`: the fields of another business certificate.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub business_certificate: Vec<BusinessCertificateField>,
    /// Important notice (重要提示).
    pub important: Option<String>,
    /// Tencent's request id.
    pub request_id: Option<String>,
    /// The whole answer as sent.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// Parses a BizLicenseOCR answer; `Response.Error` becomes an error.
pub fn parse_biz_license_ocr(status: u16, body: &[u8]) -> Result<BizLicenseOcr> {
    let raw = success_json(Operation::BizLicenseOcr, status, None, body)?;
    let resp = member(&raw, "Response", status, None)?;
    let id = resp.get("RequestId").and_then(Value::as_str);
    let mut out: BizLicenseOcr = shape(resp, status, id, "Response")?;
    let has = |c: i64| out.recognize_warn_code.contains(&c);
    out.warnings = BizLicenseWarnings {
        copy: has(WARN_COPY),
        reshot: has(WARN_RESHOT),
        scope_unreadable: has(WARN_SCOPE_UNREADABLE),
    };
    out.raw = raw;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] =
        b"\xFF\xD8\xFF\xC0\x00\x11\x08\x00\x40\x00\x60\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00";

    #[test]
    fn body_and_headers_as_the_sdk_sends_them() {
        let p = BizLicenseOcrParams {
            image_url: Some("https://a.test/l.jpg"),
            enable_business_certificate: Some(true),
            enable_copy_warn: Some(true),
            ..Default::default()
        };
        let req = biz_license_ocr(&p, Megabytes::Decimal).unwrap();
        assert_eq!(req.path, "/");
        let scope = crate::api::TencentSigning {
            action: "BizLicenseOCR",
            version: "2018-11-19",
            region: "ap-guangzhou".into(),
        };
        assert_eq!(req.signing, crate::api::Signing::Tencent(scope));
        assert_eq!(req.headers.len(), 1, "{:?}", req.headers);
        assert_eq!(
            std::str::from_utf8(&req.body).unwrap(),
            r#"{"ImageUrl": "https://a.test/l.jpg", "EnableCopyWarn": true, "EnableBusinessCertificate": true}"#
        );
        let p = BizLicenseOcrParams {
            image: Some(ImageInput::Bytes(JPEG)),
            enable_period_complete: Some(false),
            ..Default::default()
        };
        let body = biz_license_ocr(&p, Megabytes::Decimal).unwrap().body;
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["ImageBase64"], "/9j/wAARCABAAGADAREAAhEAAxEA");
        assert_eq!(v["EnablePeriodComplete"], false);
        assert!(body.starts_with(br#"{"ImageBase64": ""#));
    }

    #[test]
    fn refusals() {
        let code = |p: &BizLicenseOcrParams<'_>| {
            biz_license_ocr(p, Megabytes::Decimal).unwrap_err().code().to_owned()
        };
        assert_eq!(code(&BizLicenseOcrParams::default()), "argument.missing");
        let both = BizLicenseOcrParams {
            image: Some(ImageInput::Bytes(JPEG)),
            image_url: Some("https://a.test/x.png"),
            ..Default::default()
        };
        assert_eq!(code(&both), "argument.conflict");
        let gif = b"GIF89a\x40\x00\x20\x00\x00\x00\x00";
        let p = BizLicenseOcrParams { image: Some(ImageInput::Bytes(gif)), ..Default::default() };
        assert_eq!(code(&p), "image.rejected");
        let pdf = b"%PDF-1.4\n";
        let p = BizLicenseOcrParams { image: Some(ImageInput::Bytes(pdf)), ..Default::default() };
        assert_eq!(code(&p), "image.rejected");
        let p = BizLicenseOcrParams { image_url: Some("ftp://x"), ..Default::default() };
        assert_eq!(code(&p), "argument.url");
        let p = BizLicenseOcrParams {
            image_url: Some("https://x.test/a"),
            region: Some("AP/x"),
            ..Default::default()
        };
        assert_eq!(code(&p), "argument.invalid");
    }

    #[test]
    fn parses_warnings_certificates_and_errors() {
        let body = r#"{"Response":{"RegNum":"91440300EMU000023B","Name":"示例","Type":"有限责任公司",
            "RecognizeWarnCode":[-9102,-9108],"RecognizeWarnMsg":["WARN_COPY_CARD","WARN_EARLY_STOP"],
            "IsDuplication":-1,"Angle":0.5,"QRCode":true,"Seal":false,"Electronic":false,
            "BusinessCertificate":[{"Name":"许可证编号","Value":"X1","Rect":{"X":1,"Y":2,"Width":3,"Height":4}}],
            "Important":"","RequestId":"r-1"}}"#;
        let r = parse_biz_license_ocr(200, body.as_bytes()).unwrap();
        assert_eq!(r.kind.as_deref(), Some("有限责任公司"));
        assert_eq!(
            r.warnings,
            BizLicenseWarnings { copy: true, reshot: false, scope_unreadable: true }
        );
        assert_eq!(r.qr_code, Some(true));
        assert_eq!(r.business_certificate[0].rect.as_ref().and_then(|r| r.height), Some(4));
        assert_eq!(r.request_id.as_deref(), Some("r-1"));
        let js = serde_json::to_value(&r).unwrap();
        assert_eq!(js["regNum"], "91440300EMU000023B");
        assert_eq!(js["type"], "有限责任公司");
        assert_eq!(js["qrCode"], true);
        assert_eq!(js["warnings"]["scopeUnreadable"], true);
        assert_eq!(js["businessCertificate"][0]["rect"]["width"], 3);
        assert_eq!(js["raw"]["Response"]["Angle"], 0.5);
        let err = br#"{"Response":{"Error":{"Code":"FailedOperation.NoBizLicense","Message":"not a licence"},"RequestId":"r-2"}}"#;
        let e = parse_biz_license_ocr(200, err).unwrap_err();
        assert_eq!(e.code(), "FailedOperation.NoBizLicense");
        assert_eq!(e.request_id(), Some("r-2"));
        let e = parse_biz_license_ocr(200, br#"{"Response":{"Angle":"x"}}"#).unwrap_err();
        assert_eq!(e.code(), "response.shape");
    }
}
