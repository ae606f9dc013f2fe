// Fresh projects that install the packed tarball as users do, each on its
// own runtime, each making one real call to the emulator (OCR_EDGE_EMULATOR,
// set by scripts/with-emulator.sh): Node 18 and Node 22, `import` and
// `require`; a Vite 7 dev server with no config, its page in Chromium
// (Vite pre-bundles the package there and serves HTML for a missing .wasm);
// a `vite build` (also `--target es2020`) and a webpack 5 build, each page
// served from loopback in Chromium; a CommonJS TypeScript project (node16, skipLibCheck off)
// type-checked, compiled and run on Node 22; and a bundler-resolution TS app
// (page and server code) type-checked; a plain wrangler project
// from the README's own `src/index.js` and `wrangler.toml` (`wrangler
// deploy --dry-run` on Node 22, its bundle run in workerd) and
// esbuild pages (esm and iife, es2020) that call the emulator through that
// worker from Chromium. ONLY=regex picks consumers. The tools come from this folder's
// locked package.json, installed only when the lock changed; the projects
// install only the tarball. Prints `ok consumers ...` / `FAIL consumers ...`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { checkBuilt, html, pageSource } from "./built-page.mjs";

const here = import.meta.dirname;
const root = path.resolve(here, "../..");
const emulator = process.env.OCR_EDGE_EMULATOR;
if (!emulator) throw new Error("OCR_EDGE_EMULATOR is unset: run under scripts/with-emulator.sh");

const lock = path.join(here, "package-lock.json");
const stamp = path.join(here, "node_modules/.installed-lock.json");
const same = (a, b) => fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));
if (!same(lock, stamp)) {
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: here, stdio: "inherit" });
  fs.copyFileSync(lock, stamp);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "ocr-edge-consumers-"));
const tarball = path.join(work, execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: path.join(root, "pkg"), encoding: "utf8" }).trim().split("\n").pop());
const image = path.join(root, "tests/fixtures/images/jpeg-cmyk.jpg");

// One recognition through HuaweiClient against the emulator's dev credentials.
const call = (load) => `${load}
const client = new HuaweiClient({ region: "cn-north-4", endpoint: ${JSON.stringify(emulator)},
  projectId: "0123456789abcdef0123456789abcdef", credentials: { accessKey: "dev-ak", secretKey: "dev-sk" } });
const bytes = new Uint8Array(readFileSync(${JSON.stringify(image)}));
if (probeImage(bytes).format !== "jpeg") throw new Error("probe");
client.recognizeQuotaInvoice({ image: bytes }).then((r) => {
  if (typeof r.number !== "string" || !r.requestId) throw new Error("no invoice number or request id: " + JSON.stringify(r));
  return fitImage(bytes, "tencent.bizLicense");
}).then((f) => console.log("invoice ok, fitted " + f.bytes.length + " bytes"))
  .catch((e) => { console.error(e); process.exit(1); });
`;
const esm = call(`import { readFileSync } from "node:fs";
import { HuaweiClient, probeImage } from "ocr-edge";
import { fitImage } from "ocr-edge/fit";`);
const cjs = call(`const { readFileSync } = require("node:fs");
const { HuaweiClient, probeImage } = require("ocr-edge");
const { fitImage } = require("ocr-edge/fit");`);

