// The edge worker: the signing proxy, served by the package's workerd build.
// workerd and wrangler import the .wasm as a compiled module, so the entry
// instantiates it synchronously at start-up (pkg/workerd/index.js).
// `CaptureLedger` is the Durable Object class of the CAPTURE_LEDGER binding.
import { handleRequest } from "../pkg/workerd/index.js";

export { CaptureLedger } from "../pkg/workerd/ledger.js";

export default {
  fetch: handleRequest,
};
