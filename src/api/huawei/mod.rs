//! Huawei Cloud operations: OCR, CSMS (on the KMS host) and APIG.

pub mod apig;
pub mod business_license;
pub mod csms;
mod ocr_call;
pub mod quota_invoice;
pub mod vat_invoice;

/// The former name of [`quota_invoice`], kept so existing paths resolve.
pub use quota_invoice as ocr;
