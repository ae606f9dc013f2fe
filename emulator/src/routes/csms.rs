//! Huawei CSMS: ListResourceInstances (tag filters, fuzzy name match,
//! paging, count) and DeleteSecretTag, over the secrets in the state. The
//! parameter rules are the library's (`ocr_edge::api::huawei::csms`).

use ocr_edge::api::huawei::csms::{
    delete_secret_tag as build_delete, validate_list_params, ListAction,
    ListResourceInstancesParams, TagFilter, TagMatch, DEFAULT_LIMIT,
};
use ocr_edge::sign::canonical::percent_decode;
use serde_json::{json, Map, Value};

use crate::envelope::{self, Family, Reply};
use crate::request::Request;
use crate::state::{Secret, State};

fn err(rid: &str, status: u16, code: &str, msg: &str) -> Reply {
    envelope::error(Family::HuaweiCsms, status, code, msg, rid)
}

/// A number sent as a string, as the API types `limit` and `offset`.
fn string_number(body: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<u64>().map(Some).map_err(|_| format!("{key} is out of range"))
        }
        Some(Value::String(_)) => Err(format!("{key} must be a non-negative whole number")),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

fn parse_params(body: &Map<String, Value>) -> Result<ListResourceInstancesParams, String> {
    let action = match body.get("action") {
        None | Some(Value::Null) => ListAction::Filter,
        Some(Value::String(s)) if s == "filter" => ListAction::Filter,
        Some(Value::String(s)) if s == "count" => ListAction::Count,
        Some(_) => return Err("action must be \"filter\" or \"count\"".to_owned()),
    };
    let limit = string_number(body, "limit")?;
    let offset = string_number(body, "offset")?;
    let limit = match limit {
        Some(n) => Some(u32::try_from(n).map_err(|_| "limit must be 1-1000".to_owned())?),
        None => None,
    };
    let mut tags = Vec::new();
    match body.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let key =
                    item.get("key").and_then(Value::as_str).ok_or("tags[].key must be a string")?;
                let values = match item.get("values") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(vs)) => vs
                        .iter()
                        .map(|v| {
                            v.as_str().map(str::to_owned).ok_or("tags[].values must hold strings")
                        })
                        .collect::<Result<_, _>>()?,
                    Some(_) => return Err("tags[].values must be an array".to_owned()),
                };
                tags.push(TagFilter { key: key.to_owned(), values });
            }
        }
        Some(_) => return Err("tags must be an array".to_owned()),
    }
    let mut matches = Vec::new();
    match body.get("matches") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let key = item
                    .get("key")
                    .and_then(Value::as_str)
                    .ok_or("matches[].key must be a string")?;
                let value = match item.get("value") {
                    None | Some(Value::Null) => "",
                    Some(v) => v.as_str().ok_or("matches[].value must be a string")?,
                };
                matches.push(TagMatch { key: key.to_owned(), value: value.to_owned() });
            }
        }
        Some(_) => return Err("matches must be an array".to_owned()),
    }
    let sequence = match body.get("sequence") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("sequence must be a string".to_owned()),
    };
    let mut params = ListResourceInstancesParams { action, limit, offset, tags, matches, sequence };
    if action == ListAction::Count {
        // "No need to set" for count: the service ignores them.
        params.limit = None;
        params.offset = None;
    }
    validate_list_params(&params).map_err(|e| e.message().to_owned())?;
    Ok(params)
}

/// Tag semantics from the API page: keys are ANDed, values within a key ORed
/// (no values: the key alone); `resource_name` matches by substring, and an
/// empty match value matches nothing.
fn selected(secret: &Secret, params: &ListResourceInstancesParams) -> bool {
    let tags_ok = params.tags.iter().all(|f| {
        secret
            .tags
            .iter()
            .any(|t| t.key == f.key && (f.values.is_empty() || f.values.contains(&t.value)))
    });
    let names_ok = params
        .matches
        .iter()
        .all(|m| m.key == "resource_name" && !m.value.is_empty() && secret.name.contains(&m.value));
    tags_ok && names_ok
}

fn resource(secret: &Secret) -> Value {
    json!({
        "resource_id": secret.id,
        "resource_name": secret.name,
        "resource_detail": {
            "id": secret.id,
            "name": secret.name,
            "state": secret.state,
            "kms_key_id": secret.kms_key_id,
            "description": secret.description,
            "create_time": secret.create_time,
            "update_time": secret.update_time,
            "scheduled_delete_time": secret.scheduled_delete_time,
        },
        "tags": secret.tags,
    })
}

/// `POST /v1/{project_id}/csms/resource_instances/action` after authentication.
pub fn list_resource_instances(state: &State, req: &Request) -> Reply {
    let rid = req.request_id.as_str();
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return err(rid, 400, "CSMS.0004", "The request body format is wrong: not a JSON object.");
    };
    let params = match parse_params(&body) {
        Ok(p) => p,
        Err(m) => return err(rid, 400, "CSMS.0002", &format!("Invalid parameter: {m}")),
    };
    let secrets = state.secrets();
    let hits: Vec<&Secret> = secrets.iter().filter(|s| selected(s, &params)).collect();
    let total = hits.len();
    if params.action == ListAction::Count {
        return Reply::json(200, &json!({ "total_count": total }));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT) as usize;
    let offset = usize::try_from(params.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let page: Vec<Value> = hits.iter().skip(offset).take(limit).map(|s| resource(s)).collect();
    Reply::json(200, &json!({ "resources": page, "total_count": total }))
}

/// `DELETE /v1/{project_id}/csms/{secret_id}/tags/{key}` after authentication:
/// the key segment is decoded once.
pub fn delete_secret_tag(state: &State, req: &Request, secret_id: &str, raw_key: &str) -> Reply {
    let rid = req.request_id.as_str();
    let Ok(key) = String::from_utf8(percent_decode(raw_key)) else {
        return err(rid, 400, "CSMS.0002", "Invalid parameter: the tag key is not UTF-8.");
    };
    let Ok(secret_id) = String::from_utf8(percent_decode(secret_id)) else {
        return err(rid, 400, "CSMS.0002", "Invalid parameter: the secret id is not UTF-8.");
    };
    if let Err(e) = build_delete(None, crate::config::DEV_PROJECT, &secret_id, &key) {
        return err(rid, 400, "CSMS.0002", &format!("Invalid parameter: {}", e.message()));
    }
    let mut secrets = state.secrets();
    // The path names the secret by its id (the document's secret_id), never its name.
    let Some(secret) = secrets.iter_mut().find(|s| s.id == secret_id) else {
        return err(rid, 404, "CSMS.0005", "The secret does not exist.");
    };
    if secret.state == "PENDING_DELETE" {
        return err(rid, 400, "CSMS.0103", "The secret is pending deletion.");
    }
    let before = secret.tags.len();
    secret.tags.retain(|t| t.key != key);
    if secret.tags.len() == before {
        return err(rid, 404, "CSMS.0005", "The tag does not exist on this secret.");
    }
    secret.update_time = i64::try_from(req.now).unwrap_or(i64::MAX);
    Reply::empty(204)
}
