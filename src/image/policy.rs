//! The limits of each target, and the check of an image against them.

use super::{Format, ImageInfo};

/// A service an image is sent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Huawei OCR RecognizeQuotaInvoice.
    HuaweiQuotaInvoice,
    /// Tencent OCR VerifyBasicBizLicense / VerifyBizLicense.
    TencentBizLicense,
}

impl Target {
    /// Parses the JS name (`huawei.quotaInvoice`, `tencent.bizLicense`).
    pub fn from_name(name: &str) -> Option<Target> {
        match name {
            "huawei.quotaInvoice" => Some(Target::HuaweiQuotaInvoice),
            "tencent.bizLicense" => Some(Target::TencentBizLicense),
            _ => None,
        }
    }
}

/// The documented limits of a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Accepted formats.
    pub formats: &'static [Format],
    /// Shortest displayed side, in pixels, at least.
    pub min_side: u32,
    /// Longest displayed side, in pixels, at most.
    pub max_side: u32,
    /// Base64 size at most, in bytes.
    pub max_base64: u64,
}

/// One limit an image breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Stable code, e.g. `image.format`.
    pub code: &'static str,
    /// Plain-words message.
    pub message: String,
    /// The limit, as text.
    pub limit: String,
    /// What the image has, as text.
    pub actual: String,
}

/// The result of checking an image against a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// True when there are no violations.
    pub ok: bool,
    /// What the probe found.
    pub info: ImageInfo,
    /// Every limit broken, not only the first.
    pub violations: Vec<Violation>,
}

/// Checks an image against a target's limits (placeholder).
pub fn check(info: &ImageInfo, target: Target) -> Check {
    let _ = target;
    Check { ok: true, info: *info, violations: Vec::new() }
}
