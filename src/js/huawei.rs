//! `HuaweiClient`: RecognizeQuotaInvoice, CSMS ListResourceInstances and
//! DeleteSecretTag, APIG Create APP, signed with a token or AK/SK.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::huawei::{apig, csms, ocr};
use crate::api::signing::{sign_huawei, HuaweiAuth};
use crate::api::PreparedRequest;
use crate::error::Result;
use crate::image::{Megabytes, Target};
use crate::js::client::{
    call, image_from_js, opt_string, params_from_js, req_string, to_js, CallSettings, Endpoint,
};
use crate::js::convert::{get, reject_unknown, wrong_type};
use crate::js::image::megabytes_from_js;
use crate::js::transport::{Request, Response};
use crate::sign::{Credentials, IamToken};

/// How requests are authenticated.
enum Auth {
    Token(IamToken),
    AkSk(Credentials),
}

struct Config {
    region: Option<String>,
    project_id: String,
    auth: Auth,
    ocr: Option<Endpoint>,
    kms: Option<Endpoint>,
    apig: Option<Endpoint>,
    settings: CallSettings,
    /// How "MB" of the 10 MB base64 budget is read.
    megabytes: Megabytes,
}

/// A client for the Huawei Cloud operations. Holds credentials: use it in a
/// server or a worker, never in a page (use `ProxyClient` there).
#[wasm_bindgen]
pub struct HuaweiClient {
    config: Rc<Config>,
}

fn endpoints(v: &JsValue) -> Result<[Option<Endpoint>; 3]> {
    if v.is_undefined() || v.is_null() {
        return Ok([None, None, None]);
    }
    if let Some(url) = v.as_string() {
        let e = Endpoint::parse(&url)?;
        return Ok([Some(e.clone()), Some(e.clone()), Some(e)]);
    }
    if !v.is_object() {
        return Err(wrong_type("endpoint", "a URL or { ocr, kms, apig }"));
    }
    let one = |k| opt_string(v, k)?.as_deref().map(Endpoint::parse).transpose();
    Ok([one("ocr")?, one("kms")?, one("apig")?])
}

fn auth(v: &JsValue) -> Result<Auth> {
    if !v.is_object() {
        return Err(wrong_type("credentials", "{ token } or { accessKey, secretKey }"));
    }
    reject_unknown(v, &["token", "accessKey", "secretKey", "securityToken"], "credentials")?;
    if let Some(token) = opt_string(v, "token")? {
        return Ok(Auth::Token(IamToken::new(token)?));
    }
    let creds = Credentials::new(req_string(v, "accessKey")?, req_string(v, "secretKey")?)?;
    Ok(Auth::AkSk(match opt_string(v, "securityToken")? {
        Some(t) => creds.with_session_token(t)?,
        None => creds,
    }))
}

impl Config {
    /// Signs `prepared` for its endpoint and returns what to send.
    fn sign(&self, prepared: &PreparedRequest, endpoint: Option<&Endpoint>) -> Result<Request> {
        let endpoint = endpoint.cloned().unwrap_or_else(|| Endpoint::https(&prepared.host));
        let (auth, now) = match &self.auth {
            Auth::Token(token) => (HuaweiAuth::Token(token), 0),
            Auth::AkSk(creds) => (HuaweiAuth::AkSk(creds), self.settings.now_secs()?),
        };
        let out = sign_huawei(prepared, &endpoint, auth, &self.project_id, now)?;
        let body = (!prepared.body.is_empty()).then(|| Uint8Array::from(&prepared.body[..]));
        Ok(Request { method: out.method, url: out.url, headers: out.headers, body })
    }

    async fn send<T>(
        &self,
        prepared: PreparedRequest,
        endpoint: Option<&Endpoint>,
        parse: impl Fn(u16, Option<&str>, &[u8]) -> Result<T>,
    ) -> Result<T> {
        let req = self.sign(&prepared, endpoint)?;
        let parse = |r: &Response| parse(r.status, r.header("x-request-id"), &r.body);
        call(req, &self.settings, prepared.idempotent, parse).await
    }
}

fn promise<F>(f: F) -> Promise
where
    F: std::future::Future<Output = std::result::Result<JsValue, JsValue>> + 'static,
{
    future_to_promise(f)
}

