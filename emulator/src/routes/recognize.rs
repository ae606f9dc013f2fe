//! Huawei OCR RecognizeBusinessLicense and RecognizeVatInvoice: the checks
//! of RecognizeQuotaInvoice (JSON body, exactly one of image and url, base64,
//! format, sides, 10 MB) with each API's limits, then the fixture for the
//! file's SHA-256 (or URL) or an emulated result. A fixture holding
//! `error_code` is answered as that 400 error (e.g. `AIS.0105` for a file
//! that is not a licence). VAT: options must be booleans / a page number,
//! advanced-only fields and confidence are dropped without `advanced_mode`,
//! `text_location` without `return_text_location`.

use std::collections::BTreeMap;

use ocr_edge::api::huawei::{business_license, vat_invoice};
use ocr_edge::api::input::normalize_url;
use ocr_edge::image::Limits;
use serde_json::{json, Map, Value};

use super::image::{intake, Refusal};
use crate::envelope::{self, Family, Reply};
use crate::ids::sha256_hex;
use crate::request::Request;
use crate::state::State;

/// The VAT fields the SDK model marks "only with advanced_mode".
const ADVANCED: &[&str] = &[
    "invoice_tag",
    "serial_number",
    "attribution",
    "supervision_seal",
    "print_code",
    "machine_number",
    "print_number",
    "total_in_words",
    "remarks",
    "receiver",
    "reviewer",
    "issuer",
    "seller_seal",
    "confidence",
];

/// Item fields of toll invoices the model marks "only with advanced_mode".
const ADVANCED_ITEM: &[&str] = &["license_plate_number", "vehicle_type", "start_date", "end_date"];

type Refused = Box<Reply>;

/// `POST /v2/{project_id}/ocr/business-license` after authentication.
pub fn business_license(state: &State, req: &Request) -> Reply {
    let run = || -> Result<Value, Refused> {
        let body = json_body(req)?;
        let (found, key) = source(
            state,
            req,
            &body,
            &business_license::LIMITS,
            &state.recognition.business_license,
            &state.recognition.business_license_urls,
        )?;
        Ok(found.unwrap_or_else(|| emulated_licence(&key)))
    };
    match run() {
        Ok(result) => Reply::json(200, &json!({ "result": result })),
        Err(reply) => *reply,
    }
}

/// `POST /v2/{project_id}/ocr/vat-invoice` after authentication.
pub fn vat_invoice(state: &State, req: &Request) -> Reply {
    let rid = req.request_id.as_str();
    let run = || -> Result<Value, Refused> {
        let body = json_body(req)?;
        let flag = |k: &str| -> Result<bool, Refused> {
            match body.get(k) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => {
                    Err(bad(rid, "AIS.0101", &format!("The parameter {k} must be a boolean.")))
                }
            }
        };
        let advanced = flag("advanced_mode")?;
        let locations = flag("return_text_location")?;
        flag("ofd_to_image_mode")?;
        let page = match body.get("page_num") {
            None | Some(Value::Null) => 1,
            Some(v) => match v.as_u64().filter(|n| (1..=i32::MAX as u64).contains(n)) {
                Some(n) => n,
                None => {
                    return Err(bad(
                        rid,
                        "AIS.0101",
                        "The parameter page_num must be a positive integer.",
                    ))
                }
            },
        };
        let (found, key) = source(
            state,
            req,
            &body,
            &vat_invoice::LIMITS,
            &state.recognition.vat_invoice,
            &state.recognition.vat_invoice_urls,
        )?;
        let mut result = match found.unwrap_or_else(|| emulated_invoice(&key)) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let total: u64 = result
            .get("total_pages")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        if page > total {
            // The document: a page_num beyond the PDF's pages reads the first.
            result.insert("current_page".into(), json!("1"));
        } else {
            result.insert("current_page".into(), json!(page.to_string()));
        }
        if !advanced {
            for k in ADVANCED {
                result.remove(*k);
            }
            if let Some(Value::Array(items)) = result.get_mut("item_list") {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    for k in ADVANCED_ITEM {
                        item.remove(*k);
                    }
                }
            }
        }
        if !locations {
            result.remove("text_location");
        }
        Ok(Value::Object(result))
    };
    match run() {
        Ok(result) => Reply::json(200, &json!({ "result": result })),
        Err(reply) => *reply,
    }
}

fn bad(rid: &str, code: &str, msg: &str) -> Refused {
    Box::new(envelope::error(Family::HuaweiOcr, 400, code, msg, rid))
}

