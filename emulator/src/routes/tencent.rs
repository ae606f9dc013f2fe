//! Tencent OCR VerifyBasicBizLicense and VerifyBizLicense: common-parameter
//! checks, TC3 authentication, then the licence read from the image (or the
//! fields given) checked against the company fixture. `RegNumResult` follows
//! the API's BizLicenseVerifyResult: RegNum "0" found / "-1" no record;
//! Name and Address "0" same, "-1" different, "" not checked.

use ocr_edge::api::input::normalize_url;
use ocr_edge::image::Target;
use serde_json::{json, Map, Value};

use super::image::{intake, Refusal};
use super::TencentAction;
use crate::envelope::{tencent_error, tencent_ok, Reply};
use crate::ids::sha256_hex;
use crate::request::Request;
use crate::state::State;

const VERSION: &str = "2018-11-19";
const REGION: &str = "ap-guangzhou";

/// The fields to verify and whether each is checked.
struct Claim {
    reg_num: String,
    name: Option<String>,
    address: Option<String>,
}

/// `POST /` with `X-TC-Action`.
pub fn handle(state: &State, req: &Request, action: TencentAction) -> Reply {
    let rid = req.request_id.as_str();
    let fail = |code: &str, msg: &str| tencent_error(code, msg, rid);
    match (action, req.header("x-tc-action")) {
        (_, None) => {
            return fail(
                "MissingParameter",
                "The request is missing a required parameter `Action`.",
            )
        }
        (TencentAction::Other, Some(a)) => {
            return fail(
                "InvalidAction",
                &format!("The requested action `{}` does not exist.", a.trim()),
            )
        }
        _ => {}
    }
    match req.header("x-tc-version").map(str::trim) {
        None => {
            return fail(
                "MissingParameter",
                "The request is missing a required parameter `Version`.",
            )
        }
        Some(VERSION) => {}
        Some(v) => return fail("NoSuchVersion", &format!("The API version `{v}` does not exist.")),
    }
    match req.header("x-tc-region").map(str::trim) {
        None => {
            return fail(
                "MissingParameter",
                "The request is missing a required parameter `Region`.",
            )
        }
        Some(REGION) => {}
        Some(r) => {
            return fail(
                "UnsupportedRegion",
                &format!("The action does not support the region `{r}`."),
            )
        }
    }
    if let Err(reply) = crate::auth::tencent(state, req) {
        return reply;
    }
    // BizLicenseOCR is live; only the two verify actions went offline.
    if state.config.tencent_offline && action != TencentAction::LicenceOcr {
        return fail("ActionOffline", "This action has been taken offline.");
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return fail("InvalidParameter", "The request body is not a JSON object.");
    };
    let outcome = match action {
        TencentAction::LicenceOcr => super::licence_ocr::recognize(state, &body),
        _ => verify(state, &body, action),
    };
    match outcome {
        Ok(fields) => tencent_ok(fields, rid),
        Err((code, msg)) => fail(code, &msg),
    }
}

/// A Tencent error: code and message.
pub type Failure = (&'static str, String);

pub(crate) fn string_param(
    body: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>, Failure> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(("InvalidParameter", format!("The parameter `{key}` must be a string."))),
    }
}

