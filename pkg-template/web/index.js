// Browser entry: instantiates the wasm once, then re-exports the API.
import init from "./ocr_edge.js";

const wasmName = "ocr_edge_bg.wasm";

// Where the .wasm may be. Beside this file first; Vite's dev server serves
// this file pre-bundled from node_modules/.vite/deps/, where no .wasm sits
// (it answers its HTML page instead), so the package's own copy is next.
function candidates() {
  // A literal, so bundlers (Vite, webpack, Parcel) emit the file and rewrite it.
  const beside = new URL("./ocr_edge_bg.wasm", import.meta.url);
  const urls = [beside];
  const at = beside.pathname.indexOf("/node_modules/.vite/");
  if (at >= 0) urls.push(new URL(`${beside.pathname.slice(0, at)}/node_modules/ocr-edge/web/${wasmName}`, beside));
  return urls;
}

const isWasm = (bytes) =>
  bytes.byteLength >= 4 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;

// The first candidate that answers real wasm bytes; otherwise one error
// naming every URL tried and what came back, never the engine's bare
// "expected magic word" after a silent 404.
async function loadWasm() {
  const tried = [];
  for (const url of candidates()) {
    let res;
    try {
      res = await fetch(url);
    } catch (e) {
      tried.push(`${url.href} (${e && e.message ? e.message : "unreachable"})`);
      continue;
    }
    const bytes = res.ok ? new Uint8Array(await res.arrayBuffer()) : new Uint8Array();
    if (res.ok && isWasm(bytes)) return bytes;
    tried.push(`${url.href} (${res.ok ? `not wasm: ${res.headers.get("content-type") || "no content type"}` : `HTTP ${res.status}`})`);
  }
  const err = new Error(
    `ocr-edge could not load its WebAssembly file ${wasmName}; tried ${tried.join(", ")}. ` +
      "Serve the package's web/ocr_edge_bg.wasm beside the bundled script (copy it when the bundler does not emit it).",
  );
  err.name = "OcrEdgeError";
  err.kind = "network";
  err.code = "wasm.not_found";
  err.retryable = false;
  throw err;
}

// HEIC/HEIF where the runtime cannot decode them: heif/index.js and the
// optional libheif-js are loaded only when such a file arrives.
globalThis[Symbol.for("ocr-edge.heif")] ??= (bytes, loadHeif) =>
  import("../heif/index.js").then((m) => m.decodeHeif(bytes, loadHeif));

await init({ module_or_path: await loadWasm() });

export * from "./ocr_edge.js";
// The capture queue: its own module, so bundlers drop it when it is unused.
export { CaptureQueue, CaptureQueueEvent } from "./queue.js";
