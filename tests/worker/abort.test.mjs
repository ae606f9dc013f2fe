// Cancelling calls with an AbortSignal, against the emulator: the signing
// clients and ProxyClient (through the edge worker in workerd) reject with
// kind and code "aborted" before a request, during a slow answer and during
// a retry's wait, and send nothing more afterwards.
//
//   node --test tests/worker/abort.test.mjs   (after bash scripts/build-pkg.sh)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { HuaweiClient, issueCaptureToken, ProxyClient, TencentClient } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const INVOICE = new Uint8Array(fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png")));
const LICENCE = new Uint8Array(fs.readFileSync(path.join(root, "emulator/fixtures/images/biz-license.png")));
const SECRET = randomBytes(32).toString("hex");
const ORIGIN = "https://capture.example.com";

let emulator;
let worker;

before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  worker = await startWorker({
    host: "127.0.0.1",
    port: 0,
    verbose: false,
    handleRuntimeStdio: (out, err) => (out.resume(), err.resume()),
    bindings: {
      ...DEV_CREDENTIALS,
      UPSTREAM_HUAWEI: emulator.url,
      UPSTREAM_TENCENT: emulator.url,
      CAPTURE_TOKEN_SECRET: SECRET,
      ALLOWED_ORIGINS: ORIGIN,
      RATE_LIMIT_PER_MINUTE: "0",
    },
  });
});

after(async () => {
  await worker?.mf.dispose();
  await stopChild(emulator?.child);
});

afterEach(async () => {
  await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" });
});

const huawei = (opts = {}) =>
  new HuaweiClient({
    endpoint: emulator.url,
    projectId: DEV_CREDENTIALS.HUAWEI_PROJECT_ID,
    credentials: { accessKey: DEV_CREDENTIALS.HUAWEI_AK, secretKey: DEV_CREDENTIALS.HUAWEI_SK },
    timeoutMs: 20_000,
    ...opts,
  });
const tencent = () =>
  new TencentClient({
    endpoint: emulator.url,
    credentials: { secretId: DEV_CREDENTIALS.TENCENT_SECRET_ID, secretKey: DEV_CREDENTIALS.TENCENT_SECRET_KEY },
    timeoutMs: 20_000,
  });
const proxy = () =>
  new ProxyClient({
    baseUrl: worker.url,
    token: issueCaptureToken(SECRET, { scope: ["huawei.quotaInvoice", "tencent.bizLicenseOcr"], ttlSeconds: 120 }),
    timeoutMs: 20_000,
  });

async function requests() {
  return (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).total.requests;
}

async function fault(route, spec) {
  const res = await fetch(`${emulator.url}/__emulator/faults`, { method: "POST", body: JSON.stringify({ route, spec }) });
  assert.equal(res.status, 200, await res.text());
}

/** The call must reject as aborted. */
async function aborted(p) {
  await assert.rejects(p, (e) => {
    assert.equal(e.name, "OcrEdgeError", String(e));
    assert.equal(e.kind, "aborted", `${e.code}: ${e.message}`);
    assert.equal(e.code, "aborted");
    return true;
  });
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("an AbortSignal cancels a call", () => {
  test("already aborted: nothing is sent, on every client", async () => {
    const before = await requests();
    const signal = AbortSignal.abort();
    await aborted(huawei().recognizeQuotaInvoice({ image: INVOICE }, { signal }));
    await aborted(tencent().bizLicenseOcr({ image: LICENCE }, { signal }));
    await aborted(proxy().recognizeQuotaInvoice({ image: INVOICE }, { signal }));
    await aborted(huawei().listSecretResourceInstances({}, { signal }));
    assert.equal(await requests(), before, "an aborted call was sent");
  });

  test("during a slow answer: the fetch is cut, not waited for", async () => {
    await fault("RecognizeQuotaInvoice", "latency=5000;times=10");
    const ac = new AbortController();
    const started = huawei().recognizeQuotaInvoice({ image: INVOICE }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await aborted(started);
    const through = new AbortController();
    const viaWorker = proxy().recognizeQuotaInvoice({ image: INVOICE }, { signal: through.signal });
    setTimeout(() => through.abort(), 200);
    await aborted(viaWorker);
  });

  test("during a retry's wait: no attempt follows the abort", async () => {
    await fault("BizLicenseOCR", "status=503;times=10");
    const before = await requests();
    const ac = new AbortController();
    const call = tencent().bizLicenseOcr({ image: LICENCE }, { signal: ac.signal });
    // Abort once the first attempt has been answered (the client then waits to retry).
    while ((await requests()) === before) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await aborted(call);
    const after = await requests();
    await settle();
    assert.equal(await requests(), after, "an attempt was sent after the abort");
  });

  test("a signal that is not an AbortSignal is a typed error; no options still work", async () => {
    await assert.rejects(huawei().recognizeQuotaInvoice({ image: INVOICE }, { signal: "stop" }), { code: "argument.type" });
    await assert.rejects(proxy().bizLicenseOcr({ image: LICENCE }, { signal: {} }), { code: "argument.type" });
    const r = await huawei().recognizeQuotaInvoice({ image: INVOICE });
    assert.equal(r.number, "91234561");
    const ok = await proxy().bizLicenseOcr({ image: LICENCE }, { signal: new AbortController().signal });
    assert.equal(ok.regNum, "91110108EMU0000159");
  });
});
