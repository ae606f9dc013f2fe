//! Huawei OCR RecognizeQuotaInvoice: validation in the documented order,
//! then the fixture result for the image's SHA-256 or an emulated one.

use ocr_edge::api::input::normalize_url;
use ocr_edge::image::Target;
use serde_json::{json, Value};

use super::image::{intake, Refusal};
use crate::envelope::{self, Family, Reply};
use crate::ids::sha256_hex;
use crate::request::Request;
use crate::state::State;

/// `POST /v2/{project_id}/ocr/quota-invoice` after authentication.
pub fn quota_invoice(state: &State, req: &Request) -> Reply {
    let rid = req.request_id.as_str();
    let err = |code: &str, msg: &str| envelope::error(Family::HuaweiOcr, 400, code, msg, rid);
    // The document requires Content-Type application/json (parameters allowed).
    let json_type = req.header("content-type").is_some_and(|t| {
        t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json_type {
        return err("AIS.0101", "The Content-Type header must be application/json.");
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return err("ModelArts.4105", "The request body is not valid JSON.");
    };
    let field = |k: &str| body.get(k).filter(|v| !v.is_null());
    let result = match (field("image"), field("url")) {
        (Some(_), Some(_)) => {
            return err("AIS.0101", "The parameter image and url cannot be both set.")
        }
        (None, None) => return err("AIS.0101", "The parameter image or url is required."),
        (Some(Value::String(b64)), None) => {
            if b64.len() as u64 > state.config.huawei_max_base64 {
                return err(
                    "ModelArts.4104",
                    "The request body is too large: the base64 image exceeds 10 MB.",
                );
            }
            let limits = Target::HuaweiQuotaInvoice.limits();
            match intake(b64, &limits) {
                Ok(image) => {
                    let sha = sha256_hex(&image.bytes);
                    state
                        .recognition
                        .quota_invoice
                        .get(&sha)
                        .cloned()
                        .unwrap_or_else(|| emulated(&sha))
                }
                Err(Refusal::Base64(m)) => {
                    return err("AIS.0102", &format!("The image is not valid base64: {m}"))
                }
                Err(Refusal::Unreadable(m)) => {
                    return err("AIS.0102", &format!("The image format is not supported: {m}"))
                }
                Err(Refusal::Format(m)) => {
                    return err("AIS.0104", &format!("Unsupported image type: {m}"))
                }
                Err(Refusal::Dimensions(m)) => {
                    return err(
                        "AIS.0103",
                        &format!("The image size does not meet the requirements: {m}"),
                    )
                }
            }
        }
        (None, Some(Value::String(url))) => {
            if normalize_url(url).is_err() {
                return err("AIS.0101", "The parameter url must be an http or https URL.");
            }
            // Nothing is fetched: a fixture by URL, or an emulated result.
            state
                .recognition
                .quota_invoice_urls
                .get(url)
                .cloned()
                .unwrap_or_else(|| emulated(&sha256_hex(url.as_bytes())))
        }
        _ => return err("AIS.0101", "The parameters image and url must be strings."),
    };
    Reply::json(200, &json!({ "result": result }))
}

/// A documented-shape result marked as emulated, stable for the same input.
fn emulated(sha: &str) -> Value {
    let digits: String = sha.bytes().map(|b| char::from(b'0' + b % 10)).collect();
    json!({
        "number": digits.get(..8).unwrap_or("00000000"),
        "code": digits.get(8..20).unwrap_or("000000000000"),
        "location": "emulated",
        "amount": "￥0.00",
        "confidence": { "number": 0.5, "code": 0.5, "location": 0.5, "amount": 0.5 }
    })
}
