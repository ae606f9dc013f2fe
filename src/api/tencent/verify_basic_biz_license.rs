//! Tencent OCR VerifyBasicBizLicense: `POST /` with `X-TC-Action:
//! VerifyBasicBizLicense`. Its descriptor, builder and parser; the parameters
//! and request body it shares with the detailed action are in [`super::verify`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::verify::{
    build, query_text, read_and_build, read_response, BizLicenseParams, BizLicenseVerifyResult,
    IMAGE_KEYS, PATH, SCOPE,
};
use crate::api::operation::{json_answer, Descriptor, Provider, Route};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::error::Result;
use crate::image::{Megabytes, Target};

#[allow(non_upper_case_globals)]
impl Operation {
    /// Tencent OCR VerifyBasicBizLicense.
    pub const VerifyBasicBizLicense: Operation =
        Operation::new("VerifyBasicBizLicense", Service::TencentOcr, true);
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/tencent/biz-license`: VerifyBasicBizLicense.
    pub const BasicBizLicense: Route = Route(&DESCRIPTOR);
}

/// VerifyBasicBizLicense, for the registry.
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: "tencent.bizLicense",
    method: "verifyBasicBizLicense",
    operation: Operation::VerifyBasicBizLicense,
    provider: Provider::Tencent,
    target: Some(Target::TencentBizLicense),
    scope: Some(SCOPE),
    path: PATH,
    flag: None,
    image_keys: IMAGE_KEYS,
    success: 200,
    build: |ctx, f| read_and_build(Operation::VerifyBasicBizLicense, true, ctx, f),
    answer: |status, _, body| json_answer(parse_verify_basic_biz_license(status, body)),
    query_text,
};

/// Builds VerifyBasicBizLicense; `reg_capital` asks for the registered
/// capital (`RegCapital: 1`).
pub fn verify_basic_biz_license(
    params: &BizLicenseParams<'_>,
    reg_capital: bool,
) -> Result<PreparedRequest> {
    build(Operation::VerifyBasicBizLicense, params, reg_capital, Megabytes::Decimal)
}

/// [`verify_basic_biz_license`] with the image's 7 MB base64 budget read as
/// `megabytes` says (10^6 or 2^20 bytes).
pub fn verify_basic_biz_license_with(
    params: &BizLicenseParams<'_>,
    reg_capital: bool,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    build(Operation::VerifyBasicBizLicense, params, reg_capital, megabytes)
}

/// The answer of VerifyBasicBizLicense: every documented output field,
/// named after Tencent's field in snake_case. `error_code` is 0 on success;
/// `reason` explains other values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "PascalCase"))]
pub struct BasicBizLicense {
    /// Status code, 0 on success.
    pub error_code: Option<i64>,
    /// Unified Social Credit Code.
    pub credit_code: Option<String>,
    /// Operating period from (YYYY-MM-DD).
    pub opfrom: Option<String>,
    /// Operating period to (YYYY-MM-DD).
    pub opto: Option<String>,
    /// Legal representative.
    pub frname: Option<String>,
    /// Operating status (在营, 注销, 吊销 …).
    pub entstatus: Option<String>,
    /// Business scope.
    pub zsopscope: Option<String>,
    /// Status message.
    pub reason: Option<String>,
    /// Former registration number.
    pub oriregno: Option<String>,
    /// The registration number that was verified.
    pub verify_regno: Option<String>,
    /// Registration number.
    pub regno: Option<String>,
    /// The company name that was verified.
    pub verify_entname: Option<String>,
    /// Company name.
    pub entname: Option<String>,
    /// The address that was verified.
    pub verify_dom: Option<String>,
    /// Address.
    pub dom: Option<String>,
    /// Verification outcome per field.
    pub reg_num_result: Option<BizLicenseVerifyResult>,
    /// Registered capital (10 000 CNY), only when asked for with `reg_capital`.
    pub reg_capital: Option<String>,
    /// Tencent's request id.
    pub request_id: Option<String>,
    /// The whole answer as sent.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// Parses a VerifyBasicBizLicense answer; `Response.Error` becomes an error.
pub fn parse_verify_basic_biz_license(status: u16, body: &[u8]) -> Result<BasicBizLicense> {
    let (mut out, raw): (BasicBizLicense, Value) =
        read_response(Operation::VerifyBasicBizLicense, status, body)?;
    out.raw = raw;
    Ok(out)
}
