// The package as a user gets it: tests/consumer depends on ocr-edge from
// pkg/ (file:), builds a page with Vite 7 and runs the bundle in headless
// Chromium. Checks the probe in the DOM, that the wasm came through Vite's
// asset pipeline, and that no signing client reached the browser bundle.
// Prints `ok consumer ...` / `FAIL consumer ...`; exits non-zero on failure.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const here = import.meta.dirname;
const root = path.resolve(here, "../..");
const dist = path.join(here, "dist");
// playwright-core is a root dev tool; the consumer itself needs only vite.
const { chromium } = createRequire(path.join(root, "package.json"))("playwright-core");

let failed = 0;
async function report(what, fn) {
  try {
    const line = await fn();
    console.log(`ok consumer ${what}${line ? `: ${line}` : ""}`);
  } catch (e) {
    failed++;
    console.log(`FAIL consumer ${what}: ${e.message}`);
  }
}
const timed = (fn) => {
  const t0 = performance.now();
  fn();
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
};
const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, stdio: ["ignore", "inherit", "inherit"] });

if (!fs.existsSync(path.join(root, "pkg/package.json"))) {
  console.log("FAIL consumer: pkg/ is missing; build it first (scripts/build-pkg.sh)");
  process.exit(1);
}

// Install only when the lock changed, as scripts/setup.sh does for the root.
const lock = path.join(here, "package-lock.json");
const stamp = path.join(here, "node_modules/.installed-lock.json");
const same = (a, b) => fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));
if (!same(lock, stamp)) {
  const t = timed(() => run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]));
  fs.copyFileSync(lock, stamp);
  console.log(`consumer npm ci: ${t}`);
}

await report("vite build", () => {
  const version = JSON.parse(fs.readFileSync(path.join(here, "node_modules/vite/package.json"), "utf8")).version;
  assert.match(version, /^7\./, `vite ${version}`);
  fs.rmSync(dist, { recursive: true, force: true });
  return `vite ${version}, ${timed(() => run(path.join(here, "node_modules/.bin/vite"), ["build"]))}`;
});

const files = fs.existsSync(dist) ? fs.readdirSync(dist, { recursive: true }).map(String) : [];
const wasmFiles = files.filter((f) => f.endsWith(".wasm"));
const jsFiles = files.filter((f) => f.endsWith(".js"));

// Vite must have emitted the .wasm as a hashed asset and pointed the
// bundle's `new URL(..., import.meta.url)` at it.
await report("both wasm (the core's, the fitting chunk's) emitted as assets and referenced by the bundle", () => {
  assert.equal(wasmFiles.length, 2, `wasm files in dist: ${wasmFiles}`);
  const js = jsFiles.map((f) => fs.readFileSync(path.join(dist, f), "utf8")).join("\n");
  return ["ocr_edge_bg.wasm", "fitting_bg.wasm"].map((pkgName) => {
    const src = fs.readFileSync(path.join(root, "pkg/web", pkgName));
    const file = wasmFiles.find((f) => fs.readFileSync(path.join(dist, f)).equals(src));
    assert.ok(file, `no wasm in dist has the bytes of pkg/web/${pkgName}`);
    // Absent when the bundler dropped the entry's loading, e.g. because
    // package.json declares the package free of side effects.
    assert.ok(js.includes(path.basename(file)), `no bundle names ${file}: the wasm would never be loaded`);
    return `${file} (${src.length} bytes)`;
  }).join(", ") + `, ${jsFiles.length} js`;
});

