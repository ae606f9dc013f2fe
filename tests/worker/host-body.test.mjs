// The upstream body the worker builds with the host's base64 and SHA-256
// (workerd: `Uint8Array.prototype.toBase64`, `crypto.subtle.digest`) against
// another path: the same worker in Node with both hidden, so Node's Buffer
// encodes and the crate's own hash runs (tests/pkg/host-base64.test.mjs
// checks Buffer's bodies against the crate's own encoder). Both send to one capturing stub; the bodies
// must be byte for byte the same (and the same as the Rust body builders'),
// and a pair signed in the same second must carry the same signature.
//
//   node --test tests/worker/host-body.test.mjs   (after make pkg)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { buildBizLicenseBody, buildQuotaInvoiceBody, handleRequest, issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startWorker } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const fixture = (name) => fs.readFileSync(path.join(root, "emulator/fixtures/images", name));
const INVOICE = fixture("quota-invoice.png");
const LICENCE = fixture("biz-license.png");
const VAT = fixture("vat-invoice.png");
const ORIGIN = "https://capture.example.com";
const SECRET = randomBytes(32).toString("hex");
const SCOPES = ["huawei.quotaInvoice", "huawei.vatInvoice", "tencent.bizLicense", "tencent.bizLicenseOcr"];

let stub;
let worker;
let env;
const got = []; // { url, headers, body } as the stub received them

