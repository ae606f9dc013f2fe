//! Routing by method and path (and `X-TC-Action` on `POST /`), and the
//! checks every Huawei project-scoped route shares.

pub mod admin;
pub mod apig;
pub mod csms;
pub mod image;
pub mod licence_ocr;
pub mod ocr;
pub mod recognize;
pub mod tencent;

use crate::envelope::{self, Family, Reply};
use crate::request::Request;
use crate::state::State;

/// The Tencent actions served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TencentAction {
    /// VerifyBasicBizLicense.
    Basic,
    /// VerifyBizLicense.
    Detailed,
    /// BizLicenseOCR (live; not affected by `tencent_offline`).
    LicenceOcr,
    /// Anything else (answered InvalidAction, or MissingParameter).
    Other,
}

/// What a request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Huawei OCR RecognizeQuotaInvoice.
    QuotaInvoice { project: String },
    /// Huawei OCR RecognizeBusinessLicense.
    BusinessLicense { project: String },
    /// Huawei OCR RecognizeVatInvoice.
    VatInvoice { project: String },
    /// Huawei CSMS ListResourceInstances.
    ListResourceInstances { project: String },
    /// Huawei CSMS DeleteSecretTag; `key` still percent-encoded.
    DeleteSecretTag { project: String, secret_id: String, key: String },
    /// Huawei APIG Create APP.
    CreateApp,
    /// `GET /v1.0/apigw/apps`, an emulator-only listing for tests.
    ListApps,
    /// Tencent `POST /`.
    Tencent(TencentAction),
    /// `GET /__emulator/stats`.
    Stats,
    /// `POST /__emulator/reset`.
    Reset,
    /// `POST /__emulator/faults`: arm a standing fault on a route at run time.
    ArmFault,
    /// No such API.
    Unknown(Family),
}

impl Op {
    /// The route's name in logs, stats and config faults.
    pub fn name(&self) -> &'static str {
        match self {
            Op::QuotaInvoice { .. } => "RecognizeQuotaInvoice",
            Op::BusinessLicense { .. } => "RecognizeBusinessLicense",
            Op::VatInvoice { .. } => "RecognizeVatInvoice",
            Op::ListResourceInstances { .. } => "ListResourceInstances",
            Op::DeleteSecretTag { .. } => "DeleteSecretTag",
            Op::CreateApp => "CreateApp",
            Op::ListApps => "ListApps",
            Op::Tencent(TencentAction::Basic) => "VerifyBasicBizLicense",
            Op::Tencent(TencentAction::Detailed) => "VerifyBizLicense",
            Op::Tencent(TencentAction::LicenceOcr) => "BizLicenseOCR",
            Op::Tencent(TencentAction::Other) => "TencentUnknown",
            Op::Stats => "EmulatorStats",
            Op::Reset => "EmulatorReset",
            Op::ArmFault => "EmulatorArmFault",
            Op::Unknown(_) => "Unknown",
        }
    }

    /// Whose conventions the answer follows.
    pub fn family(&self) -> Family {
        match self {
            Op::QuotaInvoice { .. } | Op::BusinessLicense { .. } | Op::VatInvoice { .. } => {
                Family::HuaweiOcr
            }
            Op::ListResourceInstances { .. } | Op::DeleteSecretTag { .. } => Family::HuaweiCsms,
            Op::CreateApp | Op::ListApps => Family::HuaweiApig,
            Op::Tencent(_) => Family::Tencent,
            Op::Stats | Op::Reset | Op::ArmFault => Family::Emulator,
            Op::Unknown(f) => *f,
        }
    }
}

