// The workerd side of the body benchmark (bench/body.mjs): the photo is
// posted once, then each GET builds its body `n` times with one method, so
// the caller can time the loop from outside (inside a worker the clock only
// moves on I/O).
import { buildQuotaInvoiceBody } from "../pkg/workerd/index.js";
import { toBase64IntoOneBuffer } from "./body-methods.js";

const METHODS = {
  ours: (bytes) => buildQuotaInvoiceBody(bytes),
  "toBase64 into one buffer": toBase64IntoOneBuffer,
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
