// Browser entry: instantiates the wasm once, then re-exports the API.
import init from "./ocr_edge.js";

await init({ module_or_path: new URL("./ocr_edge_bg.wasm", import.meta.url) });

export * from "./ocr_edge.js";
