//! Tencent Cloud operations: OCR's business-licence recognition and its two
//! (offline) verification actions.

pub mod biz_license_ocr;
pub mod ocr;
