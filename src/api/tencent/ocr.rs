//! Tencent OCR VerifyBasicBizLicense and VerifyBizLicense (API 2018-11-19):
//! `POST /` on `ocr.tencentcloudapi.com` with the action in `X-TC-Action`.
//!
//! Tencent's document marks both actions pre-offline, expected offline at
//! 2023-06-20 15:52:24 (Beijing time); the live service
//! answers `ActionOffline`, which reaches the caller as an
//! [`crate::ErrorKind::Unavailable`] error that says so.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::endpoints::{tencent_region, TENCENT_OCR_HOST, TENCENT_OCR_VERSION};
use crate::api::fields::{Fields, Origin};
use crate::api::input::{conflict, image_body, invalid, missing, normalize_url, ImageInput};
use crate::api::operation::{json_answer, Context, Descriptor, Provider, Route};
use crate::api::provider_errors::{member, shape, success_json};
use crate::api::regnum::validate_reg_num;
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::wire;
use crate::error::Result;
use crate::image::{Format, Limits, Megabytes, Target};

#[allow(non_upper_case_globals)]
impl Operation {
    /// Tencent OCR VerifyBasicBizLicense.
    pub const VerifyBasicBizLicense: Operation =
        Operation::new("VerifyBasicBizLicense", Service::TencentOcr, true);
    /// Tencent OCR VerifyBizLicense.
    pub const VerifyBizLicense: Operation =
        Operation::new("VerifyBizLicense", Service::TencentOcr, true);
}

