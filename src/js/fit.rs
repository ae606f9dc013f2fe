//! `fitImage` in browsers: the core's planner driving the browser's own
//! decoders and encoders (`createImageBitmap`, `OffscreenCanvas`), so the
//! core bundle carries no codec. The canvas work runs in a dedicated worker
//! ([`crate::js::fit_worker`]) so the page stays responsive; where no worker
//! can start it runs on the main thread.
//!
//! Where there is no canvas (Node, edge workers) it hands over to the
//! pure-Rust fitter of `ocr-edge/fit` once that module is imported (it
//! registers itself under `Symbol.for("ocr-edge.fit")`), or fails with
//! `fit.unsupported` saying so. The helpers here that turn results into JS
//! are shared with that module, so both give the same shapes.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorKind, Result};
use crate::image::fit::{Decision, Planner, Probe, Step, MAX_ENCODES};
use crate::image::{Format, ImageInfo, Limits};
use crate::js::abort::Abort;
use crate::js::convert::{as_bytes_view, get, reject_unknown, set, wrong_type};
use crate::js::fit_worker::Session;
use crate::js::image::{info_to_js, probe_blob_inner, probe_view, target_from_js};

#[wasm_bindgen]
extern "C" {
    /// The `FitOptions` argument, typed for TypeScript.
    #[wasm_bindgen(typescript_type = "FitOptions")]
    pub type FitOptionsArg;
}

/// The global key under which `ocr-edge/fit` registers its `fitImage`.
pub const HOOK: &str = "ocr-edge.fit";
/// The global key of the package's HEIF decoder (`heif/index.js`, loading
/// the optional libheif-js): `(bytes, loadHeif?) => Promise<{ width, height, data }>`.
pub const HEIF_HOOK: &str = "ocr-edge.heif";

/// The options `fitImage` knows.
const OPTIONS: &[&str] = &["onProgress", "maxBase64Bytes", "signal", "loadHeif"];

/// The target's limits, narrowed by `options.maxBase64Bytes` (never widened).
pub fn limits_from_js(target: &JsValue, options: &JsValue) -> Result<Limits> {
    let limits = target_from_js(target)?.limits();
    if options.is_object() {
        reject_unknown(options, OPTIONS, "fitImage options")?;
    }
    let max = get(options, "maxBase64Bytes");
    if max.is_undefined() || max.is_null() {
        return Ok(limits);
    }
    match max.as_f64() {
        Some(n) if n.fract() == 0.0 && n >= 4.0 && n <= limits.max_base64 as f64 => {
            Ok(limits.with_max_base64(n as u64))
        }
        _ => Err(wrong_type(
            "maxBase64Bytes",
            &format!("a whole number from 4 to the target's budget ({})", limits.max_base64),
        )),
    }
}

/// Pixels decoded by libheif-js: RGBA, upright (its transforms applied).
pub struct Rgba {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub data: js_sys::Uint8ClampedArray,
}

