//! Sans-IO request builders and response parsers, one module per operation.
//!
//! Each operation has a builder that checks the caller's parameters and
//! returns a [`PreparedRequest`] (method, host, encoded path, headers, body
//! bytes; nothing secret), and a parser that turns the status and body of the
//! answer into a typed result or a typed [`crate::Error`]. Signing and
//! sending happen elsewhere: see [`request`] for the hand-off.
//!
//! Each operation's module also holds its [`Descriptor`] (id, target
//! limits, parameter rules, route, scope, retry safety); [`registry`] lists
//! them and the adapters iterate over it.
//!
//! | operation | builder | parser |
//! |---|---|---|
//! | Huawei CSMS ListResourceInstances | [`huawei::csms::list_resource_instances`] | [`huawei::csms::parse_list_resource_instances`] |
//! | Huawei CSMS DeleteSecretTag | [`huawei::csms::delete_secret_tag`] | [`huawei::csms::parse_delete_secret_tag`] |
//! | Huawei APIG Create APP | [`huawei::apig::create_app`] | [`huawei::apig::parse_create_app`] |
//! | Tencent VerifyBasicBizLicense | [`tencent::ocr::verify_basic_biz_license`] | [`tencent::ocr::parse_verify_basic_biz_license`] |
//! | Tencent VerifyBizLicense | [`tencent::ocr::verify_biz_license`] | [`tencent::ocr::parse_verify_biz_license`] |
//! | Huawei RecognizeBusinessLicense | [`huawei::business_license::recognize_business_license`] | [`huawei::business_license::parse_business_license`] |
//! | Huawei RecognizeVatInvoice | [`huawei::vat_invoice::recognize_vat_invoice`] | [`huawei::vat_invoice::parse_vat_invoice`] |
//! | Tencent BizLicenseOCR | [`tencent::biz_license_ocr::biz_license_ocr`] | [`tencent::biz_license_ocr::parse_biz_license_ocr`] |
//!
//! Result structs serialise to the JS shape (camelCase, with `raw`).

pub mod amount;
pub mod endpoints;
pub mod fields;
pub mod huawei;
pub mod input;
pub mod operation;
pub mod provider_errors;
pub mod registry;
pub mod regnum;
pub mod request;
pub(crate) mod sdk_body;
pub mod signing;
pub mod tencent;
pub mod wire;

pub use fields::Fields;
pub use input::ImageInput;
pub use operation::{Descriptor, Route};
pub use provider_errors::parse_error;
pub use request::{Operation, PreparedRequest, Service, Signing, TencentSigning};

use serde::{Deserialize, Deserializer};

/// Reads `null` as the type's default, for lists and objects the services
/// send as `null` when empty.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
