// The worker's outbound side, in real workerd through miniflare: the
// upstream is a hostile stub on loopback that redirects to a foreign host,
// answers 50 MB, or a gzip bomb. Each must end in a typed error with the
// isolate's wasm memory bounded (read from the log lines, as in
// limits.test.mjs), and the foreign host must receive nothing. The signing
// clients share the transport: the same redirect is refused from Node.
// URL mode (an image URL instead of bytes) is off by default; a second
// worker turns it on with IMAGE_URL_HOSTS, and every SSRF form of a URL is
// refused there by the runtime's own WHATWG parser before anything is sent.
//
//   node --test tests/worker/outbound.test.mjs   (after make pkg)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { after, before, describe, test } from "node:test";
import { HuaweiClient, issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startWorker } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const INVOICE = fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png"));
const ORIGIN = "https://capture.example.com";
const SECRET = randomBytes(32).toString("hex");
const MiB = 1024 * 1024;
// Well under the 50 MB answer a worker reading it whole would hold.
const WASM_BOUND = 24 * MiB;
const ANSWER = JSON.stringify({ result: { type: "quota", amount: "12.00", number: "00123456" } });

let upstream; // the stub the worker forwards to
let foreign; // where the stub's redirects point
let worker;
let urlWorker; // IMAGE_URL_HOSTS set
let behave = (_req, res) => res.end(ANSWER);
const got = []; // what the stub received: { url, body }
let foreignHits = 0;
let bomb; // gzip of 200 MB of zeros, about 200 KB
const logs = [];
let partial = "";

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

/** Writes `total` bytes of `chunk` with backpressure until done or the peer goes away. */
function stream(res, chunk, total) {
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return res.once("drain", pump);
    }
    res.end();
  };
  res.on("error", () => {});
  pump();
}

async function gzipOfZeros(bytes) {
  const gz = zlib.createGzip({ level: 9 });
  const parts = [];
  gz.on("data", (d) => parts.push(d));
  const done = new Promise((r) => gz.on("end", r));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < bytes / MiB; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once("drain", r));
  gz.end();
  await done;
  return Buffer.concat(parts);
}

before(async () => {
  bomb = await gzipOfZeros(200 * MiB);
  foreign = await listen((req, res) => {
    foreignHits++;
    res.end(ANSWER);
  });
  upstream = await listen((req, res) => {
    const parts = [];
    req.on("data", (d) => parts.push(d));
    req.on("end", () => {
      got.push({ url: req.url, body: Buffer.concat(parts).toString() });
      behave(req, res);
    });
  });
  const capture = (s) => {
    s.setEncoding("utf8");
    s.on("data", (d) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop();
      for (const l of lines) if (l.includes("wasmBytes")) logs.push(JSON.parse(l.slice(l.indexOf("{"))));
    });
  };
  const bindings = {
    ...DEV_CREDENTIALS,
    UPSTREAM_HUAWEI: upstream.url,
    UPSTREAM_TENCENT: upstream.url,
    CAPTURE_TOKEN_SECRET: SECRET,
    ALLOWED_ORIGINS: ORIGIN,
    RATE_LIMIT_PER_MINUTE: "0",
  };
  const common = { host: "127.0.0.1", port: 0, verbose: false, handleRuntimeStdio: (o, e) => (capture(o), capture(e)) };
  worker = await startWorker({ ...common, bindings });
  urlWorker = await startWorker({ ...common, bindings: { ...bindings, IMAGE_URL_HOSTS: "img.example.com, *.cdn.example.net" } });
});

after(async () => {
  await worker?.mf.dispose();
  await urlWorker?.mf.dispose();
  upstream?.server.close();
  foreign?.server.close();
  upstream?.server.closeAllConnections();
  foreign?.server.closeAllConnections();
});

const token = () => issueCaptureToken(SECRET, { scope: ["huawei.quotaInvoice", "tencent.bizLicense", "tencent.bizLicense.detailed"], ttlSeconds: 300 });
const peakWasm = (from = 0) => Math.max(0, ...logs.slice(from).map((l) => l.wasmBytes));

