//! The canvas steps of browser fitting (decode, resize, draw, encode) in a
//! dedicated worker, so a 20-megapixel photo never blocks the page: the main
//! thread only plans and waits. Where no worker can start (no `Worker`, or a
//! Content-Security-Policy without `worker-src blob:`), [`Session::open`]
//! answers `None` and the caller draws on the main thread instead.
//!
//! An abort (`options.signal`) rejects at once; the worker is terminated
//! when no other fit uses it (a new one starts for the next fit), else only
//! that fit's session is closed.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{Error, Result};
use crate::image::fit::Probe;
use crate::image::Format;
use crate::js::abort::Abort;
use crate::js::convert::{get, set};

/// The worker's script: sessions keyed by number, each holding its source
/// Blob and the canvas of the latest size, reused while only quality changes.
const SOURCE: &str = r##""use strict";
const sessions = new Map();
onmessage = async ({ data: m }) => {
  const reply = (x) => postMessage(Object.assign({ id: m.id }, x));
  let stage = "decode";
  try {
    if (m.op === "close") return void sessions.delete(m.s);
    if (m.op === "open") {
      if (typeof OffscreenCanvas !== "function" || typeof createImageBitmap !== "function") {
        return reply({ error: "no OffscreenCanvas in workers", stage: "open" });
      }
      // The input Blob, or the ImageData libheif-js decoded for a HEIF.
      sessions.set(m.s, { src: m.blob, key: "", canvas: null });
      return reply({});
    }
    const s = sessions.get(m.s);
    if (!s) return reply({ error: "no such session", stage: "open" });
    const key = m.w + "x" + m.h + ":" + m.type;
    if (s.key !== key) {
      s.key = "";
      s.canvas = null;
      const o = { imageOrientation: "from-image" };
      if (m.resize) Object.assign(o, { resizeWidth: m.w, resizeHeight: m.h, resizeQuality: "high" });
      const bmp = await createImageBitmap(s.src, o);
      if (bmp.width !== m.w || bmp.height !== m.h) {
        bmp.close();
        return reply({ error: "decoded at another size", stage: "size" });
      }
      stage = "draw";
      const c = new OffscreenCanvas(m.w, m.h);
      const ctx = c.getContext("2d");
      if (m.white) {
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, m.w, m.h);
      }
      ctx.drawImage(bmp, 0, 0);
      bmp.close();
      s.key = key;
      s.canvas = c;
    }
    stage = "encode";
    const opts = { type: m.type };
    if (m.quality !== undefined) opts.quality = m.quality;
    reply({ blob: await s.canvas.convertToBlob(opts) });
  } catch (e) {
    reply({ error: String((e && e.message) || e), stage });
  }
};
"##;

type Resolvers = (Function, Function);

/// The one worker of this page, with the replies it still owes.
struct Pool {
    worker: JsValue,
    /// Few at a time (one per fit in flight): a list beats a hash map in size.
    pending: Vec<(u32, Resolvers)>,
    next: u32,
    /// Sessions open on this worker (fits in flight).
    open: u32,
}

enum State {
    Untried,
    Failed,
    Ready(Rc<RefCell<Pool>>),
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::Untried) };
}

/// Rejects every pending request and never tries a worker again: a worker
/// that failed to load (CSP) or crashed would fail the same way.
fn fail_all(pool: &Rc<RefCell<Pool>>) {
    let drained: Vec<Resolvers> = pool.borrow_mut().pending.drain(..).map(|(_, r)| r).collect();
    let err = Object::new();
    set(&err, "error", &"the fitting worker stopped".into());
    set(&err, "stage", &"open".into());
    for (_, reject) in drained {
        let _ = reject.call1(&JsValue::UNDEFINED, &err);
    }
    STATE.with(|s| *s.borrow_mut() = State::Failed);
}

fn start() -> Option<Rc<RefCell<Pool>>> {
    let global: JsValue = js_sys::global().into();
    let ctor = get(&global, "Worker").dyn_into::<Function>().ok()?;
    let url_ctor = get(&global, "URL");
    // `URL` is a function, which `get` (objects only) would not look into.
    let create =
        Reflect::get(&url_ctor, &"createObjectURL".into()).ok()?.dyn_into::<Function>().ok()?;
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&SOURCE.into()), &opts)
        .ok()?;
    let url = create.call1(&url_ctor, &blob).ok()?;
    let worker = Reflect::construct(&ctor, &Array::of1(&url)).ok()?;
    let pool = Rc::new(RefCell::new(Pool {
        worker: worker.clone(),
        pending: Vec::new(),
        next: 1,
        open: 0,
    }));

    let weak = Rc::downgrade(&pool);
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let Some(pool) = weak.upgrade() else { return };
        let data = get(&event, "data");
        let id = get(&data, "id").as_f64().unwrap_or(0.0) as u32;
        let taken = {
            let mut p = pool.borrow_mut();
            let at = p.pending.iter().position(|(k, _)| *k == id);
            at.map(|i| p.pending.swap_remove(i).1)
        };
        let Some((resolve, reject)) = taken else { return };
        let f = if get(&data, "error").is_undefined() { resolve } else { reject };
        let _ = f.call1(&JsValue::UNDEFINED, &data);
    });
    let weak = Rc::downgrade(&pool);
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        // Handled here: the page's console shows no uncaught worker error.
        if let Ok(f) = get(&event, "preventDefault").dyn_into::<Function>() {
            let _ = f.call0(&event);
        }
        if let Some(pool) = weak.upgrade() {
            fail_all(&pool);
        }
    });
    let _ = Reflect::set(&worker, &"onmessage".into(), on_message.as_ref());
    let _ = Reflect::set(&worker, &"onerror".into(), on_error.as_ref());
    // They live as long as the page's worker does.
    on_message.forget();
    on_error.forget();
    Some(pool)
}

