//! `HuaweiClient`: the Huawei operations of `api::registry`, signed with a
//! token or AK/SK; each method is a line in `js/operations.rs`.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::endpoints::HuaweiService;
use crate::api::huawei::csms;
use crate::api::operation::{Context, Provider};
use crate::api::signing::{sign_huawei, HuaweiAuth};
use crate::api::{Descriptor, PreparedRequest};
use crate::error::Result;
use crate::image::Megabytes;
use crate::js::client::{
    call, opt_string, params_from_js, req_string, to_js, CallSettings, Endpoint,
};
use crate::js::convert::{get, reject_unknown, wrong_type};
use crate::js::image::megabytes_from_js;
use crate::js::params::{fields_from_js, result_to_js};
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
}

impl HuaweiClient {
    /// Runs the Huawei operation `d` with the caller's `params`.
    pub(crate) fn run(&self, d: &'static Descriptor, params: JsValue) -> Promise {
        let c = self.config.clone();
        promise(async move {
            let fields = fields_from_js(d, &params, c.megabytes).await?;
            let ctx = Context {
                region: c.region.as_deref(),
                project_id: &c.project_id,
                megabytes: c.megabytes,
            };
            let prepared = (d.build)(&ctx, &fields)?;
            drop(fields);
            let endpoint = match d.provider {
                Provider::Huawei(HuaweiService::Ocr) => c.ocr.as_ref(),
                Provider::Huawei(HuaweiService::Kms) => c.kms.as_ref(),
                _ => c.apig.as_ref(),
            };
            result_to_js(c.send(prepared, endpoint, d.answer).await?)
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
