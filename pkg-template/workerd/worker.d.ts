import type { WorkerEnv } from "../index.js";

/** The ocr-edge signing proxy as a module worker. */
declare const worker: {
  fetch(request: Request, env: WorkerEnv, ctx?: unknown): Promise<Response>;
};
export default worker;

/**
 * The Durable Object class behind the worker's `CAPTURE_LEDGER` binding:
 * capture-token budgets and revocation, the answers of `Idempotency-Key`s,
 * and the account's daily count of billed calls, held across isolates.
 */
export declare class CaptureLedger {
  constructor(ctx: unknown, env: unknown);
}
