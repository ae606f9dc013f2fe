// The worker's own bounds, in real workerd through miniflare against the
// emulator: the isolate's in-flight body budget, uploads per token, the
// upload deadline, and Content-Length never trusted for memory. Memory is
// the isolate's wasm memory as each request's log line reports it, and
// workerd's resident memory from /proc.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const INVOICE = fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png"));
const ORIGIN = "https://capture.example.com";
const SECRET = randomBytes(32).toString("hex");
const MiB = 1024 * 1024;
// The budget under test, and the bound the isolate's wasm memory must stay under.
const BUDGET = 12_000_000;
// 32 buffers sized from the declared 1.5 MB would pass it on their own.
const WASM_BOUND = 32 * MiB;
const DEADLINE_MS = 3000;

let emulator;
let worker;
const logs = [];
let partial = "";

before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  const capture = (s) => {
    s.setEncoding("utf8");
    s.on("data", (d) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop();
      for (const l of lines) if (l.includes("wasmBytes")) logs.push(JSON.parse(l.slice(l.indexOf("{"))));
    });
  };
  worker = await startWorker({
    host: "127.0.0.1",
    port: 0,
    verbose: false,
    handleRuntimeStdio: (o, e) => (capture(o), capture(e)),
    bindings: {
      ...DEV_CREDENTIALS,
      UPSTREAM_HUAWEI: emulator.url,
      UPSTREAM_TENCENT: emulator.url,
      CAPTURE_TOKEN_SECRET: SECRET,
      ALLOWED_ORIGINS: ORIGIN,
      RATE_LIMIT_PER_MINUTE: "0",
      INFLIGHT_BODY_BYTES: String(BUDGET),
      BODY_TIMEOUT_MS: String(DEADLINE_MS),
      BODY_MIN_BYTES_PER_SEC: "0",
    },
  });
});

after(async () => {
  await worker?.mf.dispose();
  await stopChild(emulator?.child);
});

const token = () => issueCaptureToken(SECRET, { scope: ["huawei.quotaInvoice"], ttlSeconds: 300 });
const peakWasm = (from = 0) => Math.max(0, ...logs.slice(from).map((l) => l.wasmBytes));

/**
 * One upload through node:http: `body` is written (at `chunkBytes` per
 * `everyMs` when trickling), then the request stays open without the rest
 * when `stallAfter` is set. `declare` is the Content-Length sent (any lie).
 */
function upload({ auth = token(), body, declare, stallAfter, trickle }) {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "image/png", authorization: `Bearer ${auth}`, origin: ORIGIN };
    if (declare !== undefined) headers["content-length"] = String(declare);
    const req = http.request(`${worker.url}/v1/huawei/quota-invoice`, { method: "POST", headers, agent: false });
    let done = false;
    let timer;
    req.on("response", (res) => {
      const parts = [];
      res.on("data", (d) => parts.push(d));
      res.on("end", () => {
        done = true;
        clearInterval(timer);
        const text = Buffer.concat(parts).toString();
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, code: json?.error?.code, retryAfter: res.headers["retry-after"] });
        req.destroy();
      });
    });
    req.on("error", (e) => (done ? undefined : reject(Object.assign(e, { message: `${e.message} (${stallAfter ?? "whole"}, ${body.length} bytes)` }))));
    req.flushHeaders();
    if (trickle) {
      let i = 0;
      timer = setInterval(() => {
        if (done) return clearInterval(timer);
        req.write(body.subarray(i, i + trickle.chunkBytes));
        i += trickle.chunkBytes;
        if (i >= body.length) clearInterval(timer);
      }, trickle.everyMs);
    } else if (stallAfter !== undefined) {
      req.write(body.subarray(0, stallAfter));
    } else if (declare === undefined || declare === body.length) {
      req.end(body);
    } else {
      req.write(body);
    }
  });
}

// The invoice photo padded after its end to 1.5 MB: a real upload the worker forwards.
const FULL = Buffer.concat([INVOICE, Buffer.alloc(1_500_000 - INVOICE.length)]);

