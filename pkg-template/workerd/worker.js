// `ocr-edge/edge`: the edge worker itself, for a project's own worker
// (`export { default } from "ocr-edge/edge"`) or wrangler.toml's `main`.
import { handleRequest } from "./index.js";

export default { fetch: handleRequest };
