//! Bodies built and hashed by the host: an image's base64 written with the
//! runtime's native encoder (`Uint8Array.prototype.toBase64` in browsers
//! and workerd, `Buffer` in Node, a piece at a time) into one JS buffer of
//! the exact size, and (for the worker's upstream body) its SHA-256 from
//! `crypto.subtle.digest`. Where the host has neither, the crate's own
//! encoder and hash give the same bytes.

#[cfg(feature = "clients")]
use js_sys::Promise;
use js_sys::{Array, Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
#[cfg(feature = "clients")]
use wasm_bindgen_futures::JsFuture;

#[cfg(feature = "clients")]
use crate::api::request::PreparedRequest;
#[cfg(feature = "clients")]
use crate::api::signing::BodySha256;
use crate::image::body::{base64_len, encode_base64_into};
use crate::js::convert::get;

/// Image bytes encoded per call of Node's `Buffer` (and of the crate's own
/// encoder): a multiple of 3, so the pieces join without padding, and small,
/// so their strings die young.
const HOST_CHUNK: u32 = 3 * 16 * 1024;

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn call(f: &Function, this: &JsValue, args: &[&JsValue]) -> Option<JsValue> {
    f.apply(this, &args.iter().copied().collect::<Array>()).ok()
}

/// `Buffer.from(a.buffer, a.byteOffset, a.length)`: a Node `Buffer` over the same memory.
fn buffer_view(buffer: &JsValue, from: &Function, a: &Uint8Array) -> Option<JsValue> {
    let (mem, off, len) = (a.buffer().into(), a.byte_offset().into(), a.length().into());
    call(from, buffer, &[&mem, &off, &len])
}

/// `image.toBase64()` written after `head` into a buffer made after the
/// text: in workerd, making the 10 MB buffer first took three times as long
/// (6.8 against 2.1 ms for a 7.4 MB photo).
fn fill_with_to_base64(
    to_base64: &Function,
    head: &[u8],
    image: &Uint8Array,
    tail: &[u8],
) -> Option<Uint8Array> {
    let text = to_base64.call0(image).ok()?;
    let ctor = global("TextEncoder").dyn_into::<Function>().ok()?;
    let text_encoder = Reflect::construct(&ctor, &Array::new()).ok()?;
    let encode_into = get(&text_encoder, "encodeInto").dyn_into::<Function>().ok()?;
    let (at, want) = (head.len() as u32, u32::try_from(base64_len(image.length().into())).ok()?);
    let size = at.checked_add(want)?.checked_add(tail.len() as u32)?;
    let out = Uint8Array::new_with_length(size);
    out.subarray(0, at).copy_from(head);
    let done = encode_into.call2(&text_encoder, &text, &out.subarray(at, at + want)).ok()?;
    // Anything but the whole text (a host without padding, say): ours instead.
    (get(&done, "written").as_f64() == Some(f64::from(want))).then_some(())?;
    out.subarray(at + want, size).copy_from(tail);
    Some(out)
}

/// Node's `Buffer`: each piece's base64 with `toString("base64")`, written
/// with `write(text, at, "latin1")` into a `Buffer` over the output.
fn fill_with_buffer(head: &[u8], image: &Uint8Array, tail: &[u8]) -> Option<Uint8Array> {
    let buffer = global("Buffer");
    let from = Reflect::get(&buffer, &"from".into()).ok()?.dyn_into::<Function>().ok()?;
    let n = image.length();
    let size = (head.len() as u32)
        .checked_add(u32::try_from(base64_len(n.into())).ok()?)?
        .checked_add(tail.len() as u32)?;
    let out = Uint8Array::new_with_length(size);
    let target = buffer_view(&buffer, &from, &out)?;
    let write = get(&target, "write").dyn_into::<Function>().ok()?;
    out.subarray(0, head.len() as u32).copy_from(head);
    let mut at = head.len() as u32;
    let mut start = 0;
    while start < n {
        let end = start.saturating_add(HOST_CHUNK).min(n);
        let want = base64_len((end - start).into()) as u32;
        let view = buffer_view(&buffer, &from, &image.subarray(start, end))?;
        let text = call(&get(&view, "toString").dyn_into().ok()?, &view, &[&"base64".into()])?;
        let args = [&text, &at.into(), &want.into(), &"latin1".into()];
        (call(&write, &target, &args)?.as_f64() == Some(f64::from(want))).then_some(())?;
        at += want;
        start = end;
    }
    out.subarray(at, size).copy_from(tail);
    Some(out)
}

/// `head`, the base64 of `image`, then `tail`, in one JS buffer of the
/// exact size: the host's encoder where it has one, the crate's otherwise.
pub fn fill(head: &[u8], image: &Uint8Array, tail: &[u8]) -> Uint8Array {
    host_fill(head, image, tail).unwrap_or_else(|| body_into_js(head, image, tail))
}

/// Writes `prefix`, the base64 of `image` and `suffix` into one JS buffer of
/// the exact size, a chunk at a time, so the body never exists twice.
fn body_into_js(prefix: &[u8], image: &Uint8Array, suffix: &[u8]) -> Uint8Array {
    let n = image.length() as usize;
    let size = prefix.len() + base64_len(n as u64) as usize + suffix.len();
    let out = Uint8Array::new_with_length(size as u32);
    out.subarray(0, prefix.len() as u32).copy_from(prefix);
    let mut at = prefix.len();
    let mut raw = vec![0u8; (HOST_CHUNK as usize).min(n)];
    let mut enc = Vec::with_capacity(base64_len(raw.len() as u64) as usize);
    let mut from = 0usize;
    while from < n {
        let to = (from + HOST_CHUNK as usize).min(n);
        let chunk = &mut raw[..to - from];
        image.subarray(from as u32, to as u32).copy_to(chunk);
        enc.clear();
        encode_base64_into(&mut enc, chunk);
        out.subarray(at as u32, (at + enc.len()) as u32).copy_from(&enc);
        at += enc.len();
        from = to;
    }
    out.subarray(at as u32, size as u32).copy_from(suffix);
    out
}

/// The host's own encoder, or `None` where it has none (or it misbehaves).
fn host_fill(head: &[u8], image: &Uint8Array, tail: &[u8]) -> Option<Uint8Array> {
    // `Reflect` directly: the constructor is a function, which `get` skips.
    let proto = Reflect::get(&global("Uint8Array"), &"prototype".into()).ok()?;
    match Reflect::get(&proto, &"toBase64".into()).ok()?.dyn_into::<Function>() {
        Ok(to_base64) => fill_with_to_base64(&to_base64, head, image, tail),
        Err(_) => fill_with_buffer(head, image, tail),
    }
}

/// A prepared request's body in one JS buffer, with the image's base64
/// written by the host where the builder left a gap for it, and (when the
/// signer needs it) its SHA-256 by the host. `(None, None)` for no body,
/// and for a gap with no image: signing refuses a body with a gap and no
/// hash, so nothing half-built is sent.
#[cfg(feature = "clients")]
pub async fn request_body(
    prepared: &PreparedRequest,
    image: Option<&Uint8Array>,
    hashed: bool,
) -> (Option<Uint8Array>, Option<BodySha256>) {
    let body = match (prepared.pending_image, image) {
        (Some(p), Some(image)) => {
            let (head, tail) = prepared.body.split_at(p.at.min(prepared.body.len()));
            fill(head, image, tail)
        }
        (Some(_), None) => return (None, None),
        (None, _) if prepared.body.is_empty() => return (None, None),
        (None, _) => Uint8Array::from(&prepared.body[..]),
    };
    let hash = if hashed { Some(sha256(&body).await) } else { None };
    (Some(body), hash)
}

/// The SHA-256 of `body`: `crypto.subtle.digest` where the host has it,
/// the crate's own otherwise.
#[cfg(feature = "clients")]
pub async fn sha256(body: &Uint8Array) -> BodySha256 {
    if let Some(digest) = host_sha256(body).await {
        return BodySha256::from_digest(&digest);
    }
    BodySha256::of(&body.to_vec())
}

#[cfg(feature = "clients")]
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
