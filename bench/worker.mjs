// 5. Worker overhead: requests/s and median latency through edge/worker.js in
// workerd (all checks on: token, origin, image check, signing) against the
// hand-written proxy bench/peer-proxy.js (signs, checks nothing), both in front
// of the same emulator. Also 7's concurrency series: 1 to 50 requests at once.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { DEV_CREDENTIALS, startEmulator, stopChild } from "../scripts/demo.mjs";
import { benchDir, importOurs, median, root, rootRequire, row } from "./lib.mjs";
import { startStub } from "./sign.mjs";

const ORIGIN = "https://bench.example";

// Both workerd instances get `cf: false`: otherwise miniflare tries to fetch
// Cloudflare's request.cf data from the internet, and a bench stays on loopback.
async function startMiniflare(options) {
  const { Miniflare, Log, LogLevel } = rootRequire("miniflare");
  const mf = new Miniflare({ compatibilityDate: "2026-07-01", host: "127.0.0.1", port: 0, cf: false, log: new Log(LogLevel.WARN), ...options });
  const url = await mf.ready;
  return { mf, url: url.href.replace(/\/$/, "") };
}

/** edge/worker.js as scripts/demo.mjs startWorker() loads it (same modules and date), plus cf: false. */
const startOurWorker = (bindings, handleRuntimeStdio) =>
  startMiniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: path.join(root, "edge", "worker.js"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    bindings,
    handleRuntimeStdio,
  });

const startPeerProxy = (upstream) =>
  startMiniflare({ modules: true, scriptPath: path.join(benchDir, "peer-proxy.js"), bindings: { ...DEV_CREDENTIALS, UPSTREAM_HUAWEI: upstream } });

/**
 * Sends `total` requests with `concurrency` in flight; returns requests/s,
 * latency median/p90 and any failures (a failed answer is counted, not timed).
 */
async function load(send, { concurrency, total }) {
  const lat = [];
  const failures = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < total) {
      next++;
      const s = performance.now();
      const r = await send();
      if (r.ok) lat.push(performance.now() - s);
      else failures.push(r.status + " " + r.text.slice(0, 300));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const secs = (performance.now() - t0) / 1000;
  const sorted = [...lat].sort((a, b) => a - b);
  return { concurrency, total, rps: lat.length / secs, median: median(lat), p90: sorted[Math.floor(sorted.length * 0.9)] ?? null, failures: failures.length, firstFailure: failures[0] ?? null };
}

