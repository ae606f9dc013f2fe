//! The edge worker's Cloudflare bindings: the `CAPTURE_LEDGER` Durable
//! Object (token budgets, revocation, idempotent resends, the daily cap)
//! and the Rate Limiting bindings `TOKEN_RATE_LIMITER` and
//! `IP_RATE_LIMITER`. I/O only: the records and refusals are
//! `crate::worker::ledger`'s.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::js::convert::{get, set};
use crate::worker::ledger;
use crate::worker::Failure;

/// Calls `target[name](...args)` through `Reflect`: RPC stubs answer any
/// property, so neither `instanceof Function` nor `.call` may be trusted.
fn invoke(target: &JsValue, name: &str, args: &Array) -> Option<JsValue> {
    let f = Reflect::get(target, &name.into()).ok().filter(|f| !f.is_undefined())?;
    Reflect::apply(f.unchecked_ref::<Function>(), target, args).ok()
}

/// Awaits a promise or any thenable (RPC calls answer with one).
async fn settle(v: JsValue) -> Option<JsValue> {
    JsFuture::from(Promise::resolve(&v)).await.ok()
}

/// An argument object from pairs.
pub fn args(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, v);
    }
    o
}

/// The `CAPTURE_LEDGER` namespace, when the worker has one bound.
#[derive(Clone)]
pub struct Ledger(JsValue);

impl Ledger {
    /// The binding in `env`; `None` means limits hold per isolate only.
    pub fn from_env(env: &JsValue) -> Option<Ledger> {
        let ns = get(env, "CAPTURE_LEDGER");
        ns.is_object().then_some(Ledger(ns))
    }

    /// Calls `method(arg)` on the object named `record`; a failure to reach
    /// it is `ledger.unavailable` (no call is made without the ledger's word).
    pub async fn call(&self, record: &str, method: &str, arg: &Object) -> Result<JsValue, Failure> {
        let ns = &self.0;
        let id = invoke(ns, "idFromName", &Array::of1(&record.into()));
        let stub = id.and_then(|id| invoke(ns, "get", &Array::of1(&id)));
        let answer = stub.and_then(|s| invoke(&s, method, &Array::of1(arg)));
        match answer {
            Some(p) => settle(p).await.ok_or_else(ledger::unavailable),
            None => Err(ledger::unavailable()),
        }
    }
}

/// Asks a Rate Limiting binding (`env[name]`) about `key`: `true` when the
/// call may go on, or when no such binding is configured.
pub async fn within_rate(env: &JsValue, name: &str, key: &str) -> bool {
    let binding = get(env, name);
    if !binding.is_object() {
        return true;
    }
    let arg = args(&[("key", key.into())]);
    match invoke(&binding, "limit", &Array::of1(&arg)) {
        // A binding that fails answers "go on": the isolate's own limiter still holds.
        Some(p) => match settle(p).await {
            Some(r) => get(&r, "success").as_bool() != Some(false),
            None => true,
        },
        None => true,
    }
}
