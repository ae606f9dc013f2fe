//! `TencentClient`: the Tencent operations of `api::registry`, signed with
//! TC3-HMAC-SHA256; each method is a line in `js/operations.rs`.

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::operation::Context;
use crate::api::signing::sign_tencent_hashed;
use crate::api::{Descriptor, PreparedRequest};
use crate::error::Result;
use crate::image::Megabytes;
use crate::js::abort::Abort;
use crate::js::client::{call_with, opt_string, req_string, CallSettings, Endpoint, Extras};
use crate::js::convert::{get, reject_unknown, wrong_type};
use crate::js::host_body;
use crate::js::image::megabytes_from_js;
use crate::js::params::{fields_from_js, result_to_js};
use crate::js::transport::{Request, Response};
use crate::sign::Credentials;

struct Config {
    region: Option<String>,
    language: Option<String>,
    credentials: Credentials,
    endpoint: Option<Endpoint>,
    settings: CallSettings,
    extras: Extras,
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
    /// Signs `prepared` and returns what to send: the body in one JS buffer,
    /// `image`'s base64 written into its gap by the host.
    async fn sign(
        &self,
        prepared: &PreparedRequest,
        image: Option<&Uint8Array>,
    ) -> Result<Request> {
        let endpoint = self.endpoint.clone().unwrap_or_else(|| Endpoint::https(&prepared.host));
        let (body, hash) = host_body::request_body(prepared, image, true).await;
        let now = self.settings.now_secs()?;
        let language = self.language.as_deref();
        let out = sign_tencent_hashed(
            prepared,
            &endpoint,
            &self.credentials,
            language,
            now,
            hash.as_ref(),
        )?;
        let body = body.map(JsValue::from);
        Ok(Request { method: out.method, url: out.url, headers: out.headers, body })
    }

    /// Runs the Tencent operation `d` with the caller's `params`.
    async fn run(
        &self,
        d: &'static Descriptor,
        params: JsValue,
        options: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let abort = Abort::from_options(&options, "aborted")?;
        let (fields, image) = fields_from_js(d, &params, self.megabytes).await?;
        abort.check()?;
        let ctx = Context {
            region: self.region.as_deref(),
            project_id: "",
            megabytes: self.megabytes,
            enterprise_project: None,
        };
        let prepared = (d.build)(&ctx, &fields)?;
        drop(fields);
        let req = self.sign(&prepared, image.as_ref()).await?;
        let idempotent = prepared.idempotent;
        drop(prepared);
        let parse =
            |r: &Response| (d.answer)(r.status, r.header("x-request-id").as_deref(), &r.body);
        let (json, attempts) =
            call_with(req, &self.settings, &self.extras, idempotent, &abort, parse).await?;
        result_to_js(json, attempts)
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
                "fetch",
                "headers",
                "onRetry",
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
            extras: Extras::from_js(&options)?,
            megabytes: megabytes_from_js(&options)?,
        };
        Ok(TencentClient { config: Rc::new(config) })
    }
}

impl TencentClient {
    /// Runs the Tencent operation `d` with the caller's `params`.
    pub(crate) fn run(&self, d: &'static Descriptor, params: JsValue, options: JsValue) -> Promise {
        let c = self.config.clone();
        future_to_promise(async move { c.run(d, params, options).await })
    }
}
