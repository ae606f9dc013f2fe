// The live recognition operations in the other runtimes users run them in,
// against the emulator: the signing clients inside workerd (a worker that
// signs its own calls), and ProxyClient on a page in headless Chromium
// through the edge worker, with a token per operation.
//
//   node --test tests/worker/live-runtimes.test.mjs   (after bash scripts/build-pkg.sh)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Miniflare } from "miniflare";
import { issueCaptureToken } from "ocr-edge";
import { chromium } from "playwright-core";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(root, "emulator/fixtures/images");
const fixture = (name) => fs.readFileSync(path.join(fixtures, name));
const TOKEN_SECRET = randomBytes(32).toString("hex");

let emulator;
let signer; // a worker signing with HuaweiClient / TencentClient
let edge; // the edge worker
let page; // a page server for Chromium
let origin;

/** A worker (tests/worker/clients-entry.mjs) signing with `bindings`' keys. */
function signingWorker(bindings) {
  return new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: path.join(root, "tests/worker/clients-entry.mjs"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-07-01",
    cf: false,
    bindings,
  });
}

before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  signer = signingWorker({ ...DEV_CREDENTIALS, EMULATOR: emulator.url });
  // The page and the fixtures, from one origin the edge worker allows.
  page = http.createServer(async (req, res) => {
    const p = new URL(req.url, "http://x").pathname;
    if (p.startsWith("/ocr/")) {
      // The worker mounted on the page's own origin, as a relative baseUrl expects.
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const pick = ["authorization", "content-type", "origin"];
      const headers = Object.fromEntries(pick.filter((k) => req.headers[k]).map((k) => [k, req.headers[k]]));
      try {
        const r = await fetch(`${edge.url}${req.url.slice(4)}`, { method: req.method, headers, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
        res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
        return res.end(Buffer.from(await r.arrayBuffer()));
      } catch (e) {
        return res.writeHead(502).end(String(e));
      }
    }
    const file = p.startsWith("/fixtures/") ? path.join(fixtures, path.basename(p)) : path.join(root, p);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return res.writeHead(404).end();
    const type = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" }[path.extname(file)];
    res.writeHead(200, { "content-type": type ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => page.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${page.address().port}`;
  edge = await startWorker({
    host: "127.0.0.1",
    port: 0,
    verbose: false,
    handleRuntimeStdio: (out, err) => (out.resume(), err.resume()),
    bindings: {
      ...DEV_CREDENTIALS,
      UPSTREAM_HUAWEI: emulator.url,
      UPSTREAM_TENCENT: emulator.url,
      CAPTURE_TOKEN_SECRET: TOKEN_SECRET,
      ALLOWED_ORIGINS: origin,
      SEND_RAW: "1",
      RATE_LIMIT_PER_MINUTE: "0",
    },
  });
});

after(async () => {
  await signer?.dispose();
  await edge?.mf.dispose();
  page?.close();
  await stopChild(emulator?.child);
});

async function emulatorRequests() {
  return (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).total.requests;
}

/** One call through the signing worker: [status, JSON]. */
async function sign(client, method, image, params = {}) {
  const url = `http://localhost/${client}/${method}?params=${encodeURIComponent(JSON.stringify(params))}`;
  const res = await signer.dispatchFetch(url, { method: "POST", body: image });
  return [res.status, await res.json()];
}

describe("the signing clients inside workerd", () => {
  test("business licence, VAT invoice and BizLicenseOCR, with their refusals", async () => {
    const before = await emulatorRequests();
    let [status, r] = await sign("huawei", "recognizeBusinessLicense", fixture("biz-license.png"));
    assert.equal(status, 200, JSON.stringify(r));
    assert.equal(r.registrationNumber, "91110108EMU0000159");
    assert.equal(r.raw.result.name, r.name);
    assert.equal(typeof r.confidence.name, "number");

    [status, r] = await sign("huawei", "recognizeVatInvoice", fixture("vat-invoice.pdf"), { advancedMode: true });
    assert.equal(status, 200, JSON.stringify(r));
    assert.equal(r.totalCents, 169500);
    assert.deepEqual(r.itemList.map((i) => i.amountCents), [100000, 50000]);

    [status, r] = await sign("tencent", "bizLicenseOcr", fixture("biz-license-copy.png"), { enableCopyWarn: true });
    assert.equal(status, 200, JSON.stringify(r));
    assert.equal(r.regNum, "91110108EMU0000159");
    assert.deepEqual(r.warnings, { copy: true, reshot: false, scopeUnreadable: false });
    assert.equal(await emulatorRequests(), before + 3);

    // The provider's refusal, typed: not a licence.
    [status, r] = await sign("tencent", "bizLicenseOcr", fixture("quota-invoice.png"));
    assert.equal(r.code, "FailedOperation.NoBizLicense", JSON.stringify(r));
    assert.equal(r.kind, "invalid_image");
    // Refused inside the worker, before any request: under the VAT invoice's 100 px.
    const sent = await emulatorRequests();
    [status, r] = await sign("huawei", "recognizeVatInvoice", fixture("biz-license.png"));
    assert.equal(r.code, "image.rejected", JSON.stringify(r));
    assert.ok(r.violations.some((v) => v.code === "image.too_small"));
    assert.equal(await emulatorRequests(), sent, "a refused image was sent");
  });

  test("a wrong key is the provider's signature refusal", async () => {
    const url = "http://localhost/huawei/recognizeBusinessLicense";
    const wrong = signingWorker({ ...DEV_CREDENTIALS, HUAWEI_SK: "not-the-key", EMULATOR: emulator.url });
    try {
      const res = await wrong.dispatchFetch(url, { method: "POST", body: fixture("biz-license.png") });
      const r = await res.json();
      assert.equal(r.kind, "auth", JSON.stringify(r));
      assert.equal(r.status, 401);
    } finally {
      await wrong.dispose();
    }
  });
});

test("a relative baseUrl outside a page is a typed error", async () => {
  const { ProxyClient } = await import("ocr-edge");
  assert.throws(() => new ProxyClient({ baseUrl: "/ocr", token: "t" }), { code: "argument.type" });
});

describe("ProxyClient on a page in Chromium, through the edge worker", () => {
  test("each live operation under its own token, and a refusal on the page", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${origin}/tests/pkg/blank.html`);
      const tokens = Object.fromEntries(
        ["huawei.businessLicense", "huawei.vatInvoice", "tencent.bizLicenseOcr"].map((s) => [s, issueCaptureToken(TOKEN_SECRET, { scope: s, ttlSeconds: 120 })]),
      );
      const before = await emulatorRequests();
      const out = await tab.evaluate(
        async ({ base, tokens }) => {
          const { ProxyClient } = await import("/pkg/web/index.js");
          const file = async (name) => await (await fetch(`/fixtures/${name}`)).blob();
          const client = (scope) => new ProxyClient({ baseUrl: base, token: tokens[scope] });
          const fail = (p) => p.then(() => null, (e) => ({ code: e.code, kind: e.kind, violations: (e.violations ?? []).map((v) => v.code) }));
          const licence = await client("huawei.businessLicense").recognizeBusinessLicense({ image: await file("biz-license.png") });
          const vat = await client("huawei.vatInvoice").recognizeVatInvoice({ image: await file("vat-invoice.png"), advancedMode: true });
          const ocr = await client("tencent.bizLicenseOcr").bizLicenseOcr({ image: await file("biz-license.png") });
          return {
            licence: [licence.registrationNumber, licence.legalRepresentative],
            vat: [vat.number, vat.totalCents, vat.itemList.length, typeof vat.confidence.total],
            ocr: [ocr.regNum, ocr.person, ocr.warnings.copy],
            notLicence: await fail(client("tencent.bizLicenseOcr").bizLicenseOcr({ image: await file("quota-invoice.png") })),
            small: await fail(client("huawei.vatInvoice").recognizeVatInvoice({ image: await file("biz-license.png") })),
            scope: await fail(client("huawei.vatInvoice").recognizeBusinessLicense({ image: await file("biz-license.png") })),
            relative: (await new ProxyClient({ baseUrl: "/ocr", token: tokens["tencent.bizLicenseOcr"] }).bizLicenseOcr({ image: await file("biz-license.png") })).regNum,
          };
        },
        { base: edge.url, tokens },
      );
      assert.deepEqual(out.licence, ["91110108EMU0000159", "张示例"]);
      assert.deepEqual(out.vat, ["01234567", 169500, 2, "number"]);
      assert.deepEqual(out.ocr, ["91110108EMU0000159", "张示例", false]);
      assert.deepEqual(out.notLicence, { code: "FailedOperation.NoBizLicense", kind: "invalid_image", violations: [] });
      assert.equal(out.small.code, "image.rejected");
      assert.ok(out.small.violations.includes("image.too_small"));
      assert.equal(out.scope.code, "token.scope");
      assert.equal(out.relative, "91110108EMU0000159", "a relative baseUrl reaches the worker on the page's origin");
      // Four successes and the licence OCR's refusal went upstream; the rest stopped earlier.
      assert.equal(await emulatorRequests(), before + 5);
    } finally {
      await browser.close();
    }
  });
});
