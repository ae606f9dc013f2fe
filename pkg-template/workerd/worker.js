// `ocr-edge/edge`: the edge worker itself, for a project's own worker
// (`export { default, CaptureLedger } from "ocr-edge/edge"`) or wrangler.toml's
// `main`. `CaptureLedger` is the Durable Object class the worker's
// `CAPTURE_LEDGER` binding names.
import { handleRequest } from "./index.js";

export { CaptureLedger } from "./ledger.js";
export default { fetch: handleRequest };
