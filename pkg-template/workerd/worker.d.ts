import type { WorkerEnv } from "../index.js";

/** The ocr-edge signing proxy as a module worker. */
declare const worker: {
  fetch(request: Request, env: WorkerEnv, ctx?: unknown): Promise<Response>;
};
export default worker;
