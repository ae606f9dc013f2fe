//! Huawei APIG (shared gateway) Create APP, plus an emulator-only listing.
//! The name, key and secret rules are the library's
//! (`ocr_edge::api::huawei::apig::validate_create_app`); the emulator only
//! picks the documented code for each kind of break.

use ocr_edge::api::huawei::apig::{validate_create_app, CreateAppParams};
use ocr_edge::sign::UtcDateTime;
use serde_json::{json, Value};

use crate::envelope::{self, Family, Reply};
use crate::ids::{fresh_hex, fresh_uuid};
use crate::request::Request;
use crate::state::{App, State};

/// The code for a broken rule: 2001 missing, 2002 too short, 2003 too long,
/// 2000 any other parameter error.
fn length_code(n: usize, min: usize, max: usize) -> Option<&'static str> {
    if n < min {
        Some("APIG.2002")
    } else if n > max {
        Some("APIG.2003")
    } else {
        None
    }
}

fn optional_string(
    body: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<String>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("Parameter {key} must be a string")),
    }
}

/// `POST /v1.0/apigw/apps` after authentication → 201.
pub fn create_app(state: &State, req: &Request) -> Reply {
    let rid = req.request_id.as_str();
    let err = |code: &str, msg: &str| envelope::error(Family::HuaweiApig, 400, code, msg, rid);
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return err("APIG.2000", "Parameter error: the body is not a JSON object");
    };
    let name = match body.get("name") {
        None | Some(Value::Null) => return err("APIG.2001", "The parameter name is required"),
        Some(Value::String(s)) if s.is_empty() => {
            return err("APIG.2001", "The parameter name is required")
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => return err("APIG.2000", "Parameter error: name must be a string"),
    };
    let (remark, app_key, app_secret) = match (
        optional_string(&body, "remark"),
        optional_string(&body, "app_key"),
        optional_string(&body, "app_secret"),
    ) {
        (Ok(r), Ok(k), Ok(s)) => (r, k, s),
        (Err(m), _, _) | (_, Err(m), _) | (_, _, Err(m)) => {
            return err("APIG.2000", &format!("Parameter error: {m}"))
        }
    };
    let lengths = [
        ("name", Some(name.chars().count()), 3, 64),
        ("remark", remark.as_ref().map(|r| r.chars().count()), 0, 255),
        ("app_key", app_key.as_ref().map(|k| k.chars().count()), 8, 64),
        ("app_secret", app_secret.as_ref().map(|s| s.chars().count()), 8, 64),
    ];
    for (what, n, min, max) in lengths {
        if let Some(code) = n.and_then(|n| length_code(n, min, max)) {
            return err(code, &format!("The parameter {what} must be {min}-{max} characters"));
        }
    }
    let params = CreateAppParams { name, remark, app_key, app_secret };
    if let Err(e) = validate_create_app(&params) {
        return err("APIG.2000", &format!("Parameter error: {}", e.message()));
    }
    let mut apps = state.apps();
    if let Some(key) = &params.app_key {
        if apps.iter().any(|a| &a.app_key == key) {
            return err("APIG.3310", "The AppKey already exists");
        }
    }
    let now = UtcDateTime::from_unix(req.now).map(|t| t.to_string()).unwrap_or_default();
    let app = App {
        id: fresh_hex(),
        name: params.name,
        status: 1,
        app_key: params.app_key.unwrap_or_else(fresh_uuid),
        app_secret: params.app_secret.unwrap_or_else(fresh_hex),
        creator: "USER".to_owned(),
        remark: params.remark.unwrap_or_default(),
        register_time: now.clone(),
        update_time: now,
        app_type: "apig".to_owned(),
    };
    let mut body = serde_json::to_value(&app).unwrap_or(Value::Null);
    apps.push(app);
    // The reference example answers with the secret masked, never in clear.
    if let Some(obj) = body.as_object_mut() {
        obj.insert("app_secret".to_owned(), json!("******"));
    }
    Reply::json(201, &body)
}

/// `GET /v1.0/apigw/apps`: every app, secrets masked (emulator-only).
pub fn list_apps(state: &State, _req: &Request) -> Reply {
    let apps = state.apps();
    let list: Vec<Value> = apps
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("app_secret".to_owned(), json!("******"));
            }
            v
        })
        .collect();
    Reply::json(200, &json!({ "total": list.len(), "size": list.len(), "apps": list }))
}