before(async () => {
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on("data", (d) => parts.push(d));
    req.on("end", () => {
      got.push({ url: req.url, headers: req.headers, body: Buffer.concat(parts) });
      // Any answer: only what was sent is compared.
      res.writeHead(400, { "content-type": "application/json" }).end('{"error_code":"X.0001","error_msg":"captured"}');
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  stub = { server, url: `http://127.0.0.1:${server.address().port}` };
  env = {
    ...DEV_CREDENTIALS,
    UPSTREAM_HUAWEI: stub.url,
    UPSTREAM_TENCENT: stub.url,
    CAPTURE_TOKEN_SECRET: SECRET,
    ALLOWED_ORIGINS: ORIGIN,
    RATE_LIMIT_PER_MINUTE: "0",
  };
  worker = await startWorker({ host: "127.0.0.1", port: 0, verbose: false, bindings: env });
});

after(async () => {
  await worker?.mf.dispose();
  stub?.server.close();
  stub?.server.closeAllConnections();
});

const token = () => issueCaptureToken(SECRET, { scope: SCOPES, ttlSeconds: 300 });

/** Runs `fn` with `toBase64` and the host's digest hidden from the worker (Buffer encodes, the crate hashes). */
async function withoutHostCodecs(fn) {
  const proto = Uint8Array.prototype;
  const had = Object.getOwnPropertyDescriptor(proto, "toBase64");
  if (had) delete proto.toBase64;
  Object.defineProperty(crypto.subtle, "digest", { value: undefined, configurable: true, writable: true });
  try {
    return await fn();
  } finally {
    delete crypto.subtle.digest;
    if (had) Object.defineProperty(proto, "toBase64", had);
  }
}

const init = (body, type) => ({
  method: "POST",
  headers: { ...(type ? { "content-type": type } : {}), authorization: `Bearer ${token()}`, origin: ORIGIN },
  body,
});

/** What the stub got for one call through workerd and one through Node's Rust path. */
async function pair(route, makeBody, type) {
  for (let attempt = 0; attempt < 5; attempt++) {
    got.length = 0;
    // Close together, so that both are usually signed in the same second.
    const host = fetch(`${worker.url}${route}`, init(makeBody(), type)).then((r) => r.text());
    const rust = withoutHostCodecs(() => handleRequest(new Request(`http://worker${route}`, init(makeBody(), type)), env)).then((r) => r.text());
    const answers = await Promise.all([host, rust]);
    assert.equal(got.length, 2, `the stub got ${got.length} calls; the worker said ${answers.join(" / ")}`);
    const date = (g) => g.headers["x-sdk-date"] ?? g.headers["x-tc-timestamp"];
    if (date(got[0]) === date(got[1])) return [...got];
  }
  throw new Error("no pair was signed within one second");
}

/** Runs `fn` with a counting `toBase64` (Node's Buffer underneath) where the host has none. */
async function withCountingToBase64(fn) {
  const proto = Uint8Array.prototype;
  const had = Object.getOwnPropertyDescriptor(proto, "toBase64");
  let calls = 0;
  const own = had?.value;
  Object.defineProperty(proto, "toBase64", {
    configurable: true,
    writable: true,
    value(...args) {
      calls++;
      return own ? own.apply(this, args) : Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString("base64");
    },
  });
  try {
    await fn();
  } finally {
    if (had) Object.defineProperty(proto, "toBase64", had);
    else delete proto.toBase64;
  }
  return calls;
}

describe("host-built upstream bodies", () => {
  test("where the host has toBase64, the worker uses it, once for the whole image, for the same bytes", async () => {
    const big = Buffer.concat([INVOICE, Buffer.alloc(2_000_000, 7)]);
    const send = () => handleRequest(new Request("http://worker/v1/huawei/quota-invoice", init(big, "image/png")), env).then((r) => r.text());
    got.length = 0;
    const calls = await withCountingToBase64(send);
    await withoutHostCodecs(send);
    assert.equal(calls, 1, `toBase64 was called ${calls} times for a 2 MB image`);
    assert.equal(got.length, 2);
    assert.ok(got[0].body.equals(got[1].body), "the host's body is the crate's");
    assert.ok(got[0].body.equals(Buffer.from(buildQuotaInvoiceBody(big))));
  });

  test("Node has no toBase64 here (the comparison is meaningful)", () => {
    withoutHostCodecs(() => assert.equal(typeof Uint8Array.prototype.toBase64, "undefined"));
  });

  const cases = [
    ["quota invoice, raw PNG", "/v1/huawei/quota-invoice", () => INVOICE, "image/png", () => buildQuotaInvoiceBody(INVOICE)],
    ["quota invoice, 2.3 MB (several host chunks, a length not a multiple of 3)", "/v1/huawei/quota-invoice", () => big, "image/png", () => buildQuotaInvoiceBody(big)],
    ["VAT invoice, raw PNG (SDK-style body)", "/v1/huawei/vat-invoice", () => VAT, "image/png", null],
    ["biz licence, multipart form", "/v1/tencent/biz-license", () => form(), undefined, () => buildBizLicenseBody(LICENCE)],
    ["biz licence OCR, raw PNG (SDK-style body)", "/v1/tencent/biz-license-ocr", () => LICENCE, "image/png", null],
    ["quota invoice, JSON base64 (no gap to fill)", "/v1/huawei/quota-invoice", () => JSON.stringify({ image: INVOICE.toString("base64") }), "application/json", null],
  ];
  // The fixture with bytes after its end: checked as the same PNG, encoded in pieces.
  const big = Buffer.concat([INVOICE, Buffer.alloc(2_300_000 + ((INVOICE.length + 1) % 3), 7)]);
  const form = () => {
    const f = new FormData();
    f.append("image", new Blob([LICENCE], { type: "image/png" }), "licence.png");
    return f;
  };
  for (const [name, route, body, type, rustBuilder] of cases) {
    test(name, async () => {
      const [a, b] = await pair(route, body, type);
      assert.ok(a.body.length > 100, `a body was sent (${a.body.length} bytes)`);
      assert.ok(a.body.equals(b.body), `bodies differ: ${a.body.length} vs ${b.body.length} bytes`);
      if (rustBuilder) assert.ok(a.body.equals(Buffer.from(rustBuilder())), "the body is the Rust builder's");
      assert.equal(a.headers.authorization, b.headers.authorization);
      assert.equal(a.url, b.url);
    });
  }
});
