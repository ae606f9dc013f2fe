//! `HuaweiClient`: the Huawei operations of `api::registry`, signed with a
//! token or AK/SK; each method is a line in `js/operations.rs`.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::endpoints::HuaweiService;
use crate::api::operation::{Context, Provider};
use crate::api::signing::{sign_huawei_hashed, HuaweiAuth};
use crate::api::{Descriptor, PreparedRequest};
use crate::error::Result;
use crate::image::Megabytes;
use crate::js::abort::Abort;
use crate::js::client::{
    call_with, opt_bool, opt_string, req_string, CallSettings, Endpoint, Extras,
};
use crate::js::convert::{get, reject_unknown, wrong_type};
use crate::js::host_body;
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
    extras: Extras,
    /// How "MB" of the 10 MB base64 budget is read.
    megabytes: Megabytes,
    /// AK/SK signatures leave the body out (`unsignedPayload`).
    unsigned_payload: bool,
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
    /// The endpoint of the service `d` is sent to.
    fn endpoint(&self, d: &Descriptor) -> Option<&Endpoint> {
        match d.provider {
            Provider::Huawei(HuaweiService::Ocr) => self.ocr.as_ref(),
            Provider::Huawei(HuaweiService::Kms) => self.kms.as_ref(),
            _ => self.apig.as_ref(),
        }
    }

    /// Signs `prepared` for its endpoint and returns what to send: the body
    /// in one JS buffer, `image`'s base64 written into its gap by the host.
    async fn sign(
        &self,
        prepared: &PreparedRequest,
        endpoint: Option<&Endpoint>,
        image: Option<&Uint8Array>,
    ) -> Result<Request> {
        let endpoint = endpoint.cloned().unwrap_or_else(|| Endpoint::https(&prepared.host));
        // Only an AK/SK signature over the body needs its hash.
        let hashed = matches!(self.auth, Auth::AkSk(_)) && !self.unsigned_payload;
        let (body, hash) = host_body::request_body(prepared, image, hashed).await;
        let (auth, now) = match &self.auth {
            Auth::Token(token) => (HuaweiAuth::Token(token), 0),
            Auth::AkSk(creds) if self.unsigned_payload => {
                (HuaweiAuth::AkSkUnsignedPayload(creds), self.settings.now_secs()?)
            }
            Auth::AkSk(creds) => (HuaweiAuth::AkSk(creds), self.settings.now_secs()?),
        };
        let out =
            sign_huawei_hashed(prepared, &endpoint, auth, &self.project_id, now, hash.as_ref())?;
        let body = body.map(JsValue::from);
        Ok(Request { method: out.method, url: out.url, headers: out.headers, body })
    }

    async fn send<T>(
        &self,
        prepared: PreparedRequest,
        endpoint: Option<&Endpoint>,
        image: Option<&Uint8Array>,
        abort: &Abort,
        parse: impl Fn(u16, Option<&str>, &[u8]) -> Result<T>,
    ) -> Result<(T, u32)> {
        let req = self.sign(&prepared, endpoint, image).await?;
        let parse = |r: &Response| parse(r.status, r.header("x-request-id").as_deref(), &r.body);
        call_with(req, &self.settings, &self.extras, prepared.idempotent, abort, parse).await
    }
}

/// `f` as a JS Promise.
pub(crate) fn promise<F>(f: F) -> Promise
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
                "fetch",
                "headers",
                "onRetry",
                "unsignedPayload",
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
            extras: Extras::from_js(&options)?,
            megabytes: megabytes_from_js(&options)?,
            unsigned_payload: opt_bool(&options, "unsignedPayload")?,
        };
        Ok(HuaweiClient { config: Rc::new(config) })
    }
}

impl HuaweiClient {
    /// Runs the Huawei operation `d` with the caller's `params`.
    pub(crate) fn run(&self, d: &'static Descriptor, params: JsValue, options: JsValue) -> Promise {
        let c = self.config.clone();
        promise(async move {
            let abort = Abort::from_options(&options, "aborted")?;
            let (fields, image) = fields_from_js(d, &params, c.megabytes).await?;
            abort.check()?;
            let ctx = Context {
                region: c.region.as_deref(),
                project_id: &c.project_id,
                megabytes: c.megabytes,
                enterprise_project: None,
            };
            let prepared = (d.build)(&ctx, &fields)?;
            drop(fields);
            let sent = c.send(prepared, c.endpoint(d), image.as_ref(), &abort, d.answer).await?;
            let (json, attempts) = sent;
            result_to_js(json, attempts)
        })
    }

    /// A handle on the client for a method that reads typed parameters or
    /// results of its own instead of going through [`HuaweiClient::run`].
    pub(crate) fn sender(&self) -> Sender {
        Sender(self.config.clone())
    }
}

/// The client as a typed method uses it: its context, and sending an
/// operation's request to that operation's endpoint.
#[derive(Clone)]
pub(crate) struct Sender(Rc<Config>);

impl Sender {
    /// The region, project and megabytes the client was made with.
    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            region: self.0.region.as_deref(),
            project_id: &self.0.project_id,
            megabytes: self.0.megabytes,
            enterprise_project: None,
        }
    }

    /// Signs and sends `prepared`, a request of `d`, and reads the final
    /// answer with `parse`.
    pub(crate) async fn send<T>(
        &self,
        d: &Descriptor,
        prepared: PreparedRequest,
        abort: &Abort,
        parse: impl Fn(u16, Option<&str>, &[u8]) -> Result<T>,
    ) -> Result<T> {
        self.0.send(prepared, self.0.endpoint(d), None, abort, parse).await.map(|(t, _)| t)
    }
}
