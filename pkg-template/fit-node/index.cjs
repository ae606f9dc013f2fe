// `ocr-edge/fit` for Node (CommonJS): the pure-Rust fitter. Requiring it
// also lets the core's `fitImage` use it, as Node has no canvas.
const wasm = require("./ocr_edge_fit.cjs");

// HEIC/HEIF where the runtime cannot decode them: heif/index.js and the
// optional libheif-js are loaded only when such a file arrives.
globalThis[Symbol.for("ocr-edge.heif")] ??= (bytes, loadHeif) =>
  import("../heif/index.js").then((m) => m.decodeHeif(bytes, loadHeif));

const fitImage = wasm.fitImagePure;
globalThis[Symbol.for("ocr-edge.fit")] ??= fitImage;

module.exports = { fitImage };
