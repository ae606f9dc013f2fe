//! The worker's upstream body built and hashed by the host: the image's
//! base64 written with `Uint8Array.prototype.toBase64` into one JS buffer of
//! the exact size, and its SHA-256 from `crypto.subtle.digest`. Where the
//! host has neither, the crate's own encoder and hash give the same bytes.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::signing::BodySha256;
use crate::js::convert::get;
use crate::js::image::body_into_js;

/// Image bytes encoded per host call: a multiple of 3, so the pieces join
/// without padding, and small enough that the text in flight stays ~1 MB.
const HOST_CHUNK: u32 = 3 * 256 * 1024;

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `body[..at]`, the base64 of `image`, then `body[at..]`, in one buffer.
pub fn fill(body: &[u8], at: usize, image: &Uint8Array) -> Uint8Array {
    let (head, tail) = body.split_at(at.min(body.len()));
    host_fill(head, image, tail).unwrap_or_else(|| body_into_js(head, image, tail))
}

/// The host's own encoder, or `None` where it has none (or it misbehaves).
fn host_fill(head: &[u8], image: &Uint8Array, tail: &[u8]) -> Option<Uint8Array> {
    // `Reflect` directly: the constructor is a function, which `get` skips.
    let proto = Reflect::get(&global("Uint8Array"), &"prototype".into()).ok()?;
    let to_base64 = Reflect::get(&proto, &"toBase64".into()).ok()?.dyn_into::<Function>().ok()?;
    let ctor = global("TextEncoder").dyn_into::<Function>().ok()?;
    let encoder = Reflect::construct(&ctor, &Array::new()).ok()?;
    let encode_into = get(&encoder, "encodeInto").dyn_into::<Function>().ok()?;
    let n = image.length();
    let text_len = u32::try_from(crate::image::body::base64_len(n.into())).ok()?;
    let size = (head.len() as u32).checked_add(text_len)?.checked_add(tail.len() as u32)?;
    let out = Uint8Array::new_with_length(size);
    out.subarray(0, head.len() as u32).copy_from(head);
    let mut at = head.len() as u32;
    let mut from = 0;
    while from < n {
        let to = from.saturating_add(HOST_CHUNK).min(n);
        let text = to_base64.call0(&image.subarray(from, to)).ok()?;
        let want = crate::image::body::base64_len((to - from).into()) as u32;
        let done = encode_into.call2(&encoder, &text, &out.subarray(at, at + want)).ok()?;
        // Anything but the whole piece (a host without padding, say): ours instead.
        if get(&done, "written").as_f64() != Some(f64::from(want)) {
            return None;
        }
        at += want;
        from = to;
    }
    out.subarray(at, size).copy_from(tail);
    Some(out)
}

/// The SHA-256 of `body`: `crypto.subtle.digest` where the host has it,
/// the crate's own otherwise.
pub async fn sha256(body: &Uint8Array) -> BodySha256 {
    if let Some(digest) = host_sha256(body).await {
        return BodySha256::from_digest(&digest);
    }
    BodySha256::of(&body.to_vec())
}

async fn host_sha256(body: &Uint8Array) -> Option<[u8; 32]> {
    let subtle = get(&global("crypto"), "subtle");
    let digest = get(&subtle, "digest").dyn_into::<Function>().ok()?;
    let promise = digest.call2(&subtle, &"SHA-256".into(), body).ok()?;
    let buf = JsFuture::from(promise.dyn_into::<Promise>().ok()?).await.ok()?;
    let bytes = Uint8Array::new(&buf);
    let mut out = [0u8; 32];
    (bytes.length() == 32).then(|| bytes.copy_to(&mut out))?;
    Some(out)
}
