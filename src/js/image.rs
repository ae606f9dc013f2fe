//! Image intake exports: probe, check and body building.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, Result};
use crate::image::body::{json_prefix, JSON_SUFFIX};
use crate::image::{self, Check, Format, ImageInfo, Limits, Megabytes, Partial, Target, Violation};
use crate::js::convert::{
    append_range, as_bytes_view, get, json_value, reject_unknown, set, wrong_type,
};

/// Bytes copied from a JS array before the first probe: most headers fit.
const FIRST_COPY: u32 = 4096;
/// Bytes read from a Blob before the first probe: one read covers an EXIF block.
const FIRST_BLOB_READ: f64 = 65536.0;
/// The smallest extra read, so a header of many small segments takes few steps.
const MIN_STEP: usize = 4096;

fn truncated() -> Error {
    Error::invalid_image("image.truncated", "the image header is cut short")
}

/// The next prefix length to read, or an error if the probe made no progress.
fn next_len(have: usize, need: usize, total: f64) -> Result<f64> {
    if need <= have {
        return Err(truncated());
    }
    Ok((need.max(have + MIN_STEP) as f64).min(total))
}

/// Probes a JS byte view, copying into wasm only the header bytes it needs.
pub fn probe_view(view: &Uint8Array) -> Result<ImageInfo> {
    let total = view.length();
    let mut buf = Vec::new();
    let mut want = FIRST_COPY.min(total);
    loop {
        let have = buf.len() as u32;
        append_range(&mut buf, view, have, want);
        match image::probe_prefix(&buf, u64::from(total))? {
            Partial::Done(info) => return Ok(info),
            Partial::NeedMore(n) => want = next_len(buf.len(), n, f64::from(total))? as u32,
        }
    }
}

/// Probes a `Blob` or `File` by reading slices of its start, never the whole.
pub async fn probe_blob_inner(blob: &web_sys::Blob) -> Result<ImageInfo> {
    let total = blob.size();
    let mut buf: Vec<u8> = Vec::new();
    let mut want = FIRST_BLOB_READ.min(total);
    loop {
        let slice = blob
            .slice_with_f64_and_f64(buf.len() as f64, want)
            .map_err(|_| Error::invalid_argument("blob.read", "the Blob could not be sliced"))?;
        let ab = JsFuture::from(slice.array_buffer())
            .await
            .map_err(|_| Error::invalid_argument("blob.read", "the Blob could not be read"))?;
        let part = Uint8Array::new(&ab);
        append_range(&mut buf, &part, 0, part.length());
        match image::probe_prefix(&buf, total as u64)? {
            Partial::Done(info) => return Ok(info),
            Partial::NeedMore(n) => want = next_len(buf.len(), n, total)?,
        }
    }
}

thread_local! {
    /// `ImageInfo`'s keys as JS strings, made once:
    /// decoding them from wasm memory on every call was most of the cost of
    /// probing a tiny file.
    static INFO_KEYS: [JsValue; 7] = [
        "format", "width", "height", "orientation", "displayWidth", "displayHeight", "byteLength",
    ]
    .map(JsValue::from_str);
}

/// Converts probe results to the JS `ImageInfo` shape.
pub fn info_to_js(info: &ImageInfo) -> JsValue {
    let o = Object::new();
    let values = [
        info.format.as_str().into(),
        info.width.into(),
        info.height.into(),
        info.orientation.into(),
        info.display_width.into(),
        info.display_height.into(),
        (info.byte_length as f64).into(),
    ];
    INFO_KEYS.with(|keys| {
        for (key, value) in keys.iter().zip(&values) {
            let _ = Reflect::set(&o, key, value);
        }
    });
    o.into()
}

const FORMATS: [Format; 10] = [
    Format::Jpeg,
    Format::Png,
    Format::Bmp,
    Format::Tiff,
    Format::Gif,
    Format::Webp,
    Format::Heif,
    Format::Avif,
    Format::Pdf,
    Format::Ofd,
];

fn u32_field(v: &JsValue, key: &str) -> Result<u32> {
    let n = get(v, key).as_f64().ok_or_else(|| wrong_type(key, "a number"))?;
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(wrong_type(key, "a whole number from 0 to 2^32-1"));
    }
    Ok(n as u32)
}

/// Reads an `ImageInfo` object back, as returned by `probeImage`.
pub fn info_from_js(v: &JsValue) -> Result<ImageInfo> {
    let name = get(v, "format").as_string().ok_or_else(|| wrong_type("format", "a string"))?;
    let format = FORMATS
        .into_iter()
        .find(|f| f.as_str() == name)
        .ok_or_else(|| wrong_type("format", "one of the probe's format names"))?;
    let orientation = u32_field(v, "orientation")?;
    let byte_length =
        get(v, "byteLength").as_f64().ok_or_else(|| wrong_type("byteLength", "a number"))?;
    if byte_length.fract() != 0.0 || !(0.0..=9.007_199_254_740_991e15).contains(&byte_length) {
        return Err(wrong_type("byteLength", "a whole number of bytes"));
    }
    Ok(ImageInfo {
        format,
        width: u32_field(v, "width")?,
        height: u32_field(v, "height")?,
        orientation: u8::try_from(orientation).map_err(|_| wrong_type("orientation", "1 to 8"))?,
        display_width: u32_field(v, "displayWidth")?,
        display_height: u32_field(v, "displayHeight")?,
        byte_length: byte_length as u64,
    })
}

