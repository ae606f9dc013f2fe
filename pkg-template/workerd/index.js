// Edge-worker entry: workerd and wrangler import .wasm as a compiled module,
// so the instance is created synchronously at start-up, with no fetch.
import module from "../edge/ocr_edge_bg.wasm";
import { initSync } from "../edge/ocr_edge.js";

initSync({ module });

export * from "../edge/ocr_edge.js";
