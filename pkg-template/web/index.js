// Browser entry, with no top-level await (es2020, iife): the wasm loads from
// import, async calls wait for it, sync ones need `await init()` first.
import load, * as glue from "./ocr_edge.js";
import { OcrEdgeError } from "./errors.js";

// Each wasm beside this file (literals, so bundlers emit them; in an iife,
// beside the script, read now: it is gone once the script has run), then
// the package's own copy under Vite's pre-bundling.
let core, fitting;
try {
  core = new URL("./ocr_edge_bg.wasm", import.meta.url);
  fitting = new URL("./fitting_bg.wasm", import.meta.url);
} catch {
  core = new URL("ocr_edge_bg.wasm", document.currentScript.src);
  fitting = new URL("fitting_bg.wasm", document.currentScript.src);
}
const candidates = (beside, name) => {
  const at = beside.pathname.indexOf("/node_modules/.vite/");
  return at < 0 ? [beside] : [beside, new URL(beside.pathname.slice(0, at) + "/node_modules/ocr-edge/web/" + name, beside)];
};

// The first real wasm, or one error naming each URL and its answer.
async function loadWasm(beside, name) {
  const tried = [];
  for (const url of candidates(beside, name)) {
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
  throw new OcrEdgeError(`ocr-edge could not load ${name}; tried ${tried.join(", ")}. Serve the package's web/*.wasm beside the bundle.`, { kind: "network", code: "wasm.not_found" });
}

// A HEIF decoder where the runtime has none, loaded on first use.
globalThis[Symbol.for("ocr-edge.heif")] ??= (bytes, loadHeif) => import("../heif/index.js").then((m) => m.decodeHeif(bytes, loadHeif));

let ready;
const loading = loadWasm(core, "ocr_edge_bg.wasm").then((b) => load({ module_or_path: b })).then(() => void (ready = 1));
loading.catch(() => {}); // each call reports it
export const init = () => loading;

export * from "./ocr_edge.js";
export const probeBlob = (blob) => loading.then(() => glue.probeBlob(blob));

// fitImage's planner and canvas driver: a chunk of their own, loaded on the
// first call (a failed load is tried again on the next).
let fitter;
function loadFitter() {
  fitter ??= Promise.all([import("./fitting.js"), loadWasm(fitting, "fitting_bg.wasm")]).then(async ([m, b]) => {
    await m.default({ module_or_path: b });
    return m;
  });
  fitter.catch(() => (fitter = undefined));
  return fitter;
}
export const fitImage = (...a) => loadFitter().then((m) => m.fitImage(...a));

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