/** A capture request through the worker: the answer's status and error. */
async function send(route = "/v1/huawei/quota-invoice", { body = INVOICE, type = "image/png", to = worker } = {}) {
  const res = await fetch(`${to.url}${route}`, {
    method: "POST",
    headers: { "content-type": type, authorization: `Bearer ${token()}`, origin: ORIGIN },
    body,
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, code: json?.error?.code ?? null, json, text };
}

describe("bounded outbound", () => {
  test("the stub answers an upload (the path the other cases bend)", async () => {
    behave = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(ANSWER);
    const r = await send();
    assert.equal(r.status, 200, r.text);
  });

  for (const status of [301, 302, 303, 307, 308]) {
    test(`a ${status} to a foreign host is a typed error, never followed`, async () => {
      const before = got.length;
      behave = (_req, res) => res.writeHead(status, { location: `${foreign.url}/steal` }).end();
      const r = await send();
      assert.deepEqual([r.status, r.code], [502, "response.redirect"], r.text);
      assert.equal(r.json.error.kind, "protocol");
      assert.equal(foreignHits, 0, "the foreign host was reached");
      assert.equal(got.length, before + 1, "sent once, not retried");
    });
  }

  test("a 50 MB answer is cut at the cap: typed error, wasm memory bounded", async () => {
    const from = logs.length;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    chunk.write('{"result": {"pad": "');
    // Streamed without a length: read until the cap, then cancelled.
    behave = (_req, res) => (res.writeHead(200, { "content-type": "application/json" }), stream(res, chunk, 50_000_000));
    const streamed = await send();
    assert.deepEqual([streamed.status, streamed.code], [502, "response.too_large"], streamed.text);
    // Declared: refused before reading.
    behave = (_req, res) => (res.writeHead(200, { "content-type": "application/json", "content-length": "50000000" }), stream(res, chunk, 50_000_000));
    const declared = await send();
    assert.deepEqual([declared.status, declared.code], [502, "response.too_large"], declared.text);
    const peak = peakWasm(from);
    console.log(`# 50 MB answers: peak wasm ${(peak / MiB).toFixed(1)} MiB`);
    assert.ok(peak > 0 && peak < WASM_BOUND, `wasm memory peaked at ${peak}`);
  });

  test("a gzip bomb (200 MB of zeros in ~200 KB) is cut at the cap", async () => {
    const from = logs.length;
    behave = (_req, res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(bomb.length) }).end(bomb);
    const r = await send();
    assert.deepEqual([r.status, r.code], [502, "response.too_large"], r.text);
    const peak = peakWasm(from);
    console.log(`# gzip bomb of ${bomb.length} bytes: peak wasm ${(peak / MiB).toFixed(1)} MiB`);
    assert.ok(peak > 0 && peak < WASM_BOUND, `wasm memory peaked at ${peak}`);
  });

  test("an error answer is read up to 64 KB only", async () => {
    const page = `<html>${"<p>server error</p>".repeat(10_000)}</html>`;
    behave = (_req, res) => res.writeHead(500, { "content-type": "text/html" }).end(page);
    const r = await send();
    assert.deepEqual([r.status, r.code], [502, "response.too_large"], r.text);
    // A short one still maps as before.
    behave = (_req, res) => res.writeHead(500, { "content-type": "text/html" }).end("<html>oops</html>");
    const short = await send();
    assert.equal(short.code, "http.500", short.text);
  });

  test("the worker still serves after all of it", async () => {
    behave = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(ANSWER);
    assert.equal((await send()).status, 200);
    assert.equal(foreignHits, 0);
  });

  test("the signing clients share the transport: a redirect is refused from Node too", async () => {
    behave = (_req, res) => res.writeHead(307, { location: `${foreign.url}/steal` }).end();
    const client = new HuaweiClient({
      endpoint: upstream.url,
      projectId: DEV_CREDENTIALS.HUAWEI_PROJECT_ID,
      credentials: { accessKey: DEV_CREDENTIALS.HUAWEI_AK, secretKey: DEV_CREDENTIALS.HUAWEI_SK },
      maxRetries: 0,
    });
    await assert.rejects(client.recognizeQuotaInvoice({ image: new Uint8Array(INVOICE) }), (e) => e.code === "response.redirect" && e.kind === "protocol");
    behave = (_req, res) => (res.writeHead(200, { "content-type": "application/json" }), stream(res, Buffer.alloc(64 * 1024, 0x20), 50_000_000));
    await assert.rejects(client.recognizeQuotaInvoice({ image: new Uint8Array(INVOICE) }), (e) => e.code === "response.too_large");
    assert.equal(foreignHits, 0);
  });
});

/** An image URL through a worker, as the ProxyClient's JSON body carries it. */
const byUrl = (url, { to = urlWorker, route = "/v1/huawei/quota-invoice", key = "url" } = {}) =>
  send(route, { to, type: "application/json", body: JSON.stringify({ [key]: url }) });

