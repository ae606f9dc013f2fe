// HEIC through the core's fitImage in headless Chromium (no HEIC decoder of
// its own): libheif-js loaded by the page through `loadHeif`, as a bundled
// app passes it. Exits non-zero on failure.
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(os.tmpdir(), "ocr-edge-fit-photos");
const python = process.env.OCR_EDGE_PYTHON ?? path.join(root, ".venv/bin/python");
execFileSync(python, [path.join(root, "tests/fit/make_photos.py"), dir], { stdio: "inherit" });
const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const [base, rel] = url.startsWith("/__photos/") ? [dir, url.slice(10)] : [root, url];
  const file = path.join(base, rel);
  if (!file.startsWith(base) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
let failed = 0;
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/tests/pkg/blank.html`);
  const r = await page.evaluate(async () => {
    const api = await import("/pkg/web/index.js");
    await api.init();
    const bytes = new Uint8Array(await (await fetch("/__photos/small-o6.heic")).arrayBuffer());
    const loadHeif = () => import("/node_modules/libheif-js/libheif-wasm/libheif-bundle.mjs");
    const out = await api.fitImage(bytes, "huawei.quotaInvoice", { loadHeif });
    const ac = new AbortController();
    ac.abort();
    const aborted = await api.fitImage(bytes, "huawei.quotaInvoice", { loadHeif, signal: ac.signal }).then(
      () => null,
      (e) => ({ kind: e.kind, code: e.code }),
    );
    return { info: out.info, reprobe: api.probeImage(out.bytes), ok: api.checkImage(out.bytes, "huawei.quotaInvoice").ok, quality: out.quality, aborted };
  });
  const good =
    r.ok && r.info.format === "jpeg" && r.info.width === 600 && r.info.height === 800 && r.info.orientation === 1 &&
    JSON.stringify(r.reprobe) === JSON.stringify(r.info) && r.quality === 0.95 && r.aborted?.kind === "aborted";
  if (!good) failed++;
  console.log(`${good ? "ok" : "FAIL"} chromium small-o6.heic → upright JPEG, abort: ${JSON.stringify(r)}`);
} catch (e) {
  failed++;
  console.log(`FAIL chromium heif run: ${e.stack ?? e}`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
