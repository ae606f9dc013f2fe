//! Huawei Cloud operations: OCR, CSMS (on the KMS host) and APIG.

pub mod apig;
pub mod csms;
pub mod ocr;
