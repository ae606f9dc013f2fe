//! Huawei CSMS DeleteSecretTag (served by the KMS host):
//! `DELETE /v1/{project_id}/csms/{secret_id}/tags/{key}`. Its descriptor,
//! parameter rules, builder and parser; the tag limits it shares with the
//! other CSMS operation are in [`super::csms`].

use serde_json::Value;

use super::csms::MAX_TAG_KEY_CHARS;
use crate::api::endpoints::{huawei_host, validate_project_id, HuaweiService};
use crate::api::fields::Fields;
use crate::api::input::{check_tag_text, invalid};
use crate::api::operation::{Context, Descriptor, Provider, Route};
use crate::api::provider_errors::parse_error;
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::wire;
use crate::error::Result;

#[allow(non_upper_case_globals)]
impl Operation {
    /// Huawei CSMS DeleteSecretTag.
    pub const DeleteSecretTag: Operation =
        Operation::new("DeleteSecretTag", Service::HuaweiCsms, true);
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/admin/csms/delete-tag`: CSMS DeleteSecretTag.
    pub const AdminCsmsDeleteTag: Route = Route(&DESCRIPTOR);
}

/// DeleteSecretTag, for the registry (an admin operation).
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: "admin.csms.deleteTag",
    method: "deleteSecretTag",
    operation: Operation::DeleteSecretTag,
    provider: Provider::Huawei(HuaweiService::Kms),
    target: None,
    scope: None,
    path: "/v1/admin/csms/delete-tag",
    flag: None,
    image_keys: &[],
    success: 204,
    build: build_delete_tag,
    answer: |status, request_id, body| {
        parse_delete_secret_tag(status, request_id, body)?;
        Ok(None)
    },
    query_text: wire::query_text,
};

/// Reads `secretId` and `key` and builds DeleteSecretTag.
fn build_delete_tag(ctx: &Context<'_>, f: &Fields<'_>) -> Result<PreparedRequest> {
    f.known(&["secretId", "key"])?;
    let (secret_id, key) = (f.required("secretId")?, f.required("key")?);
    delete_secret_tag(ctx.region, ctx.project_id, secret_id, key)
}

/// Builds DeleteSecretTag: `DELETE /v1/{project_id}/csms/{secret_id}/tags/{key}`.
/// `secret_id` and `key` are path segments, encoded once (a key may hold
/// spaces, `/`, `%` or non-ASCII letters).
pub fn delete_secret_tag(
    region: Option<&str>,
    project_id: &str,
    secret_id: &str,
    key: &str,
) -> Result<PreparedRequest> {
    validate_project_id(project_id)?;
    let host = huawei_host(HuaweiService::Kms, region)?;
    if secret_id.is_empty() {
        return Err(invalid("secret_id must not be empty"));
    }
    if secret_id.chars().count() > 255 || secret_id.chars().any(char::is_control) {
        return Err(invalid("secret_id must be at most 255 characters without control characters"));
    }
    check_tag_text("tag key", key, MAX_TAG_KEY_CHARS, false)?;
    // URL parsers (fetch included) collapse `.` and `..` segments, even
    // percent-encoded, so such a request would reach another resource.
    for (what, s) in [("secret_id", secret_id), ("tag key", key)] {
        if s == "." || s == ".." {
            return Err(invalid(format!("{what} cannot be '.' or '..' in a URL path")));
        }
    }
    Ok(PreparedRequest::new(
        Operation::DeleteSecretTag,
        "DELETE",
        host,
        &["v1", project_id, "csms", secret_id, "tags", key],
    ))
}

/// Parses a DeleteSecretTag answer: any 2xx (204 with no body) is success.
pub fn parse_delete_secret_tag(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<()> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, request_id, body, Operation::DeleteSecretTag));
    }
    // A 2xx carrying an error envelope is still an error.
    if body.iter().any(|b| !b.is_ascii_whitespace()) {
        if let Ok(v) = serde_json::from_slice::<Value>(body) {
            if v.get("error").is_some_and(Value::is_object) || v.get("error_code").is_some() {
                return Err(parse_error(status, request_id, body, Operation::DeleteSecretTag));
            }
        }
    }
    Ok(())
}
