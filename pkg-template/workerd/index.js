// Edge-worker entry: workerd and wrangler import .wasm as a compiled module,
// so the instance is created synchronously at start-up, with no fetch.
import module from "../web/ocr_edge_bg.wasm";
import { initSync } from "../web/ocr_edge.js";

initSync({ module });

export * from "../web/ocr_edge.js";
