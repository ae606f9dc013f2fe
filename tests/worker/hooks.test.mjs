// The signing clients' hooks against the emulator: a caller's `fetch`,
// extra `headers` (here the emulator's fault header, so retries happen),
// `onRetry`, and the attempt count on results and errors.
//
//   node --test tests/worker/hooks.test.mjs   (after bash scripts/build-pkg.sh)
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { HuaweiClient, TencentClient } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const INVOICE = new Uint8Array(fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png")));
let emulator;

before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
});
after(async () => {
  await stopChild(emulator?.child);
});

const huawei = (extra) =>
  new HuaweiClient({
    region: "cn-north-4",
    endpoint: emulator.url,
    projectId: DEV_CREDENTIALS.HUAWEI_PROJECT_ID,
    credentials: { accessKey: DEV_CREDENTIALS.HUAWEI_AK, secretKey: DEV_CREDENTIALS.HUAWEI_SK },
    ...extra,
  });
// A fault counted on its own key, so each test sees fresh counts.
const fault = (spec) => ({ "x-emulator-fault": spec, "x-emulator-fault-key": randomUUID() });

test("a caller's fetch sends every attempt, with the extra headers; onRetry sees each retry", async () => {
  const sent = [];
  const retries = [];
  const client = huawei({
    fetch: (url, init) => {
      sent.push(Object.fromEntries(init.headers.map(([k, v]) => [k.toLowerCase(), v])));
      return fetch(url, init);
    },
    headers: fault("status=503;times=2"),
    onRetry: (info) => retries.push(info),
  });
  const invoice = await client.recognizeQuotaInvoice({ image: INVOICE });
  assert.equal(typeof invoice.number, "string");
  assert.equal(sent.length, 3, "two 503s, then the answer");
  assert.equal(invoice.attempts, 3, "the result says how many requests it took");
  for (const h of sent) {
    assert.equal(h["x-emulator-fault"], "status=503;times=2");
    assert.ok(h.authorization, "signed as usual");
  }
  assert.deepEqual(retries.map((r) => [r.attempt, r.status, r.code]), [[1, 503, null], [2, 503, null]]);
  assert.ok(retries.every((r) => typeof r.delayMs === "number" && r.delayMs >= 0));
});

test("an error carries the number of requests sent", async () => {
  const client = huawei({ headers: fault("status=503;times=9"), maxRetries: 1 });
  await assert.rejects(client.recognizeQuotaInvoice({ image: INVOICE }), (e) => {
    assert.equal(e.attempts, 2);
    assert.equal(e.status, 503);
    return true;
  });
  // Refused before sending: none.
  await assert.rejects(huawei({}).recognizeQuotaInvoice({ image: new Uint8Array([1, 2, 3]) }), (e) => e.attempts === 0);
});

test("a header the request is signed with cannot be replaced; bad hooks are refused", async () => {
  await assert.rejects(huawei({ headers: { Authorization: "x" } }).recognizeQuotaInvoice({ image: INVOICE }), (e) => e.code === "sign.header_conflict");
  assert.throws(() => huawei({ headers: { "x-a": "line\nbreak" } }), (e) => e.code === "argument.type");
  assert.throws(() => huawei({ fetch: "no" }), (e) => e.code === "argument.type");
  assert.throws(() => new TencentClient({ credentials: { secretId: "a", secretKey: "b" }, onRetry: 1 }), (e) => e.code === "argument.type");
});

test("a throwing onRetry does not stop the call", async () => {
  const client = huawei({ headers: fault("status=503;times=1"), onRetry: () => { throw new Error("observer"); } });
  const invoice = await client.recognizeQuotaInvoice({ image: INVOICE });
  assert.equal(typeof invoice.number, "string");
  assert.equal(invoice.attempts, 2);
});