fn verify(
    state: &State,
    body: &Map<String, Value>,
    action: TencentAction,
) -> Result<Map<String, Value>, Failure> {
    let known: &[&str] = match action {
        TencentAction::Basic => {
            &["ImageBase64", "ImageUrl", "ImageConfig", "RegNum", "Name", "Address", "RegCapital"]
        }
        _ => &["ImageBase64", "ImageUrl", "ImageConfig", "RegNum", "Name", "Address"],
    };
    if let Some(k) = body.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(("UnknownParameter", format!("The parameter `{k}` is not recognized.")));
    }
    let reg_capital = match body.get("RegCapital") {
        None | Some(Value::Null) => false,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(_) => {
            return Err((
                "InvalidParameter",
                "The parameter `RegCapital` must be an integer.".to_owned(),
            ))
        }
    };
    let image_url = string_param(body, "ImageUrl")?.filter(|s| !s.is_empty());
    let image_b64 = string_param(body, "ImageBase64")?.filter(|s| !s.is_empty());
    let claim = if image_url.is_some() || image_b64.is_some() {
        let read = read_licence(state, image_url.as_deref(), image_b64.as_deref())?;
        let config = image_config(string_param(body, "ImageConfig")?.as_deref())?;
        let get = |k: &str| read.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        Claim {
            reg_num: get("RegNum"),
            name: config.0.then(|| get("Name")),
            address: config.1.then(|| get("Address")),
        }
    } else {
        let Some(reg_num) = string_param(body, "RegNum")?.filter(|s| !s.trim().is_empty()) else {
            return Err((
                "MissingParameter",
                "The request is missing a required parameter `RegNum`.".to_owned(),
            ));
        };
        Claim {
            reg_num,
            name: string_param(body, "Name")?.filter(|s| !s.is_empty()),
            address: string_param(body, "Address")?.filter(|s| !s.is_empty()),
        }
    };
    Ok(answer(state, &claim, action, reg_capital))
}

/// Which optional fields ImageConfig asks to check: (Name, Address).
fn image_config(text: Option<&str>) -> Result<(bool, bool), Failure> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else { return Ok((false, false)) };
    let bad = || {
        (
            "InvalidParameterValue.InvalidParameterValueLimit",
            "ImageConfig must be a JSON object of booleans.".to_owned(),
        )
    };
    let Ok(Value::Object(cfg)) = serde_json::from_str::<Value>(text) else { return Err(bad()) };
    let flag = |k: &str| match cfg.get(k) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad()),
    };
    // The document: RegNum is required in ImageConfig and must be true.
    if !flag("RegNum")? {
        return Err((
            "InvalidParameterValue.InvalidParameterValueLimit",
            "ImageConfig must set RegNum to true.".to_owned(),
        ));
    }
    Ok((flag("Name")?, flag("Address")?))
}

/// The licence fields "read" from an image: a fixture by URL or SHA-256,
/// else emulated. ImageUrl wins when both are given; nothing is fetched.
fn read_licence(
    state: &State,
    url: Option<&str>,
    b64: Option<&str>,
) -> Result<Map<String, Value>, Failure> {
    if let Some(url) = url {
        if normalize_url(url).is_err() {
            return Err((
                "FailedOperation.DownLoadError",
                "The image could not be downloaded: the URL must be http or https.".to_owned(),
            ));
        }
        return Ok(state
            .recognition
            .biz_license_urls
            .get(url)
            .cloned()
            .unwrap_or_else(emulated_licence));
    }
    let b64 = b64.unwrap_or_default();
    if b64.len() as u64 > state.config.tencent_max_base64 {
        return Err((
            "LimitExceeded.TooLargeFileError",
            "The file is too large: the base64 image exceeds 7 MB.".to_owned(),
        ));
    }
    let limits = Target::TencentBizLicense.limits();
    match intake(b64, &limits) {
        Ok(image) => {
            let sha = sha256_hex(&image.bytes);
            Ok(state.recognition.biz_license.get(&sha).cloned().unwrap_or_else(emulated_licence))
        }
        Err(Refusal::Base64(m) | Refusal::Unreadable(m) | Refusal::Format(m)) => Err((
            "FailedOperation.ImageDecodeFailed",
            format!("The image could not be decoded: {m}"),
        )),
        Err(Refusal::Dimensions(m)) => Err((
            "FailedOperation.ImageDecodeFailed",
            format!("The image could not be decoded: {m}"),
        )),
    }
}

/// The marker an unknown image reads as, and its emulated company.
const EMULATED: &str = "emulated";

