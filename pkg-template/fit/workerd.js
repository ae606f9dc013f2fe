// `ocr-edge/fit` for workerd and wrangler: the .wasm is bundled as a
// compiled module and instantiated synchronously, with no fetch.
import module from "./ocr_edge_fit_bg.wasm";
import { initSync, fitImagePure } from "./ocr_edge_fit.js";

initSync({ module });

export const fitImage = fitImagePure;
globalThis[Symbol.for("ocr-edge.fit")] ??= fitImage;
