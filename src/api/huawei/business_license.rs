//! Huawei OCR RecognizeBusinessLicense (营业执照识别):
//! `POST /v2/{project_id}/ocr/business-license`, body `{"image": base64}` or
//! `{"url": …}` as the SDK's `BusinessLicenseRequestBody` writes it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ocr_call::{ocr_request, source_body};
use crate::api::endpoints::HuaweiService;
use crate::api::fields::Fields;
use crate::api::input::ImageInput;
use crate::api::operation::{json_answer, Context, Descriptor, Provider, Route};
use crate::api::provider_errors::{member, shape, success_json};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::sdk_body;
use crate::error::Result;
use crate::image::{Format, Limits, Megabytes, Target};

/// The id of the operation: its `checkImage` target, capture scope and route name.
pub const ID: &str = "huawei.businessLicense";

#[allow(non_upper_case_globals)]
impl Operation {
    /// Huawei OCR RecognizeBusinessLicense.
    pub const RecognizeBusinessLicense: Operation =
        Operation::new("RecognizeBusinessLicense", Service::HuaweiOcr, true);
}

#[allow(non_upper_case_globals)]
impl Target {
    /// Huawei OCR RecognizeBusinessLicense's documented limits.
    pub const HuaweiBusinessLicense: Target = Target { name: ID, limits: LIMITS };
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/huawei/business-license`: RecognizeBusinessLicense.
    pub const BusinessLicense: Route = Route(&DESCRIPTOR);
}

/// The operation, for the registry.
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: ID,
    method: "recognizeBusinessLicense",
    operation: Operation::RecognizeBusinessLicense,
    provider: Provider::Huawei(HuaweiService::Ocr),
    target: Some(Target::HuaweiBusinessLicense),
    scope: Some(ID),
    path: "/v1/huawei/business-license",
    flag: None,
    image_keys: &["image"],
    success: 200,
    build,
    answer: |status, request_id, body| {
        json_answer(parse_business_license(status, request_id, body))
    },
    query_text: sdk_body::query_text,
};

/// Reads `image` or `url` and `enterpriseProjectId`, and builds.
fn build(ctx: &Context<'_>, f: &Fields<'_>) -> Result<PreparedRequest> {
    f.known(&["url", "enterpriseProjectId"])?;
    let p = BusinessLicenseParams {
        image: f.image(),
        url: f.text("url")?,
        enterprise_project_id: super::ocr_call::enterprise_project(f, ctx)?,
    };
    recognize_business_license(ctx.region, ctx.project_id, &p, ctx.megabytes)
}

/// The documented limits: PNG, JPEG, BMP, TIFF or PDF (first page read),
/// every side 15–8192 px, base64 at most 10 MB.
pub const LIMITS: Limits = Limits {
    service: "Huawei business licence",
    formats: &[Format::Png, Format::Jpeg, Format::Bmp, Format::Tiff, Format::Pdf],
    min_side: 15,
    max_side: 8192,
    sides_are_advice: false,
    max_base64: 10 * Limits::MB,
};

/// The parameters of RecognizeBusinessLicense: exactly one of `image` and `url`.
#[derive(Clone, Debug, Default)]
pub struct BusinessLicenseParams<'a> {
    /// The licence image or PDF (bytes or base64), checked against [`LIMITS`].
    pub image: Option<ImageInput<'a>>,
    /// A public http(s) URL (or an OBS URL) the service downloads the file from.
    pub url: Option<&'a str>,
    /// The enterprise project to bill, sent as `Enterprise-Project-Id`.
    pub enterprise_project_id: Option<&'a str>,
}

/// Builds RecognizeBusinessLicense for `project_id` in `region` (default
/// cn-north-4), the image's 10 MB read as `megabytes` says.
pub fn recognize_business_license(
    region: Option<&str>,
    project_id: &str,
    params: &BusinessLicenseParams<'_>,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    let limits = limits(megabytes);
    let body = source_body(params.image, params.url, &limits, &[])?;
    ocr_request(
        Operation::RecognizeBusinessLicense,
        region,
        project_id,
        "business-license",
        params.enterprise_project_id,
        body,
    )
}

/// [`LIMITS`] with "MB" read as `megabytes` says.
pub fn limits(megabytes: Megabytes) -> Limits {
    match megabytes {
        Megabytes::Decimal => LIMITS,
        Megabytes::Binary => LIMITS.binary_megabytes(),
    }
}

/// The confidence of each field, 0–1, as the service gives it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"), default)]
pub struct BusinessLicenseConfidence {
    /// Of `registration_number`.
    pub registration_number: Option<f64>,
    /// Of `name`.
    pub name: Option<f64>,
    /// Of `type`.
    #[serde(rename = "type")]
    pub kind: Option<f64>,
    /// Of `address`.
    pub address: Option<f64>,
    /// Of `legal_representative`.
    pub legal_representative: Option<f64>,
    /// Of `registered_capital`.
    pub registered_capital: Option<f64>,
    /// Of `organization_form`.
    pub organization_form: Option<f64>,
    /// Of `found_date`.
    pub found_date: Option<f64>,
    /// Of `business_term`.
    pub business_term: Option<f64>,
    /// Of `business_scope`.
    pub business_scope: Option<f64>,
    /// Of `issue_date`.
    pub issue_date: Option<f64>,
}

/// A recognised business licence (the SDK's `BusinessLicenseResult`).
/// Fields the service left out are `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct BusinessLicense {
    /// Registration number (old licences) or unified social credit code.
    pub registration_number: Option<String>,
    /// Company name (企业名称).
    pub name: Option<String>,
    /// Company type (类型/主体类型).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Address (住所/经营场所).
    pub address: Option<String>,
    /// Legal representative, person in charge or operator.
    pub legal_representative: Option<String>,
    /// Registered capital (注册资本/出资额), as printed.
    pub registered_capital: Option<String>,
    /// Organisation form (组成形式).
    pub organization_form: Option<String>,
    /// Date of establishment or registration (成立日期).
    pub found_date: Option<String>,
    /// Business term (营业期限).
    pub business_term: Option<String>,
    /// Business scope (经营范围).
    pub business_scope: Option<String>,
    /// Issue date (发照日期).
    pub issue_date: Option<String>,
    /// Per-field confidence.
    #[serde(default, deserialize_with = "crate::api::null_as_default")]
    pub confidence: BusinessLicenseConfidence,
    /// The `X-Request-Id` of the answer.
    #[serde(skip_deserializing)]
    pub request_id: Option<String>,
    /// The whole answer as sent.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// Parses a RecognizeBusinessLicense answer; `request_id` is `X-Request-Id`.
pub fn parse_business_license(
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<BusinessLicense> {
    let raw = success_json(Operation::RecognizeBusinessLicense, status, request_id, body)?;
    let mut out: BusinessLicense =
        shape(member(&raw, "result", status, request_id)?, status, request_id, "result")?;
    out.request_id = request_id.map(str::to_owned);
    out.raw = raw;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: [u8; 33] = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 64, 0, 0, 0, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
    ];

    fn build(p: &BusinessLicenseParams<'_>) -> Result<PreparedRequest> {
        recognize_business_license(None, "p1", p, Megabytes::Decimal)
    }

    #[test]
    fn body_is_the_sdk_model_as_json_dumps_writes_it() {
        let p =
            BusinessLicenseParams { image: Some(ImageInput::Bytes(&PNG)), ..Default::default() };
        let req = build(&p).unwrap();
        assert_eq!(req.path, "/v2/p1/ocr/business-license");
        assert_eq!(req.host, "ocr.cn-north-4.myhuaweicloud.com");
        let b64 = crate::image::body::json_with_base64(&[], "x", &PNG);
        let b64 = std::str::from_utf8(&b64[6..b64.len() - 2]).unwrap();
        assert_eq!(req.body, format!("{{\"image\": \"{b64}\"}}").as_bytes());
        let p = BusinessLicenseParams { url: Some("https://a.test/l c.png"), ..Default::default() };
        assert_eq!(build(&p).unwrap().body, br#"{"url": "https://a.test/l%20c.png"}"#);
    }

    #[test]
    fn refuses_what_the_document_refuses() {
        let code = |p: &BusinessLicenseParams<'_>| build(p).unwrap_err().code().to_owned();
        assert_eq!(code(&BusinessLicenseParams::default()), "argument.missing");
        let both = BusinessLicenseParams {
            image: Some(ImageInput::Bytes(&PNG)),
            url: Some("https://a.test/x.png"),
            ..Default::default()
        };
        assert_eq!(code(&both), "argument.conflict");
        let gif = b"GIF89a\x40\x00\x20\x00\x00\x00\x00";
        let p = BusinessLicenseParams { image: Some(ImageInput::Bytes(gif)), ..Default::default() };
        assert_eq!(code(&p), "image.rejected");
        // 14 px is under the documented 15 px; 8192 px passes, where the quota invoice stops at 4096.
        let mut small = PNG;
        small[19] = 14;
        let p =
            BusinessLicenseParams { image: Some(ImageInput::Bytes(&small)), ..Default::default() };
        assert_eq!(code(&p), "image.rejected");
        let mut wide = PNG;
        wide[18] = 0x20; // width 8192
        wide[19] = 0;
        let p =
            BusinessLicenseParams { image: Some(ImageInput::Bytes(&wide)), ..Default::default() };
        assert!(build(&p).is_ok());
        let ep = BusinessLicenseParams {
            url: Some("https://a.test/x.png"),
            enterprise_project_id: Some("a\r\nb"),
            ..Default::default()
        };
        assert_eq!(code(&ep), "argument.invalid");
    }

    #[test]
    fn a_pdf_passes_unprobed_but_its_size_counts() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
        let p = BusinessLicenseParams { image: Some(ImageInput::Bytes(pdf)), ..Default::default() };
        let req = build(&p).unwrap();
        assert!(req.body.starts_with(b"{\"image\": \"JVBERi0xLjcK"));
        let check = crate::image::check_with(&crate::image::probe(pdf).unwrap(), &LIMITS);
        assert!(check.ok && check.warnings.is_empty());
        assert_eq!(check.info.format.as_str(), "pdf");
        let big = crate::image::ImageInfo { byte_length: 7_500_001, ..check.info };
        let over = crate::image::check_with(&big, &LIMITS);
        let codes: Vec<_> = over.violations.iter().map(|v| v.code).collect();
        assert_eq!(codes, ["image.over_budget"]);
        assert_eq!(limits(Megabytes::Binary).max_base64, 10 * Limits::MIB);
    }

    #[test]
    fn parses_every_field_and_keeps_raw() {
        let body = r#"{"result":{"registration_number":"91110108EMU0000159","name":"示例","type":"有限责任公司","address":"北京","legal_representative":"张三","registered_capital":"100万元","organization_form":null,"found_date":"2015年01月01日","business_term":"长期","business_scope":"软件","issue_date":"2020年01月01日","confidence":{"registration_number":0.99,"name":0.98,"type":0.9},"extra":1}}"#;
        let r = parse_business_license(200, Some("rid"), body.as_bytes()).unwrap();
        assert_eq!(r.registration_number.as_deref(), Some("91110108EMU0000159"));
        assert_eq!(r.kind.as_deref(), Some("有限责任公司"));
        assert_eq!(r.organization_form, None);
        assert_eq!(r.confidence.kind, Some(0.9));
        assert_eq!(r.confidence.address, None);
        assert_eq!(r.raw["result"]["extra"], 1);
        assert_eq!(r.request_id.as_deref(), Some("rid"));
        let js = serde_json::to_value(&r).unwrap();
        assert_eq!(js["type"], "有限责任公司");
        assert_eq!(js["legalRepresentative"], "张三");
        assert_eq!(js["confidence"]["registrationNumber"], 0.99);
        let err =
            parse_business_license(400, None, br#"{"error_code":"AIS.0103","error_msg":"x"}"#)
                .unwrap_err();
        assert_eq!(err.code(), "AIS.0103");
        let err = parse_business_license(200, None, br#"{"result":{"name":1}}"#).unwrap_err();
        assert_eq!(err.code(), "response.shape");
    }
}