/** Starts our worker and the peer proxy in front of `upstream`, runs `plan`, stops both. */
async function against(upstream, label, { ours, secret, corpus, plan, levels, rows, detail }) {
  let worker, peer;
  // The worker logs one JSON line per request with its own handling time
  // ("ms"); keeping those splits each latency into inside and outside workerd.
  const selfMs = [];
  const quietStdio = (out, err) => {
    out.setEncoding("utf8");
    out.on("data", (d) => {
      for (const line of d.split("\n")) {
        const ms = /"ms":(\d+(?:\.\d+)?)/.exec(line);
        if (ms) selfMs.push(Number(ms[1]));
      }
    });
    err.resume();
  };
  try {
    worker = await startOurWorker(
      { ...DEV_CREDENTIALS, UPSTREAM_HUAWEI: upstream, UPSTREAM_TENCENT: upstream, CAPTURE_TOKEN_SECRET: secret, ALLOWED_ORIGINS: ORIGIN, RATE_LIMIT_PER_MINUTE: "0", UPLOADS_PER_TOKEN: "16" },
      quietStdio,
    );
    peer = await startPeerProxy(upstream);
    // Many pages at once: a pool of tokens used in turn keeps each within its
    // share of uploads in flight (a refusal before the body is read resets the upload).
    const tokens = Array.from({ length: 8 }, () => ours.issueCaptureToken(secret, { scope: ["huawei.quotaInvoice", "tencent.bizLicense"], ttlSeconds: 900 }));
    let turn = 0;
    const bearer = () => `Bearer ${tokens[turn++ % tokens.length]}`;
    const sender = (url, headers, bytes) => async () => {
      const auth = headers.authorization === "pool" ? { authorization: bearer() } : {};
      const res = await fetch(url, { method: "POST", headers: { "content-type": "image/jpeg", ...headers, ...auth }, body: bytes });
      const text = await res.text();
      return { ok: res.status === 200, status: res.status, text };
    };
    const small = corpus.photos.find((p) => p.roles.includes("worker") && p.size < 1e6);
    const big = corpus.photos.find((p) => p.roles.includes("worker") && p.size > 5e6);
    const targets = (img) => ({
      ours: sender(`${worker.url}/v1/huawei/quota-invoice`, { authorization: "pool", origin: ORIGIN }, img.bytes),
      peer: sender(`${peer.url}/`, {}, img.bytes),
    });
    const runs = (detail.runs[label] = []);
    for (const [which, concurrency, total] of plan) {
      const img = which === "small" ? small : big;
      const t = targets(img);
      // A short warm-up per target so workerd has compiled both scripts' hot paths.
      for (const k of ["ours", "peer"]) await load(t[k], { concurrency: 1, total: 2 });
      // Alternate which one goes first so neither always gets a cooler machine.
      const order = runs.length % 2 ? ["peer", "ours"] : ["ours", "peer"];
      const res = {};
      let mark = selfMs.length;
      for (const k of order) {
        if (k === "ours") mark = selfMs.length;
        res[k] = await load(t[k], { concurrency, total });
        if (k === "ours") res.ours.workerSelfMedianMs = median(selfMs.slice(mark)) ?? null;
      }
      runs.push({ image: img.name, bytes: img.size, concurrency, total, ...res });
      const size = img.size < 1e6 ? `${Math.round(img.size / 1e3)} KB` : `${(img.size / 1e6).toFixed(1)} MB`;
      const note = `failures ours ${res.ours.failures}, peer ${res.peer.failures}`;
      if (concurrency === 1) {
        rows.push(row({ id: `worker.${label}.latency.${which}`, figure: `worker→${label} ${size}: median latency`, ours: res.ours.median, peer: res.peer.median, peerName: "JS proxy, no checks", unit: "ms", goal: "≤ peer", met: res.ours.median <= res.peer.median, note }));
      } else {
        rows.push(row({ id: `worker.${label}.rps.${which}`, figure: `worker→${label} ${size}: req/s, ${concurrency} in flight`, ours: res.ours.rps, peer: res.peer.rps, peerName: "JS proxy, no checks", unit: "req/s", better: "higher", goal: "≥ peer", met: res.ours.rps >= res.peer.rps, note }));
      }
    }
    if (levels) {
      // 7. Growth in concurrency: the 100 KB photo, 1 to 50 requests in flight.
      const t = targets(small);
      detail.concurrency = [];
      for (const c of levels) {
        const total = Math.max(levels.length > 2 ? 20 : 2, c * (levels.length > 2 ? 3 : 2));
        const o = await load(t.ours, { concurrency: c, total });
        const p = await load(t.peer, { concurrency: c, total });
        detail.concurrency.push({ concurrency: c, total, upstream: label, ours: o, peer: p });
      }
    }
  } finally {
    await worker?.mf.dispose().catch(() => {});
    await peer?.mf.dispose().catch(() => {});
  }
}

export async function run(ctx) {
  const { corpus, quick } = ctx;
  const ours = await importOurs();
  process.env.CARGO_TARGET_DIR ??= path.join(process.env.HOME, ".cache/ocr-edge/target");
  const emu = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  // The emulator is a debug build and dominates large requests; a replay stub
  // (the emulator's recorded answer, sent at once) shows the proxies' own cost.
  const stub = await startStub(emu.url);
  const secret = randomBytes(32).toString("hex");
  const rows = [];
  const detail = { runs: {}, note: "emulator: debug build, shared by both paths; stub: replays the emulator's answer after reading the body" };
  const common = { ours, secret, corpus, rows, detail };
  try {
    // (image, requests in flight, requests): latency one at a time, then throughput.
    await against(emu.url, "emulator", { ...common, plan: quick ? [["small", 1, 3], ["big", 1, 1]] : [["small", 1, 20], ["small", 8, 64], ["big", 1, 4], ["big", 4, 8]] });
    await against(stub.url, "stub", { ...common, plan: quick ? [["small", 1, 3], ["big", 1, 2]] : [["small", 1, 40], ["small", 8, 160], ["big", 1, 8], ["big", 4, 16]], levels: quick ? [1, 5] : [1, 5, 10, 25, 50] });
  } finally {
    stub.server.close();
    stub.server.closeAllConnections?.();
    await stopChild(emu.child);
  }
  return { rows, detail };
}
