//! The global `fetch` under a deadline, and the timers it needs: shared by
//! the signing clients' transport and the proxy client, in every runtime
//! (browsers, Node, workers), so neither reaches for `window`.

use std::future::Future;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorKind, Result};
use crate::js::convert::set;

/// A global function such as `fetch` or `setTimeout`.
pub fn global_fn(name: &str) -> Result<Function> {
    Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Error::new(ErrorKind::Network, "runtime.unsupported", format!("no global {name}()"))
        })
}

/// Waits `ms` milliseconds with the global `setTimeout`.
pub async fn sleep(ms: f64) -> Result<()> {
    let set_timeout = global_fn("setTimeout")?;
    let promise = Promise::new(&mut |resolve, _| {
        let _ = set_timeout.call2(&JsValue::NULL, &resolve, &ms.into());
    });
    let _ = JsFuture::from(promise).await;
    Ok(())
}

/// `fetch(url, init)`, then `read` of its response, both aborted through
/// one `AbortController` when `timeout_ms` runs out.
pub async fn fetch_within<T, F, Fut>(
    url: &str,
    init: &Object,
    timeout_ms: f64,
    read: F,
) -> std::result::Result<T, JsValue>
where
    F: FnOnce(web_sys::Response) -> Fut,
    Fut: Future<Output = std::result::Result<T, JsValue>>,
{
    let fetch = global_fn("fetch")?;
    let controller = web_sys::AbortController::new()?;
    // Owned here and dropped after clearTimeout: a closure handed to JS for
    // good (once_into_js) leaks whenever the timer is cleared unfired.
    let abort = Closure::once({
        let c = controller.clone();
        move || c.abort()
    });
    let timer =
        global_fn("setTimeout")?.call2(&JsValue::NULL, abort.as_ref(), &timeout_ms.into())?;
    set(init, "signal", &controller.signal());
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
    drop(abort);
    result
}