fn pool() -> Option<Rc<RefCell<Pool>>> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        match &*s {
            State::Ready(p) => Some(p.clone()),
            State::Failed => None,
            State::Untried => {
                let started = start();
                *s = match &started {
                    Some(p) => State::Ready(p.clone()),
                    None => State::Failed,
                };
                started
            }
        }
    })
}

/// Stops the work of an aborted fit: terminates the worker when that fit is
/// the only one using it, so the next fit starts a fresh one.
fn stop(pool: &Rc<RefCell<Pool>>) {
    if pool.borrow().open > 1 {
        return;
    }
    let worker = pool.borrow().worker.clone();
    if let Ok(f) = get(&worker, "terminate").dyn_into::<Function>() {
        let _ = f.call0(&worker);
    }
    pool.borrow_mut().pending.clear();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if matches!(&*s, State::Ready(p) if Rc::ptr_eq(p, pool)) {
            *s = State::Untried;
        }
    });
}

/// Posts `msg` with a fresh id and waits for its reply; `Err` holds the
/// worker's `{ error, stage }`. An abort stops the worker (see [`stop`]).
async fn request(
    pool: &Rc<RefCell<Pool>>,
    msg: &Object,
    abort: &Abort,
) -> Result<std::result::Result<JsValue, JsValue>> {
    let mut register = |resolve: Function, reject: Function| {
        let mut p = pool.borrow_mut();
        let id = p.next;
        p.next = p.next.wrapping_add(1).max(1);
        p.pending.push((id, (resolve, reject)));
        set(msg, "id", &id.into());
    };
    let promise = Promise::new(&mut register);
    let worker = pool.borrow().worker.clone();
    let post = match get(&worker, "postMessage").dyn_into::<Function>() {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    if let Err(e) = post.call1(&worker, msg) {
        fail_all(pool);
        return Ok(Err(e));
    }
    let out = abort.wait(promise).await;
    if out.is_err() {
        stop(pool);
    }
    out
}

/// One image being fitted in the worker.
pub struct Session {
    pool: Rc<RefCell<Pool>>,
    id: u32,
}

thread_local! {
    static NEXT_SESSION: RefCell<u32> = const { RefCell::new(1) };
}

impl Session {
    /// Hands the source (a Blob, or decoded pixels) to the worker; `None`
    /// when no worker can do the work.
    pub async fn open(blob: &JsValue, abort: &Abort) -> Result<Option<Session>> {
        let Some(pool) = pool() else { return Ok(None) };
        let id = NEXT_SESSION.with(|n| {
            let mut n = n.borrow_mut();
            let id = *n;
            *n = n.wrapping_add(1).max(1);
            id
        });
        let msg = Object::new();
        set(&msg, "op", &"open".into());
        set(&msg, "s", &id.into());
        set(&msg, "blob", blob);
        pool.borrow_mut().open += 1;
        let session = Session { pool, id };
        match request(&session.pool, &msg, abort).await? {
            Ok(_) => Ok(Some(session)),
            Err(_) => Ok(None),
        }
    }

    /// Encodes the source at `probe`'s size, format and quality (`resize`
    /// false when that is the displayed size already).
    pub async fn encode(
        &self,
        probe: &Probe,
        resize: bool,
        abort: &Abort,
    ) -> Result<web_sys::Blob> {
        let msg = Object::new();
        set(&msg, "op", &"encode".into());
        set(&msg, "s", &self.id.into());
        set(&msg, "w", &probe.width.into());
        set(&msg, "h", &probe.height.into());
        set(&msg, "resize", &resize.into());
        set(&msg, "type", &probe.format.mime().into());
        if probe.format == Format::Jpeg {
            set(&msg, "quality", &(f64::from(probe.quality_percent()) / 100.0).into());
            // A transparent pixel would come out black in a JPEG; paper is white.
            set(&msg, "white", &true.into());
        }
        match request(&self.pool, &msg, abort).await? {
            Ok(reply) => get(&reply, "blob").dyn_into::<web_sys::Blob>().map_err(|_| {
                Error::invalid_image("fit.browser", "the fitting worker sent no image")
            }),
            Err(reply) => Err(worker_error(&reply)),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Frees the source and the canvas in the worker; no reply is awaited.
        self.pool.borrow_mut().open -= 1;
        let msg = Object::new();
        set(&msg, "op", &"close".into());
        set(&msg, "s", &self.id.into());
        let worker = self.pool.borrow().worker.clone();
        if let Ok(post) = get(&worker, "postMessage").dyn_into::<Function>() {
            let _ = post.call1(&worker, &msg);
        }
    }
}

/// The same errors the main-thread path gives, from the worker's reply.
fn worker_error(reply: &JsValue) -> Error {
    let why = get(reply, "error").as_string().unwrap_or_else(|| "failed".to_owned());
    let what = match get(reply, "stage").as_string().as_deref() {
        Some("size") => {
            return Error::invalid_image(
                "fit.browser",
                "this browser did not decode the image at the size asked (EXIF orientation not applied?)",
            )
        }
        Some("decode") => "this browser could not decode the image",
        Some("draw") => "drawing the image",
        Some("encode") => "encoding the image",
        _ => "the fitting worker",
    };
    Error::invalid_image("fit.browser", format!("{what}: {why}"))
}
