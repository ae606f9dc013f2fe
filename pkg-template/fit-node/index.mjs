// `ocr-edge/fit` for Node (ESM): the CommonJS build, so `import` and
// `require` share one instance.
import { createRequire } from "node:module";

export const { fitImage } = createRequire(import.meta.url)("./index.cjs");
