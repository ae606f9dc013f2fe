//! The wasm export: `fitImage` of `ocr-edge/fit`, same arguments and result
//! as the core's, with the pure-Rust codecs. It yields to the event loop
//! between encodes, so timers and I/O still run during a long fit, and
//! checks `options.signal` there.
//!
//! HEIC/HEIF: decoded by the optional peer libheif-js (through the
//! package's `heif/` hook) in Node and browsers. Edge workers never decode
//! them: workerd refuses to compile WebAssembly from bytes at run time,
//! which is how libheif-js starts, and a 12 MP photo needs more than a
//! worker's 128 MB; such a fit is refused before any work.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use ocr_edge::image::{probe, Format, ImageInfo};
use ocr_edge::js::abort::Abort;
use ocr_edge::js::convert::{as_bytes_view, get, wrong_type};
use ocr_edge::js::fit::{
    decode_heif, limits_from_js, progress_callback, report_progress, result_to_js, untouched_to_js,
    FitOptionsArg,
};
use ocr_edge::{Error, ErrorKind, Result};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::pixels::{Layout, Pixels};
use crate::{fit_bytes_needed, heif_bytes_needed, Fitter, WORKER_MEMORY};

/// Whether this is an edge worker (workerd says so in `navigator.userAgent`).
fn in_worker() -> bool {
    let global: JsValue = js_sys::global().into();
    get(&get(&global, "navigator"), "userAgent").as_string().as_deref()
        == Some("Cloudflare-Workers")
}

/// The typed refusal of a HEIF in an edge worker, before any work.
fn heif_in_worker(width: u32, height: u32) -> Error {
    let mb = heif_bytes_needed(width, height).div_ceil(1 << 20);
    Error::new(
        ErrorKind::Unavailable,
        "fit.heif_in_worker",
        format!(
            "HEIC/HEIF is not decoded in edge workers: decoding this {width}×{height} px image takes about {mb} MB \
             (a worker has {} MB), and workers may not compile the decoder's WebAssembly at run time; \
             fit it in the browser or in Node, or send JPEG or PNG",
            WORKER_MEMORY >> 20
        ),
    )
}

/// The typed refusal, before any work, of a photo whose fit would pass a
/// worker's memory.
fn too_big_for_worker(info: &ImageInfo, need: u64) -> Error {
    let (w, h) = (info.display_width, info.display_height);
    Error::new(
        ErrorKind::Unavailable,
        "fit.worker_memory",
        format!(
            "fitting this {w}×{h} px photo takes about {} MB, over an edge worker's {} MB; \
             fit it in the browser or in Node, or send a smaller photo",
            need.div_ceil(1 << 20),
            WORKER_MEMORY >> 20
        ),
    )
}

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
    let abort = Abort::from_options(options, "fit.aborted")?;
    let on_progress = progress_callback(options);
    let bytes = input_bytes(input).await?;
    abort.check()?;
    let info = probe(&bytes)?;
    let mut fitter = if info.format == Format::Heif {
        let (w, h) = (info.display_width, info.display_height);
        let check = ocr_edge::image::fit::Planner::new(&info, &limits)?;
        if check.untouched() {
            return untouched_to_js(input, &info).await;
        }
        if in_worker() {
            return Err(heif_in_worker(w, h));
        }
        let rgba = decode_heif(&Uint8Array::from(bytes.as_slice()), options, &abort).await?;
        let pixels = Pixels {
            width: rgba.width,
            height: rgba.height,
            layout: Layout::Rgba,
            data: rgba.data.to_vec(),
        };
        drop(rgba);
        Fitter::from_pixels(&bytes, info, pixels, &limits)?
    } else {
        let need = fit_bytes_needed(&info, bytes.len(), &limits);
        if need > WORKER_MEMORY && in_worker() {
            let check = ocr_edge::image::fit::Planner::new(&info, &limits)?;
            if !check.untouched() {
                return Err(too_big_for_worker(&info, need));
            }
        }
        Fitter::new(&bytes, &limits)?
    };
    if fitter.untouched() {
        let info = *fitter.input_info();
        return untouched_to_js(input, &info).await;
    }
    while let Some(p) = fitter.step()? {
        report_progress(on_progress.as_ref(), p.step as usize, &p.last);
        yield_now().await;
        abort.check()?;
    }
    let fitted = fitter.result()?;
    let out = Uint8Array::from(fitted.bytes.as_slice());
    let blob = new_blob(&out, fitted.info.format.mime());
    Ok(result_to_js(&blob, &out.into(), &fitted.info, &fitted.steps, fitted.quality, fitted.scale))
}
