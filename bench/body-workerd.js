// The workerd side of the body benchmark (bench/body.mjs): the photo is
// posted once, then each GET builds its body `n` times with one method, so
// the caller can time the loop from outside (inside a worker the clock only
// moves on I/O).
import { buildQuotaInvoiceBody } from "../pkg/workerd/index.js";

const enc = new TextEncoder();
const METHODS = {
  ours: (bytes) => buildQuotaInvoiceBody(bytes),
  // The careful hand-written body: native base64 written into one exact-size buffer.
  "toBase64 into one buffer": (bytes) => {
    const text = bytes.toBase64();
    const out = new Uint8Array(12 + text.length);
    enc.encodeInto('{"image":"', out);
    enc.encodeInto(text, out.subarray(10));
    enc.encodeInto('"}', out.subarray(10 + text.length));
    return out;
  },
  // The loop and the request alone, taken out of the others.
  none: (bytes) => bytes,
};

let photo = new Uint8Array();
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === "POST") {
      photo = new Uint8Array(await request.arrayBuffer());
      return new Response(String(photo.length));
    }
    const fn = METHODS[url.searchParams.get("method")];
    if (!fn) return new Response("unknown method", { status: 400 });
    let bytes = 0;
    for (let i = 0, n = Number(url.searchParams.get("n")); i < n; i++) bytes += fn(photo).length;
    return new Response(String(bytes));
  },
};
