//! What the Huawei OCR operations share: the request line and its
//! `Enterprise-Project-Id` header, and a body of exactly one of `image` and `url`.

use serde_json::Value;

use crate::api::endpoints::{huawei_host, validate_project_id, HuaweiService};
use crate::api::fields::{Fields, Origin};
use crate::api::input::{conflict, invalid, missing, normalize_url, ImageInput};
use crate::api::operation::Context;
use crate::api::request::{Body, Operation, PreparedRequest};
use crate::api::sdk_body::{self, Field};
use crate::error::{Error, Result};
use crate::image::Limits;

/// The body of a Huawei OCR call taking exactly one of `image` and `url`,
/// followed by `rest` (fields the caller set, in the model's order).
pub(crate) fn source_body(
    image: Option<ImageInput<'_>>,
    url: Option<&str>,
    limits: &Limits,
    rest: &[Field],
) -> Result<Body> {
    match (image, url) {
        (Some(_), Some(_)) => {
            Err(conflict("give either image or url, not both (the service refuses both)"))
        }
        (None, None) => Err(missing("image or url is required")),
        (Some(image), None) => sdk_body::with_image(image, limits, "image", rest),
        (None, Some(url)) => {
            let mut fields = vec![("url", Value::String(normalize_url(url)?))];
            fields.extend(rest.iter().cloned());
            Ok(sdk_body::object(&fields).into())
        }
    }
}

/// A Huawei OCR `POST /v2/{project_id}/ocr/{name}` with a JSON body.
pub(crate) fn ocr_request(
    op: Operation,
    region: Option<&str>,
    project_id: &str,
    name: &str,
    enterprise_project_id: Option<&str>,
    body: Body,
) -> Result<PreparedRequest> {
    validate_project_id(project_id)?;
    let host = huawei_host(HuaweiService::Ocr, region)?;
    let req = PreparedRequest::new(op, "POST", host, &["v2", project_id, "ocr", name])
        .header("Content-Type", "application/json");
    Ok(with_enterprise_project(req, enterprise_project_id)?.with_body(body))
}

/// `enterpriseProjectId`: the signing clients take the caller's; through the
/// worker it is the worker's own setting, and a caller's is refused (a page
/// must not choose which enterprise project is billed).
pub(crate) fn enterprise_project<'s>(
    f: &'s Fields<'_>,
    ctx: &Context<'s>,
) -> Result<Option<&'s str>> {
    if f.origin == Origin::Js {
        return f.text("enterpriseProjectId");
    }
    if f.value("enterpriseProjectId").is_some() {
        return Err(Error::invalid_argument(
            "argument.invalid",
            "enterpriseProjectId is the worker's setting (HUAWEI_ENTERPRISE_PROJECT_ID), not the caller's",
        ));
    }
    Ok(ctx.enterprise_project)
}

/// Adds `Enterprise-Project-Id` when one is given, after checking it.
pub(crate) fn with_enterprise_project(
    req: PreparedRequest,
    enterprise_project_id: Option<&str>,
) -> Result<PreparedRequest> {
    let Some(ep) = enterprise_project_id else { return Ok(req) };
    // A header value: keep it to the id alphabet so nothing can be injected.
    let ok = !ep.is_empty()
        && ep.len() <= 64
        && ep.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(invalid(
            "enterprise_project_id must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'",
        ));
    }
    Ok(req.header("Enterprise-Project-Id", ep))
}