/// Decodes a HEIF through the package's decoder hook, which imports the
/// optional peer libheif-js on first use. Errors: `fit.heif_unavailable`
/// (not installed, or no hook in this build), `image.decode`.
pub async fn decode_heif(bytes: &Uint8Array, options: &JsValue, abort: &Abort) -> Result<Rgba> {
    let global: JsValue = js_sys::global().into();
    let hook = Reflect::get(&global, &js_sys::Symbol::for_(HEIF_HOOK).into())
        .ok()
        .and_then(|h| h.dyn_into::<Function>().ok());
    let unavailable = |why: &str| {
        Error::new(
            ErrorKind::Unavailable,
            "fit.heif_unavailable",
            format!(
                "this runtime cannot decode HEIC/HEIF itself and the optional decoder libheif-js could not be loaded ({why}): npm install libheif-js"
            ),
        )
    };
    let hook = hook.ok_or_else(|| unavailable("this build of ocr-edge has no HEIF hook"))?;
    let loader = get(options, "loadHeif");
    if !(loader.is_undefined() || loader.is_function()) {
        return Err(wrong_type(
            "loadHeif",
            "a function returning import(\"libheif-js/wasm-bundle\")",
        ));
    }
    let p: Promise = hook
        .call2(&JsValue::UNDEFINED, bytes, &loader)
        .and_then(|p| p.dyn_into())
        .map_err(|_| unavailable("the HEIF hook failed"))?;
    let out = match abort.wait(p).await? {
        Ok(v) => v,
        Err(e) => {
            let why = get(&e, "message").as_string().unwrap_or_else(|| "failed".to_owned());
            return Err(match get(&e, "stage").as_string().as_deref() {
                Some("load") => unavailable(&why),
                _ => Error::invalid_image(
                    "image.decode",
                    format!("the heif image could not be decoded: {why}"),
                ),
            });
        }
    };
    let size = |k| get(&out, k).as_f64().filter(|n| *n >= 1.0 && n.fract() == 0.0);
    let data = get(&out, "data").dyn_into::<js_sys::Uint8ClampedArray>().ok();
    match (size("width"), size("height"), data) {
        (Some(w), Some(h), Some(data)) if f64::from(data.length()) == w * h * 4.0 => {
            Ok(Rgba { width: w as u32, height: h as u32, data })
        }
        _ => Err(Error::invalid_image("image.decode", "libheif-js gave no RGBA picture")),
    }
}

/// `options.onProgress`, when it is a function.
pub fn progress_callback(options: &JsValue) -> Option<Function> {
    get(options, "onProgress").dyn_into::<Function>().ok()
}

/// A quality as the caller reads it: the two decimals the encoder used
/// (0.95, not the f32's 0.949999988079071).
fn quality_to_js(q: f32) -> JsValue {
    ((f64::from(q) * 100.0).round() / 100.0).into()
}

/// A step as the JS `FitStep`.
pub fn step_to_js(s: &Step) -> Object {
    let o = Object::new();
    set(&o, "format", &s.probe.format.as_str().into());
    set(&o, "width", &s.probe.width.into());
    set(&o, "height", &s.probe.height.into());
    set(&o, "scale", &s.probe.scale.into());
    set(&o, "quality", &quality_to_js(s.probe.quality));
    set(&o, "bytes", &(s.bytes as f64).into());
    set(&o, "base64", &(s.base64 as f64).into());
    set(&o, "fits", &s.fits.into());
    o
}

/// Calls `onProgress` with the last step; a throwing callback is ignored,
/// as progress is only reported, never relied on.
pub fn report_progress(cb: Option<&Function>, number: usize, s: &Step) {
    if let Some(cb) = cb {
        let o = step_to_js(s);
        set(&o, "step", &(number as f64).into());
        set(&o, "of", &MAX_ENCODES.into());
        set(&o, "size", &(s.bytes as f64).into());
        let _ = cb.call1(&JsValue::UNDEFINED, &o);
    }
}

/// Builds the `FitResult` object.
pub fn result_to_js(
    blob: &JsValue,
    bytes: &JsValue,
    info: &ImageInfo,
    steps: &[Step],
    quality: f32,
    scale: f64,
) -> JsValue {
    let o = Object::new();
    set(&o, "blob", blob);
    set(&o, "bytes", bytes);
    set(&o, "info", &info_to_js(info));
    let list = Array::new();
    for s in steps {
        list.push(&step_to_js(s));
    }
    set(&o, "steps", &list);
    set(&o, "quality", &quality_to_js(quality));
    set(&o, "scale", &scale.into());
    set(&o, "untouched", &steps.is_empty().into());
    o.into()
}

/// The result for an input returned as it was: the caller's own objects.
pub async fn untouched_to_js(input: &JsValue, info: &ImageInfo) -> Result<JsValue> {
    let (blob, bytes) = match input.dyn_ref::<web_sys::Blob>() {
        Some(b) => (input.clone(), read_blob(b).await?.into()),
        None => {
            let view = as_bytes_view(input).ok_or_else(input_type)?;
            let bytes: JsValue = if input.is_instance_of::<Uint8Array>() {
                input.clone()
            } else {
                view.clone().into()
            };
            (new_blob(&view, info.format.mime())?, bytes)
        }
    };
    Ok(result_to_js(&blob, &bytes, info, &[], 1.0, 1.0))
}

