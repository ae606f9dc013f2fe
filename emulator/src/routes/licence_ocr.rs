//! Tencent OCR BizLicenseOCR, after the common checks and TC3 authentication
//! of `tencent::handle`: the parameters of `BizLicenseOCRRequest` (unknown
//! ones refused, flags must be booleans), `ImageUrl` read before
//! `ImageBase64` as the document says, 7 MB, PNG/JPEG only, then the
//! fixture for the image (its `Error`, if it holds one, is the answer) or an
//! emulated licence. Warnings are reported only with `EnableCopyWarn`,
//! other certificates only with `EnableBusinessCertificate`.

use ocr_edge::api::input::normalize_url;
use ocr_edge::api::tencent::biz_license_ocr::LIMITS;
use serde_json::{json, Map, Value};

use super::image::intake;
use super::tencent::{string_param, Failure};
use crate::ids::sha256_hex;
use crate::state::State;

const KNOWN: &[&str] = &[
    "ImageBase64",
    "ImageUrl",
    "EnableCopyWarn",
    "EnablePeriodComplete",
    "EnableBusinessCertificate",
];

/// The error codes of BizLicenseOCR (the SDK's `errorcodes.py`) a fixture may name.
const CODES: &[&str] = &[
    "FailedOperation.DownLoadError",
    "FailedOperation.EmptyImageError",
    "FailedOperation.ImageDecodeFailed",
    "FailedOperation.ImageSizeTooLarge",
    "FailedOperation.NoBizLicense",
    "FailedOperation.OcrFailed",
    "FailedOperation.UnKnowError",
    "FailedOperation.UnOpenError",
    "LimitExceeded.TooLargeFileError",
    "ResourceUnavailable.InArrears",
    "ResourcesSoldOut.ChargeStatusException",
];

fn flag(body: &Map<String, Value>, key: &str, default: bool) -> Result<bool, Failure> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(("InvalidParameter", format!("The parameter `{key}` must be a boolean."))),
    }
}

/// The `Response` fields for a BizLicenseOCR request body.
pub fn recognize(state: &State, body: &Map<String, Value>) -> Result<Map<String, Value>, Failure> {
    if let Some(k) = body.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(("UnknownParameter", format!("The parameter `{k}` is not recognized.")));
    }
    let copy_warn = flag(body, "EnableCopyWarn", false)?;
    let period_complete = flag(body, "EnablePeriodComplete", true)?;
    let certificates = flag(body, "EnableBusinessCertificate", false)?;
    let url = string_param(body, "ImageUrl")?.filter(|s| !s.is_empty());
    let b64 = string_param(body, "ImageBase64")?.filter(|s| !s.is_empty());
    let found = match (url, b64) {
        (None, None) => {
            return Err((
                "FailedOperation.EmptyImageError",
                "The image is empty: give ImageBase64 or ImageUrl.".to_owned(),
            ))
        }
        (Some(url), _) => {
            if normalize_url(&url).is_err() {
                return Err((
                    "FailedOperation.DownLoadError",
                    "The image could not be downloaded: the URL must be http or https.".to_owned(),
                ));
            }
            state.recognition.biz_license_ocr_urls.get(&url).cloned()
        }
        (None, Some(b64)) => {
            if b64.len() as u64 > state.config.tencent_max_base64 {
                return Err((
                    "LimitExceeded.TooLargeFileError",
                    "The file is too large: the base64 image exceeds 7 MB.".to_owned(),
                ));
            }
            let image = intake(&b64, &LIMITS).map_err(|r| {
                (
                    "FailedOperation.ImageDecodeFailed",
                    format!("The image could not be decoded: {r:?}"),
                )
            })?;
            state.recognition.biz_license_ocr.get(&sha256_hex(&image.bytes)).cloned()
        }
    };
    let mut out = found.unwrap_or_else(emulated);
    if let Some(err) = out.get("Error") {
        let said = err.get("Code").and_then(Value::as_str).unwrap_or_default();
        let code =
            CODES.iter().find(|c| **c == said).copied().unwrap_or("FailedOperation.UnKnowError");
        let msg = err.get("Message").and_then(Value::as_str).unwrap_or("Recognition failed.");
        return Err((code, msg.to_owned()));
    }
    if !copy_warn {
        out.insert("RecognizeWarnCode".into(), json!([]));
        out.insert("RecognizeWarnMsg".into(), json!([]));
    }
    if !certificates {
        out.insert("BusinessCertificate".into(), json!([]));
    }
    if !period_complete {
        // The term as printed, without the end date Tencent would work out.
        if let Some(printed) = out.remove("PeriodAsPrinted") {
            out.insert("Period".into(), printed);
        }
    }
    out.remove("PeriodAsPrinted");
    Ok(out)
}

/// Every field of `BizLicenseOCRResponse`, marked as emulated.
fn emulated() -> Map<String, Value> {
    let v = json!({
        "RegNum": "emulated", "Name": "emulated", "Capital": "emulated", "Person": "emulated",
        "Address": "emulated", "Business": "emulated", "Type": "emulated", "Period": "emulated",
        "ComposingForm": "", "SetDate": "2000年01月01日", "RecognizeWarnCode": [],
        "RecognizeWarnMsg": [], "IsDuplication": -1, "RegistrationDate": "2000年01月01日",
        "Angle": 0.0, "NationalEmblem": false, "QRCode": false, "Seal": false, "Title": "营业执照",
        "SerialNumber": "", "RegistrationAuthority": "emulated", "Electronic": false,
        "BusinessCertificate": [], "Important": ""
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
