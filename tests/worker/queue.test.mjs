// CaptureQueue in real Chromium against the edge worker in workerd (with
// its CAPTURE_LEDGER Durable Object) and the emulator: photos kept through
// going offline and a reload, a lost answer resent under its
// Idempotency-Key, a refusal never retried, the storage bound, an expiring
// capture token, and the queue inside a dedicated Web Worker.
//
//   node --test tests/worker/queue.test.mjs   (after make pkg and cargo build -p ocr-edge-emulator)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { issueCaptureToken } from "ocr-edge";
import { chromium } from "playwright-core";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(root, "emulator/fixtures/images");
const TOKEN_SECRET = randomBytes(32).toString("hex");
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".png": "image/png" };

let emulator;
let edge;
let site;
let origin;
let browser;
let tokensIssued = 0;

before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  // The page, the package, the fixtures, and /token as the customer's backend.
  site = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/token") {
      tokensIssued++;
      const token = issueCaptureToken(TOKEN_SECRET, { scope: url.searchParams.get("scope"), ttlSeconds: Number(url.searchParams.get("ttl")) });
      return res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ token }));
    }
    const p = decodeURIComponent(url.pathname);
    const file = p.startsWith("/fixtures/") ? path.join(fixtures, path.basename(p)) : path.join(root, p);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return res.writeHead(404).end();
    // Cacheable, so the page loads again while offline from the HTTP cache.
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "max-age=600" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => site.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${site.address().port}`;
  edge = await startWorker({
    host: "127.0.0.1",
    port: 0,
    verbose: false,
    handleRuntimeStdio: (out, err) => (out.resume(), err.resume()),
    durableObjects: { CAPTURE_LEDGER: "CaptureLedger" },
    bindings: {
      ...DEV_CREDENTIALS,
      UPSTREAM_HUAWEI: emulator.url,
      UPSTREAM_TENCENT: emulator.url,
      CAPTURE_TOKEN_SECRET: TOKEN_SECRET,
      ALLOWED_ORIGINS: origin,
      RATE_LIMIT_PER_MINUTE: "0",
    },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  });
});

after(async () => {
  await browser?.close();
  await edge?.mf.dispose();
  site?.close();
  await stopChild(emulator?.child);
});

async function upstreamCalls() {
  return (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).total.requests;
}

async function armFault(route, spec) {
  const res = await fetch(`${emulator.url}/__emulator/faults`, { method: "POST", body: JSON.stringify({ route, spec }) });
  assert.equal(res.status, 200);
}

/** A fresh browser context (its own IndexedDB) with the test page open. */
async function newTab() {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(e.message));
  await tab.goto(`${origin}/tests/pkg/blank.html`);
  return { context, tab, errors };
}

/** Opens a queue on the page (see queue-page.mjs) with `options`. */
function openQueue(tab, options) {
  return tab.evaluate(async (o) => {
    const m = await import("/tests/worker/queue-page.mjs");
    globalThis.m = m;
    await m.open(o);
  }, { worker: edge.url, ...options });
}

const add = (tab, fixture, operation) =>
  tab.evaluate(async ([f, op]) => (await m.queue.add(await m.photo(f), { operation: op })).id, [fixture, operation]);
const states = (tab) => tab.evaluate(() => m.states());
const waitDone = (tab, n) => tab.evaluate((n) => m.until(async () => (await m.queue.items()).filter((i) => i.state === "done").length >= n), n);

test("ProxyClient sends idempotencyKey as Idempotency-Key, and refuses one no header can hold", async () => {
  const { ProxyClient } = await import("ocr-edge");
  const heard = [];
  const stub = http.createServer((req, res) => {
    heard.push(req.headers["idempotency-key"] ?? null);
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise((ok) => stub.listen(0, "127.0.0.1", ok));
  try {
    const client = new ProxyClient({ baseUrl: `http://127.0.0.1:${stub.address().port}`, token: "t" });
    const image = fs.readFileSync(path.join(fixtures, "quota-invoice.png"));
    await client.recognizeQuotaInvoice({ image }, { idempotencyKey: "item-1" });
    await client.recognizeQuotaInvoice({ image });
    assert.deepEqual(heard, ["item-1", null]);
    for (const bad of ["", "has space", "x".repeat(256), 7]) {
      await assert.rejects(client.recognizeQuotaInvoice({ image }, { idempotencyKey: bad }), { code: "argument.type" });
    }
    assert.equal(heard.length, 2, "a refused key sends nothing");
  } finally {
    stub.close();
  }
});