#[wasm_bindgen]
impl HuaweiClient {
    /// Creates a client; throws an `OcrEdgeError` on a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "HuaweiClientOptions")] options: JsValue,
    ) -> std::result::Result<HuaweiClient, JsValue> {
        if !options.is_object() {
            return Err(wrong_type("options", "an object").into());
        }
        reject_unknown(
            &options,
            &[
                "region",
                "endpoint",
                "projectId",
                "credentials",
                "timeoutMs",
                "maxRetries",
                "clock",
                "megabytes",
            ],
            "HuaweiClient options",
        )?;
        let region = opt_string(&options, "region")?;
        if let Some(r) = &region {
            crate::api::endpoints::validate_region(r)?;
        }
        let project_id = req_string(&options, "projectId")?;
        crate::api::endpoints::validate_project_id(&project_id)?;
        let [ocr, kms, apig] = endpoints(&get(&options, "endpoint"))?;
        let config = Config {
            region,
            project_id,
            auth: auth(&get(&options, "credentials"))?,
            ocr,
            kms,
            apig,
            settings: CallSettings::from_js(&options)?,
            megabytes: megabytes_from_js(&options)?,
        };
        Ok(HuaweiClient { config: Rc::new(config) })
    }

    /// Recognises a fixed-amount invoice from an image (bytes, Blob or
    /// base64) or a URL. The image is checked locally first.
    #[wasm_bindgen(js_name = recognizeQuotaInvoice, unchecked_return_type = "Promise<QuotaInvoiceResult>")]
    pub fn recognize_quota_invoice(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuotaInvoiceParams")] params: JsValue,
    ) -> Promise {
        let c = self.config.clone();
        promise(async move {
            if !params.is_object() {
                return Err(wrong_type("params", "{ image } or { url }").into());
            }
            reject_unknown(&params, &["image", "url", "enterpriseProjectId"], "params")?;
            let image = image_from_js(
                &get(&params, "image"),
                "image",
                &c.megabytes.limits(Target::HuaweiQuotaInvoice),
            )
            .await?;
            let url = opt_string(&params, "url")?;
            let enterprise = opt_string(&params, "enterpriseProjectId")?;
            let p = ocr::QuotaInvoiceParams {
                image: image.as_ref().map(|i| i.as_input()),
                url: url.as_deref(),
                enterprise_project_id: enterprise.as_deref(),
            };
            let prepared = ocr::recognize_quota_invoice_with(
                c.region.as_deref(),
                &c.project_id,
                &p,
                c.megabytes,
            )?;
            drop(image);
            let result = c.send(prepared, c.ocr.as_ref(), ocr::parse_quota_invoice).await?;
            to_js(&result)
        })
    }

    /// Lists (or counts) CSMS secrets by tags and name.
    #[wasm_bindgen(js_name = listSecretResourceInstances, skip_typescript)]
    pub fn list_secret_resource_instances(&self, params: JsValue) -> Promise {
        let c = self.config.clone();
        promise(async move {
            let p: csms::ListResourceInstancesParams = params_from_js(&params, "params", &[])?;
            let result = c.list_page(&p).await?;
            to_js(&result)
        })
    }

    /// Lists every CSMS secret matching the filter, following pages to the end.
    #[wasm_bindgen(js_name = listAllSecretResourceInstances, skip_typescript)]
    pub fn list_all_secret_resource_instances(&self, params: JsValue) -> Promise {
        let c = self.config.clone();
        promise(async move {
            let p: csms::ListResourceInstancesParams = params_from_js(&params, "params", &[])?;
            let mut pager = csms::ResourcePager::new(p);
            let mut all = Vec::new();
            while let Some(p) = pager.params().cloned() {
                let page = c.list_page(&p).await?;
                let more = pager.advance(&page)?;
                all.extend(page.resources);
                if !more {
                    break;
                }
            }
            to_js(&all)
        })
    }

    /// Deletes one tag of a CSMS secret; resolves to `undefined`.
    #[wasm_bindgen(js_name = deleteSecretTag, unchecked_return_type = "Promise<void>")]
    pub fn delete_secret_tag(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeleteSecretTagParams")] params: JsValue,
    ) -> Promise {
        let c = self.config.clone();
        promise(async move {
            reject_unknown(&params, &["secretId", "key"], "params")?;
            let secret_id = req_string(&params, "secretId")?;
            let key = req_string(&params, "key")?;
            let prepared =
                csms::delete_secret_tag(c.region.as_deref(), &c.project_id, &secret_id, &key)?;
            c.send(prepared, c.kms.as_ref(), csms::parse_delete_secret_tag).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Creates an APIG app. Never retried: a second attempt could create a
    /// second app.
    #[wasm_bindgen(js_name = createApp, unchecked_return_type = "Promise<AppResult>")]
    pub fn create_app(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateAppParams")] params: JsValue,
    ) -> Promise {
        let c = self.config.clone();
        promise(async move {
            let p: apig::CreateAppParams = params_from_js(&params, "params", &[])?;
            let prepared = apig::create_app(c.region.as_deref(), &p)?;
            let result = c.send(prepared, c.apig.as_ref(), apig::parse_create_app).await?;
            to_js(&result)
        })
    }
}

impl Config {
    async fn list_page(
        &self,
        p: &csms::ListResourceInstancesParams,
    ) -> Result<csms::ResourceInstances> {
        let prepared = csms::list_resource_instances(self.region.as_deref(), &self.project_id, p)?;
        self.send(prepared, self.kms.as_ref(), csms::parse_list_resource_instances).await
    }
}
