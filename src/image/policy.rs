//! The limits of each target, and the check of an image against them: every
//! violation is reported at once, each with a stable code, so a page can
//! tell the user everything to fix in one go.

use super::body::base64_len;
use super::{Format, ImageInfo};
pub use crate::error::Violation;

/// A service an image is sent to: its name (the `checkImage` target) and
/// its documented limits. Each operation's module in `api` defines its
/// target as an associated constant (`Target::TencentBizLicense`); the
/// `api::registry` lists them and finds one by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// The JS name, e.g. `tencent.bizLicense`.
    pub name: &'static str,
    /// The documented limits, reading "MB" as 10^6 bytes (the stricter reading).
    pub limits: Limits,
}

impl Target {
    /// The JS name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The documented limits, reading "MB" as 10^6 bytes (the stricter reading).
    pub fn limits(&self) -> Limits {
        self.limits
    }
}

/// The limits of a target; start from [`Target::limits`] and widen fields
/// when the provider is known to accept more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The service's name, used in messages.
    pub service: &'static str,
    /// Accepted formats.
    pub formats: &'static [Format],
    /// Shortest displayed side, in pixels, at least.
    pub min_side: u32,
    /// Longest displayed side, in pixels, at most.
    pub max_side: u32,
    /// True when the provider's document states no pixel limits: the sides
    /// are then checked as advice (warnings), never as a refusal.
    pub sides_are_advice: bool,
    /// Base64 size at most, in bytes.
    pub max_base64: u64,
}

impl Limits {
    /// A decimal megabyte, the default reading of "MB" in the providers' documents.
    pub const MB: u64 = 1_000_000;
    /// A binary megabyte (2^20), the wider reading.
    pub const MIB: u64 = 1 << 20;

    /// The same limits with another base64 budget in bytes.
    pub fn with_max_base64(mut self, bytes: u64) -> Limits {
        self.max_base64 = bytes;
        self
    }

    /// The same limits with the base64 budget read as binary megabytes (2^20).
    pub fn binary_megabytes(self) -> Limits {
        let mb = self.max_base64 / Limits::MB;
        self.with_max_base64(mb.saturating_mul(Limits::MIB))
    }
}

/// How "MB" in a provider's document is read for the base64 budget: as
/// 10^6 bytes (the default, stricter) or as 2^20 (the wider reading that
/// `checkImage`'s `megabytes: "binary"` offers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Megabytes {
    /// 10^6 bytes.
    #[default]
    Decimal,
    /// 2^20 bytes.
    Binary,
}

impl Megabytes {
    /// `"decimal"` or `"binary"`.
    pub fn from_name(name: &str) -> Option<Megabytes> {
        match name {
            "decimal" => Some(Megabytes::Decimal),
            "binary" => Some(Megabytes::Binary),
            _ => None,
        }
    }

    /// `target`'s documented limits with "MB" read this way.
    pub fn limits(self, target: Target) -> Limits {
        match self {
            Megabytes::Decimal => target.limits(),
            Megabytes::Binary => target.limits().binary_megabytes(),
        }
    }
}

/// The result of checking an image against a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// True when there are no violations.
    pub ok: bool,
    /// What the probe found.
    pub info: ImageInfo,
    /// Every documented limit broken, not only the first.
    pub violations: Vec<Violation>,
    /// Limits of our own that the image passes beyond (same codes as
    /// violations): advice to the user, never a reason to refuse.
    pub warnings: Vec<Violation>,
}

/// Checks an image against a target's documented limits.
pub fn check(info: &ImageInfo, target: Target) -> Check {
    check_with(info, &target.limits())
}

/// A format's name as people write it.
fn label(f: Format) -> &'static str {
    match f {
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
        Format::Bmp => "BMP",
        Format::Tiff => "TIFF",
        Format::Gif => "GIF",
        Format::Webp => "WebP",
        Format::Heif => "HEIF",
        Format::Avif => "AVIF",
        Format::Pdf => "PDF",
        Format::Ofd => "OFD",
    }
}

/// Bytes as megabytes of 10^6 with up to two decimals, e.g. "10 MB", "7.34 MB".
fn megabytes(n: u64) -> String {
    let hundredths = n.div_ceil(Limits::MB / 100);
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => format!("{whole} MB"),
        f if f % 10 == 0 => format!("{whole}.{} MB", f / 10),
        f => format!("{whole}.{f:02} MB"),
    }
}