test("the queue's operations are the capture targets, each on its ProxyClient method", async () => {
  const { ProxyClient } = await import("ocr-edge");
  const text = fs.readFileSync(path.join(root, "pkg/web/queue.js"), "utf8");
  const table = /const OPERATIONS = \{([^}]*)\}/.exec(text)[1];
  const entries = [...table.matchAll(/"([^"]+)": "([^"]+)"/g)].map((m) => [m[1], m[2]]);
  const dts = fs.readFileSync(path.join(root, "pkg/web/index.d.ts"), "utf8");
  const targets = [.../export type Target =([^;]*);/.exec(dts)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(entries.map(([op]) => op.replace(/\.detailed$/, "")))].sort(), [...targets].sort());
  for (const [op, method] of entries) assert.equal(typeof ProxyClient.prototype[method], "function", `${op}: ${method}`);
});

describe("CaptureQueue in Chromium, through the worker and its ledger", () => {
  test("offline, three photos, a reload, back online: three results and three upstream calls", async () => {
    const { context, tab, errors } = await newTab();
    try {
      await openQueue(tab, { name: "reload" });
      await context.setOffline(true);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await add(tab, "quota-invoice.png", "huawei.quotaInvoice"));
      assert.deepEqual(await states(tab), [["stored", 0], ["stored", 0], ["stored", 0]]);
      // The page is loaded again while still offline (from the HTTP cache, as
      // an installed page would be): a new queue of the same name finds the items.
      await tab.goto(tab.url());
      assert.equal(await tab.evaluate(() => typeof globalThis.m), "undefined", "a new document");
      await openQueue(tab, { name: "reload" });
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await states(tab), [["stored", 0], ["stored", 0], ["stored", 0]], "nothing is sent while offline");
      const before = await upstreamCalls();
      await context.setOffline(false);
      await waitDone(tab, 3);
      const out = await tab.evaluate(async (ids) => {
        const results = [];
        for (const id of ids) results.push((await m.queue.take(id)).amountCents);
        return { results, left: (await m.queue.items()).length, got: m.log.filter((e) => e.type === "result").map((e) => e.id) };
      }, ids);
      assert.deepEqual(out.results, [5000, 5000, 5000]);
      assert.deepEqual(out.got, ids, "results came in the order the photos were added");
      assert.equal(out.left, 0, "take() deletes the item");
      assert.equal(await upstreamCalls(), before + 3, "exactly three upstream calls");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("an answer lost on its way back: the queue resends, gets the first answer, one upstream call", async () => {
    const { context, tab } = await newTab();
    try {
      // Each attempt gives up after 700 ms; the first upstream answer takes 1.5 s.
      await openQueue(tab, { name: "dropped", timeoutMs: 700 });
      await armFault("RecognizeQuotaInvoice", "latency=1500;times=1");
      const before = await upstreamCalls();
      const id = await add(tab, "quota-invoice.png", "huawei.quotaInvoice");
      await waitDone(tab, 1);
      const out = await tab.evaluate(async (id) => ({
        amount: (await m.queue.take(id)).amountCents,
        waits: m.log.filter((e) => e.type === "progress" && e.stage === "waiting").map((e) => e.code),
        seen: m.seen,
      }), id);
      assert.equal(out.amount, 5000);
      assert.equal(out.waits[0], "timeout", JSON.stringify(out));
      assert.ok(out.seen.includes("timeout"), JSON.stringify(out));
      assert.equal(await upstreamCalls(), before + 1, "the cloud was called once");
    } finally {
      await armFault("RecognizeQuotaInvoice", "");
      await context.close();
    }
  });

  test("a photo too small fails at once with its violations and is never retried", async () => {
    const { context, tab } = await newTab();
    try {
      await openQueue(tab, { name: "small" });
      const before = await upstreamCalls();
      // 64×48 is under the VAT invoice's 100 px; the next photo still goes through.
      const small = await add(tab, "quota-invoice.png", "huawei.vatInvoice");
      const good = await add(tab, "quota-invoice.png", "huawei.quotaInvoice");
      await waitDone(tab, 1);
      await new Promise((r) => setTimeout(r, 1000));
      const out = await tab.evaluate(async ([small, good]) => {
        const items = await m.queue.items();
        const failed = items.find((i) => i.id === small);
        return {
          failed: [failed.state, failed.attempts, failed.error.code, failed.error instanceof m.OcrEdgeError, failed.error.violations.map((v) => v.code)],
          events: m.log.filter((e) => e.type === "failed").map((e) => [e.id, e.code, e.violations]),
          sends: m.log.filter((e) => e.type === "progress" && e.id === small).length,
          good: items.find((i) => i.id === good).state,
        };
      }, [small, good]);
      assert.deepEqual(out.failed, ["failed", 1, "image.rejected", true, ["image.too_small"]]);
      assert.deepEqual(out.events, [[small, "image.rejected", ["image.too_small"]]]);
      assert.equal(out.sends, 1, "one send, no retry");
      assert.equal(out.good, "done");
      assert.equal(await upstreamCalls(), before + 1, "only the good photo reached the cloud");
      assert.equal(await tab.evaluate((id) => m.queue.retry(id).then(() => m.until(async () => (await m.queue.items()).find((i) => i.id === id).state === "failed")).then(() => true), small), true, "retry() sends it again and it fails again");
    } finally {
      await context.close();
    }
  });

  test("the storage bound: a typed error, and the earlier items intact", async () => {
    const { context, tab } = await newTab();
    try {
      await openQueue(tab, { name: "bound", maxItems: 2 });
      await context.setOffline(true);
      const ids = [await add(tab, "quota-invoice.png", "huawei.quotaInvoice"), await add(tab, "quota-invoice.png", "huawei.quotaInvoice")];
      const refusal = await tab.evaluate(async () => {
        const blob = await m.photo("quota-invoice.png");
        return m.queue.add(blob, { operation: "huawei.quotaInvoice" }).then(
          () => null,
          (e) => [e instanceof m.OcrEdgeError, e.code, e.kind],
        );
      });
      assert.deepEqual(refusal, [true, "queue.full", "unavailable"]);
      const items = await tab.evaluate(() => m.queue.items().then((l) => l.map((i) => [i.id, i.state, i.size])));
      const size = fs.statSync(path.join(fixtures, "quota-invoice.png")).size;
      assert.deepEqual(items, ids.map((id) => [id, "stored", size]));
      // The browser refusing the write (its storage quota): a typed error, nothing half-stored.
      await openQueue(tab, { name: "no-space" });
      const noSpace = await tab.evaluate(async () => {
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (value, key) {
          if (this.name === "photos") throw new DOMException("the origin's quota is used up", "QuotaExceededError");
          return put.call(this, value, key);
        };
        try {
          const refused = await m.queue.add(await m.photo("quota-invoice.png"), { operation: "huawei.quotaInvoice" }).then(() => null, (e) => [e instanceof m.OcrEdgeError, e.code]);
          return { refused, items: (await m.queue.items()).length };
        } finally {
          IDBObjectStore.prototype.put = put;
        }
      });
      assert.deepEqual(noSpace, { refused: [true, "queue.no_space"], items: 0 });
      // A bound in bytes: the second photo would pass it.
      await openQueue(tab, { name: "bytes", maxBytes: size * 1.5 });
      await add(tab, "quota-invoice.png", "huawei.quotaInvoice");
      const bytes = await tab.evaluate(async () =>
        m.queue.add(await m.photo("quota-invoice.png"), { operation: "huawei.quotaInvoice" }).then(() => null, (e) => e.code),
      );
      assert.equal(bytes, "queue.full");
      assert.equal((await tab.evaluate(() => m.queue.items())).length, 1);
      // Back online, the kept items go through.
      await context.setOffline(false);
      await openQueue(tab, { name: "bound" });
      await waitDone(tab, 2);
    } finally {
      await context.close();
    }
  });

  test("the capture token expires while items wait: the factory is asked again and the items go through", async () => {
    const { context, tab } = await newTab();
    try {
      await openQueue(tab, { name: "expiry" });
      await tab.evaluate(() => (m.settings.ttl = 1));
      const first = await add(tab, "quota-invoice.png", "huawei.quotaInvoice");
      await waitDone(tab, 1);
      const issuedBefore = tokensIssued;
      await context.setOffline(true);
      const ids = [await add(tab, "quota-invoice.png", "huawei.quotaInvoice"), await add(tab, "quota-invoice.png", "huawei.quotaInvoice")];
      // The one-second token expires while the photos wait.
      await new Promise((r) => setTimeout(r, 2200));
      await tab.evaluate(() => (m.settings.ttl = 120));
      await context.setOffline(false);
      await waitDone(tab, 3);
      const out = await tab.evaluate(async (ids) => ({
        amounts: await Promise.all(ids.map(async (id) => (await m.queue.take(id)).amountCents)),
        seen: m.seen,
        failed: m.log.filter((e) => e.type === "failed").length,
      }), ids);
      assert.deepEqual(out.amounts, [5000, 5000]);
      assert.equal(out.failed, 0);
      assert.ok(out.seen.includes("token.expired"), JSON.stringify(out.seen));
      assert.ok(tokensIssued > issuedBefore, "the factory was asked for a new client");
      assert.ok(first);
    } finally {
      await context.close();
    }
  });

  test("in a dedicated Web Worker", async () => {
    const { context, tab } = await newTab();
    try {
      const out = await tab.evaluate((worker) => new Promise((resolve) => {
        const w = new Worker("/tests/worker/queue-worker.mjs", { type: "module" });
        w.onmessage = (e) => (e.data === "ready" ? w.postMessage({ worker, name: "in-worker" }) : resolve(e.data));
        w.onerror = (e) => resolve({ error: e.message ?? "the worker failed to start" });
        setTimeout(() => resolve({ error: "no answer from the worker within 20 s" }), 20_000);
      }), edge.url);
      assert.deepEqual(out, { amountCents: 5000, left: 0 });
    } finally {
      await context.close();
    }
  });
});
