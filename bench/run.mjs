#!/usr/bin/env node
// The benchmark runner: `node bench/run.mjs` runs every measurement once,
// side by side with its peers, prints one table and writes
// bench/results/<timestamp>.json. `--quick` is the CI smoke mode (tiny
// repetitions, three photos); `--only probe,size` runs a subset.
//
// Benchmarks are not tests: a missed goal prints "NO" but exits 0; only a
// measurement that cannot run at all exits non-zero.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const benchDir = import.meta.dirname;
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only"));
const only = onlyArg ? (onlyArg.split("=")[1] ?? args[args.indexOf(onlyArg) + 1]).split(",") : null;
const started = Date.now();
const loadAtStart = os.loadavg(); // taken now: machine() runs at the end
const log = (...m) => console.log(...m);

/** Installs bench/'s own dependencies when node_modules is missing or older than the lock file. */
function ensureDeps() {
  const lock = path.join(benchDir, "package-lock.json");
  const stamp = path.join(benchDir, "node_modules", ".bench-lock.json");
  const want = fs.readFileSync(lock, "utf8");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want) return;
  log("bench: installing bench dependencies (npm ci)");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: benchDir, stdio: "inherit" });
  fs.writeFileSync(stamp, want);
}

function machine(chromiumVersion) {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    cpuMHz: cpus[0]?.speed ?? null,
    memoryBytes: os.totalmem(),
    node: process.version,
    v8: process.versions.v8,
    chromium: chromiumVersion,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: os.loadavg(),
  };
}

/** Which build of the package was measured: size and sha256 of each wasm. */
function packageBuild() {
  const root = path.resolve(benchDir, "..");
  const files = ["pkg/web/ocr_edge_bg.wasm", "pkg/edge/ocr_edge_bg.wasm", "pkg/fit/ocr_edge_fit_bg.wasm"];
  const out = {};
  for (const f of files) {
    const p = path.join(root, f);
    if (!fs.existsSync(p)) continue;
    const b = fs.readFileSync(p);
    out[f] = { bytes: b.length, sha256: createHash("sha256").update(b).digest("hex"), mtime: fs.statSync(p).mtime.toISOString() };
  }
  return out;
}

ensureDeps();
// Imported after the install: these modules import the bench's dependencies.
const lib = await import("./lib.mjs");
const { loadCorpus } = await import("./corpus.mjs");
const { bundleBrowserPeers } = await import("./browser-peers.mjs");

// Order matters only for growth, which reads the others' series.
const MODULES = ["probe", "body", "sign", "size", "worker", "fit", "growth"];
const selected = MODULES.filter((m) => !only || only.includes(m));

await lib.waitForPkg(log);
const buildAtStart = packageBuild();
const corpus = loadCorpus({ quick, log });
await bundleBrowserPeers();
const browser = await lib.startBrowser();
const ctx = { quick, corpus, browser, log, results: {} };
const rows = [];
const failures = [];
try {
  for (const name of selected) {
    // pkg/ may be rebuilt while the bench runs: wait for it rather than fail.
    await lib.waitForPkg(log);
    const t0 = Date.now();
    log(`bench: ${name} ...`);
    try {
      const mod = await import(`./${name}.mjs`);
      const res = await mod.run(ctx);
      ctx.results[name] = res;
      rows.push(...res.rows);
      log(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      failures.push({ module: name, error: String(e?.stack ?? e) });
      console.error(`bench: ${name} FAILED: ${e?.stack ?? e}`);
    }
  }
} finally {
  await browser.close();
}

const seconds = (Date.now() - started) / 1000;
const buildAtEnd = packageBuild();
// A rebuild of pkg/ during the run would mix two builds in one table: say so.
const rebuilt = JSON.stringify(buildAtStart) !== JSON.stringify(buildAtEnd);
if (rebuilt) console.warn("bench: WARNING: pkg/ changed during the run; figures mix two builds");
console.log("");
lib.printTable(rows);
console.log(`\nratio = ours / peer (lower is better for time, bytes and memory; higher for % figures). ${seconds.toFixed(0)} s in all.`);

const out = {
  date: new Date(started).toISOString(),
  mode: quick ? "quick" : "full",
  seconds,
  machine: machine(browser.version),
  package: { build: buildAtStart, rebuiltDuringRun: rebuilt, ...(rebuilt ? { buildAtEnd } : {}) },
  corpus: corpus.all.map((f) => ({ name: f.name, bytes: f.size, ref: f.ref })),
  rows,
  detail: Object.fromEntries(Object.entries(ctx.results).map(([k, v]) => [k, v.detail])),
  failures,
};
const resultsDir = path.join(benchDir, "results");
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${out.date.replace(/[:.]/g, "-")}${quick ? "-quick" : ""}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 1) + "\n");
console.log(`bench: wrote ${path.relative(process.cwd(), file)}`);
process.exit(failures.length ? 1 : 0);