/// Checks an image against explicit limits; reports every violation.
pub fn check_with(info: &ImageInfo, limits: &Limits) -> Check {
    let mut violations = Vec::new();
    let service = limits.service;
    if !limits.formats.contains(&info.format) {
        let names: Vec<&str> = limits.formats.iter().map(|f| label(*f)).collect();
        let choice = match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "another service".to_owned(),
        };
        violations.push(Violation {
            code: "image.format",
            message: format!("{} is not accepted by {service}; use {choice}", label(info.format)),
            limit: limits.formats.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(","),
            actual: info.format.as_str().to_owned(),
        });
    }
    let mut sides = Vec::new();
    let short = info.display_width.min(info.display_height);
    let long = info.display_width.max(info.display_height);
    // A document's pages are the service's to measure; only its size counts here.
    let document = info.format.is_document();
    if short < limits.min_side && !document {
        sides.push(Violation {
            code: "image.too_small",
            message: format!(
                "the shortest side is {short} px; {service} needs at least {} px",
                limits.min_side
            ),
            limit: limits.min_side.to_string(),
            actual: short.to_string(),
        });
    }
    if long > limits.max_side && !document {
        sides.push(Violation {
            code: "image.too_large",
            message: format!(
                "the longest side is {long} px; {service} accepts at most {} px: scale it down",
                limits.max_side
            ),
            limit: limits.max_side.to_string(),
            actual: long.to_string(),
        });
    }
    let mut warnings = Vec::new();
    if limits.sides_are_advice {
        warnings = sides;
    } else {
        violations.append(&mut sides);
    }
    let encoded = base64_len(info.byte_length);
    if encoded > limits.max_base64 {
        violations.push(Violation {
            code: "image.over_budget",
            message: format!(
                "the image is {} after base64; {service} accepts at most {}: compress or scale it down",
                megabytes(encoded),
                megabytes(limits.max_base64)
            ),
            limit: limits.max_base64.to_string(),
            actual: encoded.to_string(),
        });
    }
    Check { ok: violations.is_empty(), info: *info, violations, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(format: Format, w: u32, h: u32, bytes: u64) -> ImageInfo {
        ImageInfo {
            format,
            width: w,
            height: h,
            orientation: 1,
            display_width: w,
            display_height: h,
            byte_length: bytes,
        }
    }

    fn codes(c: &Check) -> Vec<&'static str> {
        c.violations.iter().map(|v| v.code).collect()
    }

    #[test]
    fn accepts_a_normal_photo() {
        let c = check(&info(Format::Jpeg, 3000, 4000, 3_000_000), Target::TencentBizLicense);
        assert!(c.ok, "{:?}", c.violations);
    }

    #[test]
    fn reports_every_violation() {
        let c = check(&info(Format::Gif, 10, 5000, 6_000_000), Target::TencentBizLicense);
        assert!(!c.ok);
        assert_eq!(codes(&c), ["image.format", "image.over_budget"]);
        let warned: Vec<_> = c.warnings.iter().map(|v| v.code).collect();
        assert_eq!(warned, ["image.too_small", "image.too_large"]);
        assert_eq!(
            c.violations[0].message,
            "GIF is not accepted by Tencent business licence; use PNG or JPEG"
        );
        assert_eq!(c.violations[1].limit, "7000000");
        assert_eq!(c.violations[1].actual, "8000000");
    }

    #[test]
    fn pixel_sides_refuse_only_where_documented() {
        // Tencent states no pixel limits: a 5000 px or 10 px side is advice.
        for (w, h) in [(5000, 100), (10, 100), (65535, 65535)] {
            let c = check(&info(Format::Png, w, h, 1000), Target::TencentBizLicense);
            assert!(c.ok, "{w}x{h}: {:?}", c.violations);
            assert_eq!(c.warnings.len(), 1, "{w}x{h}");
        }
        // Huawei's document states 15 px and 4096 px: still refused.
        let c = check(&info(Format::Png, 5000, 100, 1000), Target::HuaweiQuotaInvoice);
        assert_eq!(codes(&c), ["image.too_large"]);
        assert!(c.warnings.is_empty());
        let c = check(&info(Format::Png, 14, 100, 1000), Target::HuaweiQuotaInvoice);
        assert_eq!(codes(&c), ["image.too_small"]);
    }

    #[test]
    fn budget_edges_and_widening() {
        // 7_500_000 raw bytes are exactly 10_000_000 base64 bytes.
        let at = info(Format::Tiff, 100, 100, 7_500_000);
        assert!(check(&at, Target::HuaweiQuotaInvoice).ok);
        let over = info(Format::Tiff, 100, 100, 7_500_001);
        assert_eq!(codes(&check(&over, Target::HuaweiQuotaInvoice)), ["image.over_budget"]);
        let wide = Target::HuaweiQuotaInvoice.limits().binary_megabytes();
        assert_eq!(wide.max_base64, 10 * 1_048_576);
        assert!(check_with(&over, &wide).ok);
        let huge = info(Format::Png, 1 << 31, 20, 100);
        assert_eq!(codes(&check(&huge, Target::HuaweiQuotaInvoice)), ["image.too_large"]);
        assert_eq!(megabytes(7_340_000), "7.34 MB");
        assert_eq!(megabytes(10_000_000), "10 MB");
    }

    #[test]
    fn format_choice_in_messages() {
        let c = check(&info(Format::Webp, 100, 100, 100), Target::HuaweiQuotaInvoice);
        assert_eq!(
            c.violations[0].message,
            "WebP is not accepted by Huawei quota invoice; use JPEG, PNG, BMP or TIFF"
        );
    }
}