fn input_type() -> Error {
    wrong_type("input", "a Blob, File, Uint8Array or ArrayBuffer")
}

fn js_failed(what: &str) -> impl Fn(JsValue) -> Error + '_ {
    move |e| {
        let why = get(&e, "message").as_string().unwrap_or_else(|| "failed".to_owned());
        Error::invalid_image("fit.browser", format!("{what}: {why}"))
    }
}

/// Reads a whole Blob.
async fn read_blob(blob: &web_sys::Blob) -> Result<Uint8Array> {
    let ab = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| Error::invalid_argument("blob.read", "the Blob could not be read"))?;
    Ok(Uint8Array::new(&ab))
}

/// `new Blob([bytes], { type })`.
fn new_blob(bytes: &Uint8Array, mime: &str) -> Result<JsValue> {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&Array::of1(bytes), &opts)
        .map(JsValue::from)
        .map_err(js_failed("creating a Blob"))
}

/// `obj[name](...args)`.
fn call(obj: &JsValue, name: &str, args: &[&JsValue]) -> std::result::Result<JsValue, JsValue> {
    let f: Function = Reflect::get(obj, &JsValue::from_str(name))?.dyn_into()?;
    let list = Array::new();
    for a in args {
        list.push(a);
    }
    Reflect::apply(&f, obj, &list)
}

/// `await obj[name](...args)`, given up on when `abort` fires.
async fn call_async(
    obj: &JsValue,
    name: &str,
    args: &[&JsValue],
    abort: &Abort,
) -> Result<std::result::Result<JsValue, JsValue>> {
    let p = match call(obj, name, args).and_then(|p| p.dyn_into::<Promise>()) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    abort.wait(p).await
}

/// The browser's codecs, when this runtime has them.
struct Native {
    global: JsValue,
    canvas: Function,
}

impl Native {
    fn find() -> Option<Native> {
        let global: JsValue = js_sys::global().into();
        let has_bitmap = get(&global, "createImageBitmap").is_function();
        let canvas = get(&global, "OffscreenCanvas").dyn_into::<Function>().ok()?;
        has_bitmap.then_some(Native { global, canvas })
    }

    /// Decodes the blob upright, resized to `w`×`h` (displayed) unless it
    /// is that size already: the browser does both off the main thread.
    async fn bitmap(
        &self,
        blob: &JsValue,
        size: Option<(u32, u32)>,
        abort: &Abort,
    ) -> Result<JsValue> {
        let opts = Object::new();
        set(&opts, "imageOrientation", &"from-image".into());
        if let Some((w, h)) = size {
            set(&opts, "resizeWidth", &w.into());
            set(&opts, "resizeHeight", &h.into());
            set(&opts, "resizeQuality", &"high".into());
        }
        call_async(&self.global, "createImageBitmap", &[blob, &opts], abort)
            .await?
            .map_err(js_failed("this browser could not decode the image"))
    }

    /// Draws the bitmap onto a new canvas of its size, over white for JPEG.
    fn canvas(&self, bitmap: &JsValue, probe: &Probe) -> Result<JsValue> {
        let failed = js_failed("drawing the image");
        let args = Array::of2(&probe.width.into(), &probe.height.into());
        let canvas = Reflect::construct(&self.canvas, &args).map_err(&failed)?;
        let ctx = call(&canvas, "getContext", &[&"2d".into()]).map_err(&failed)?;
        if probe.format == Format::Jpeg {
            // A transparent pixel would come out black in a JPEG; paper is white.
            let _ = Reflect::set(&ctx, &"fillStyle".into(), &"#fff".into());
            let (w, h) = (JsValue::from(probe.width), JsValue::from(probe.height));
            call(&ctx, "fillRect", &[&0.into(), &0.into(), &w, &h]).map_err(&failed)?;
        }
        call(&ctx, "drawImage", &[bitmap, &0.into(), &0.into()]).map_err(&failed)?;
        Ok(canvas)
    }

