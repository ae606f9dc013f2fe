// Loaded by the test page (and by queue-worker.mjs in a dedicated Web
// Worker): a CaptureQueue whose factory asks the test backend for a capture
// token per operation, and a log of what the queue and the clients saw.
import { CaptureQueue, OcrEdgeError, ProxyClient } from "/pkg/web/index.js";

export { CaptureQueue, OcrEdgeError };
/** The queue's events, in order. */
export const log = [];
/** Error codes the clients rejected with (token refusals included, which are no events). */
export const seen = [];
export const settings = { ttl: 120 };
export let queue = null;

export async function open({ worker, name, timeoutMs, maxRetries = 0, ...options }) {
  const factory = async (operation) => {
    const res = await fetch(`/token?scope=${encodeURIComponent(operation)}&ttl=${settings.ttl}`);
    const { token } = await res.json();
    const client = new ProxyClient({ baseUrl: worker, token, timeoutMs, maxRetries });
    const logged = (p) => p.catch((e) => Promise.reject((seen.push(e.code), e)));
    return {
      recognizeQuotaInvoice: (params, o) => logged(client.recognizeQuotaInvoice(params, o)),
      recognizeVatInvoice: (params, o) => logged(client.recognizeVatInvoice(params, o)),
    };
  };
  await queue?.close();
  queue = new CaptureQueue({ proxy: factory, name, retryDelayMs: 100, ...options });
  for (const type of ["progress", "result", "failed", "change"]) {
    queue.addEventListener(type, (e) =>
      log.push({
        type,
        id: e.id,
        stage: e.stage ?? null,
        state: e.item?.state ?? null,
        code: e.error?.code ?? null,
        violations: (e.error?.violations ?? []).map((v) => v.code),
      }),
    );
  }
  await queue.ready;
  await photo("quota-invoice.png");
  return queue;
}

const photos = new Map();
/** A fixture as a Blob, fetched once (so the tests can add photos offline). */
export async function photo(name) {
  if (!photos.has(name)) photos.set(name, await (await fetch(`/fixtures/${name}`)).blob());
  return photos.get(name);
}

/** Resolves once `pred()` is true; rejects after `ms`. */
export async function until(pred, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out; events: ${JSON.stringify(log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Items by state. */
export async function states() {
  return (await queue.items()).map((i) => [i.state, i.attempts]);
}
