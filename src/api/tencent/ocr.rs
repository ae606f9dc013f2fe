//! The former home of Tencent OCR's business-licence verification actions,
//! kept so existing paths resolve: the shared parts are in [`super::verify`],
//! each action in a module of its own.

pub use super::verify::*;
pub use super::verify_basic_biz_license::{
    parse_verify_basic_biz_license, verify_basic_biz_license, verify_basic_biz_license_with,
    BasicBizLicense, DESCRIPTOR as BASIC,
};
pub use super::verify_biz_license::{
    parse_verify_biz_license, verify_biz_license, verify_biz_license_with, BizLicense,
    DESCRIPTOR as DETAILED,
};
