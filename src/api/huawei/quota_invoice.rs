//! Huawei OCR RecognizeQuotaInvoice: `POST /v2/{project_id}/ocr/quota-invoice`.
//! Everything the operation is lives here: its descriptor, target limits,
//! parameter rules, builder and parser.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ocr_call::with_enterprise_project;
use crate::api::endpoints::{huawei_host, validate_project_id, HuaweiService};
use crate::api::fields::Fields;
use crate::api::input::{conflict, image_body_parts, missing, normalize_url, ImageInput};
use crate::api::operation::{json_answer, Context, Descriptor, Provider, Route};
use crate::api::provider_errors::{member, shape, success_json};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::wire;
use crate::error::Result;
use crate::image::{Format, Limits, Megabytes, Target};

#[allow(non_upper_case_globals)]
impl Operation {
    /// Huawei OCR RecognizeQuotaInvoice.
    pub const RecognizeQuotaInvoice: Operation =
        Operation::new("RecognizeQuotaInvoice", Service::HuaweiOcr, true);
}

#[allow(non_upper_case_globals)]
impl Target {
    /// Huawei OCR RecognizeQuotaInvoice's documented image limits.
    pub const HuaweiQuotaInvoice: Target = Target {
        name: "huawei.quotaInvoice",
        limits: Limits {
            service: "Huawei quota invoice",
            formats: &[Format::Jpeg, Format::Png, Format::Bmp, Format::Tiff],
            min_side: 15,
            max_side: 4096,
            sides_are_advice: false,
            max_base64: 10 * Limits::MB,
        },
    };
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/huawei/quota-invoice`: RecognizeQuotaInvoice.
    pub const QuotaInvoice: Route = Route(&DESCRIPTOR);
}

/// The operation, for the registry.
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: "huawei.quotaInvoice",
    method: "recognizeQuotaInvoice",
    operation: Operation::RecognizeQuotaInvoice,
    provider: Provider::Huawei(HuaweiService::Ocr),
    target: Some(Target::HuaweiQuotaInvoice),
    scope: Some("huawei.quotaInvoice"),
    path: "/v1/huawei/quota-invoice",
    flag: None,
    image_keys: &["image"],
    success: 200,
    build,
    answer: |status, request_id, body| json_answer(parse_quota_invoice(status, request_id, body)),
    query_text: wire::query_text,
};

/// Reads the caller's parameters (`image` or `url`, `enterpriseProjectId`)
/// and builds the request.
fn build(ctx: &Context<'_>, f: &Fields<'_>) -> Result<PreparedRequest> {
    f.known(&["url", "enterpriseProjectId"])?;
    let p = QuotaInvoiceParams {
        image: f.image(),
        url: f.text("url")?,
        enterprise_project_id: super::ocr_call::enterprise_project(f, ctx)?,
    };
    recognize_quota_invoice_with(ctx.region, ctx.project_id, &p, ctx.megabytes)
}

/// The parameters of RecognizeQuotaInvoice: exactly one of `image` and `url`.
#[derive(Clone, Debug, Default)]
pub struct QuotaInvoiceParams<'a> {
    /// The invoice image (bytes or base64), checked against the documented limits.
    pub image: Option<ImageInput<'a>>,
    /// A public http(s) URL (or an OBS URL) the service downloads the image from.
    pub url: Option<&'a str>,
    /// The enterprise project to bill, sent as `Enterprise-Project-Id`.
    pub enterprise_project_id: Option<&'a str>,
}

/// Builds the RecognizeQuotaInvoice request for `project_id` in `region`
/// (default cn-north-4). Body: `{"image": base64}` or `{"url": …}`.
pub fn recognize_quota_invoice(
    region: Option<&str>,
    project_id: &str,
    params: &QuotaInvoiceParams<'_>,
) -> Result<PreparedRequest> {
    recognize_quota_invoice_with(region, project_id, params, Megabytes::Decimal)
}

/// [`recognize_quota_invoice`] with the image's base64 budget read as
/// `megabytes` says (10 MB as 10^6 or 2^20 bytes).
pub fn recognize_quota_invoice_with(
    region: Option<&str>,
    project_id: &str,
    params: &QuotaInvoiceParams<'_>,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    validate_project_id(project_id)?;
    let host = huawei_host(HuaweiService::Ocr, region)?;
    let body = match (params.image, params.url) {
        (Some(_), Some(_)) => {
            return Err(conflict("give either image or url, not both (the service refuses both)"))
        }
        (None, None) => return Err(missing("image or url is required")),
        (Some(image), None) => {
            let limits = megabytes.limits(Target::HuaweiQuotaInvoice);
            image_body_parts(image, &limits, &[], "image")?
        }
        (None, Some(url)) => {
            let url = normalize_url(url)?;
            serde_json::to_vec(&serde_json::json!({ "url": url })).unwrap_or_default().into()
        }
    };
    let req = PreparedRequest::new(
        Operation::RecognizeQuotaInvoice,
        "POST",
        host,
        &["v2", project_id, "ocr", "quota-invoice"],
    )
    .header("Content-Type", "application/json");
    Ok(with_enterprise_project(req, params.enterprise_project_id)?.with_body(body))
}

/// The confidence of each field, 0–1; `None` when the service gave none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct QuotaInvoiceConfidence {
    /// Confidence of `number`.
    pub number: Option<f64>,
    /// Confidence of `code`.
    pub code: Option<f64>,
    /// Confidence of `location`.
    pub location: Option<f64>,
    /// Confidence of `amount`.
    pub amount: Option<f64>,
}

/// A recognised quota invoice. Fields the service left out are `None`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct QuotaInvoice {
    /// Invoice number (发票号码).
    pub number: Option<String>,
    /// Invoice code (发票代码).
    pub code: Option<String>,
    /// Location (地址).
    pub location: Option<String>,
    /// Amount as printed, e.g. `￥50.00`.
    pub amount: Option<String>,
    /// `amount` in integer fen (cents), or `None` when it cannot be read with
    /// certainty; see [`parse_amount_cents`].
    #[serde(skip_deserializing)]
    pub amount_cents: Option<i64>,
    /// Per-field confidence.
    #[serde(default, deserialize_with = "crate::api::null_as_default")]
    pub confidence: QuotaInvoiceConfidence,
    /// The `X-Request-Id` of the answer.
    #[serde(skip_deserializing)]
    pub request_id: Option<String>,
    /// The whole answer as sent, for fields not mapped here.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// Parses a RecognizeQuotaInvoice answer. `request_id` is the
/// `X-Request-Id` header. Errors follow [`crate::api::provider_errors::parse_error`].
pub fn parse_quota_invoice(
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<QuotaInvoice> {
    let raw = success_json(Operation::RecognizeQuotaInvoice, status, request_id, body)?;
    let result = member(&raw, "result", status, request_id)?;
    let mut inv: QuotaInvoice = shape(result, status, request_id, "result")?;
    inv.amount_cents = inv.amount.as_deref().and_then(parse_amount_cents);
    inv.request_id = request_id.map(str::to_owned);
    inv.raw = raw;
    Ok(inv)
}

pub use crate::api::amount::parse_amount_cents;
