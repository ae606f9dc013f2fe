// Browser entry, with no top-level await (es2020, iife): the wasm loads from
// import, async calls wait for it, sync ones need `await init()` first.
import load, * as glue from "./ocr_edge.js";
import { OcrEdgeError } from "./errors.js";

// Beside this file (a literal, so bundlers emit it; in an iife, beside the
// script), then the package's own copy under Vite's pre-bundling.
let beside;
try {
  beside = new URL("./ocr_edge_bg.wasm", import.meta.url);
} catch {
  beside = new URL("ocr_edge_bg.wasm", document.currentScript.src);
}
const at = beside.pathname.indexOf("/node_modules/.vite/");
const urls = at < 0 ? [beside] : [beside, new URL(beside.pathname.slice(0, at) + "/node_modules/ocr-edge/web/ocr_edge_bg.wasm", beside)];

// The first real wasm, or one error naming each URL and its answer.
async function loadWasm() {
  const tried = [];
  for (const url of urls) {
    let why;
    try {
      const res = await fetch(url);
      const b = new Uint8Array(res.ok ? await res.arrayBuffer() : 0);
      if (b[0] === 0 && b[1] === 97 && b[2] === 115 && b[3] === 109) return b;
      why = res.ok ? "not wasm: " + res.headers.get("content-type") : "HTTP " + res.status;
    } catch (e) {
      why = e.message;
    }
    tried.push(`${url.href} (${why})`);
  }
  throw new OcrEdgeError(`ocr-edge could not load ocr_edge_bg.wasm; tried ${tried.join(", ")}. Serve the package's web/ocr_edge_bg.wasm beside the bundle.`, { kind: "network", code: "wasm.not_found" });
}

// A HEIF decoder where the runtime has none, loaded on first use.
globalThis[Symbol.for("ocr-edge.heif")] ??= (bytes, loadHeif) => import("../heif/index.js").then((m) => m.decodeHeif(bytes, loadHeif));

let ready;
const loading = loadWasm().then((b) => load({ module_or_path: b })).then(() => void (ready = 1));
loading.catch(() => {}); // each call reports it
export const init = () => loading;

export * from "./ocr_edge.js";
export const probeBlob = (blob) => loading.then(() => glue.probeBlob(blob));
export const fitImage = (...a) => loading.then(() => glue.fitImage(...a));

// A client made before the wasm is in is built once it is; its methods wait.
const Client = glue.ProxyClient;
export function ProxyClient(options) {
  if (ready) return new Client(options);
  const made = loading.then(() => new Client(options));
  return new Proxy(Object.create(Client.prototype), { get: (t, k) => (typeof t[k] == "function" ? (...a) => made.then((c) => c[k](...a)) : t[k]) });
}
ProxyClient.prototype = Client.prototype;

// The capture queue: its own module, so bundlers drop it when it is unused.
export { CaptureQueue, CaptureQueueEvent } from "./queue.js";