/// The JSON object body, after the Content-Type check.
fn json_body(req: &Request) -> Result<Map<String, Value>, Refused> {
    let rid = req.request_id.as_str();
    let json_type = req.header("content-type").is_some_and(|t| {
        t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json_type {
        return Err(bad(rid, "AIS.0101", "The Content-Type header must be application/json."));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(body)) => Ok(body),
        _ => Err(bad(rid, "ModelArts.4105", "The request body is not valid JSON.")),
    }
}

/// Checks `image`/`url` as the document says and looks the file up (other
/// fields are the caller's to check; unknown ones are ignored, as by the service):
/// `(fixture, key)`, the key being the SHA-256 of the file or of the URL.
fn source(
    state: &State,
    req: &Request,
    body: &Map<String, Value>,
    limits: &Limits,
    by_sha: &BTreeMap<String, Value>,
    by_url: &BTreeMap<String, Value>,
) -> Result<(Option<Value>, String), Refused> {
    let rid = req.request_id.as_str();
    let field = |k: &str| body.get(k).filter(|v| !v.is_null());
    let (found, key) = match (field("image"), field("url")) {
        (Some(_), Some(_)) => {
            return Err(bad(rid, "AIS.0101", "The parameter image and url cannot be both set."))
        }
        (None, None) => {
            return Err(bad(rid, "AIS.0101", "The parameter image or url is required."))
        }
        (Some(Value::String(b64)), None) => {
            if b64.len() as u64 > state.config.huawei_max_base64 {
                return Err(bad(
                    rid,
                    "ModelArts.4104",
                    "The request body is too large: the base64 image exceeds 10 MB.",
                ));
            }
            let image = intake(b64, limits).map_err(|r| match r {
                Refusal::Base64(m) => {
                    bad(rid, "AIS.0102", &format!("The image is not valid base64: {m}"))
                }
                Refusal::Unreadable(m) => {
                    bad(rid, "AIS.0102", &format!("The image format is not supported: {m}"))
                }
                Refusal::Format(m) => bad(rid, "AIS.0104", &format!("Unsupported image type: {m}")),
                Refusal::Dimensions(m) => bad(
                    rid,
                    "AIS.0103",
                    &format!("The image size does not meet the requirements: {m}"),
                ),
            })?;
            let sha = sha256_hex(&image.bytes);
            (by_sha.get(&sha).cloned(), sha)
        }
        (None, Some(Value::String(url))) => {
            if normalize_url(url).is_err() {
                return Err(bad(
                    rid,
                    "AIS.0101",
                    "The parameter url must be an http or https URL.",
                ));
            }
            // Nothing is fetched: a fixture by URL, or an emulated result.
            (by_url.get(url).cloned(), sha256_hex(url.as_bytes()))
        }
        _ => return Err(bad(rid, "AIS.0101", "The parameters image and url must be strings.")),
    };
    if let Some(code) = found.as_ref().and_then(|f| f.get("error_code")).and_then(Value::as_str) {
        let msg = found.as_ref().and_then(|f| f.get("error_msg")).and_then(Value::as_str);
        return Err(bad(rid, code, msg.unwrap_or("Recognition failed.")));
    }
    Ok((found, key))
}

/// Digits derived from a key, so the same input reads the same.
fn digits(key: &str, n: usize) -> String {
    key.bytes().map(|b| char::from(b'0' + b % 10)).take(n).collect()
}

fn emulated_licence(key: &str) -> Value {
    json!({
        "registration_number": format!("91{}", digits(key, 16)),
        "name": "emulated",
        "type": "emulated",
        "address": "emulated",
        "legal_representative": "emulated",
        "registered_capital": "emulated",
        "found_date": "2000年01月01日",
        "business_term": "长期",
        "business_scope": "emulated",
        "issue_date": "2000年01月01日",
        "confidence": {
            "registration_number": 0.5, "name": 0.5, "type": 0.5, "address": 0.5,
            "legal_representative": 0.5, "registered_capital": 0.5, "found_date": 0.5,
            "business_term": 0.5, "business_scope": 0.5, "issue_date": 0.5
        }
    })
}

fn emulated_invoice(key: &str) -> Value {
    json!({
        "title": "emulated",
        "type": "normal",
        "code": digits(key, 12),
        "number": digits(key.get(12..).unwrap_or(""), 8),
        "issue_date": "2000年01月01日",
        "check_code": "",
        "buyer_name": "emulated",
        "buyer_id": "emulated",
        "seller_name": "emulated",
        "seller_id": "emulated",
        "subtotal_amount": "¥0.00",
        "subtotal_tax": "¥0.00",
        "total": "¥0.00",
        "item_list": [],
        "total_pages": "1",
        "sales_mark": false,
        "confidence": { "number": 0.5, "code": 0.5, "total": 0.5 }
    })
}
