//! Tencent OCR VerifyBizLicense, the detailed record: `POST /` with
//! `X-TC-Action: VerifyBizLicense`, on the worker path of the basic action
//! with the `detailed` flag. Its descriptor, builder and parser; the
//! parameters and request body are shared, in [`super::verify`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::verify::{
    build, query_text, read_and_build, read_response, BizLicenseParams, BizLicenseVerifyResult,
    IMAGE_KEYS, PATH,
};
use crate::api::operation::{json_answer, Descriptor, Provider, Route};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::error::Result;
use crate::image::{Megabytes, Target};

#[allow(non_upper_case_globals)]
impl Operation {
    /// Tencent OCR VerifyBizLicense.
    pub const VerifyBizLicense: Operation =
        Operation::new("VerifyBizLicense", Service::TencentOcr, true);
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/tencent/biz-license?detailed=1`: VerifyBizLicense.
    pub const BizLicense: Route = Route(&DESCRIPTOR);
}

/// VerifyBizLicense, for the registry: the detailed record, on the same
/// path as the basic action with the `detailed` flag, behind a scope of its
/// own since it is billed apart.
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: "tencent.bizLicense.detailed",
    method: "verifyBizLicense",
    operation: Operation::VerifyBizLicense,
    provider: Provider::Tencent,
    target: Some(Target::TencentBizLicense),
    scope: Some("tencent.bizLicense.detailed"),
    path: PATH,
    flag: Some("detailed"),
    image_keys: IMAGE_KEYS,
    success: 200,
    build: |ctx, f| read_and_build(Operation::VerifyBizLicense, false, ctx, f),
    answer: |status, _, body| json_answer(parse_verify_biz_license(status, body)),
    query_text,
};

/// Builds VerifyBizLicense (the detailed version).
pub fn verify_biz_license(params: &BizLicenseParams<'_>) -> Result<PreparedRequest> {
    build(Operation::VerifyBizLicense, params, false, Megabytes::Decimal)
}

/// [`verify_biz_license`] with the base64 budget read as `megabytes` says.
pub fn verify_biz_license_with(
    params: &BizLicenseParams<'_>,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    build(Operation::VerifyBizLicense, params, false, megabytes)
}

/// The answer of VerifyBizLicense: every documented output field, named
/// after Tencent's field in snake_case. `error_code` is 0 on success.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "PascalCase"))]
pub struct BizLicense {
    /// Status code, 0 on success.
    pub error_code: Option<i64>,
    /// Unified Social Credit Code.
    pub credit_code: Option<String>,
    /// Organisation code.
    pub org_code: Option<String>,
    /// Operating period from (YYYY-MM-DD).
    pub open_from: Option<String>,
    /// Operating period to (YYYY-MM-DD).
    pub open_to: Option<String>,
    /// Legal representative.
    pub fr_name: Option<String>,
    /// Operating status.
    pub enterprise_status: Option<String>,
    /// Business scope and form.
    pub operate_scope_and_form: Option<String>,
    /// Registered capital (10 000 units of `reg_cap_cur`).
    pub reg_cap: Option<String>,
    /// Currency of the registered capital.
    pub reg_cap_cur: Option<String>,
    /// Registration authority.
    pub reg_org: Option<String>,
    /// Date of establishment (YYYY-MM-DD).
    pub es_date: Option<String>,
    /// Enterprise type.
    pub enterprise_type: Option<String>,
    /// Deregistration date.
    pub cancel_date: Option<String>,
    /// Revocation date.
    pub revoke_date: Option<String>,
    /// Licensed business items.
    pub abu_item: Option<String>,
    /// General business items.
    pub cbu_item: Option<String>,
    /// Approval date.
    pub appr_date: Option<String>,
    /// Province.
    pub province: Option<String>,
    /// City.
    pub city: Option<String>,
    /// District or county.
    pub county: Option<String>,
    /// Administrative division code of the address.
    pub area_code: Option<String>,
    /// Industry category code.
    pub industry_phy_code: Option<String>,
    /// Industry category name.
    pub industry_phy_name: Option<String>,
    /// National economic industry code.
    pub industry_code: Option<String>,
    /// National economic industry name.
    pub industry_name: Option<String>,
    /// Business scope.
    pub operate_scope: Option<String>,
    /// The registration number that was verified.
    pub verify_reg_no: Option<String>,
    /// Registration number.
    pub reg_no: Option<String>,
    /// The company name that was verified.
    pub verify_enterprise_name: Option<String>,
    /// Company name.
    pub enterprise_name: Option<String>,
    /// The address that was verified.
    pub verify_address: Option<String>,
    /// Registered address.
    pub address: Option<String>,
    /// Verification outcome per field.
    pub reg_num_result: Option<BizLicenseVerifyResult>,
    /// Tencent's request id.
    pub request_id: Option<String>,
    /// The whole answer as sent.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// Parses a VerifyBizLicense answer; `Response.Error` becomes an error.
pub fn parse_verify_biz_license(status: u16, body: &[u8]) -> Result<BizLicense> {
    let (mut out, raw): (BizLicense, Value) =
        read_response(Operation::VerifyBizLicense, status, body)?;
    out.raw = raw;
    Ok(out)
}
