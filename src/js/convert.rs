//! Small helpers to build and read plain JS objects.

use js_sys::{Array, JsString, Object, Reflect, Uint8Array};
use serde_json::{Map, Number, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;

/// How deep [`json_value`] follows arrays and objects, as serde_json's parser.
const JSON_DEPTH: usize = 128;

/// `v` as `JSON.stringify` writes it, read back by the host's `JSON.parse`
/// rather than a JSON parser in wasm (which would weigh on the page). `None`
/// where it writes nothing (`undefined`, a function), nests past 128 levels,
/// or holds a string with a lone surrogate, which UTF-8 cannot carry.
pub fn json_value(v: &JsValue) -> Option<Value> {
    let text = js_sys::JSON::stringify(v).ok().filter(|t| t.is_string())?;
    plain_json(&js_sys::JSON::parse(&String::from(text)).ok()?, JSON_DEPTH)
}

/// A value `JSON.parse` gave (null, booleans, finite numbers, strings, arrays
/// and plain objects) as a [`Value`]; objects' keys sorted, as serde_json's map.
fn plain_json(v: &JsValue, depth: usize) -> Option<Value> {
    if v.is_null() {
        return Some(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        // Whole numbers JS holds exactly stay integers, as a JSON parser reads them.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        return Some(if n.fract() == 0.0 && n.abs() <= EXACT {
            if n < 0.0 {
                Value::from(n as i64)
            } else {
                Value::from(n as u64)
            }
        } else {
            Value::Number(Number::from_f64(n)?)
        });
    }
    if let Some(s) = v.dyn_ref::<JsString>() {
        return s.is_valid_utf16().then(|| Value::String(String::from(s)));
    }
    let depth = depth.checked_sub(1)?;
    if Array::is_array(v) {
        let list: &Array = v.unchecked_ref();
        return list
            .iter()
            .map(|x| plain_json(&x, depth))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array);
    }
    let mut map = Map::new();
    for entry in Object::entries(v.unchecked_ref::<Object>()) {
        let pair: Array = entry.unchecked_into();
        map.insert(pair.get(0).as_string()?, plain_json(&pair.get(1), depth)?);
    }
    Some(Value::Object(map))
}

/// Sets `o[key] = value`; setting a field on a fresh plain object cannot fail.
pub fn set(o: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(key), value);
}

/// Reads `o[key]`, or `undefined` when `o` is not an object.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    if !o.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Views a `Uint8Array`, `ArrayBuffer` or any typed array / `DataView` as
/// bytes without copying them into wasm; `None` for anything else.
pub fn as_bytes_view(v: &JsValue) -> Option<Uint8Array> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Some(a.clone());
    }
    if v.is_instance_of::<js_sys::ArrayBuffer>() || v.is_instance_of::<js_sys::SharedArrayBuffer>()
    {
        return Some(Uint8Array::new(v));
    }
    if js_sys::ArrayBuffer::is_view(v) {
        let buf = get(v, "buffer");
        let off = get(v, "byteOffset").as_f64().unwrap_or(0.0);
        let len = get(v, "byteLength").as_f64().unwrap_or(0.0);
        return Some(Uint8Array::new_with_byte_offset_and_length(&buf, off as u32, len as u32));
    }
    None
}

/// Copies `view[from..to]` onto the end of `out`, clamped to the view.
pub fn append_range(out: &mut Vec<u8>, view: &Uint8Array, from: u32, to: u32) {
    let to = to.min(view.length());
    if to <= from {
        return;
    }
    let start = out.len();
    out.resize(start + (to - from) as usize, 0);
    view.subarray(from, to).copy_to(&mut out[start..]);
}

/// Turns a value the caller passed in the wrong type into a typed error.
pub fn wrong_type(what: &str, expected: &str) -> Error {
    Error::invalid_argument("argument.type", format!("{what} must be {expected}"))
}

/// Refuses keys the API does not know, so a misspelt option is reported
/// instead of silently ignored.
pub fn reject_unknown(v: &JsValue, allowed: &[&str], what: &str) -> Result<(), Error> {
    if !v.is_object() {
        return Ok(());
    }
    for key in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()) {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(Error::invalid_argument(
                "argument.unknown",
                format!("{what} has no option {key:?}; known: {}", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}
