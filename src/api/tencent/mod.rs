//! Tencent Cloud operations: OCR's business-licence recognition and its two
//! (offline) verification actions.

pub mod biz_license_ocr;
pub mod ocr;
pub mod verify;
pub mod verify_basic_biz_license;
pub mod verify_biz_license;
