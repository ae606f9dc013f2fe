//! `TencentClient`: VerifyBasicBizLicense and VerifyBizLicense, signed with
//! TC3-HMAC-SHA256.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::signing::sign_tencent;
use crate::api::tencent::ocr;
use crate::api::{Operation, PreparedRequest};
use crate::error::{Error, Result};
use crate::image::{Megabytes, Target};
use crate::js::client::{
    call, image_from_js, opt_string, params_from_js, req_string, to_js, CallSettings, Endpoint,
    OwnedImage,
};
use crate::js::convert::{get, reject_unknown, wrong_type};
use crate::js::image::megabytes_from_js;
use crate::js::transport::{Request, Response};
use crate::sign::Credentials;

struct Config {
    region: Option<String>,
    language: Option<String>,
    credentials: Credentials,
    endpoint: Option<Endpoint>,
    settings: CallSettings,
    /// How "MB" of the 7 MB base64 budget is read.
    megabytes: Megabytes,
}

/// A client for Tencent Cloud OCR's business-licence verification. Holds
/// credentials: use it in a server or a worker, never in a page.
#[wasm_bindgen]
pub struct TencentClient {
    config: Rc<Config>,
}

impl Config {
    fn sign(&self, prepared: &PreparedRequest) -> Result<Request> {
        let endpoint = self.endpoint.clone().unwrap_or_else(|| Endpoint::https(&prepared.host));
        let now = self.settings.now_secs()?;
        let out =
            sign_tencent(prepared, &endpoint, &self.credentials, self.language.as_deref(), now)?;
        let body = Some(Uint8Array::from(&prepared.body[..]));
        Ok(Request { method: out.method, url: out.url, headers: out.headers, body })
    }

    async fn verify(
        &self,
        op: Operation,
        params: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        if !params.is_object() {
            return Err(wrong_type("params", "an object").into());
        }
        let mut known = vec![
            "image",
            "imageBase64",
            "imageUrl",
            "imageConfig",
            "regNum",
            "name",
            "address",
            "skipRegNumCheck",
        ];
        if op == Operation::VerifyBasicBizLicense {
            known.push("regCapital");
        }
        reject_unknown(&params, &known, "params")?;
        let limits = self.megabytes.limits(Target::TencentBizLicense);
        let bytes = image_from_js(&get(&params, "image"), "image", &limits).await?;
        let b64 = opt_string(&params, "imageBase64")?.map(OwnedImage::Base64);
        let image = match (bytes, b64) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_argument(
                    "argument.conflict",
                    "give image or imageBase64, not both",
                )
                .into())
            }
            (a, b) => a.or(b),
        };
        let url = opt_string(&params, "imageUrl")?;
        let reg_num = opt_string(&params, "regNum")?;
        let name = opt_string(&params, "name")?;
        let address = opt_string(&params, "address")?;
        let cfg = get(&params, "imageConfig");
        let image_config: Option<ocr::ImageConfig> = if cfg.is_undefined() || cfg.is_null() {
            None
        } else {
            Some(ocr::ImageConfig::from_json(&params_from_js::<serde_json::Value>(
                &cfg,
                "imageConfig",
                &[],
            )?)?)
        };
        let p = ocr::BizLicenseParams {
            image: image.as_ref().map(OwnedImage::as_input),
            image_url: url.as_deref(),
            image_config,
            reg_num: reg_num.as_deref(),
            name: name.as_deref(),
            address: address.as_deref(),
            region: self.region.as_deref(),
            skip_reg_num_check: get(&params, "skipRegNumCheck").as_bool().unwrap_or(false),
        };
        let prepared = match op {
            Operation::VerifyBasicBizLicense => {
                // As the worker reads it: true or 1 asks; other values do not.
                let cap = get(&params, "regCapital");
                let cap = if let Some(b) = cap.as_bool() {
                    b
                } else if let Some(n) = cap.as_f64() {
                    ocr::reg_capital_requested(&serde_json::Value::from(n))
                } else if let Some(s) = cap.as_string() {
                    ocr::reg_capital_requested(&serde_json::Value::String(s))
                } else {
                    false
                };
                ocr::verify_basic_biz_license_with(&p, cap, self.megabytes)?
            }
            _ => ocr::verify_biz_license_with(&p, self.megabytes)?,
        };
        drop(image);
        let req = self.sign(&prepared)?;
        let idempotent = prepared.idempotent;
        drop(prepared);
        match op {
            Operation::VerifyBasicBizLicense => {
                let parse = |r: &Response| ocr::parse_verify_basic_biz_license(r.status, &r.body);
                to_js(&call(req, &self.settings, idempotent, parse).await?)
            }
            _ => {
                let parse = |r: &Response| ocr::parse_verify_biz_license(r.status, &r.body);
                to_js(&call(req, &self.settings, idempotent, parse).await?)
            }
        }
    }
}

#[wasm_bindgen]
impl TencentClient {
    /// Creates a client; throws an `OcrEdgeError` on a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TencentClientOptions")] options: JsValue,
    ) -> std::result::Result<TencentClient, JsValue> {
        if !options.is_object() {
            return Err(wrong_type("options", "an object").into());
        }
        reject_unknown(
            &options,
            &[
                "region",
                "endpoint",
                "language",
                "credentials",
                "timeoutMs",
                "maxRetries",
                "clock",
                "megabytes",
            ],
            "TencentClient options",
        )?;
        let region = opt_string(&options, "region")?;
        if let Some(r) = &region {
            crate::api::endpoints::tencent_region(Some(r))?;
        }
        let c = get(&options, "credentials");
        if !c.is_object() {
            return Err(wrong_type("credentials", "{ secretId, secretKey, token? }").into());
        }
        reject_unknown(&c, &["secretId", "secretKey", "token"], "credentials")?;
        let creds = Credentials::new(req_string(&c, "secretId")?, req_string(&c, "secretKey")?)?;
        let credentials = match opt_string(&c, "token")? {
            Some(t) => creds.with_session_token(t)?,
            None => creds,
        };
        let endpoint =
            opt_string(&options, "endpoint")?.as_deref().map(Endpoint::parse).transpose()?;
        let config = Config {
            region,
            language: opt_string(&options, "language")?,
            credentials,
            endpoint,
            settings: CallSettings::from_js(&options)?,
            megabytes: megabytes_from_js(&options)?,
        };
        Ok(TencentClient { config: Rc::new(config) })
    }

    /// Verifies a business licence (image or registration number) against
    /// the registry, basic fields only.
    #[wasm_bindgen(js_name = verifyBasicBizLicense, unchecked_return_type = "Promise<BasicBizLicenseResult>")]
    pub fn verify_basic_biz_license(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyBasicBizLicenseParams")] params: JsValue,
    ) -> Promise {
        let c = self.config.clone();
        future_to_promise(async move { c.verify(Operation::VerifyBasicBizLicense, params).await })
    }

    /// Verifies a business licence and returns the registry's detailed record.
    #[wasm_bindgen(js_name = verifyBizLicense, unchecked_return_type = "Promise<BizLicenseResult>")]
    pub fn verify_biz_license(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyBizLicenseParams")] params: JsValue,
    ) -> Promise {
        let c = self.config.clone();
        future_to_promise(async move { c.verify(Operation::VerifyBizLicense, params).await })
    }
}
