//! What Tencent OCR's two business-licence verification actions share
//! (API 2018-11-19, `POST /` on `ocr.tencentcloudapi.com` with the action in
//! `X-TC-Action`): the image target, the parameters and their rules, the
//! request body and the reading of the `Response` object. Each action's own
//! module holds its descriptor, builder and parser.
//!
//! Tencent's document marks both actions pre-offline, expected offline at
//! 2023-06-20 15:52:24 (Beijing time); the live service
//! answers `ActionOffline`, which reaches the caller as an
//! [`crate::ErrorKind::Unavailable`] error that says so.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::endpoints::{tencent_region, TENCENT_OCR_HOST, TENCENT_OCR_VERSION};
use crate::api::fields::{Fields, Origin};
use crate::api::input::{conflict, image_body_parts, invalid, missing, normalize_url, ImageInput};
use crate::api::operation::Context;
use crate::api::provider_errors::{member, shape, success_json};
use crate::api::regnum::validate_reg_num;
use crate::api::request::{Operation, PreparedRequest};
use crate::api::wire;
use crate::error::Result;
use crate::image::{Format, Limits, Megabytes, Target};

#[allow(non_upper_case_globals)]
impl Target {
    /// The image limits of Tencent OCR's business-licence verification actions.
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

/// The capture-token scope (and `checkImage` target name) of both actions.
pub(super) const SCOPE: &str = "tencent.bizLicense";
/// The worker path both actions share; a query flag picks the detailed one.
pub(super) const PATH: &str = "/v1/tencent/biz-license";
/// The parameter names that may hold the image; the first carries base64.
pub(super) const IMAGE_KEYS: &[&str] = &["imageBase64", "image"];

/// The parameters both actions read; `regCapital` only the basic one.
const KEYS: [&str; 7] =
    ["imageUrl", "imageConfig", "regNum", "name", "address", "skipRegNumCheck", "regCapital"];

/// Reads the caller's parameters and builds `op`; `reg_capital` says
/// whether the action knows the `regCapital` parameter.
pub(super) fn read_and_build(
    op: Operation,
    reg_capital: bool,
    ctx: &Context<'_>,
    f: &Fields<'_>,
) -> Result<PreparedRequest> {
    f.known(if reg_capital { &KEYS } else { &KEYS[..6] })?;
    let image_config = match (f.origin, f.value("imageConfig")) {
        (_, None) => None,
        (Origin::Text, Some(Value::String(s))) => Some(ImageConfig::from_list(s)?),
        (Origin::Js, Some(v)) if !v.is_object() => {
            return Err(f.type_error("imageConfig", "an object"))
        }
        (_, Some(v)) => Some(ImageConfig::from_json(v)?),
    };
    let asks_capital = match (f.origin, f.value("regCapital")) {
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
        skip_reg_num_check: skip_check(f)?,
    };
    build(op, &p, reg_capital && asks_capital, ctx.megabytes)
}

/// `skipRegNumCheck`: a signing client's choice. Through the worker
/// (`Origin::Json`/`Text`) the local check always runs, so a page cannot
/// spend billed calls on numbers that cannot exist; asking to skip is
/// refused there, not silently ignored.
fn skip_check(f: &Fields<'_>) -> Result<bool> {
    let skip = f.flag("skipRegNumCheck")?;
    if skip && f.origin != Origin::Js {
        return Err(invalid(
            "skipRegNumCheck is for the signing clients only: the worker always checks the credit code",
        ));
    }
    Ok(skip)
}

/// A parameter as query text: `imageConfig` as its comma list, `regCapital`
/// as `1` when it asks (read as the JSON path reads it).
pub(super) fn query_text(key: &str, v: &Value) -> Result<Option<String>> {
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

fn text_field(what: &str, s: &str) -> Result<Value> {
    if s.trim().is_empty() {
        return Err(invalid(format!("{what} must not be empty")));
    }
    if s.chars().any(char::is_control) {
        return Err(invalid(format!("{what} must not hold control characters")));
    }
    Ok(Value::String(s.to_owned()))
}

pub(super) fn build(
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
            image_body_parts(image, &limits, &fields, "ImageBase64")?
        }
        None => json_object(&fields).into(),
    };
    let req = PreparedRequest::new(op, "POST", TENCENT_OCR_HOST.to_owned(), &[])
        .header("Content-Type", "application/json; charset=utf-8")
        .tencent(TENCENT_OCR_VERSION, region)
        .with_body(body);
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

/// Reads the `Response` object of an answer to `op` as `T`; `Response.Error`
/// becomes an error. Returns it with the whole answer, for `raw`.
pub(super) fn read_response<T: DeserializeOwned>(
    op: Operation,
    status: u16,
    body: &[u8],
) -> Result<(T, Value)> {
    let raw = success_json(op, status, None, body)?;
    let resp = member(&raw, "Response", status, None)?;
    let id = resp.get("RequestId").and_then(Value::as_str);
    let out: T = shape(resp, status, id, "Response")?;
    Ok((out, raw))
}