    async fn encode(
        &self,
        canvas: &JsValue,
        probe: &Probe,
        abort: &Abort,
    ) -> Result<web_sys::Blob> {
        let opts = Object::new();
        set(&opts, "type", &probe.format.mime().into());
        if probe.format == Format::Jpeg {
            set(&opts, "quality", &(f64::from(probe.quality_percent()) / 100.0).into());
        }
        let blob = call_async(canvas, "convertToBlob", &[&opts], abort)
            .await?
            .map_err(js_failed("encoding the image"))?;
        blob.dyn_into::<web_sys::Blob>().map_err(js_failed("encoding the image"))
    }
}

fn close(bitmap: &JsValue) {
    let _ = call(bitmap, "close", &[]);
}

/// Decodes `blob` upright at `probe`'s size and draws it on a new canvas.
async fn draw(
    native: &Native,
    blob: &JsValue,
    probe: &Probe,
    size: Option<(u32, u32)>,
    abort: &Abort,
) -> Result<JsValue> {
    let bitmap = native.bitmap(blob, size, abort).await?;
    let got = (get(&bitmap, "width").as_f64(), get(&bitmap, "height").as_f64());
    if got != (Some(f64::from(probe.width)), Some(f64::from(probe.height))) {
        close(&bitmap);
        return Err(Error::invalid_image(
            "fit.browser",
            "this browser did not decode the image at the size asked (EXIF orientation not applied?)",
        ));
    }
    let canvas = native.canvas(&bitmap, probe);
    close(&bitmap);
    canvas
}

/// Fits an image to a target: upright (EXIF orientation applied), in a
/// format the target takes (PNG kept when it fits, JPEG otherwise), within
/// its pixel limits, and as large and good as the base64 budget allows:
/// a bounded search on quality, then on size. Returns the input itself when
/// it already fits. Rejects with `image.cannot_fit` naming the limit when
/// no size can satisfy it (e.g. 10×10000 px).
///
/// In browsers it uses the native codecs; in Node and workers import
/// `ocr-edge/fit` (the pure-Rust fitter), which also makes this function
/// work there.
#[wasm_bindgen(js_name = fitImage, unchecked_return_type = "FitResult")]
pub async fn fit_image(
    #[wasm_bindgen(unchecked_param_type = "Blob | Uint8Array | ArrayBuffer")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
    options: Option<FitOptionsArg>,
) -> std::result::Result<JsValue, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, JsValue::from);
    Abort::from_options(&options, "fit.aborted")?.check()?;
    let Some(native) = Native::find() else {
        let global: JsValue = js_sys::global().into();
        let hook = Reflect::get(&global, &js_sys::Symbol::for_(HOOK).into())
            .ok()
            .and_then(|h| h.dyn_into::<Function>().ok());
        return match hook {
            Some(h) => {
                let p: Promise = h.call3(&JsValue::UNDEFINED, &input, &target, &options)?.dyn_into()?;
                JsFuture::from(p).await
            }
            None => Err(Error::new(
                ErrorKind::Unavailable,
                "fit.unsupported",
                "this runtime has no canvas to resize images: import { fitImage } from \"ocr-edge/fit\" (Node, workers)",
            )
            .into()),
        };
    };
    // Boxed as a dyn future: its poll stays one function, not inlined here (smaller bundle).
    let fitting: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue>> + '_>> =
        Box::pin(fit_native(&native, &input, &target, &options));
    Ok(fitting.await?)
}

