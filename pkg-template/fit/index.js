// `ocr-edge/fit` for browsers and bundlers: the pure-Rust fitter, for pages
// without OffscreenCanvas. Importing it also lets the core's `fitImage` use
// it wherever there is no canvas. No top-level await (es2020, iife): the
// wasm loads from import and each call waits for it.
import init, { fitImagePure } from "./ocr_edge_fit.js";

const loading = init({ module_or_path: new URL("./ocr_edge_fit_bg.wasm", import.meta.url) });
loading.catch(() => {}); // reported by each call instead

// HEIC/HEIF where the runtime cannot decode them: heif/index.js and the
// optional libheif-js are loaded only when such a file arrives.
globalThis[Symbol.for("ocr-edge.heif")] ??= (bytes, loadHeif) =>
  import("../heif/index.js").then((m) => m.decodeHeif(bytes, loadHeif));

export const fitImage = (...args) => loading.then(() => fitImagePure(...args));
globalThis[Symbol.for("ocr-edge.fit")] ??= fitImage;