describe("an isolate's memory is bounded", () => {
  test("32 stalled and 32 full uploads at once: wasm memory stays under 32 MiB, and recovers", async () => {
    const round = async () => {
      const from = logs.length;
      const stalled = Array.from({ length: 32 }, () => upload({ body: FULL, declare: FULL.length, stallAfter: 256 * 1024 }));
      const full = Array.from({ length: 32 }, () => upload({ body: FULL }));
      const s = await Promise.all(stalled);
      const f = await Promise.all(full);
      // Cut at the deadline, or refused earlier when the full ones had spent the budget.
      for (const r of s) assert.ok((r.status === 408 && r.code === "body.timeout") || (r.status === 503 && r.code === "body.budget"), JSON.stringify(r));
      for (const r of f) {
        assert.ok(r.status === 200 || (r.status === 503 && r.code === "body.budget" && r.retryAfter === "1"), JSON.stringify(r));
      }
      return { peak: peakWasm(from), ok: f.filter((r) => r.status === 200).length, busy: f.filter((r) => r.status === 503).length };
    };
    const first = await round();
    console.log(`# round 1: peak wasm ${(first.peak / MiB).toFixed(1)} MiB, ${first.ok} forwarded, ${first.busy} refused (budget)`);
    assert.ok(first.peak > 0 && first.peak < WASM_BOUND, `wasm memory peaked at ${first.peak}`);
    assert.ok(first.busy > 0, "the 12 MB budget was spent by 32 × 1.5 MB and some uploads refused");
    // The budget was given back: a lone upload goes through, and a second round costs no more memory.
    const lone = await upload({ body: FULL });
    assert.equal(lone.status, 200);
    const second = await round();
    console.log(`# round 2: peak wasm ${(second.peak / MiB).toFixed(1)} MiB, ${second.ok} forwarded, ${second.busy} refused`);
    assert.ok(second.peak <= first.peak + 4 * MiB, `memory grew: ${first.peak} then ${second.peak}`);
  });

  test("lying Content-Length values change nothing: memory follows the bytes that arrive", async () => {
    const from = logs.length;
    const base = peakWasm();
    // Declared 7 MB, sent one byte: read until the deadline, nothing sized from the lie.
    const liars = await Promise.all(Array.from({ length: 16 }, () => upload({ body: Buffer.from([0x89]), declare: 7_000_000 })));
    for (const r of liars) assert.deepEqual([r.status, r.code], [408, "body.timeout"]);
    assert.ok(peakWasm(from) <= base, `wasm grew from ${base} to ${peakWasm(from)} for 16 one-byte bodies`);
    // Declared over the cap: refused before reading, as before.
    const big = await upload({ body: Buffer.from([0x89]), declare: 11_000_000 });
    assert.deepEqual([big.status, big.code], [413, "body.too_large"]);
  });

  test("a third upload of one token while two are in flight is refused with 429", async () => {
    const t = token();
    const held = [0, 1].map(() => upload({ auth: t, body: FULL, declare: FULL.length, stallAfter: 1024 }));
    // The two stalled ones hold the token's share until their deadline.
    await new Promise((r) => setTimeout(r, 300));
    const third = await upload({ auth: t, body: Buffer.from([0x89]) });
    assert.deepEqual([third.status, third.code, third.retryAfter], [429, "upload.concurrent", "1"]);
    const other = await upload({ body: FULL });
    assert.equal(other.status, 200, "another token is not affected");
    for (const r of await Promise.all(held)) assert.equal(r.status, 408);
    const after = await upload({ auth: t, body: FULL });
    assert.equal(after.status, 200, "the share is given back");
  });
});

describe("uploads have a deadline", () => {
  test("a trickling upload is cut at the deadline with 408 and the reader cancelled", async () => {
    const r = await upload({ body: FULL, declare: FULL.length, trickle: { chunkBytes: 512, everyMs: 200 } });
    assert.deepEqual([r.status, r.code], [408, "body.timeout"]);
    // The worker still serves.
    assert.equal((await upload({ body: FULL })).status, 200);
  });
});
