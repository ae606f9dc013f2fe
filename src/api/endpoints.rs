//! Region to host, and the fixed facts of each endpoint.

use crate::error::{Error, Result};

/// The Huawei region used when the caller names none (North China-Beijing4).
pub const HUAWEI_DEFAULT_REGION: &str = "cn-north-4";
/// Tencent's OCR host; the region travels in `X-TC-Region`, not in the host.
pub const TENCENT_OCR_HOST: &str = "ocr.tencentcloudapi.com";
/// The only region the business-licence actions accept.
pub const TENCENT_DEFAULT_REGION: &str = "ap-guangzhou";
/// The Tencent OCR API version (`X-TC-Version`).
pub const TENCENT_OCR_VERSION: &str = "2018-11-19";

/// A Huawei Cloud service, i.e. the first label of its host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HuaweiService {
    /// OCR: `ocr.{region}.myhuaweicloud.com`.
    Ocr,
    /// KMS, which also serves CSMS: `kms.{region}.myhuaweicloud.com`.
    Kms,
    /// API Gateway: `apig.{region}.myhuaweicloud.com`.
    Apig,
}

/// The regions each service's official Python SDK (3.1.219) lists, in its
/// order: OCR's own, CSMS's for KMS (the host CSMS is served on), APIG's.
/// `tests/regions.rs` keeps them equal to the SDKs'.
const OCR_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-south-1",
    "cn-east-3",
    "cn-north-1",
    "ap-southeast-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "la-south-2",
    "af-south-1",
    "la-north-2",
];
const KMS_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-north-1",
    "cn-north-2",
    "cn-north-9",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-4",
    "la-south-2",
    "sa-brazil-1",
    "la-north-2",
    "ap-southeast-2",
    "na-mexico-1",
    "cn-south-2",
    "me-east-1",
    "tr-west-1",
    "ae-ad-1",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "cn-east-5",
    "cn-east-4",
    "ap-southeast-5",
    "cn-north-12",
    "cn-north-11",
    "af-north-1",
    "cn-southwest-3",
    "af-south-1",
];
const APIG_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "ap-southeast-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ru-northwest-2",
    "sa-brazil-1",
    "la-south-2",
    "la-north-2",
    "na-mexico-1",
    "af-south-1",
    "cn-north-9",
    "cn-southwest-2",
    "ap-southeast-4",
    "tr-west-1",
    "cn-north-2",
    "eu-west-101",
    "ae-ad-1",
    "me-east-1",
    "my-kualalumpur-1",
    "eu-west-0",
    "ru-moscow-1",
    "cn-south-4",
    "cn-east-5",
    "cn-north-12",
    "cn-east-4",
    "cn-southwest-3",
    "cn-south-2",
    "cn-north-11",
    "ap-southeast-5",
    "af-north-1",
];

impl HuaweiService {
    /// The regions the service's official SDK knows.
    pub fn regions(self) -> &'static [&'static str] {
        match self {
            HuaweiService::Ocr => OCR_REGIONS,
            HuaweiService::Kms => KMS_REGIONS,
            HuaweiService::Apig => APIG_REGIONS,
        }
    }

    /// The host label.
    pub fn label(self) -> &'static str {
        match self {
            HuaweiService::Ocr => "ocr",
            HuaweiService::Kms => "kms",
            HuaweiService::Apig => "apig",
        }
    }
}

/// Checks a region name: 1–32 of `a-z 0-9 -`, not starting or ending with
/// `-`. The region goes into a host name or a signed header, so anything else
/// (dots, slashes, upper case) would change where the request goes.
pub fn validate_region(region: &str) -> Result<()> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(
            "argument.invalid",
            "region must be 1-32 characters of a-z, 0-9 and '-', like cn-north-4",
        ))
    }
}

/// The host of a Huawei service in `region` (default [`HUAWEI_DEFAULT_REGION`]).
///
/// ```
/// use ocr_edge::api::endpoints::{huawei_host, HuaweiService};
/// assert_eq!(huawei_host(HuaweiService::Kms, None).unwrap(), "kms.cn-north-4.myhuaweicloud.com");
/// ```
pub fn huawei_host(service: HuaweiService, region: Option<&str>) -> Result<String> {
    let region = region.unwrap_or(HUAWEI_DEFAULT_REGION);
    validate_region(region)?;
    if !service.regions().contains(&region) {
        // Such a host does not exist: say so now, not as a DNS failure later.
        return Err(Error::invalid_argument(
            "region.unknown",
            format!(
                "Huawei {} is not offered in region {region} as far as its SDK knows (it lists {}); \
                 to reach a newer region, pass its endpoint instead",
                service.label().to_ascii_uppercase(),
                service.regions().join(", ")
            ),
        ));
    }
    Ok(format!("{}.{}.myhuaweicloud.com", service.label(), region))
}

/// The Tencent region to put in `X-TC-Region` (default [`TENCENT_DEFAULT_REGION`]).
pub fn tencent_region(region: Option<&str>) -> Result<&str> {
    let region = region.unwrap_or(TENCENT_DEFAULT_REGION);
    validate_region(region)?;
    Ok(region)
}

/// Checks a Huawei project id: 1–64 of `A-Z a-z 0-9 - _` (real ones are 32
/// hex digits). It is a path segment, so a stray `/` must not get through.
pub fn validate_project_id(project_id: &str) -> Result<()> {
    let ok = !project_id.is_empty()
        && project_id.len() <= 64
        && project_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(
            "argument.invalid",
            "project_id must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'",
        ))
    }
}
