//! Tencent Cloud operations: the business-licence verification actions of OCR.

pub mod ocr;
