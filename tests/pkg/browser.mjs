// Loads pkg/ in headless Chromium as a page would (ES module) and runs the
// shared checks there. Exits non-zero on any mismatch.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../..");
const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
// Two stand-ins for how pages get the entry: `/nowasm/` serves pkg/web's
// scripts with no .wasm beside them (a bundler that did not emit it), and
// `/node_modules/.vite/deps/` does what Vite's dev server does with a
// pre-bundled dependency: HTML for the missing .wasm, the package itself
// under /node_modules/ocr-edge/.
const html = "<!doctype html><html></html>";
function mapped(pathname) {
  if (pathname.startsWith("/nowasm/")) return pathname.endsWith(".js") ? `/pkg/web/${path.basename(pathname)}` : null;
  if (pathname.startsWith("/node_modules/.vite/deps/")) return pathname.endsWith(".js") ? `/pkg/web/${path.basename(pathname)}` : "html";
  if (pathname.startsWith("/node_modules/ocr-edge/")) return `/pkg/${pathname.slice("/node_modules/ocr-edge/".length)}`;
  return pathname;
}
const corsHits = []; // requests to /cors-proxy/, a "worker" that sends no CORS headers
const server = http.createServer((req, res) => {
  if (req.url.startsWith("/cors-proxy")) corsHits.push(req.method);
  const where = mapped(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (where === "html") {
    res.writeHead(200, { "content-type": "text/html" }).end(html);
    return;
  }
  const file = path.join(root, where ?? "/missing");
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
let failed = 0;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${base}/tests/pkg/blank.html`);
  // No top-level await: the import resolves before the wasm is in. A sync
  // call that early is a typed wasm.not_ready; async calls and a ProxyClient
  // made that early wait for it; after init() sync calls work.
  const early = await page.evaluate(async (base) => {
    const api = await import(`${base}/pkg/web/index.js?early`);
    let sync;
    try {
      api.probeImage(new Uint8Array(8));
    } catch (e) {
      sync = [e instanceof api.OcrEdgeError, e.code];
    }
    const client = new api.ProxyClient({ baseUrl: "ftp://nowhere", token: "t" });
    const bad = await client.recognizeQuotaInvoice({}).then(() => "sent", (e) => e.code);
    const blob = await api.probeBlob(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0])]));
    await api.init();
    const after = new api.ProxyClient({ baseUrl: "https://proxy.example", token: "t" });
    return [sync, bad, blob.width, after instanceof api.ProxyClient, typeof after.setToken("u")];
  }, base);
  // A worker on another origin that sends no CORS headers: one refused
  // preflight, named as CORS, not retried; an unreachable one stays a
  // network failure.
  const cors = await page.evaluate(async (port) => {
    const api = await import(`http://127.0.0.1:${port}/pkg/web/index.js`);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);
    const refused = await new api.ProxyClient({ baseUrl: `http://localhost:${port}/cors-proxy`, token: "t" })
      .recognizeQuotaInvoice({ image: png }).then(() => null, (e) => [e.kind, e.code, e.retryable, e.attempts, /ALLOWED_ORIGINS/.test(e.message)]);
    const down = await new api.ProxyClient({ baseUrl: "http://127.0.0.1:9", token: "t", maxRetries: 0 })
      .recognizeQuotaInvoice({ image: png }).then(() => null, (e) => e.code);
    return [refused, down];
  }, server.address().port);
  const wantCors = [["network", "network.cors", false, 1, true], "network.failed"];
  const corsOk = JSON.stringify(cors) === JSON.stringify(wantCors) && JSON.stringify(corsHits) === JSON.stringify(["OPTIONS", "GET"]);
  if (!corsOk) failed++;
  console.log(`${corsOk ? "ok" : "FAIL"} chromium ProxyClient: a refused CORS preflight is network.cors, sent once${corsOk ? "" : `: ${JSON.stringify(cors)}, requests ${corsHits}`}`);
  // A freed ProxyClient: a typed client.freed, not the glue's bare Error.
  const freed = await page.evaluate(async (base) => {
    const api = await import(`${base}/pkg/web/index.js`);
    await api.init();
    const seen = (e) => [e instanceof api.OcrEdgeError, api.isOcrEdgeError(e), e.code, /null pointer/.test(e.message)];
    const client = new api.ProxyClient({ baseUrl: "https://proxy.example", token: "t" });
    client.free();
    const async_ = await (async () => client.recognizeQuotaInvoice({ image: new Uint8Array(8) }))().then(() => "sent", seen);
    let sync = "no throw";
    try {
      client.setToken("u");
    } catch (e) {
      sync = seen(e);
    }
    return [async_, sync];
  }, base);
  const wantFreed = [[true, true, "client.freed", false], [true, true, "client.freed", false]];
  const freedOk = JSON.stringify(freed) === JSON.stringify(wantFreed);
  if (!freedOk) failed++;
  console.log(`${freedOk ? "ok" : "FAIL"} chromium a freed ProxyClient: OcrEdgeError client.freed${freedOk ? "" : `: ${JSON.stringify(freed)}`}`);
  const wantEarly = [[true, "wasm.not_ready"], "argument.type", 20, true, "undefined"];
  const earlyOk = JSON.stringify(early) === JSON.stringify(wantEarly);
  if (!earlyOk) failed++;
  console.log(`${earlyOk ? "ok" : "FAIL"} chromium before init(): sync call typed, async calls and an early ProxyClient wait${earlyOk ? "" : `: ${JSON.stringify(early)}`}`);
  const rows = await page.evaluate(async (base) => {
    const api = await import(`${base}/pkg/web/index.js`);
    await api.init();
    const { exercise } = await import(`${base}/tests/pkg/samples.mjs`);
    return exercise(api);
  }, base);
  // The wasm missing: a typed error naming the URL tried, not the engine's
  // bare "expected magic word". Vite's dev layout: the package's own copy.
  rows.push(
    await page.evaluate(async (base) => {
      try {
        await (await import(`${base}/nowasm/web/index.js`)).init();
        return ["missing wasm is refused", "loaded", "refused"];
      } catch (e) {
        const named = e.message.includes(`${base}/nowasm/web/ocr_edge_bg.wasm`) && e.message.includes("HTTP 404");
        return ["missing wasm: typed error naming the URL", [e.name, e.code, named], ["OcrEdgeError", "wasm.not_found", true]];
      }
    }, base),
    await page.evaluate(async (base) => {
      const api = await import(`${base}/node_modules/.vite/deps/index.js`);
      await api.init();
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);
      const fit = await api.fitImage(png, "huawei.quotaInvoice");
      return ["vite dev layout: both wasm found in the package", [api.probeImage(png).width, fit.untouched], [20, true]];
    }, base),
    await page.evaluate(async (base) => {
      const api = await import(`${base}/nowasm/web/index.js?fit`);
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);
      const seen = (e) => [e.code, e.message.includes(`${base}/nowasm/web/fitting_bg.wasm`)];
      return ["fitting chunk missing: typed error naming its URL, each call", [await api.fitImage(png, "huawei.quotaInvoice").then(() => "fitted", seen), await api.fitImage(png, "huawei.quotaInvoice").then(() => "fitted", seen)], [["wasm.not_found", true], ["wasm.not_found", true]]];
    }, base),
  );
  // The fitting chunk is fetched on the first fitImage only, and once.
  const lazy = await browser.newPage();
  const fetched = [];
  lazy.on("request", (r) => r.url().endsWith(".wasm") && fetched.push(path.basename(new URL(r.url()).pathname)));
  await lazy.goto(`${base}/tests/pkg/blank.html`);
  const lazyRun = await lazy.evaluate(async (base) => {
    const api = await import(`${base}/pkg/web/index.js`);
    await api.init();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);
    api.checkImage(png, "huawei.quotaInvoice");
    const before = performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).length;
    const fits = await Promise.all([api.fitImage(png, "huawei.quotaInvoice"), api.fitImage(png, "tencent.bizLicense")]);
    await api.fitImage(new Blob([png]), "huawei.quotaInvoice");
    return [before, fits.map((f) => f.untouched)];
  }, base);
  await lazy.close();
  rows.push(["fitting chunk: fetched on the first fitImage, once", [lazyRun, fetched], [[1, [true, true]], ["ocr_edge_bg.wasm", "fitting_bg.wasm"]]]);
  for (const [what, actual, expected] of rows) {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    if (!ok) failed++;
    console.log(`${ok ? "ok" : "FAIL"} chromium ${what}${ok ? "" : `: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`}`);
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