describe("image URLs", () => {
  test("URL mode is off by default: url.mode_off, nothing sent", async () => {
    const before = got.length;
    const r = await byUrl("https://img.example.com/a.png", { to: worker });
    assert.deepEqual([r.status, r.code], [400, "url.mode_off"], r.text);
    const t = await byUrl("https://img.example.com/a.png", { to: worker, route: "/v1/tencent/biz-license", key: "imageUrl" });
    assert.deepEqual([t.status, t.code], [400, "url.mode_off"], t.text);
    // Bytes still go through.
    behave = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(ANSWER);
    assert.equal((await send()).status, 200);
    assert.equal(got.length, before + 1, "only the upload was sent");
  });

  const refused = [
    ["plain http", "http://img.example.com/a.png"],
    ["another scheme", "ftp://img.example.com/a.png"],
    ["a port", "https://img.example.com:8443/a.png"],
    ["user info", "https://user:pass@img.example.com/a.png"],
    ["a listed name as user info", "https://img.example.com@evil.example/a.png"],
    ["an unlisted host", "https://evil.example/a.png"],
    ["a listed name as a prefix", "https://img.example.com.evil.example/a.png"],
    ["a trailing dot", "https://img.example.com./a.png"],
    ["the wildcard's own name", "https://cdn.example.net/a.png"],
    ["two labels under the wildcard", "https://a.b.cdn.example.net/a.png"],
    ["dotted IPv4", "https://127.0.0.1/a.png"],
    ["metadata address", "https://169.254.169.254/latest/meta-data/"],
    ["private IPv4", "https://10.0.0.1/a.png"],
    ["hex IPv4", "https://0x7f000001/a.png"],
    ["decimal IPv4", "https://2130706433/a.png"],
    ["octal IPv4", "https://0177.0.0.1/a.png"],
    ["short IPv4", "https://127.1/a.png"],
    ["mixed-radix IPv4", "https://0x7f.0.0.01/a.png"],
    ["full-width digits", "https://１２７.０.０.１/a.png"],
    ["full-width stops", "https://127。0。0。1/a.png"],
    ["IPv6 loopback", "https://[::1]/a.png"],
    ["IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/a.png"],
    ["IPv6 in full", "https://[0:0:0:0:0:0:0:1]/a.png"],
  ];
  for (const [what, url] of refused) {
    test(`refused when on: ${what}`, async () => {
      const before = got.length;
      const r = await byUrl(url);
      assert.deepEqual([r.status, r.code], [400, "url.not_allowed"], `${url}: ${r.text}`);
      const t = await byUrl(url, { route: "/v1/tencent/biz-license", key: "imageUrl" });
      assert.deepEqual([t.status, t.code], [400, "url.not_allowed"], `${url} (Tencent): ${t.text}`);
      assert.equal(got.length, before, "nothing was sent upstream");
    });
  }

  test("refused when on: not a URL, control characters", async () => {
    for (const url of ["not a url", "https://", "https://img.example.com/a\n.png"]) {
      const r = await byUrl(url);
      assert.deepEqual([r.status, r.code], [400, "argument.url"], `${JSON.stringify(url)}: ${r.text}`);
    }
  });

  test("an allowed host passes, forwarded as the parser re-serialised it", async () => {
    behave = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(ANSWER);
    for (const [given, forwarded] of [
      ["https://img.example.com/a.png", "https://img.example.com/a.png"],
      ["https://IMG.Example.COM:443/scans/a b.png?x=1", "https://img.example.com/scans/a%20b.png?x=1"],
      ["https://ｉｍｇ.example.com/a.png", "https://img.example.com/a.png"],
      ["https://eu.cdn.example.net/p/../q.png", "https://eu.cdn.example.net/q.png"],
    ]) {
      const before = got.length;
      const r = await byUrl(given);
      assert.equal(r.status, 200, `${given}: ${r.text}`);
      assert.equal(got.length, before + 1);
      assert.deepEqual(JSON.parse(got.at(-1).body), { url: forwarded }, given);
    }
    // Tencent's ImageUrl too (the stub's answer is not Tencent's: only what was sent counts).
    const before = got.length;
    await byUrl("https://IMG.example.com/b.png", { route: "/v1/tencent/biz-license", key: "imageUrl" });
    assert.equal(got.length, before + 1);
    assert.equal(JSON.parse(got.at(-1).body).ImageUrl, "https://img.example.com/b.png");
  });
});
