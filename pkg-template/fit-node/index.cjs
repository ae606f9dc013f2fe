// `ocr-edge/fit` for Node (CommonJS): the pure-Rust fitter. Requiring it
// also lets the core's `fitImage` use it, as Node has no canvas.
const wasm = require("./ocr_edge_fit.cjs");

const fitImage = wasm.fitImagePure;
globalThis[Symbol.for("ocr-edge.fit")] ??= fitImage;

module.exports = { fitImage };