/// Finds the operation for a method, raw path and `X-TC-Action` value.
pub fn route(method: &str, path: &str, action: Option<&str>) -> Op {
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    match (method, segs.as_slice()) {
        ("POST", [""]) => Op::Tencent(match action.map(str::trim) {
            Some("VerifyBasicBizLicense") => TencentAction::Basic,
            Some("VerifyBizLicense") => TencentAction::Detailed,
            Some("BizLicenseOCR") => TencentAction::LicenceOcr,
            _ => TencentAction::Other,
        }),
        ("POST", ["v2", p, "ocr", "quota-invoice"]) => {
            Op::QuotaInvoice { project: (*p).to_owned() }
        }
        ("POST", ["v2", p, "ocr", "business-license"]) => {
            Op::BusinessLicense { project: (*p).to_owned() }
        }
        ("POST", ["v2", p, "ocr", "vat-invoice"]) => Op::VatInvoice { project: (*p).to_owned() },
        ("POST", ["v1", p, "csms", "resource_instances", "action"]) => {
            Op::ListResourceInstances { project: (*p).to_owned() }
        }
        ("DELETE", ["v1", p, "csms", s, "tags", k]) => Op::DeleteSecretTag {
            project: (*p).to_owned(),
            secret_id: (*s).to_owned(),
            key: (*k).to_owned(),
        },
        ("POST", ["v1.0", "apigw", "apps"]) => Op::CreateApp,
        ("GET", ["v1.0", "apigw", "apps"]) => Op::ListApps,
        ("GET", ["__emulator", "stats"]) => Op::Stats,
        ("POST", ["__emulator", "reset"]) => Op::Reset,
        ("POST", ["__emulator", "faults"]) => Op::ArmFault,
        (_, [""]) => Op::Tencent(TencentAction::Other),
        _ => Op::Unknown(Family::HuaweiApig),
    }
}

/// Runs the operation; every outcome is an answer (errors included).
pub fn dispatch(state: &State, op: &Op, req: &Request) -> Reply {
    match op {
        Op::QuotaInvoice { project } => huawei_gate(state, req, Family::HuaweiOcr, Some(project))
            .unwrap_or_else(|| ocr::quota_invoice(state, req)),
        Op::BusinessLicense { project } => {
            huawei_gate(state, req, Family::HuaweiOcr, Some(project))
                .unwrap_or_else(|| recognize::business_license(state, req))
        }
        Op::VatInvoice { project } => huawei_gate(state, req, Family::HuaweiOcr, Some(project))
            .unwrap_or_else(|| recognize::vat_invoice(state, req)),
        Op::ListResourceInstances { project } => {
            huawei_gate(state, req, Family::HuaweiCsms, Some(project))
                .unwrap_or_else(|| csms::list_resource_instances(state, req))
        }
        Op::DeleteSecretTag { project, secret_id, key } => {
            huawei_gate(state, req, Family::HuaweiCsms, Some(project))
                .unwrap_or_else(|| csms::delete_secret_tag(state, req, secret_id, key))
        }
        Op::CreateApp => huawei_gate(state, req, Family::HuaweiApig, None)
            .unwrap_or_else(|| apig::create_app(state, req)),
        Op::ListApps => huawei_gate(state, req, Family::HuaweiApig, None)
            .unwrap_or_else(|| apig::list_apps(state, req)),
        Op::Tencent(action) => tencent::handle(state, req, *action),
        Op::Stats => admin::stats(state),
        Op::Reset => admin::reset(state),
        Op::ArmFault => admin::arm_fault(state, req),
        Op::Unknown(_) => envelope::gateway(
            404,
            "APIG.0101",
            "The API does not exist or has not been published in the environment",
            &req.request_id,
        ),
    }
}

/// Authentication, then the project in the path (and `X-Project-Id`);
/// `Some` is the refusal to send.
fn huawei_gate(
    state: &State,
    req: &Request,
    family: Family,
    project: Option<&String>,
) -> Option<Reply> {
    if let Err(reply) = crate::auth::huawei(state, req, family) {
        return Some(reply);
    }
    let project = project?;
    let rid = &req.request_id;
    if let Some(header) = req.header("x-project-id") {
        if header.trim() != project {
            let reply = envelope::gateway(
                403,
                "APIGW.0301",
                "Incorrect IAM authentication information: X-Project-Id does not match the project in the URL",
                rid,
            );
            // CSMS documents its 403 body, like its 401, in its nested envelope.
            return Some(if family == Family::HuaweiCsms {
                envelope::nested(reply)
            } else {
                reply
            });
        }
    }
    if state.config.project_ids.iter().any(|p| p == project) {
        return None;
    }
    Some(match family {
        Family::HuaweiOcr => envelope::error(
            family,
            403,
            "ModelArts.4204",
            "The API is not subscribed for this project or region.",
            rid,
        ),
        _ => envelope::error(
            family,
            404,
            "CSMS.0003",
            "Invalid request or URL: unknown project_id.",
            rid,
        ),
    })
}
