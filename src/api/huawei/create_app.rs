//! Huawei APIG (shared gateway) Create APP: `POST /v1.0/apigw/apps` → 201.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::endpoints::{huawei_host, HuaweiService};
use crate::api::input::invalid;
use crate::api::operation::{json_answer, Descriptor, Provider, Route};
use crate::api::provider_errors::{shape, success_json};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::wire;
use crate::error::Result;

#[allow(non_upper_case_globals)]
impl Operation {
    /// Huawei APIG Create APP (shared gateway). Not idempotent: a second
    /// call could create a second app or fail on the name.
    pub const CreateApp: Operation = Operation::new("CreateApp", Service::HuaweiApig, false);
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/admin/apig/apps`: APIG Create APP.
    pub const AdminApigCreateApp: Route = Route(&DESCRIPTOR);
}

/// Create APP, for the registry (an admin operation).
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: "admin.apig.createApp",
    method: "createApp",
    operation: Operation::CreateApp,
    provider: Provider::Huawei(HuaweiService::Apig),
    target: None,
    scope: None,
    path: "/v1/admin/apig/apps",
    flag: None,
    image_keys: &[],
    success: 201,
    build: |ctx, f| create_app(ctx.region, &f.deserialize()?),
    answer: |status, request_id, body| json_answer(parse_create_app(status, request_id, body)),
    query_text: wire::query_text,
};

/// The parameters of Create APP. `Debug` hides `app_secret`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CreateAppParams {
    /// 3–64 characters: Chinese or English letters, digits, `_`; starts with a letter.
    pub name: String,
    /// Description, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// 8–64 of `A-Z a-z 0-9 _ -`, starting with a letter or digit (some regions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_key: Option<String>,
    /// 8–64 of `A-Z a-z 0-9 _ - ! @ # $ %`, starting with a letter or digit (some regions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_secret: Option<String>,
}

impl fmt::Debug for CreateAppParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateAppParams")
            .field("name", &self.name)
            .field("remark", &self.remark)
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Chinese letters: the CJK Unified Ideographs and Extension A blocks.
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn check_key_like(what: &str, s: &str, extra: &[char]) -> Result<()> {
    let n = s.chars().count();
    if !(8..=64).contains(&n) {
        return Err(invalid(format!("{what} must be 8-64 characters, not {n}")));
    }
    if !s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid(format!("{what} must start with an English letter or a digit")));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || extra.contains(&c);
    if !s.chars().all(allowed) {
        let extra: String = extra.iter().map(|c| format!(" {c}")).collect();
        // The value itself is not echoed: for app_secret it is a credential.
        return Err(invalid(format!(
            "{what} may hold only English letters, digits, _ and -{extra}"
        )));
    }
    Ok(())
}

/// Checks every rule of the parameters, reporting the first broken one.
pub fn validate_create_app(p: &CreateAppParams) -> Result<()> {
    let n = p.name.chars().count();
    if !(3..=64).contains(&n) {
        return Err(invalid(format!("name must be 3-64 characters, not {n}")));
    }
    if !p.name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || is_chinese(c)) {
        return Err(invalid("name must start with an English or Chinese letter"));
    }
    if let Some(c) =
        p.name.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || is_chinese(c)))
    {
        return Err(invalid(format!(
            "name holds {c:?}; only Chinese and English letters, digits and _ are allowed"
        )));
    }
    if let Some(remark) = &p.remark {
        let n = remark.chars().count();
        if n > 255 {
            return Err(invalid(format!("remark is {n} characters, over the limit of 255")));
        }
    }
    if let Some(key) = &p.app_key {
        check_key_like("app_key", key, &[])?;
    }
    if let Some(secret) = &p.app_secret {
        check_key_like("app_secret", secret, &['!', '@', '#', '$', '%'])?;
    }
    Ok(())
}

/// The JSON body, in the documented field order.
#[derive(Serialize)]
struct CreateAppBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    remark: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_secret: Option<&'a str>,
}

/// Builds Create APP on the APIG host of `region` (default cn-north-4). Not
/// idempotent: a retry after an ambiguous failure could create a second app.
pub fn create_app(region: Option<&str>, params: &CreateAppParams) -> Result<PreparedRequest> {
    let host = huawei_host(HuaweiService::Apig, region)?;
    validate_create_app(params)?;
    let body = CreateAppBody {
        name: &params.name,
        remark: params.remark.as_deref(),
        app_key: params.app_key.as_deref(),
        app_secret: params.app_secret.as_deref(),
    };
    let mut req =
        PreparedRequest::new(Operation::CreateApp, "POST", host, &["v1.0", "apigw", "apps"])
            .header("Content-Type", "application/json");
    req.body = serde_json::to_vec(&body).unwrap_or_default();
    Ok(req)
}

/// A created app. `Debug` hides `app_secret` and `raw` (which holds it too).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct App {
    /// App id.
    pub id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Status (1: valid).
    pub status: Option<i64>,
    /// AppKey.
    pub app_key: Option<String>,
    /// AppSecret (the service may mask it as `******`).
    pub app_secret: Option<String>,
    /// `USER` (created by the user) or `MARKET` (assigned by the marketplace).
    pub creator: Option<String>,
    /// Registration time, as sent: ISO 8601 text, or a number's decimal text
    /// (the document types it only as "Timestamp").
    #[serde(default, deserialize_with = "timestamp_text")]
    pub register_time: Option<String>,
    /// Description.
    pub remark: Option<String>,
    /// Last update time, as sent (text or a number's decimal text).
    #[serde(default, deserialize_with = "timestamp_text")]
    pub update_time: Option<String>,
    /// App type, `apig` by default.
    pub app_type: Option<String>,
    /// The `X-Request-Id` header, or the body's `request_id`.
    #[serde(skip_deserializing)]
    pub request_id: Option<String>,
    /// The whole answer as sent.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// A "Timestamp" field sent as a string or a number (epoch or otherwise):
/// either is the time as sent, so a created app never fails on its form.
fn timestamp_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "a timestamp is a string or a number, not {}",
            match other {
                Value::Bool(_) => "a boolean",
                Value::Array(_) => "an array",
                _ => "an object",
            }
        ))),
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("status", &self.status)
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret.as_ref().map(|_| "<redacted>"))
            .field("creator", &self.creator)
            .field("register_time", &self.register_time)
            .field("remark", &self.remark)
            .field("update_time", &self.update_time)
            .field("app_type", &self.app_type)
            .field("request_id", &self.request_id)
            .field("raw", &"<redacted>")
            .finish()
    }
}

/// Parses a Create APP answer (`request_id`: the `X-Request-Id` header).
pub fn parse_create_app(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<App> {
    let raw = success_json(Operation::CreateApp, status, request_id, body)?;
    let mut app: App = shape(&raw, status, request_id, "body")?;
    app.request_id = request_id
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(|| raw.get("request_id").and_then(Value::as_str).map(str::to_owned));
    app.raw = raw;
    Ok(app)
}