/// The picture to draw from: the input Blob, or for a HEIF the browser
/// cannot decode (all but Safari), the pixels libheif-js decoded, upright.
async fn source(
    native: &Native,
    blob: &JsValue,
    info: &ImageInfo,
    options: &JsValue,
    abort: &Abort,
) -> Result<JsValue> {
    if info.format != Format::Heif {
        return Ok(blob.clone());
    }
    let want = (info.display_width, info.display_height);
    // The runtime's own decoder first (Safari's createImageBitmap).
    if let Ok(bitmap) = native.bitmap(blob, None, abort).await {
        let got = (get(&bitmap, "width").as_f64(), get(&bitmap, "height").as_f64());
        if got == (Some(f64::from(want.0)), Some(f64::from(want.1))) {
            return Ok(bitmap);
        }
        close(&bitmap);
    }
    abort.check()?;
    let bytes = match blob.dyn_ref::<web_sys::Blob>() {
        Some(b) => read_blob(b).await?,
        None => return Err(input_type()),
    };
    let rgba = decode_heif(&bytes, options, abort).await?;
    if (rgba.width, rgba.height) != want {
        return Err(Error::invalid_image(
            "image.decode",
            format!(
                "libheif-js decoded the heif image at {}×{} px, not its displayed {}×{} px",
                rgba.width, rgba.height, want.0, want.1
            ),
        ));
    }
    let ctor = get(&native.global, "ImageData")
        .dyn_into::<Function>()
        .map_err(js_failed("this browser has no ImageData"))?;
    let args = Array::of3(&rgba.data, &rgba.width.into(), &rgba.height.into());
    Reflect::construct(&ctor, &args).map_err(js_failed("drawing the image"))
}

async fn fit_native(
    native: &Native,
    input: &JsValue,
    target: &JsValue,
    options: &JsValue,
) -> Result<JsValue> {
    let limits = limits_from_js(target, options)?;
    let abort = Abort::from_options(options, "fit.aborted")?;
    let on_progress = progress_callback(options);
    let (blob, info) = match input.dyn_ref::<web_sys::Blob>() {
        Some(b) => (input.clone(), probe_blob_inner(b).await?),
        None => {
            let view = as_bytes_view(input).ok_or_else(input_type)?;
            let info = probe_view(&view)?;
            (new_blob(&view, info.format.mime())?, info)
        }
    };
    abort.check()?;
    let mut planner = Planner::new(&info, &limits)?;
    if planner.untouched() {
        return untouched_to_js(input, &info).await;
    }
    let full = (info.display_width, info.display_height);
    let source = source(native, &blob, &info, options, &abort).await?;
    let remote = Session::open(&source, &abort).await?;
    // The canvas of the latest size, reused while only the quality changes
    // (main-thread path; the worker keeps its own).
    let mut drawn: Option<(u32, u32, Format, JsValue)> = None;
    let mut best: Option<web_sys::Blob> = None;
    while let Some(probe) = planner.next_probe() {
        abort.check()?;
        let size = (probe.width, probe.height);
        let out = match &remote {
            Some(session) => session.encode(&probe, size != full, &abort).await?,
            None => {
                let canvas = match drawn.take() {
                    Some((w, h, f, c))
                        if (w, h, f) == (probe.width, probe.height, probe.format) =>
                    {
                        c
                    }
                    _ => {
                        let resize = (size != full).then_some(size);
                        draw(native, &source, &probe, resize, &abort).await?
                    }
                };
                let out = native.encode(&canvas, &probe, &abort).await?;
                drawn = Some((probe.width, probe.height, probe.format, canvas));
                out
            }
        };
        if planner.report(out.size() as u64) {
            best = Some(out);
        }
        if let Some(s) = planner.steps().last() {
            report_progress(on_progress.as_ref(), planner.steps().len(), s);
        }
    }
    if info.format == Format::Heif {
        close(&source);
    }
    let Decision::Encoded(step) = planner.finish()? else {
        return untouched_to_js(input, &info).await;
    };
    let out =
        best.ok_or_else(|| Error::invalid_image("fit.browser", "the chosen encode was lost"))?;
    let bytes = read_blob(&out).await?;
    abort.check()?;
    let out_info = probe_view(&bytes)?;
    Ok(result_to_js(
        &out.into(),
        &bytes.into(),
        &out_info,
        planner.steps(),
        step.probe.quality,
        step.probe.scale,
    ))
}
