//! The global `fetch` under a deadline, and the timers it needs, for
//! `js::transport` in every runtime (browsers, Node, workers), so nothing
//! reaches for `window`.

use std::future::Future;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorKind, Result};
use crate::js::abort::Abort;
use crate::js::convert::{append_range, as_bytes_view, set};

/// A global function such as `fetch` or `setTimeout`.
pub fn global_fn(name: &str) -> Result<Function> {
    Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Error::new(ErrorKind::Network, "runtime.unsupported", format!("no global {name}()"))
        })
}

/// Waits `ms` milliseconds with the global `setTimeout`, or until `abort`
/// fires (then `Err(aborted)`).
pub async fn sleep(ms: f64, abort: &Abort) -> Result<()> {
    let set_timeout = global_fn("setTimeout")?;
    let promise = Promise::new(&mut |resolve, _| {
        let _ = set_timeout.call2(&JsValue::NULL, &resolve, &ms.into());
    });
    let _ = abort.wait(promise).await?;
    Ok(())
}

/// `fetch(url, init)` through the `fetch` that `pick` returns (the global
/// one, or a caller's own on the signing clients), then `read` of its
/// response, both aborted through one `AbortController` when `timeout_ms`
/// runs out or `abort` fires (the caller tells the two apart with
/// `abort.is_aborted()`).
pub async fn fetch_by<T, F, Fut>(
    pick: impl FnOnce() -> Result<Function>,
    url: &str,
    init: &Object,
    timeout_ms: f64,
    abort: &Abort,
    read: F,
) -> std::result::Result<T, JsValue>
where
    F: FnOnce(web_sys::Response) -> Fut,
    Fut: Future<Output = std::result::Result<T, JsValue>>,
{
    let fetch = pick()?;
    let controller = web_sys::AbortController::new()?;
    // `controller.abort` bound to it: a plain JS function for the timer and
    // the caller's signal, so no Rust closure is handed to JS.
    let abort_now: Function =
        Reflect::get(&controller, &"abort".into())?.dyn_into::<Function>()?.bind0(&controller);
    let timer = global_fn("setTimeout")?.call2(&JsValue::NULL, &abort_now, &timeout_ms.into())?;
    set(init, "signal", &controller.signal());
    let link = abort.link(&abort_now);
    if abort.is_aborted() {
        controller.abort(); // fired before the link: its event has passed
    }
    let result = async {
        let resp = JsFuture::from(
            fetch.call2(&JsValue::NULL, &url.into(), init)?.unchecked_into::<Promise>(),
        )
        .await?;
        read(resp.unchecked_into()).await
    }
    .await;
    if let Ok(clear) = global_fn("clearTimeout") {
        let _ = clear.call1(&JsValue::NULL, &timer);
    }
    drop(link);
    result
}

/// What [`read_capped`] got.
pub enum Capped {
    /// The whole body, at most the cap.
    Body(Vec<u8>),
    /// The body (or its declared length) passed the cap; the stream is cancelled.
    TooLarge,
}

/// Cancels `resp`'s body stream, if it has one; its answer does not matter.
pub fn discard(resp: &web_sys::Response) {
    let body = Reflect::get(resp, &"body".into()).unwrap_or(JsValue::NULL);
    if let Ok(cancel) = Reflect::get(&body, &"cancel".into()) {
        if let Some(cancel) = cancel.dyn_ref::<Function>() {
            let _ = cancel.call0(&body);
        }
    }
}

/// Reads `resp`'s body, as the runtime decodes it (gzip, br undone), up to
/// `cap` bytes: a declared `Content-Length` over the cap is refused before
/// anything is read, and a stream that passes the cap is cancelled there,
/// so a compressed answer that inflates without end costs at most `cap`.
pub async fn read_capped(
    resp: &web_sys::Response,
    cap: usize,
) -> std::result::Result<Capped, JsValue> {
    let declared = resp.headers().get("content-length")?;
    if declared.and_then(|v| v.trim().parse::<u64>().ok()).is_some_and(|n| n > cap as u64) {
        discard(resp);
        return Ok(Capped::TooLarge);
    }
    let body = Reflect::get(resp, &"body".into())?;
    if body.is_null() || body.is_undefined() {
        return Ok(Capped::Body(Vec::new()));
    }
    let reader: Object = Reflect::get(&body, &"getReader".into())?
        .dyn_into::<Function>()?
        .call0(&body)?
        .dyn_into()?;
    let read: Function = Reflect::get(&reader, &"read".into())?.dyn_into()?;
    let mut out = Vec::new();
    loop {
        let step: Promise = read.call0(&reader)?.dyn_into()?;
        let result = JsFuture::from(step).await?;
        if Reflect::get(&result, &"done".into())?.as_bool() == Some(true) {
            return Ok(Capped::Body(out));
        }
        let chunk = as_bytes_view(&Reflect::get(&result, &"value".into())?)
            .ok_or_else(|| JsValue::from("a body chunk that is not bytes"))?;
        if out.len().saturating_add(chunk.length() as usize) > cap {
            if let Some(cancel) = Reflect::get(&reader, &"cancel".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
            {
                let _ = cancel.call0(&reader);
            }
            return Ok(Capped::TooLarge);
        }
        append_range(&mut out, &chunk, 0, chunk.length());
    }
}
