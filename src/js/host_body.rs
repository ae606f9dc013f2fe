//! Bodies built and hashed by the host: an image's base64 written with the
//! runtime's native encoder (`Uint8Array.prototype.toBase64` in browsers
//! and workerd, `Buffer` in Node) into one JS buffer of the exact size, a
//! piece at a time, and (for the worker's upstream body) its SHA-256 from
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

/// Image bytes encoded per host call: a multiple of 3, so the pieces join
/// without padding. Small pieces are the fast ones: in Chromium, 48 KB
/// pieces wrote a 5 MB body in 7.6 ms and 768 KB pieces in 25.6 ms, and
/// their strings die young.
const HOST_CHUNK: u32 = 3 * 16 * 1024;

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The runtime's own base64 encoder, writing pieces of an image's base64
/// into the output buffer.
enum Encoder {
    /// `piece.toBase64()`, then `TextEncoder.encodeInto` (browsers, workerd).
    ToBase64 { to_base64: Function, text_encoder: JsValue, encode_into: Function },
    /// `Buffer.from(piece.buffer, offset, length).toString("base64")`, then
    /// `out.write(text, at, "latin1")` (Node): views of the same memory.
    Buffer { buffer: JsValue, from: Function, out: JsValue, write: Function },
}

fn call(f: &Function, this: &JsValue, args: &[&JsValue]) -> Option<JsValue> {
    f.apply(this, &args.iter().copied().collect::<Array>()).ok()
}

/// `Buffer.from(a.buffer, a.byteOffset, a.length)`: a Node `Buffer` over the same memory.
fn buffer_view(buffer: &JsValue, from: &Function, a: &Uint8Array) -> Option<JsValue> {
    let (mem, off, len) = (a.buffer().into(), a.byte_offset().into(), a.length().into());
    call(from, buffer, &[&mem, &off, &len])
}

impl Encoder {
    /// The host's encoder for writing into `out`, or `None` where it has none.
    fn find(out: &Uint8Array) -> Option<Encoder> {
        // `Reflect` directly: the constructor is a function, which `get` skips.
        let proto = Reflect::get(&global("Uint8Array"), &"prototype".into()).ok()?;
        if let Ok(to_base64) = Reflect::get(&proto, &"toBase64".into()).ok()?.dyn_into::<Function>()
        {
            let ctor = global("TextEncoder").dyn_into::<Function>().ok()?;
            let text_encoder = Reflect::construct(&ctor, &Array::new()).ok()?;
            let encode_into = get(&text_encoder, "encodeInto").dyn_into::<Function>().ok()?;
            return Some(Encoder::ToBase64 { to_base64, text_encoder, encode_into });
        }
        let buffer = global("Buffer");
        let from = Reflect::get(&buffer, &"from".into()).ok()?.dyn_into::<Function>().ok()?;
        let out = buffer_view(&buffer, &from, out)?;
        let write = get(&out, "write").dyn_into::<Function>().ok()?;
        Some(Encoder::Buffer { buffer, from, out, write })
    }

    /// Writes the base64 of `piece` at `out[at..at + want]`; `None` unless
    /// exactly `want` bytes were written.
    fn write(&self, piece: &Uint8Array, out: &Uint8Array, at: u32, want: u32) -> Option<()> {
        let written = match self {
            Encoder::ToBase64 { to_base64, text_encoder, encode_into } => {
                let text = to_base64.call0(piece).ok()?;
                let done = encode_into.call2(text_encoder, &text, &out.subarray(at, at + want));
                get(&done.ok()?, "written").as_f64()
            }
            Encoder::Buffer { buffer, from, out: target, write } => {
                let view = buffer_view(buffer, from, piece)?;
                let text =
                    call(&get(&view, "toString").dyn_into().ok()?, &view, &[&"base64".into()])?;
                call(write, target, &[&text, &at.into(), &want.into(), &"latin1".into()])?.as_f64()
            }
        };
        (written == Some(f64::from(want))).then_some(())
    }
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
    let n = image.length();
    let text_len = u32::try_from(base64_len(n.into())).ok()?;
    let size = (head.len() as u32).checked_add(text_len)?.checked_add(tail.len() as u32)?;
    let out = Uint8Array::new_with_length(size);
    let encoder = Encoder::find(&out)?;
    out.subarray(0, head.len() as u32).copy_from(head);
    let mut at = head.len() as u32;
    let mut from = 0;
    while from < n {
        let to = from.saturating_add(HOST_CHUNK).min(n);
        let want = base64_len((to - from).into()) as u32;
        // Anything but the whole piece (a host without padding, say): ours instead.
        encoder.write(&image.subarray(from, to), &out, at, want)?;
        at += want;
        from = to;
    }
    out.subarray(at, size).copy_from(tail);
    Some(out)
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
