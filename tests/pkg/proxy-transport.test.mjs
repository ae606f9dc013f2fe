// ProxyClient sends through the same transport as the signing clients and
// the worker: retries counted in `attempts`, `Retry-After` in seconds or as
// an HTTP date, redirects refused, answers read under a cap.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { ProxyClient } from "ocr-edge";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);

// A stub worker answering each request with the next of `answers`.
async function stub(t, answers) {
  const hits = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits.push(req.url);
      const [status, headers, body] = answers[Math.min(hits.length, answers.length) - 1];
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  return { hits, baseUrl: `http://127.0.0.1:${server.address().port}` };
}
const json = { "content-type": "application/json" };
const busy = [503, { ...json, "retry-after": "0" }, JSON.stringify({ error: { code: "upstream.unavailable", kind: "unavailable", message: "busy", retryable: true } })];

test("a retried call counts its attempts; the final answer is the worker's error", async (t) => {
  const bad = [400, json, JSON.stringify({ error: { code: "argument.invalid", kind: "invalid_argument", message: "no", retryable: false, requestId: "r1" } })];
  const { hits, baseUrl } = await stub(t, [busy, busy, bad]);
  const client = new ProxyClient({ baseUrl, token: "t", maxRetries: 3 });
  await assert.rejects(client.recognizeQuotaInvoice({ image: png }), (e) => {
    assert.deepEqual([e.code, e.kind, e.status, e.requestId, e.attempts], ["argument.invalid", "invalid_argument", 400, "r1", 3]);
    return true;
  });
  assert.equal(hits.length, 3);
});

test("Retry-After as an HTTP date gives retryAfterMs", async (t) => {
  const at = new Date(Date.now() + 120_000).toUTCString();
  const { baseUrl } = await stub(t, [[429, { ...json, "retry-after": at }, JSON.stringify({ error: { code: "rate.limited", kind: "throttled", message: "slow", retryable: true } })]]);
  const client = new ProxyClient({ baseUrl, token: "t", maxRetries: 0 });
  await assert.rejects(client.recognizeQuotaInvoice({ image: png }), (e) => {
    assert.equal(e.code, "rate.limited");
    assert.ok(e.retryAfterMs > 100_000 && e.retryAfterMs <= 120_000, String(e.retryAfterMs));
    return true;
  });
});

test("a redirect is refused, not followed", async (t) => {
  const { hits, baseUrl } = await stub(t, [[307, { location: "http://127.0.0.1:9/elsewhere" }, ""]]);
  const client = new ProxyClient({ baseUrl, token: "t" });
  await assert.rejects(client.recognizeQuotaInvoice({ image: png }), { code: "response.redirect", attempts: 1 });
  assert.equal(hits.length, 1);
});

test("an error answer past its cap is response.too_large", async (t) => {
  const { baseUrl } = await stub(t, [[500, { "content-type": "text/html" }, "x".repeat(200_000)]]);
  const client = new ProxyClient({ baseUrl, token: "t", maxRetries: 0 });
  await assert.rejects(client.recognizeQuotaInvoice({ image: png }), { code: "response.too_large" });
});

test("a success that is not JSON resolves to null, as before", async (t) => {
  const { baseUrl } = await stub(t, [[200, { "content-type": "text/plain" }, "fine"]]);
  const client = new ProxyClient({ baseUrl, token: "t" });
  assert.equal(await client.recognizeQuotaInvoice({ image: png }), null);
});
