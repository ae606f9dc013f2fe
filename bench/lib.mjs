// Shared helpers: timing with warm-ups and medians, the row format of the
// table, a static server for Chromium, and the growth (log-log) fit.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";

export const benchDir = import.meta.dirname;
export const root = path.resolve(benchDir, "..");
export const cacheDir = path.join(benchDir, ".cache");
// playwright-core and miniflare come from the project's dev dependencies, so the
// bench uses exactly the versions the tests use (and no second workerd download).
export const rootRequire = createRequire(path.join(root, "package.json"));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times fn (sync or async) `reps` times after `warmup` runs; ms per call. */
export async function time(fn, { warmup = 3, reps = 15, inner = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    // `inner` batches tiny calls so the clock's resolution does not dominate.
    for (let i = 0; i < inner; i++) await fn();
    samples.push((performance.now() - t0) / inner);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), reps };
}

/** The same as time() for synchronous functions, without awaiting (no microtask cost). */
export function timeSync(fn, { warmup = 3, reps = 15, inner = 1 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((performance.now() - t0) / inner);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), reps };
}

/**
 * One line of the printed table. `ours`/`peer` are numbers in `unit`;
 * `better` says which way is good, so the ratio reads "ours relative to peer".
 */
export function row({ id, figure, ours, peer, unit, peerName, goal, met, better = "lower", note, noRatio }) {
  const ratio = !noRatio && ours != null && peer != null && peer !== 0 ? ours / peer : null;
  return { id, figure, ours, peer, peerName, unit, ratio, better, goal: goal ?? null, met: met ?? null, note: note ?? null };
}

export function fmt(v, unit) {
  if (v == null || Number.isNaN(v)) return "-";
  if (unit === "ms") {
    if (v < 0.01) return `${(v * 1000).toFixed(2)} µs`;
    if (v < 1) return `${(v * 1000).toFixed(1)} µs`;
    if (v < 100) return `${v.toFixed(2)} ms`;
    return `${v.toFixed(0)} ms`;
  }
  if (unit === "bytes") return v >= 1e6 ? `${(v / 1e6).toFixed(2)} MB` : `${(v / 1e3).toFixed(1)} KB`;
  if (unit === "%") return `${v.toFixed(1)} %`;
  if (unit === "x") return `${v.toFixed(2)}×`;
  if (unit === "exp") return `n^${v.toFixed(2)}`;
  if (typeof v === "number") return `${Number.isInteger(v) ? v : v.toFixed(2)}${unit ? " " + unit : ""}`;
  return String(v);
}

export function printTable(rows) {
  const head = ["figure", "ours", "peer", "ratio", "goal", "met"];
  const lines = rows.map((r) => [
    r.figure,
    fmt(r.ours, r.unit),
    r.peer == null ? "-" : `${fmt(r.peer, r.unit)}${r.peerName ? ` (${r.peerName})` : ""}`,
    r.ratio == null ? "-" : `${r.ratio.toFixed(r.ratio < 0.1 ? 4 : 2)}`,
    r.goal ?? "",
    r.met == null ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const out = [head, widths.map((w) => "-".repeat(w)), ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i])).join(" | "));
  console.log(out.join("\n"));
}

/**
 * Least-squares slope of log(y) against log(x): 1 means linear growth, 0
 * constant, 2 quadratic. Also returns R² so a noisy fit can be spotted.
 */
export function growthExponent(xs, ys) {
  const lx = xs.map(Math.log);
  const ly = ys.map((y) => Math.log(Math.max(y, 1e-9)));
  const n = lx.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
    syy += (ly[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, r2 };
}

export function describeGrowth(slope) {
  if (slope < 0.2) return "constant";
  if (slope < 0.8) return "sub-linear";
  if (slope < 1.2) return "linear";
  return "super-linear";
}

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".jpg": "image/jpeg", ".png": "image/png" };

/** Serves /work/main on loopback (so /pkg/web/index.js and /bench/... load). */
export async function startStatic() {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** One Chromium page for every browser measurement, on a blank same-origin page. */
export async function startBrowser() {
  const { chromium } = rootRequire("playwright-core");
  const stat = await startStatic();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--enable-precise-memory-info", "--js-flags=--expose-gc"],
  });
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("  page error:", e.message));
  await page.goto(`${stat.base}/bench/page.html`);
  const version = browser.version();
  return {
    page,
    base: stat.base,
    version,
    async close() {
      await browser.close();
      stat.server.close();
    },
  };
}

export function pkgReady() {
  const need = ["pkg/web/index.js", "pkg/web/ocr_edge_bg.wasm", "pkg/node/index.mjs", "pkg/workerd/index.js", "pkg/edge/ocr_edge_bg.wasm"];
  return need.every((f) => fs.existsSync(path.join(root, f)));
}

/** Waits for pkg/ (another engineer may be rebuilding it): up to 10 tries, 60 s apart. */
export async function waitForPkg(log = console.log) {
  for (let i = 0; i < 10 && !pkgReady(); i++) {
    log(`bench: pkg/ is incomplete (being rebuilt?); waiting 60 s (${i + 1}/10)`);
    await new Promise((r) => setTimeout(r, 60_000));
  }
  if (!pkgReady()) throw new Error("pkg/ is not built: run `bash scripts/build-pkg.sh` first");
}

/** The package's Node build, by path (the node_modules/ocr-edge link is made by the build). */
export const importOurs = () => import(new URL("../pkg/node/index.mjs", import.meta.url).href);
