// The built-page consumers' shared parts (run.mjs): the page a user writes,
// a loopback static server for its build output, and the Chromium check.
import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import assert from "node:assert/strict";

// A page as a user writes it: fetch a photo, probe it (async: it waits for
// the wasm, so no init() is needed), check it, fit it (which loads the
// fitting chunk), show the JSON. With
// `proxy: true` it also sends the photo through ProxyClient to the worker
// named in the page's query (?proxy=URL&token=T), one real call.
export const pageSource = (ts, { proxy = false } = {}) => `import { probeBlob, checkImage, fitImage${proxy ? ", ProxyClient" : ""}${ts ? ", type ImageInfo, type CheckResult" : ""} } from "ocr-edge";
const out = document.getElementById("result")${ts ? "!" : ""};
fetch("./fixture.jpg").then((r) => r.blob()).then(async (blob) => {
  const probe${ts ? ": ImageInfo" : ""} = await probeBlob(blob);
  const check${ts ? ": CheckResult" : ""} = checkImage(new Uint8Array(await blob.arrayBuffer()), "huawei.quotaInvoice");
  const fitted = await fitImage(blob, "huawei.quotaInvoice");
  const answer = { probe, check, tencent: checkImage(probe, "tencent.bizLicense"), fit: { untouched: fitted.untouched, info: fitted.info } };
${proxy ? `  const q = new URLSearchParams(location.search);
  const client = new ProxyClient({ baseUrl: q.get("proxy"), token: q.get("token") });
  const invoice = await client.recognizeQuotaInvoice({ image: blob });
  answer.invoice = { number: invoice.number, hasRequestId: !!invoice.requestId };
` : ""}  out.textContent = JSON.stringify(answer);
}).catch((e) => { out.textContent = JSON.stringify({ error: String(e) + " " + (e && e.code) }); });
`;
export const html = (script) => `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<pre id="result">pending</pre>
${script}
`;
const MARKERS = ["HuaweiClient", "TencentClient", "SDK-HMAC-SHA256", "TC3-HMAC-SHA256"];
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".jpg": "image/jpeg" };
const serve = async (dist, port = 0) => {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (rel === "/") rel = "/index.html";
    const file = path.join(dist, rel);
    if (!file.startsWith(dist + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return server;
};
// Checks a built page (in `dist`, from the project `dir`): the core's and
// the fitting chunk's .wasm emitted with the tarball's bytes, no signing client in the output, and in
// Chromium the page's answer equal to `expected`, the wasm served as
// application/wasm, nothing fetched from outside loopback, no page error.
export const checkBuilt = async (browser, dir, dist, expected, { port = 0, query = "" } = {}) => {
  const files = fs.readdirSync(dist, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dist, f)).isFile());
  const wasmFiles = files.filter((f) => f.endsWith(".wasm"));
  const tarball = ["ocr_edge_bg.wasm", "fitting_bg.wasm"].map((f) => fs.readFileSync(path.join(dir, "node_modules/ocr-edge/web", f)));
  const emitted = wasmFiles.map((f) => tarball.findIndex((b) => b.equals(fs.readFileSync(path.join(dist, f))))).sort();
  assert.deepEqual(emitted, [0, 1], `wasm files emitted: ${wasmFiles}, each the tarball's`);
  const leaks = files.flatMap((f) => MARKERS.filter((m) => fs.readFileSync(path.join(dist, f)).includes(m)).map((m) => `${f}: ${m}`));
  assert.deepEqual(leaks, [], "no signing client in the bundle");
  const server = await serve(dist, port);
  const page = await browser.newPage();
  try {
    const outside = [], wasm = [], problems = [];
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("response", (r) => {
      if (r.url().endsWith(".wasm")) wasm.push([r.status(), r.headers()["content-type"]]);
      if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
    });
    await page.goto(`http://127.0.0.1:${server.address().port}/${query}`);
    await page.waitForFunction(() => document.getElementById("result")?.textContent !== "pending", null, { timeout: 30000 })
      .catch(() => assert.fail(`the page never answered; ${problems.join("; ") || "no page error"}`));
    const got = JSON.parse(await page.textContent("#result"));
    assert.equal(got.error, undefined, got.error);
    assert.deepEqual(got, expected, "the page's probe and check equal Node's");
    assert.equal(got.probe.format, "jpeg");
    assert.deepEqual(wasm, [[200, "application/wasm"], [200, "application/wasm"]], "each wasm fetched once, as application/wasm");
    assert.deepEqual(outside, [], "nothing fetched from outside loopback");
    assert.deepEqual(problems, []);
    return `${wasmFiles.join(", ")}; probe ${got.probe.width}x${got.probe.height} ${got.probe.format}, check ok=${got.check.ok}${got.invoice ? `; invoice ${got.invoice.number} through the worker` : ""}`;
  } finally {
    await page.close();
    server.close();
  }
};
