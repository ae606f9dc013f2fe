// Huawei's unsigned payload (`X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`), an
// explicit option of HuaweiClient (`unsignedPayload`) and of the worker
// (`HUAWEI_UNSIGNED_PAYLOAD`): the emulator, which checks SDK-HMAC-SHA256 as
// the gateway does, accepts both, and the bodies are the signed path's.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";
import { HuaweiClient, handleRequest, issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const INVOICE = new Uint8Array(fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png")));
const ORIGIN = "https://capture.example.com";
const SECRET = randomBytes(32).toString("hex");
const credentials = { accessKey: DEV_CREDENTIALS.HUAWEI_AK, secretKey: DEV_CREDENTIALS.HUAWEI_SK };

let emulator;
let stub;
const got = [];
before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on("data", (d) => parts.push(d));
    req.on("end", () => {
      got.push({ headers: req.headers, body: Buffer.concat(parts) });
      res.writeHead(400, { "content-type": "application/json" }).end('{"error_code":"X.0001","error_msg":"captured"}');
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  stub = { server, url: `http://127.0.0.1:${server.address().port}` };
});
after(async () => {
  stub?.server.close();
  if (emulator) await stopChild(emulator.child);
});

const client = (endpoint, unsignedPayload) =>
  new HuaweiClient({ endpoint, projectId: DEV_CREDENTIALS.HUAWEI_PROJECT_ID, credentials, maxRetries: 0, ...(unsignedPayload === undefined ? {} : { unsignedPayload }) });

test("HuaweiClient: the emulator accepts an unsigned payload, and a signed one", async () => {
  for (const unsigned of [true, false]) {
    const r = await client(emulator.url, unsigned).recognizeQuotaInvoice({ image: INVOICE });
    assert.equal(typeof r.number, "string", JSON.stringify(r));
  }
});

test("HuaweiClient: only the option sends the header, the body is the same", async () => {
  got.length = 0;
  for (const unsigned of [true, false, undefined]) await client(stub.url, unsigned).recognizeQuotaInvoice({ image: INVOICE }).catch(() => {});
  assert.equal(got.length, 3);
  assert.deepEqual(got.map((g) => g.headers["x-sdk-content-sha256"]), ["UNSIGNED-PAYLOAD", undefined, undefined]);
  assert.ok(got[0].body.equals(got[1].body));
  assert.throws(() => client(stub.url, "yes"), { code: "argument.type" });
});

test("the worker: HUAWEI_UNSIGNED_PAYLOAD=true signs without the body; the emulator accepts it", async () => {
  const env = { ...DEV_CREDENTIALS, CAPTURE_TOKEN_SECRET: SECRET, ALLOWED_ORIGINS: ORIGIN, RATE_LIMIT_PER_MINUTE: "0", HUAWEI_UNSIGNED_PAYLOAD: "true" };
  const call = (upstream) => {
    const token = issueCaptureToken(SECRET, { scope: "huawei.quotaInvoice", ttlSeconds: 300 });
    const init = { method: "POST", headers: { "content-type": "image/png", authorization: `Bearer ${token}`, origin: ORIGIN }, body: INVOICE };
    return handleRequest(new Request("http://worker/v1/huawei/quota-invoice", init), { ...env, UPSTREAM_HUAWEI: upstream });
  };
  const ok = await call(emulator.url);
  assert.equal(ok.status, 200, await ok.clone().text());
  got.length = 0;
  await call(stub.url);
  assert.equal(got[0].headers["x-sdk-content-sha256"], "UNSIGNED-PAYLOAD");
  const bad = await handleRequest(new Request("http://worker/v1/huawei/quota-invoice", { method: "POST" }), { ...env, HUAWEI_UNSIGNED_PAYLOAD: "maybe" });
  const text = await bad.text();
  assert.equal(bad.status, 503, text);
  assert.equal(JSON.parse(text).error.code, "config.invalid", text);
});

test("the worker in workerd: the same, through miniflare", async (t) => {
  const worker = await startWorker({ host: "127.0.0.1", port: 0, verbose: false, bindings: { ...DEV_CREDENTIALS, UPSTREAM_HUAWEI: stub.url, CAPTURE_TOKEN_SECRET: SECRET, ALLOWED_ORIGINS: ORIGIN, RATE_LIMIT_PER_MINUTE: "0", HUAWEI_UNSIGNED_PAYLOAD: "true" } });
  t.after(() => worker.mf.dispose());
  got.length = 0;
  const token = issueCaptureToken(SECRET, { scope: "huawei.quotaInvoice", ttlSeconds: 300 });
  await fetch(`${worker.url}/v1/huawei/quota-invoice`, { method: "POST", headers: { "content-type": "image/png", authorization: `Bearer ${token}`, origin: ORIGIN }, body: INVOICE });
  assert.equal(got.length, 1);
  assert.equal(got[0].headers["x-sdk-content-sha256"], "UNSIGNED-PAYLOAD");
});
