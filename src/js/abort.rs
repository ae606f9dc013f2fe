//! A caller's `AbortSignal`, read once per call: checked between steps,
//! raced against every wait, and linked to the `AbortController` of each
//! fetch, so an abort rejects at once with kind `aborted` and stops the work.

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorKind, Result};
use crate::js::convert::{get, set, wrong_type};

/// `options.signal` of one call (absent: never aborts).
pub struct Abort {
    signal: JsValue,
    /// Resolves (never rejects, so nothing goes unhandled) when the signal fires.
    fired: Option<Promise>,
    /// The error code an abort gives (`aborted`, `fit.aborted`).
    code: &'static str,
}

impl Abort {
    /// A call nobody can cancel.
    pub fn none() -> Abort {
        Abort { signal: JsValue::UNDEFINED, fired: None, code: "aborted" }
    }

    /// Reads `options.signal`; `code` is the error code an abort gives.
    pub fn from_options(options: &JsValue, code: &'static str) -> Result<Abort> {
        let signal = if options.is_object() { get(options, "signal") } else { JsValue::UNDEFINED };
        if signal.is_undefined() || signal.is_null() {
            return Ok(Abort { code, ..Abort::none() });
        }
        let add = get(&signal, "addEventListener");
        if get(&signal, "aborted").as_bool().is_none() || !add.is_function() {
            return Err(wrong_type("signal", "an AbortSignal"));
        }
        let add: Function = add.unchecked_into();
        let fired = Promise::new(&mut |resolve, _| {
            let once = Object::new();
            set(&once, "once", &true.into());
            let _ = add.call3(&signal, &"abort".into(), &resolve, &once);
        });
        Ok(Abort { signal, fired: Some(fired), code })
    }

    /// Whether the signal has fired.
    pub fn is_aborted(&self) -> bool {
        get(&self.signal, "aborted").as_bool() == Some(true)
    }

    /// The error an aborted call rejects with.
    pub fn error(&self) -> Error {
        let message = if self.code == "aborted" {
            "the call was aborted through its AbortSignal"
        } else {
            "fitImage was aborted through its AbortSignal"
        };
        Error::new(ErrorKind::Aborted, self.code, message)
    }

    /// `Err(aborted)` once the signal has fired.
    pub fn check(&self) -> Result<()> {
        if self.is_aborted() {
            Err(self.error())
        } else {
            Ok(())
        }
    }

    /// Awaits `p`, or gives `Err(aborted)` as soon as the signal fires
    /// (`p` then settles unobserved; its result is dropped).
    pub async fn wait(&self, p: Promise) -> Result<std::result::Result<JsValue, JsValue>> {
        self.check()?;
        let out = match &self.fired {
            Some(fired) => JsFuture::from(Promise::race(&Array::of2(&p, fired))).await,
            None => JsFuture::from(p).await,
        };
        self.check()?;
        Ok(out)
    }

    /// Calls `on_abort` (a JS function) when the signal fires, for as long
    /// as the link lives.
    pub fn link(&self, on_abort: &Function) -> Option<Link> {
        self.fired.as_ref()?;
        let add: Function = get(&self.signal, "addEventListener").dyn_into().ok()?;
        add.call2(&self.signal, &"abort".into(), on_abort).ok()?;
        Some(Link { signal: self.signal.clone(), on_abort: on_abort.clone() })
    }
}

/// A signal's listener, removed when dropped.
pub struct Link {
    signal: JsValue,
    on_abort: Function,
}

impl Drop for Link {
    fn drop(&mut self) {
        if let Ok(remove) = get(&self.signal, "removeEventListener").dyn_into::<Function>() {
            let _ = remove.call2(&self.signal, &"abort".into(), &self.on_abort);
        }
    }
}
