// Fresh projects that install the packed tarball as users do, each on its
// own runtime, each making one real call to the emulator (OCR_EDGE_EMULATOR,
// set by scripts/with-emulator.sh): Node 18 and Node 22, `import` and
// `require`; and a Vite 7 dev server with no config, its page in Chromium
// (Vite pre-bundles the package there and serves HTML for a missing .wasm). The runtimes come from this folder's locked package.json,
// installed only when the lock changed; the projects install only the
// tarball. Prints `ok consumers ...` / `FAIL consumers ...`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";

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

let failed = 0;
for (const runtime of ["node18", "node22"]) {
  const node = path.join(here, "node_modules", runtime, "bin/node");
  const dir = path.join(work, runtime);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `consumer-${runtime}`, private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: dir, stdio: "inherit" });
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
{
  const dir = path.join(work, "vite-dev");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer-vite-dev", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: dir, stdio: "inherit" });
  for (const f of ["index.html", "main.js", "png.js"]) fs.copyFileSync(path.join(root, "tests/consumer", f), path.join(dir, f));
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
  const vite = spawn(process.execPath, [path.join(here, "node_modules/vite/bin/vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  const { chromium } = createRequire(path.join(root, "package.json"))("playwright-core");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    await new Promise((resolve, reject) => {
      vite.stdout.on("data", (d) => String(d).includes(`:${port}`) && resolve());
      vite.on("exit", (code) => reject(new Error(`vite exited ${code}`)));
    });
    const page = await browser.newPage();
    const wasm = [];
    page.on("response", (r) => r.url().endsWith(".wasm") && wasm.push(`${new URL(r.url()).pathname} ${r.headers()["content-type"]}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.getElementById("result")?.textContent, null, { timeout: 60000 });
    const result = JSON.parse(await page.textContent("#result"));
    if (result.error || result.probe?.width !== 64 || result.check?.ok !== true) throw new Error(JSON.stringify(result));
    if (!wasm.some((w) => w.includes("application/wasm"))) throw new Error(`no wasm served: ${wasm}`);
    console.log(`ok consumers vite dev (no config): probe and check in Chromium; wasm ${wasm.join(", ")}`);
  } catch (e) {
    failed++;
    console.log(`FAIL consumers vite dev: ${e.message}`);
  } finally {
    await browser.close();
    vite.kill();
  }
}

fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