// A fresh project holding only the tarball.
const project = (name, pkg = {}) => {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, ...pkg }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball], { cwd: dir, stdio: "inherit" });
  return dir;
};
const tool = (rel) => path.join(here, "node_modules", rel);
const { chromium } = createRequire(path.join(root, "package.json"))("playwright-core");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking"],
});

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// ONLY=regex runs just the consumers whose name matches (while developing).
const want = (name) => !process.env.ONLY || new RegExp(process.env.ONLY).test(name);
let failed = 0;
const report = async (what, fn) => {
  if (!want(what)) return;
  const t0 = performance.now();
  try {
    const line = await fn();
    console.log(`ok consumers ${what}: ${line} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL consumers ${what}: ${e.stderr || e.stdout || e.message}`);
  }
};
for (const runtime of ["node18", "node22"]) {
  const node = path.join(here, "node_modules", runtime, "bin/node");
  const dir = project(runtime);
  fs.writeFileSync(path.join(dir, "call.mjs"), esm);
  fs.writeFileSync(path.join(dir, "call.cjs"), cjs);
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  for (const file of ["call.mjs", "call.cjs"]) {
    try {
      const out = execFileSync(node, [file], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
      console.log(`ok consumers ${runtime} (${version}) ${file}: ${out}`);
    } catch (e) {
      failed++;
      console.log(`FAIL consumers ${runtime} (${version}) ${file}: ${e.stderr || e.message}`);
    }
  }
}
// Vite dev, first run, no config: the page probes and checks in Chromium.
if (want("vite dev")) {
  const dir = project("vite-dev", { type: "module" });
  for (const f of ["index.html", "main.js", "png.js"]) fs.copyFileSync(path.join(root, "tests/consumer", f), path.join(dir, f));
  const port = await freePort();
  const vite = spawn(process.execPath, [path.join(here, "node_modules/vite/bin/vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "inherit"],
    // CI=true turns colours on, and a coloured port would never match below.
    env: { ...process.env, NO_COLOR: "1" },
  });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("vite dev did not print its URL in 60 s")), 60000);
      let seen = "";
      vite.stdout.on("data", (d) => {
        seen += String(d).replace(/\x1b\[[0-9;]*m/g, "");
        if (seen.includes(`:${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      vite.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`vite exited ${code}`));
      });
    });
    const page = await browser.newPage();
    const wasm = [];
    page.on("response", (r) => r.url().endsWith(".wasm") && wasm.push(`${new URL(r.url()).pathname} ${r.headers()["content-type"]}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    // index.html says "pending" until main.js answers.
    await page.waitForFunction(() => document.getElementById("result")?.textContent !== "pending", null, { timeout: 60000 });
    const result = JSON.parse(await page.textContent("#result"));
    if (result.error || result.probe?.width !== 64 || result.check?.ok !== true || result.fit?.untouched !== true) throw new Error(JSON.stringify(result));
    for (const name of ["ocr_edge_bg.wasm", "fitting_bg.wasm"]) {
      if (!wasm.some((w) => w.includes(name) && w.includes("application/wasm"))) throw new Error(`no ${name} served: ${wasm}`);
    }
    console.log(`ok consumers vite dev (no config): probe, check and fit in Chromium; wasm ${wasm.join(", ")}`);
  } catch (e) {
    failed++;
    console.log(`FAIL consumers vite dev: ${e.message}`);
  } finally {
    vite.kill();
  }
}

// The answer the built pages must give: the same fixture through the
// tarball's Node build in this process.
const fixture = path.join(root, "tests/fixtures/images/jpeg-cmyk.jpg");
const nodeLib = createRequire(path.join(work, "node22/package.json"))("ocr-edge");
const fixtureBytes = new Uint8Array(fs.readFileSync(fixture));
const nodeFit = await (await import(pathToFileURL(path.join(work, "node22/node_modules/ocr-edge/fit-node/index.mjs")).href)).fitImage(fixtureBytes, "huawei.quotaInvoice");
const expected = JSON.parse(JSON.stringify({
  probe: nodeLib.probeImage(fixtureBytes),
  check: nodeLib.checkImage(fixtureBytes, "huawei.quotaInvoice"),
  tencent: nodeLib.checkImage(nodeLib.probeImage(fixtureBytes), "tencent.bizLicense"),
  fit: { untouched: nodeFit.untouched, info: nodeFit.info },
}));

const tsc = (dir, config) => execFileSync(process.execPath, [tool("typescript/bin/tsc"), "-p", config], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const strictTs = { strict: true, target: "es2022", lib: ["es2022", "dom"], skipLibCheck: false, types: [] };

// Vite build, no config, from a TypeScript page (Vite's template), and the
// same app type-checked under `moduleResolution: "bundler"`: the page gets
// the browser types (no signing client), server code with the runtime's
// condition gets the full ones.
{
  if (want("vite build bundler TS")) {
  const dir = project("vite-build", { type: "module" });
  fs.writeFileSync(path.join(dir, "index.html"), html(`<script type="module" src="/main.ts"></script>`));
  fs.writeFileSync(path.join(dir, "main.ts"), pageSource(true));
  fs.mkdirSync(path.join(dir, "public"));
  fs.copyFileSync(fixture, path.join(dir, "public/fixture.jpg"));
  fs.writeFileSync(path.join(dir, "page-types.ts"), `// Type-only checks of the browser entry (not part of the build).
import { ProxyClient, probeImage, type OcrEdgeError } from "ocr-edge";
// @ts-expect-error the browser build has no signing clients
import { HuaweiClient } from "ocr-edge";
export const proxy = (token: string) => new ProxyClient({ baseUrl: "/ocr", token });
// @ts-expect-error probeImage takes bytes, not a string: the types are the package's, not any
export const wrong = () => probeImage("photo.jpg");
export type { OcrEdgeError, HuaweiClient };
`);
  fs.writeFileSync(path.join(dir, "server.ts"), `// Server code compiled under bundler resolution with the runtime's condition.
import { HuaweiClient, TencentClient, issueCaptureToken, verifyCaptureToken, handleRequest, probeImage, type QuotaInvoiceResult } from "ocr-edge";
import { fitImage } from "ocr-edge/fit";
export default { fetch: handleRequest };
export const number = (r: QuotaInvoiceResult): string | null => r.number;
// @ts-expect-error no such method: the types are the package's, not any
export const wrong = (c: HuaweiClient) => c.recognizeEverything();
export { HuaweiClient, TencentClient, issueCaptureToken, verifyCaptureToken, probeImage, fitImage };
`);
  const bundler = { ...strictTs, noEmit: true, module: "esnext", moduleResolution: "bundler" };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: bundler, files: ["main.ts", "page-types.ts"] }));
  for (const condition of ["node", "workerd"]) {
    fs.writeFileSync(path.join(dir, `tsconfig.${condition}.json`), JSON.stringify({ compilerOptions: { ...bundler, customConditions: [condition] }, files: ["server.ts"] }));
  }
  await report("bundler TS page (moduleResolution bundler, skipLibCheck off)", () => (tsc(dir, "tsconfig.json"), "browser types, no signing client"));
  for (const condition of ["node", "workerd"]) {
    await report(`bundler TS server (customConditions ["${condition}"])`, () => (tsc(dir, `tsconfig.${condition}.json`), "full types: clients, capture tokens, handleRequest"));
  }
  await report("vite build (no config) in Chromium", async () => {
    execFileSync(process.execPath, [tool("vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return checkBuilt(browser, dir, path.join(dir, "dist"), expected);
  });
  // An older target: the entry has no top-level await, so es2020 builds.
  await report("vite build --target es2020 in Chromium", async () => {
    execFileSync(process.execPath, [tool("vite/bin/vite.js"), "build", "--target", "es2020", "--outDir", "dist-es2020", "--logLevel", "warn"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return checkBuilt(browser, dir, path.join(dir, "dist-es2020"), expected);
  });
  }
}

// webpack 5 with its defaults (entry ./src/index.js), the page in Chromium.
await report("webpack 5 build (defaults) in Chromium", async () => {
  const dir = project("webpack", { type: "module" });
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, "src/index.js"), pageSource(false));
  const dist = path.join(dir, "dist");
  const webpack = createRequire(tool("webpack/package.json"))("webpack");
  const stats = await new Promise((resolve, reject) =>
    webpack({ context: dir, mode: "production", output: { path: dist } }, (err, st) => (err ? reject(err) : resolve(st))));
  if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
  fs.writeFileSync(path.join(dist, "index.html"), html(`<script src="main.js"></script>`));
  fs.copyFileSync(fixture, path.join(dist, "fixture.jpg"));
  return `webpack ${webpack.version}; ${await checkBuilt(browser, dir, dist, expected)}`;
});

// A CommonJS TypeScript project (node16, skipLibCheck off, no @types/node):
// tsc type-checks it against the .d.cts and emits require(); Node runs it
// and it makes one real HuaweiClient call to the emulator.
await report("CJS TypeScript (node16) tsc + Node 22 call", () => {
  const dir = project("ts-cjs");
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { ...strictTs, module: "node16", moduleResolution: "node16", rootDir: "src", outDir: "out" },
    include: ["src"],
  }));
  fs.writeFileSync(path.join(dir, "src/call.ts"), `import { HuaweiClient, probeImage, type QuotaInvoiceResult } from "ocr-edge";
import { fitImage } from "ocr-edge/fit";

const bytes = Uint8Array.from(atob(${JSON.stringify(Buffer.from(fixtureBytes).toString("base64"))}), (c) => c.charCodeAt(0));
const client = new HuaweiClient({ region: "cn-north-4", endpoint: ${JSON.stringify(emulator)},
  projectId: "0123456789abcdef0123456789abcdef", credentials: { accessKey: "dev-ak", secretKey: "dev-sk" } });
if (probeImage(bytes).format !== "jpeg") throw new Error("probe");
client.recognizeQuotaInvoice({ image: bytes }).then(async (r: QuotaInvoiceResult) => {
  const number: string | null = r.number;
  if (!number || !r.requestId) throw new Error("no invoice number or request id: " + JSON.stringify(r));
  const fitted = await fitImage(bytes, "tencent.bizLicense");
  console.log("invoice " + number + ", fitted " + fitted.bytes.length + " bytes");
});
// @ts-expect-error no such method: the types are the package's, not any
export const wrong = (c: HuaweiClient) => c.recognizeEverything();
`);
  tsc(dir, "tsconfig.json");
  const js = fs.readFileSync(path.join(dir, "out/call.js"), "utf8");
  assert.match(js, /require\("ocr-edge"\)/, "tsc emitted CommonJS");
  const node = tool("node22/bin/node");
  return `tsc ok; ` + execFileSync(node, ["out/call.js"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
});

// A plain wrangler project: `npm install` of the tarball (not this repo's
// edge/), `main` re-exporting "ocr-edge/edge", `wrangler deploy --dry-run`
// on Node 22 (wrangler 4 needs it); the bundle it wrote then runs in workerd
// (miniflare) against the emulator, and one ProxyClient call goes through it. The esbuild pages below call it from Chromium.
const node22 = tool("node22/bin/node");
const pagePorts = { esm: await freePort(), iife: await freePort() };
let worker = null;
const workerSecret = "c".repeat(64);
await report("wrangler project (npm tarball): deploy --dry-run, the bundle in workerd, one call", async () => {
  const dir = project("wrangler", { type: "module" });
  fs.mkdirSync(path.join(dir, "src"));
  // The two files as the tarball's README gives them, copied as written.
  const readme = fs.readFileSync(path.join(dir, "node_modules/ocr-edge/README.md"), "utf8");
  const block = (label, lang) => {
    const m = readme.match(new RegExp("`" + label.replace(/[.]/g, "\\.") + "`:\\n\\n```" + lang + "\\n([\\s\\S]*?)```"));
    assert.ok(m, `the README has no ${label} block`);
    return m[1];
  };
  fs.writeFileSync(path.join(dir, "src/index.js"), block("src/index.js", "js"));
  fs.writeFileSync(path.join(dir, "wrangler.toml"), block("wrangler.toml", "toml"));
  const out = execFileSync(node22, [tool("wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", "dist"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  assert.match(out, /--dry-run: exiting now/, out);
  const files = fs.readdirSync(path.join(dir, "dist"));
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `wasm in the bundle: ${files}`);
  assert.ok(fs.readFileSync(path.join(dir, "dist", wasm[0])).equals(fs.readFileSync(path.join(dir, "node_modules/ocr-edge/edge/ocr_edge_bg.wasm"))), "the bundled wasm is the tarball's");
  const bindings = {
    HUAWEI_AK: "dev-ak", HUAWEI_SK: "dev-sk", HUAWEI_PROJECT_ID: "0123456789abcdef0123456789abcdef",
    TENCENT_SECRET_ID: "dev-secret-id", TENCENT_SECRET_KEY: "dev-secret-key",
    UPSTREAM_HUAWEI: emulator, UPSTREAM_TENCENT: emulator, CAPTURE_TOKEN_SECRET: workerSecret,
    ALLOWED_ORIGINS: Object.values(pagePorts).map((p) => `http://127.0.0.1:${p}`).join(","),
  };
  // The repository's miniflare (its workerd runs under this Node); the
  // consumers' own, wrangler's, wants a newer options shape.
  const { Miniflare, Log, LogLevel } = createRequire(path.join(root, "package.json"))("miniflare");
  const mf = new Miniflare({
    modules: true, modulesRoot: path.join(dir, "dist"), scriptPath: path.join(dir, "dist/index.js"),
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-07-01", cf: false, host: "127.0.0.1", port: 0, bindings, log: new Log(LogLevel.WARN),
    // The README's CAPTURE_LEDGER binding, with the class the README's index.js exports.
    durableObjects: { CAPTURE_LEDGER: "CaptureLedger" },
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  worker = { mf, url };
  const token = nodeLib.issueCaptureToken(workerSecret, { scope: "huawei.quotaInvoice", ttlSeconds: 300 });
  const invoice = await new nodeLib.ProxyClient({ baseUrl: url, token }).recognizeQuotaInvoice({ image: fixtureBytes });
  if (typeof invoice.number !== "string" || !invoice.requestId) throw new Error(JSON.stringify(invoice));
  worker.expected = { number: invoice.number, hasRequestId: true };
  return `wrangler ${execFileSync(node22, [tool("wrangler/bin/wrangler.js"), "--version"], { encoding: "utf8" }).trim()}, ${wasm[0]}; invoice ${invoice.number} through the worker`;
});

// esbuild for the browser, ESM and iife, from a fresh project: esbuild does
// not emit the .wasm (it does not follow new URL(..., import.meta.url)), so
// the build copies it beside the bundle, as the README says. Each page
// probes and checks in Chromium and makes one ProxyClient call through the
// wrangler project's worker to the emulator.
for (const format of ["esm", "iife"]) {
  await report(`esbuild (--format=${format} --target=es2020) in Chromium, one call through the worker`, async () => {
    if (!worker) throw new Error("no worker: the wrangler consumer failed");
    const dir = project(`esbuild-${format}`, { type: "module" });
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(path.join(dir, "src/index.js"), pageSource(false, { proxy: true }));
    const dist = path.join(dir, "dist");
    execFileSync(tool("esbuild/bin/esbuild"), ["src/index.js", "--bundle", `--format=${format}`, "--target=es2020", "--outfile=dist/main.js", "--log-level=warning"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const f of ["ocr_edge_bg.wasm", "fitting_bg.wasm"]) fs.copyFileSync(path.join(dir, "node_modules/ocr-edge/web", f), path.join(dist, f));
    fs.writeFileSync(path.join(dist, "index.html"), html(format === "esm" ? `<script type="module" src="main.js"></script>` : `<script src="main.js"></script>`));
    fs.copyFileSync(fixture, path.join(dist, "fixture.jpg"));
    const token = nodeLib.issueCaptureToken(workerSecret, { scope: "huawei.quotaInvoice", ttlSeconds: 300 });
    const query = `?proxy=${encodeURIComponent(worker.url)}&token=${encodeURIComponent(token)}`;
    return checkBuilt(browser, dir, dist, { ...expected, invoice: worker.expected }, { port: pagePorts[format], query });
  });
}
await worker?.mf.dispose();

await browser.close();
fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
