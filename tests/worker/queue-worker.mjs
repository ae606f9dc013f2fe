// A dedicated Web Worker fitting and sending one photo through a CaptureQueue. It says
// "ready" once its imports have run, so the
// page's message is not posted before anyone listens.
import { open, photo, queue, until } from "./queue-page.mjs";

self.onmessage = async ({ data }) => {
  try {
    await open(data);
    const { id } = await queue.add(await photo("quota-invoice.png"), { operation: "huawei.quotaInvoice", fit: true });
    await until(async () => (await queue.items()).some((i) => i.id === id && i.state === "done"));
    const result = await queue.take(id);
    self.postMessage({ amountCents: result.amountCents, left: (await queue.items()).length });
  } catch (e) {
    self.postMessage({ error: `${e.code ?? ""} ${e.message}` });
  }
};
self.postMessage("ready");
