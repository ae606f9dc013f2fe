//! The crate's [`Error`] as a real JS `Error` with fields to branch on.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::js::convert::set;

/// Builds a JS `Error` named `OcrEdgeError` carrying `kind`, `code`,
/// `status`, `requestId`, `retryable` and, for images, `violations`.
pub fn to_js(err: &Error) -> JsValue {
    let e = js_sys::Error::new(err.message());
    e.set_name("OcrEdgeError");
    let o: &Object = e.as_ref();
    set(o, "kind", &err.kind().as_str().into());
    set(o, "code", &err.code().into());
    set(o, "status", &err.status().map_or(JsValue::NULL, JsValue::from));
    set(o, "requestId", &err.request_id().map_or(JsValue::NULL, JsValue::from));
    set(o, "retryable", &err.retryable().into());
    let list = Array::new();
    for v in err.violations() {
        list.push(&crate::js::image::violation_to_js(v));
    }
    set(o, "violations", &list);
    e.into()
}

impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        to_js(&err)
    }
}
