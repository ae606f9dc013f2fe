//! The error and success envelopes of each provider, and the reply type the
//! routes return.

use serde_json::{json, Value};

/// Which provider's conventions a route follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Huawei OCR: flat `{error_code, error_msg}`.
    HuaweiOcr,
    /// Huawei CSMS: nested `{error: {error_code, error_msg}}`.
    HuaweiCsms,
    /// Huawei APIG management: flat with `request_id`.
    HuaweiApig,
    /// Tencent API 3.0: HTTP 200 `{Response: {Error, RequestId}}`.
    Tencent,
    /// The emulator's own endpoints.
    Emulator,
}

impl Family {
    /// True for the three Huawei services (they share the API gateway).
    pub fn is_huawei(self) -> bool {
        matches!(self, Family::HuaweiOcr | Family::HuaweiCsms | Family::HuaweiApig)
    }
}

/// An answer before it is written: status, extra headers, JSON or other bytes.
#[derive(Clone, Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers besides the common ones (request id, CORS).
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The provider error code, for the log and the stats.
    pub code: Option<String>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "application/json;charset=UTF-8".to_owned())],
            body: serde_json::to_vec(value).unwrap_or_default(),
            code: None,
        }
    }

    /// An empty answer (e.g. 204).
    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new(), code: None }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn with_code(mut self, code: &str) -> Reply {
        self.code = Some(code.to_owned());
        self
    }
}

/// The service's own error envelope for `family`.
pub fn error(family: Family, status: u16, code: &str, msg: &str, request_id: &str) -> Reply {
    let body = match family {
        Family::HuaweiOcr => json!({ "error_code": code, "error_msg": msg }),
        Family::HuaweiCsms => json!({ "error": { "error_code": code, "error_msg": msg } }),
        Family::HuaweiApig | Family::Emulator => {
            json!({ "error_code": code, "error_msg": msg, "request_id": request_id })
        }
        Family::Tencent => return tencent_error(code, msg, request_id),
    };
    Reply::json(status, &body).with_code(code)
}

/// The Huawei API gateway's own envelope (auth, throttling, routing), which
/// it puts in front of every Huawei service whatever that service's format.
pub fn gateway(status: u16, code: &str, msg: &str, request_id: &str) -> Reply {
    let body = json!({ "error_code": code, "error_msg": msg, "request_id": request_id });
    Reply::json(status, &body).with_code(code)
}

/// A flat `{error_code, error_msg, …}` answer rewrapped as CSMS's
/// `{"error": {error_code, error_msg}}`; other bodies are left alone.
pub fn nested(mut reply: Reply) -> Reply {
    let Ok(v) = serde_json::from_slice::<Value>(&reply.body) else { return reply };
    if let (Some(code), Some(msg)) = (v.get("error_code"), v.get("error_msg")) {
        let body = json!({ "error": { "error_code": code, "error_msg": msg } });
        reply.body = serde_json::to_vec(&body).unwrap_or_default();
    }
    reply
}

/// Tencent's error answer: always HTTP 200.
pub fn tencent_error(code: &str, msg: &str, request_id: &str) -> Reply {
    let body = json!({ "Response": { "Error": { "Code": code, "Message": msg }, "RequestId": request_id } });
    tencent_type(Reply::json(200, &body).with_code(code))
}

/// Tencent's success answer: the fields plus `RequestId`, under `Response`.
pub fn tencent_ok(mut fields: serde_json::Map<String, Value>, request_id: &str) -> Reply {
    fields.insert("RequestId".to_owned(), Value::String(request_id.to_owned()));
    tencent_type(Reply::json(200, &json!({ "Response": fields })))
}

/// Tencent answers `Content-Type: application/json` exactly, and its SDKs
/// only look for an error in answers of that type.
fn tencent_type(mut reply: Reply) -> Reply {
    for (name, value) in &mut reply.headers {
        if *name == "content-type" {
            *value = "application/json".to_owned();
        }
    }
    reply
}

/// A gateway's HTML error page, as a proxy in front of the service sends.
pub fn html_page(status: u16) -> Reply {
    let body = format!(
        "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n\
         <center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>gateway</center>\r\n\
         </body>\r\n</html>\r\n"
    );
    Reply {
        status,
        headers: vec![("content-type", "text/html".to_owned())],
        body: body.into_bytes(),
        code: Some("html".to_owned()),
    }
}