/// Converts one violation to `{ code, message, limit, actual }`; a count of
/// pixels or bytes as a number, format names as text.
pub fn violation_to_js(v: &Violation) -> JsValue {
    let value = |text: &str, n: Option<u64>| n.map_or_else(|| text.into(), |n| (n as f64).into());
    let o = Object::new();
    set(&o, "code", &v.code.into());
    set(&o, "message", &v.message.as_str().into());
    set(&o, "limit", &value(&v.limit, v.limit_number()));
    set(&o, "actual", &value(&v.actual, v.actual_number()));
    o.into()
}

fn check_to_js(c: &Check) -> JsValue {
    let o = Object::new();
    set(&o, "ok", &c.ok.into());
    set(&o, "info", &info_to_js(&c.info));
    let list = Array::new();
    for v in &c.violations {
        list.push(&violation_to_js(v));
    }
    set(&o, "violations", &list);
    let warnings: Array = c.warnings.iter().map(violation_to_js).collect();
    set(&o, "warnings", &warnings);
    o.into()
}

/// Parses a target name, with a typed error naming the accepted ones.
pub fn target_from_js(v: &JsValue) -> Result<Target> {
    v.as_string().as_deref().and_then(crate::api::registry::target).ok_or_else(|| {
        let names: Vec<String> =
            crate::api::registry::targets().iter().map(|t| format!("'{}'", t.name)).collect();
        Error::invalid_argument("target.unknown", format!("target must be {}", names.join(" or ")))
    })
}

/// The `megabytes` option: `"decimal"` (the default) or `"binary"`; the same
/// reading for `checkImage`, the clients and `ProxyClient`.
pub fn megabytes_from_js(options: &JsValue) -> Result<Megabytes> {
    let v = get(options, "megabytes");
    if v.is_undefined() || v.is_null() {
        return Ok(Megabytes::Decimal);
    }
    v.as_string()
        .as_deref()
        .and_then(Megabytes::from_name)
        .ok_or_else(|| wrong_type("megabytes", "'decimal' or 'binary'"))
}

/// The target's documented limits, widened as the caller's options say.
pub fn limits_from_js(target: &JsValue, options: &JsValue) -> Result<Limits> {
    reject_unknown(options, &["maxBase64Bytes", "megabytes"], "checkImage options")?;
    let mut limits = target_from_js(target)?.limits();
    if megabytes_from_js(options)? == Megabytes::Binary {
        limits = limits.binary_megabytes();
    }
    let max = get(options, "maxBase64Bytes");
    if !max.is_undefined() {
        let n = max.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 9.0e15);
        limits = limits.with_max_base64(
            n.ok_or_else(|| wrong_type("maxBase64Bytes", "a whole number of bytes"))? as u64,
        );
    }
    Ok(limits)
}

pub(crate) fn view_arg(v: &JsValue, what: &str) -> Result<Uint8Array> {
    as_bytes_view(v).ok_or_else(|| wrong_type(what, "a Uint8Array or ArrayBuffer"))
}

/// Reads the format, size and EXIF orientation from an image's header bytes.
#[wasm_bindgen(js_name = probeImage, unchecked_return_type = "ImageInfo")]
pub fn probe_image(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let view = view_arg(&bytes, "bytes")?;
    Ok(info_to_js(&probe_view(&view)?))
}

/// Reads the format, size and EXIF orientation of a `Blob` or `File` by
/// reading only its first bytes.
#[wasm_bindgen(js_name = probeBlob, unchecked_return_type = "ImageInfo")]
pub async fn probe_blob(
    #[wasm_bindgen(unchecked_param_type = "Blob")] blob: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let blob =
        blob.dyn_into::<web_sys::Blob>().map_err(|_| wrong_type("blob", "a Blob or File"))?;
    Ok(info_to_js(&probe_blob_inner(&blob).await?))
}

/// Checks an image (its bytes, or a probe result) against a target's
/// limits, reporting every violation.
/// (Declared by hand in the TypeScript section: `options` is optional.)
#[wasm_bindgen(js_name = checkImage, skip_typescript)]
pub fn check_image(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | ImageInfo")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions | undefined")] options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let limits = limits_from_js(&target, &options)?;
    let info = match as_bytes_view(&input) {
        Some(view) => probe_view(&view)?,
        None if input.is_object() => info_from_js(&input)?,
        None => {
            return Err(wrong_type("input", "a Uint8Array, an ArrayBuffer or an ImageInfo").into())
        }
    };
    Ok(check_to_js(&image::check_with(&info, &limits)))
}

/// Builds the body of a Tencent business-licence verification: the given fields
/// (e.g. `{ RegNum, Name }`) then `ImageBase64` from the bytes.
/// (Declared by hand in the TypeScript section: `fields` is optional.)
#[wasm_bindgen(js_name = buildBizLicenseBody, skip_typescript)]
pub fn build_biz_license_body(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    fields: Option<Object>,
) -> std::result::Result<Uint8Array, JsValue> {
    let fields: JsValue = fields.map_or(JsValue::UNDEFINED, JsValue::from);
    let view = view_arg(&bytes, "bytes")?;
    let mut list: Vec<(String, serde_json::Value)> = Vec::new();
    if !fields.is_undefined() && !fields.is_null() {
        if !fields.is_object() {
            return Err(wrong_type("fields", "a plain object").into());
        }
        // Object.entries keeps the caller's key order, which the body keeps too.
        for entry in Object::entries(fields.unchecked_ref::<Object>()) {
            let pair: Array = entry.unchecked_into();
            let key = pair.get(0).as_string().unwrap_or_default();
            let value = json_value(&pair.get(1)).ok_or_else(|| wrong_type(&key, "a JSON value"))?;
            if key != "ImageBase64" {
                list.push((key, value));
            }
        }
    }
    let refs: Vec<(&str, serde_json::Value)> =
        list.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    Ok(crate::js::host_body::fill(&json_prefix(&refs, "ImageBase64"), &view, JSON_SUFFIX))
}