fn emulated_licence() -> Map<String, Value> {
    ["RegNum", "Name", "Address"].iter().map(|k| ((*k).to_owned(), json!(EMULATED))).collect()
}

fn emulated_company() -> Map<String, Value> {
    let mut m: Map<String, Value> = [
        "CreditCode",
        "RegNo",
        "EnterpriseName",
        "Address",
        "FrName",
        "EnterpriseStatus",
        "OperateScope",
        "OperateScopeAndForm",
        "RegOrg",
        "EnterpriseType",
        "Province",
        "City",
        "County",
        "IndustryPhyName",
        "IndustryName",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), json!(EMULATED)))
    .collect();
    for (k, v) in [
        ("OpenFrom", "2000-01-01"),
        ("EsDate", "2000-01-01"),
        ("ApprDate", "2000-01-01"),
        ("RegCap", "0.00"),
        ("RegCapCur", "人民币"),
    ] {
        m.insert(k.to_owned(), json!(v));
    }
    m
}

/// Every documented output field, filled from the matching company record.
fn answer(
    state: &State,
    claim: &Claim,
    action: TencentAction,
    reg_capital: bool,
) -> Map<String, Value> {
    let wanted = claim.reg_num.trim();
    let emulated = emulated_company();
    let company = if wanted == EMULATED {
        Some(&emulated)
    } else {
        state.companies.iter().find(|c| {
            ["CreditCode", "RegNo", "OriRegNo"].iter().any(|k| {
                c.get(*k).and_then(Value::as_str).is_some_and(|v| !v.is_empty() && v == wanted)
            })
        })
    };
    let field = |k: &str| -> String {
        company.and_then(|c| c.get(k)).and_then(Value::as_str).unwrap_or_default().to_owned()
    };
    let compare = |given: &Option<String>, k: &str| -> String {
        match (given, company) {
            (None, _) | (_, None) => String::new(),
            (Some(g), Some(_)) if g.trim() == field(k) => "0".to_owned(),
            (Some(_), Some(_)) => "-1".to_owned(),
        }
    };
    let result = json!({
        "RegNum": if company.is_some() { "0" } else { "-1" },
        "Name": compare(&claim.name, "EnterpriseName"),
        "Address": compare(&claim.address, "Address"),
    });
    let verify_name = claim.name.clone().unwrap_or_default();
    let verify_address = claim.address.clone().unwrap_or_default();
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        out.insert(k.to_owned(), v);
    };
    put("ErrorCode", json!(0));
    match action {
        TencentAction::Basic => {
            put("CreditCode", json!(field("CreditCode")));
            put("Opfrom", json!(field("OpenFrom")));
            put("Opto", json!(field("OpenTo")));
            put("Frname", json!(field("FrName")));
            put("Entstatus", json!(field("EnterpriseStatus")));
            put("Zsopscope", json!(field("OperateScope")));
            put("Reason", json!(if company.is_some() { "成功" } else { "查无记录" }));
            put("Oriregno", json!(field("OriRegNo")));
            put("VerifyRegno", json!(claim.reg_num));
            put("Regno", json!(field("RegNo")));
            put("VerifyEntname", json!(verify_name));
            put("Entname", json!(field("EnterpriseName")));
            put("VerifyDom", json!(verify_address));
            put("Dom", json!(field("Address")));
            put("RegNumResult", result);
            if reg_capital {
                put("RegCapital", json!(field("RegCap")));
            }
        }
        _ => {
            for k in [
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
            ] {
                put(k, json!(field(k)));
            }
            put("VerifyRegNo", json!(claim.reg_num));
            put("RegNo", json!(field("RegNo")));
            put("VerifyEnterpriseName", json!(verify_name));
            put("EnterpriseName", json!(field("EnterpriseName")));
            put("VerifyAddress", json!(verify_address));
            put("Address", json!(field("Address")));
            put("RegNumResult", result);
        }
    }
    out
}