#[allow(non_upper_case_globals)]
impl Target {
    /// Tencent OCR VerifyBasicBizLicense / VerifyBizLicense's image limits.
    pub const TencentBizLicense: Target = Target {
        name: "tencent.bizLicense",
        limits: Limits {
            service: "Tencent business licence",
            formats: &[Format::Png, Format::Jpeg],
            // The provider states no pixel limits: these common ones only advise.
            min_side: 15,
            max_side: 4096,
            sides_are_advice: true,
            max_base64: 7 * Limits::MB,
        },
    };
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/tencent/biz-license`: VerifyBasicBizLicense.
    pub const BasicBizLicense: Route = Route(&BASIC);
    /// `POST /v1/tencent/biz-license?detailed=1`: VerifyBizLicense.
    pub const BizLicense: Route = Route(&DETAILED);
}

/// VerifyBasicBizLicense, for the registry.
pub const BASIC: Descriptor = Descriptor {
    id: "tencent.bizLicense",
    method: "verifyBasicBizLicense",
    operation: Operation::VerifyBasicBizLicense,
    provider: Provider::Tencent,
    target: Some(Target::TencentBizLicense),
    scope: Some("tencent.bizLicense"),
    path: "/v1/tencent/biz-license",
    flag: None,
    image_keys: &["imageBase64", "image"],
    success: 200,
    build: |ctx, f| read_and_build(Operation::VerifyBasicBizLicense, ctx, f),
    answer: |status, _, body| json_answer(parse_verify_basic_biz_license(status, body)),
    query_text,
};

/// VerifyBizLicense, for the registry: the detailed record, on the same
/// path and scope as [`BASIC`] with the `detailed` flag.
pub const DETAILED: Descriptor = Descriptor {
    id: "tencent.bizLicense.detailed",
    method: "verifyBizLicense",
    operation: Operation::VerifyBizLicense,
    flag: Some("detailed"),
    build: |ctx, f| read_and_build(Operation::VerifyBizLicense, ctx, f),
    answer: |status, _, body| json_answer(parse_verify_biz_license(status, body)),
    ..BASIC
};

/// The parameters both actions read; `regCapital` only the basic one.
const KEYS: [&str; 7] =
    ["imageUrl", "imageConfig", "regNum", "name", "address", "skipRegNumCheck", "regCapital"];

/// Reads the caller's parameters and builds `op`.
fn read_and_build(op: Operation, ctx: &Context<'_>, f: &Fields<'_>) -> Result<PreparedRequest> {
    let basic = op == Operation::VerifyBasicBizLicense;
    f.known(if basic { &KEYS } else { &KEYS[..6] })?;
    let image_config = match (f.origin, f.value("imageConfig")) {
        (_, None) => None,
        (Origin::Text, Some(Value::String(s))) => Some(ImageConfig::from_list(s)?),
        (Origin::Js, Some(v)) if !v.is_object() => {
            return Err(f.type_error("imageConfig", "an object"))
        }
        (_, Some(v)) => Some(ImageConfig::from_json(v)?),
    };
    let reg_capital = match (f.origin, f.value("regCapital")) {
        (_, None) => false,
        (Origin::Text, Some(_)) => f.flag("regCapital")?,
        (_, Some(v)) => reg_capital_requested(v),
    };
    let p = BizLicenseParams {
        image: f.image(),
        image_url: f.text("imageUrl")?,
        image_config,
        reg_num: f.text("regNum")?,
        name: f.text("name")?,
        address: f.text("address")?,
        region: ctx.region,
        skip_reg_num_check: f.flag("skipRegNumCheck")?,
    };
    build(op, &p, basic && reg_capital, ctx.megabytes)
}

/// A parameter as query text: `imageConfig` as its comma list, `regCapital`
/// as `1` when it asks (read as the JSON path reads it).
fn query_text(key: &str, v: &Value) -> Result<Option<String>> {
    match (key, v) {
        ("imageConfig", Value::Object(_)) => Ok(Some(ImageConfig::from_json(v)?.to_list())),
        ("regCapital", _) => Ok(reg_capital_requested(v).then(|| "1".to_owned())),
        _ => wire::query_text(key, v),
    }
}

/// Which fields to verify when the licence comes as an image; the
/// registration number is always verified. As JSON it is the document's
/// `{regNum: true, name, address}`: `regNum` may be given (true) or left out,
/// `regNum: false` is refused with `argument.invalid` (see
/// [`ImageConfig::from_json`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "ImageConfigFields")]
pub struct ImageConfig {
    /// Also verify the company name.
    pub name: bool,
    /// Also verify the address.
    pub address: bool,
}

/// `ImageConfig` as sent: `regNum` is the document's required `true`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct ImageConfigFields {
    reg_num: Option<bool>,
    name: bool,
    address: bool,
}

/// Tencent's document: "RegNum为必选" and the format `{RegNum: true, …}`.
const REG_NUM_FALSE: &str =
    "imageConfig.regNum must be true (or left out): Tencent always verifies the registration \
     number of a licence image";

impl TryFrom<ImageConfigFields> for ImageConfig {
    type Error = &'static str;
    fn try_from(f: ImageConfigFields) -> std::result::Result<Self, &'static str> {
        if f.reg_num == Some(false) {
            return Err(REG_NUM_FALSE);
        }
        Ok(ImageConfig { name: f.name, address: f.address })
    }
}

impl ImageConfig {
    /// Reads the JSON object `{regNum?: true, name?: bool, address?: bool}`;
    /// `regNum: false`, another key or a non-boolean value is
    /// `argument.invalid` with a message naming it.
    pub fn from_json(v: &Value) -> Result<ImageConfig> {
        let Value::Object(m) = v else {
            return Err(invalid("imageConfig is an object {regNum: true, name, address}"));
        };
        let mut cfg = ImageConfig::default();
        for (k, v) in m {
            let b = match v {
                Value::Bool(b) => *b,
                Value::Null => false,
                _ => return Err(invalid(format!("imageConfig.{} is true or false", short_key(k)))),
            };
            match k.as_str() {
                "regNum" if !b && !v.is_null() => return Err(invalid(REG_NUM_FALSE)),
                "regNum" => {}
                "name" => cfg.name = b,
                "address" => cfg.address = b,
                _ => {
                    return Err(invalid(format!(
                        "imageConfig has no field {:?}; known: regNum (always true), name, address",
                        short_key(k)
                    )))
                }
            }
        }
        Ok(cfg)
    }

    /// Reads the comma list form of a query or form field (`name,address`;
    /// `regNum` may be listed, as it is always verified).
    pub fn from_list(v: &str) -> Result<ImageConfig> {
        let mut cfg = ImageConfig::default();
        for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "regNum" => {}
                "name" => cfg.name = true,
                "address" => cfg.address = true,
                _ => return Err(invalid("imageConfig is a comma list of regNum, name, address")),
            }
        }
        Ok(cfg)
    }

    /// The comma list that [`ImageConfig::from_list`] reads back.
    pub fn to_list(&self) -> String {
        let mut out = vec!["regNum"];
        if self.name {
            out.push("name");
        }
        if self.address {
            out.push("address");
        }
        out.join(",")
    }
}

fn short_key(k: &str) -> String {
    k.chars().take(40).collect()
}

/// Whether a `regCapital` value asks for the registered capital. The
/// document: "1 outputs it, other values do not", so `1` (or `true`, or the
/// text `1`, `true`, `yes` of a form) asks, and no value is refused.
pub fn reg_capital_requested(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() == Some(1.0),
        Value::String(s) => matches!(s.trim(), "1" | "true" | "yes"),
        _ => false,
    }
}

/// The parameters shared by both actions: either an image (`image` or
/// `image_url`, not both) or text (`reg_num`, with optional `name` and
/// `address`), not both.
#[derive(Clone, Debug, Default)]
pub struct BizLicenseParams<'a> {
    /// The licence image, checked against Tencent's limits (PNG or JPEG, ≤ 7 MB base64).
    pub image: Option<ImageInput<'a>>,
    /// A public http(s) URL of the licence image (downloaded within 3 s).
    pub image_url: Option<&'a str>,
    /// With an image: which fields to verify besides the registration number.
    pub image_config: Option<ImageConfig>,
    /// Without an image: the credit code or registration number to verify.
    pub reg_num: Option<&'a str>,
    /// Without an image: the company name to verify.
    pub name: Option<&'a str>,
    /// Without an image: the address to verify.
    pub address: Option<&'a str>,
    /// `X-TC-Region`; default and only documented value `ap-guangzhou`.
    pub region: Option<&'a str>,
    /// Send `reg_num` without the local check-character test (for numbers
    /// issued outside the standards).
    pub skip_reg_num_check: bool,
}

/// Builds VerifyBasicBizLicense; `reg_capital` asks for the registered
/// capital (`RegCapital: 1`).
pub fn verify_basic_biz_license(
    params: &BizLicenseParams<'_>,
    reg_capital: bool,
) -> Result<PreparedRequest> {
    build(Operation::VerifyBasicBizLicense, params, reg_capital, Megabytes::Decimal)
}

/// Builds VerifyBizLicense (the detailed version).
pub fn verify_biz_license(params: &BizLicenseParams<'_>) -> Result<PreparedRequest> {
    build(Operation::VerifyBizLicense, params, false, Megabytes::Decimal)
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

/// [`verify_biz_license`] with the base64 budget read as `megabytes` says.
pub fn verify_biz_license_with(
    params: &BizLicenseParams<'_>,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    build(Operation::VerifyBizLicense, params, false, megabytes)
}

fn text_field(what: &str, s: &str) -> Result<Value> {
    if s.trim().is_empty() {
        return Err(invalid(format!("{what} must not be empty")));
    }
    if s.chars().any(char::is_control) {
        return Err(invalid(format!("{what} must not hold control characters")));
    }
    Ok(Value::String(s.to_owned()))
}

fn build(
    op: Operation,
    p: &BizLicenseParams<'_>,
    reg_capital: bool,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    let region = tencent_region(p.region)?;
    let has_image = p.image.is_some() || p.image_url.is_some();
    let has_text = p.reg_num.is_some() || p.name.is_some() || p.address.is_some();
    if p.image.is_some() && p.image_url.is_some() {
        // Tencent would silently use the URL and ignore the image.
        return Err(conflict("give either image or image_url, not both"));
    }
    if has_image && has_text {
        return Err(conflict(
            "reg_num, name and address are for text input; with an image, choose the fields \
             to verify with image_config",
        ));
    }
    if !has_image && !has_text {
        return Err(missing("an image, an image_url or a reg_num is required"));
    }
    let mut fields: Vec<(&str, Value)> = Vec::new();
    let mut url = None;
    if let Some(u) = p.image_url {
        url = Some(normalize_url(u)?);
    }
    if let Some(u) = url {
        fields.push(("ImageUrl", Value::String(u)));
    }
    if let Some(cfg) = p.image_config {
        if !has_image {
            return Err(conflict("image_config applies only with an image or image_url"));
        }
        let text = format!(r#"{{"RegNum":true,"Name":{},"Address":{}}}"#, cfg.name, cfg.address);
        fields.push(("ImageConfig", Value::String(text)));
    }
    if !has_image {
        let Some(reg_num) = p.reg_num else {
            return Err(missing("reg_num is required when verifying by text"));
        };
        let reg_num = if p.skip_reg_num_check {
            text_field("reg_num", reg_num)?
        } else {
            Value::String(validate_reg_num(reg_num)?.0)
        };
        fields.push(("RegNum", reg_num));
        if let Some(name) = p.name {
            fields.push(("Name", text_field("name", name)?));
        }
        if let Some(address) = p.address {
            fields.push(("Address", text_field("address", address)?));
        }
    }
    if reg_capital {
        fields.push(("RegCapital", Value::from(1)));
    }
    let body = match p.image {
        Some(image) => {
            let limits = megabytes.limits(Target::TencentBizLicense);
            image_body(image, &limits, &fields, "ImageBase64")?
        }
        None => json_object(&fields),
    };
    let mut req = PreparedRequest::new(op, "POST", TENCENT_OCR_HOST.to_owned(), &[])
        .header("Content-Type", "application/json; charset=utf-8")
        .tencent(TENCENT_OCR_VERSION, region);
    req.body = body;
    Ok(req)
}

/// A JSON object with `fields` in the given order.
fn json_object(fields: &[(&str, Value)]) -> Vec<u8> {
    let mut out = vec![b'{'];
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a &str or a Value into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, v);
    }
    out.push(b'}');
    out
}

/// The verification outcome per field, as Tencent sends it (`"0"` when it
/// matches the registry; other values, such as `"-1"`, when it does not or
/// could not be checked).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "PascalCase"))]
pub struct BizLicenseVerifyResult {
    /// Registration number / credit code.
    pub reg_num: Option<String>,
    /// Company name.
    pub name: Option<String>,
    /// Address.
    pub address: Option<String>,
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

/// Parses a VerifyBasicBizLicense answer; `Response.Error` becomes an error.
pub fn parse_verify_basic_biz_license(status: u16, body: &[u8]) -> Result<BasicBizLicense> {
    let raw = success_json(Operation::VerifyBasicBizLicense, status, None, body)?;
    let resp = member(&raw, "Response", status, None)?;
    let id = resp.get("RequestId").and_then(Value::as_str);
    let mut out: BasicBizLicense = shape(resp, status, id, "Response")?;
    out.raw = raw;
    Ok(out)
}

/// Parses a VerifyBizLicense answer; `Response.Error` becomes an error.
pub fn parse_verify_biz_license(status: u16, body: &[u8]) -> Result<BizLicense> {
    let raw = success_json(Operation::VerifyBizLicense, status, None, body)?;
    let resp = member(&raw, "Response", status, None)?;
    let id = resp.get("RequestId").and_then(Value::as_str);
    let mut out: BizLicense = shape(resp, status, id, "Response")?;
    out.raw = raw;
    Ok(out)
}
