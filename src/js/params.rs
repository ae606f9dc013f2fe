//! A JS parameter object as the operations read it ([`Fields`]), for the
//! signing clients: the image from the descriptor's image keys, the other
//! values through JSON.

use std::borrow::Cow;

use js_sys::Uint8Array;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

use crate::api::fields::{Fields, Image, Origin};
use crate::api::Descriptor;
use crate::error::Result;
use crate::image::Megabytes;
use crate::js::client::{image_from_js, params_from_js, OwnedImage};
use crate::js::convert::{get, wrong_type};

/// Reads `params` for `d`; a Blob image is probed and checked against the
/// target's limits before it is read. An image given as bytes comes back as
/// its JS view too, and the builders leave a gap for its base64, which the
/// host writes ([`crate::js::host_body::request_body`]).
pub async fn fields_from_js(
    d: &Descriptor,
    params: &JsValue,
    megabytes: Megabytes,
) -> Result<(Fields<'static>, Option<Uint8Array>)> {
    let mut f = Fields::new(Origin::Js);
    if params.is_undefined() || params.is_null() {
        return Ok((f, None));
    }
    if !params.is_object() {
        return Err(wrong_type("params", "an object"));
    }
    let mut found = Vec::new();
    let mut view = None;
    if let Some(limits) = d.limits(megabytes) {
        for key in d.image_keys {
            let image = match image_from_js(&get(params, key), key, &limits).await? {
                Some(OwnedImage::Bytes(b, js)) => {
                    view = Some(js);
                    Image::Bytes(Cow::Owned(b))
                }
                Some(OwnedImage::Base64(s)) => Image::Base64(Cow::Owned(s)),
                None => continue,
            };
            found.push(((*key).to_owned(), image));
        }
    }
    f.set_image(found)?;
    f.encode_later = view.is_some();
    let values: Map<String, Value> = params_from_js(params, "params", d.image_keys)?;
    f.values = values.into_iter().collect();
    Ok((f, view))
}

/// A result's JSON text as a JS value (`undefined` for none), with the
/// number of requests its call sent as `attempts`.
pub fn result_to_js(json: Option<String>, attempts: u32) -> std::result::Result<JsValue, JsValue> {
    match json {
        Some(text) => {
            let v = js_sys::JSON::parse(&text)?;
            if v.is_object() {
                js_sys::Reflect::set(&v, &"attempts".into(), &attempts.into())?;
            }
            Ok(v)
        }
        None => Ok(JsValue::UNDEFINED),
    }
}