// A page must never hold cloud credentials: the browser build leaves the
// signing clients out. Checked on pkg/web itself, on the built bundle (JS
// and wasm), and against pkg/node, which has them, so the search is shown
// to find them where they are.
const MARKERS = ["HuaweiClient", "TencentClient", "SDK-HMAC-SHA256", "TC3-HMAC-SHA256"];
const found = (file) => {
  const bytes = fs.readFileSync(file);
  return MARKERS.filter((m) => bytes.includes(m));
};
await report("the search finds the signing clients in pkg/node", () => {
  const hits = ["pkg/node/ocr_edge.cjs", "pkg/edge/ocr_edge_bg.wasm"].flatMap((f) => found(path.join(root, f)));
  for (const m of MARKERS) assert.ok(hits.includes(m), `${m} not found in pkg/node`);
});
await report("no signing client in pkg/web", () => {
  const web = path.join(root, "pkg/web");
  const hits = fs.readdirSync(web).flatMap((f) => found(path.join(web, f)).map((m) => `${f}: ${m}`));
  assert.deepEqual(hits, []);
});
await report("no signing client in the Vite bundle", () => {
  assert.ok(files.length > 0, "dist is empty");
  const hits = files
    .filter((f) => fs.statSync(path.join(dist, f)).isFile())
    .flatMap((f) => found(path.join(dist, f)).map((m) => `${f}: ${m}`));
  assert.deepEqual(hits, []);
});

// The expected answer: the same PNG probed by the package in Node.
const { makePng } = await import("./png.js");
const lib = await import("ocr-edge");
const small = makePng(64, 48);
const expected = {
  probe: lib.probeImage(small),
  check: lib.checkImage(small, "huawei.quotaInvoice"),
  tiny: lib.checkImage(lib.probeImage(makePng(8, 8)), "huawei.quotaInvoice"),
  tinyAdvice: lib.checkImage(lib.probeImage(makePng(8, 8)), "tencent.bizLicense"),
};

const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".css": "text/css" };
const served = [];
const server = http.createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (rel === "/") rel = "/index.html";
  const file = path.join(dist, rel);
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("response", (r) => {
    served.push([new URL(r.url()).pathname, r.status(), r.headers()["content-type"]]);
    if (r.status() >= 400) problems.push(`${r.status()} for ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${origin}/`);
  await report("bundle loads in Chromium without page errors", async () => {
    await page.waitForFunction(() => document.getElementById("result")?.textContent !== "pending", null, {
      timeout: 20_000,
    }).catch(() => assert.fail(`the page never answered; ${problems.join("; ") || "no page error"}`));
    assert.deepEqual(problems, [], "no page errors or warnings");
  });
  const text = await page.textContent("#result");
  const got = JSON.parse(text);
  await report("the core's wasm and, on the first fitImage, the fitting chunk's, fetched once each as application/wasm", () => {
    const wasm = served.filter(([p]) => p.endsWith(".wasm"));
    assert.equal(wasm.length, 2, JSON.stringify(served));
    for (const w of wasm) assert.deepEqual(w.slice(1), [200, "application/wasm"]);
    return wasm.map((w) => w[0]).join(", ");
  });
  await report("fitImage in the DOM", () => {
    assert.deepEqual(got.fit, { untouched: true, width: 64 });
  });
  await report("probeImage in the DOM", () => {
    assert.equal(got.error, undefined, got.error);
    assert.deepEqual(got.probe, expected.probe, "same as the package in Node");
    const p = got.probe;
    assert.deepEqual(
      [p.format, p.width, p.height, p.orientation, p.displayWidth, p.displayHeight, p.byteLength],
      ["png", 64, 48, 1, 64, 48, small.length],
    );
    return JSON.stringify(p);
  });
  await report("checkImage in the DOM", () => {
    assert.deepEqual(got.check, expected.check);
    assert.equal(got.check.ok, true, JSON.stringify(got.check.violations));
    assert.deepEqual(got.tiny, expected.tiny);
    assert.equal(got.tiny.ok, false);
    assert.ok(got.tiny.violations.some((v) => v.code === "image.too_small"), JSON.stringify(got.tiny));
    // Tencent documents no pixel sides: the same image is only advised against.
    assert.deepEqual(got.tinyAdvice, expected.tinyAdvice);
    assert.equal(got.tinyAdvice.ok, true);
    assert.ok(got.tinyAdvice.warnings.some((v) => v.code === "image.too_small"), JSON.stringify(got.tinyAdvice));
  });
} finally {
  await browser.close();
  server.close();
}
console.log(failed ? `${failed} failed` : "all passed");
process.exit(failed ? 1 : 0);
