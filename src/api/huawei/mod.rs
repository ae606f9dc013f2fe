//! Huawei Cloud operations: OCR, CSMS (on the KMS host) and APIG.

pub mod business_license;
pub mod create_app;
pub mod csms;
pub mod delete_secret_tag;
pub mod list_resource_instances;
mod ocr_call;
pub mod quota_invoice;
pub mod vat_invoice;

/// The former name of [`create_app`], kept so existing paths resolve.
pub use create_app as apig;
/// The former name of [`quota_invoice`], kept so existing paths resolve.
pub use quota_invoice as ocr;
