//! Huawei Cloud operations: OCR, CSMS (on the KMS host) and APIG.

pub mod apig;
pub mod business_license;
pub mod csms;
pub mod ocr;
pub mod vat_invoice;
