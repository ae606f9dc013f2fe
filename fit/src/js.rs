//! The wasm export: `fitImage` of `ocr-edge/fit`, same arguments and result
//! as the core's, with the pure-Rust codecs. It yields to the event loop
//! between encodes, so timers and I/O still run during a long fit.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use ocr_edge::js::convert::{as_bytes_view, get, wrong_type};
use ocr_edge::js::fit::{
    limits_from_js, progress_callback, report_progress, result_to_js, untouched_to_js,
    FitOptionsArg,
};
use ocr_edge::{Error, Result};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::Fitter;

/// Copies the whole input into wasm memory: decoding needs all of it.
async fn input_bytes(input: &JsValue) -> Result<Vec<u8>> {
    let view = if let Some(v) = as_bytes_view(input) {
        v
    } else if get(input, "arrayBuffer").is_function() && get(input, "size").as_f64().is_some() {
        let f: Function = get(input, "arrayBuffer").unchecked_into();
        let p: Promise = f
            .call0(input)
            .and_then(|p| p.dyn_into())
            .map_err(|_| Error::invalid_argument("blob.read", "the Blob could not be read"))?;
        let ab = JsFuture::from(p)
            .await
            .map_err(|_| Error::invalid_argument("blob.read", "the Blob could not be read"))?;
        Uint8Array::new(&ab)
    } else {
        return Err(wrong_type("input", "a Blob, File, Uint8Array or ArrayBuffer"));
    };
    Ok(view.to_vec())
}

/// Lets the event loop run: a zero-delay timer, present in Node, browsers and workerd.
async fn yield_now() {
    let global: JsValue = js_sys::global().into();
    let Ok(timer) = get(&global, "setTimeout").dyn_into::<Function>() else {
        return;
    };
    let p = Promise::new(&mut |resolve, _| {
        let _ = timer.call2(&JsValue::UNDEFINED, &resolve, &0.into());
    });
    let _ = JsFuture::from(p).await;
}

/// `new Blob([bytes], { type })` when the runtime has `Blob`, else `undefined`.
fn new_blob(bytes: &Uint8Array, mime: &str) -> JsValue {
    let global: JsValue = js_sys::global().into();
    let Ok(ctor) = get(&global, "Blob").dyn_into::<Function>() else {
        return JsValue::UNDEFINED;
    };
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"type".into(), &mime.into());
    let args = Array::of2(&Array::of1(bytes), &opts);
    Reflect::construct(&ctor, &args).unwrap_or(JsValue::UNDEFINED)
}

/// Fits an image to a target without a canvas; see the core's `fitImage`.
#[wasm_bindgen(js_name = fitImagePure, unchecked_return_type = "FitResult")]
pub async fn fit_image_pure(
    #[wasm_bindgen(unchecked_param_type = "Blob | Uint8Array | ArrayBuffer")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
    options: Option<FitOptionsArg>,
) -> std::result::Result<JsValue, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, JsValue::from);
    Ok(fit(&input, &target, &options).await?)
}

async fn fit(input: &JsValue, target: &JsValue, options: &JsValue) -> Result<JsValue> {
    let limits = limits_from_js(target, options)?;
    let on_progress = progress_callback(options);
    let bytes = input_bytes(input).await?;
    let mut fitter = Fitter::new(&bytes, &limits)?;
    if fitter.planner.untouched() {
        let info = *fitter.input_info();
        return untouched_to_js(input, &info).await;
    }
    while let Some(p) = fitter.step()? {
        report_progress(on_progress.as_ref(), p.step as usize, &p.last);
        yield_now().await;
    }
    let fitted = fitter.result()?;
    let out = Uint8Array::from(fitted.bytes.as_slice());
    let blob = new_blob(&out, fitted.info.format.mime());
    Ok(result_to_js(&blob, &out.into(), &fitted.info, &fitted.steps, fitted.quality, fitted.scale))
}
