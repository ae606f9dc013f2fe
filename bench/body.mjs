// 2. Body building: photo bytes → {"image":"<base64>"} for 1, 5 and 7.5 MB
// photos, against native base64 and what users write, in Node, Chromium and
// workerd: time, and peak extra memory (Node, Chromium).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { benchDir, importOurs, row, time, timeSync } from "./lib.mjs";
import { NODE_METHODS } from "./body-methods.js";

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** workerd: ms per body for each method, timed from outside over `n` builds per request, the bare loop taken out. */
async function workerdTimes(files, { reps, work }) {
  const { Miniflare } = await import("miniflare");
  const root = path.resolve(benchDir, "..");
  const mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: path.join(benchDir, "body-workerd.js"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-07-01",
    cf: false,
  });
  const out = {};
  try {
    for (const f of files) {
      await (await mf.dispatchFetch("http://bench/", { method: "POST", body: f.bytes })).text();
      // About `work` bytes of photo per request, so a request's own jitter stays small.
      const n = Math.max(2, Math.ceil(work / f.size));
      const ms = {};
      for (const method of ["none", "ours", "toBase64 into one buffer"]) {
        const t = await time(async () => {
          const res = await mf.dispatchFetch(`http://bench/?method=${encodeURIComponent(method)}&n=${n}`);
          if (!res.ok) throw new Error(`workerd body ${method}: ${res.status} ${await res.text()}`);
          await res.text();
        }, { warmup: 2, reps });
        ms[method] = t.median;
      }
      out[f.name] = { ours: Math.max(0, ms.ours - ms.none) / n, peer: Math.max(0, ms["toBase64 into one buffer"] - ms.none) / n };
    }
  } finally {
    await mf.dispose();
  }
  return out;
}

/** Peak extra RSS of one call, in a fresh `node --expose-gc` (bench/body-mem.mjs). */
function nodeMemory(method, file) {
  const out = execFileSync(process.execPath, ["--expose-gc", path.join(benchDir, "body-mem.mjs"), method, file], { maxBuffer: 1 << 20 });
  return JSON.parse(String(out));
}

/** Chromium: V8 heap + ArrayBuffer backing stores after one call, over a GC'd baseline (CDP). */
async function browserMemory(page, cdp, method, name) {
  await page.evaluate(() => import("/bench/browser/body.js").then((m) => m.release()));
  await cdp.send("HeapProfiler.collectGarbage");
  const u0 = await cdp.send("Runtime.getHeapUsage");
  const body = await page.evaluate((a) => import("/bench/browser/body.js").then((m) => m.once(a)), { method, name });
  const u1 = await cdp.send("Runtime.getHeapUsage");
  await page.evaluate(() => import("/bench/browser/body.js").then((m) => m.release()));
  const used = (u) => u.usedSize + (u.backingStorageSize ?? 0);
  return { extra: Math.max(0, used(u1) - used(u0)), body };
}

export async function run(ctx) {
  const { corpus, browser, quick } = ctx;
  const reps = quick ? 3 : 15;
  const ours = await importOurs();
  const files = corpus.photos.filter((p) => p.roles.includes("body") || (quick && p.size > 0.5e6 && p.size < 8e6));
  const growth = corpus.photos.filter((p) => p.roles.includes("growth"));
  const rows = [];
  const node = {};
  // Time every method on the body photos and on the growth series.
  for (const f of [...new Set([...files, ...growth])]) {
    node[f.name] = { bytes: f.size };
    // Warm-up runs long enough for V8 to tier the wasm and JS up to optimised code.
    for (const [m, fn] of Object.entries(NODE_METHODS)) node[f.name][m] = { ms: timeSync(() => fn(ours, f.bytes), { warmup: quick ? 2 : 5, reps }).median };
  }
  for (const f of files) for (const m of Object.keys(NODE_METHODS)) Object.assign(node[f.name][m], nodeMemory(m, f.path));

  const { page } = browser;
  const cdp = await page.context().newCDPSession(page);
  const bnames = [...new Set([...files, ...growth])].map((f) => f.name);
  const methods = await page.evaluate((files) => import("/bench/browser/body.js").then((m) => m.prepare(files)), [...new Set([...files, ...growth])].map(({ name, url }) => ({ name, url })));
  const chromium = await page.evaluate((a) => import("/bench/browser/body.js").then((m) => m.timeAll(a)), { names: bnames, reps });
  const chromiumMem = {};
  for (const f of files) {
    chromiumMem[f.name] = {};
    for (const m of methods) chromiumMem[f.name][m] = await browserMemory(page, cdp, m, f.name);
  }
  await cdp.detach();
  const workerd = await workerdTimes(files, { reps: quick ? 2 : 7, work: quick ? 2e6 : 60e6 });

  for (const f of files) {
    const n = node[f.name];
    const bodyLen = n.ours.body;
    rows.push(
      row({ id: `body.node.${f.name}.buffer`, figure: `body node ${mb(f.size)}: time`, ours: n.ours.ms, peer: n["Buffer base64 into one buffer"].ms, peerName: "Buffer base64 into one buffer", unit: "ms", goal: "≤ 1.5×", met: n.ours.ms <= 1.5 * n["Buffer base64 into one buffer"].ms }),
      row({ id: `body.node.${f.name}.b64`, figure: `body node ${mb(f.size)}: time`, ours: n.ours.ms, peer: n["Buffer base64"].ms, peerName: "Buffer base64 alone (a string, no body)", unit: "ms" }),
      row({ id: `body.node.${f.name}.json`, figure: `body node ${mb(f.size)}: time`, ours: n.ours.ms, peer: n["base64+JSON.stringify+encode"].ms, peerName: "base64+stringify+encode", unit: "ms", goal: "≥ 10× faster", met: n.ours.ms * 10 <= n["base64+JSON.stringify+encode"].ms }),
      row({ id: `body.node.${f.name}.mem`, figure: `body node ${mb(f.size)}: peak extra memory`, ours: n.ours.extra, peer: n["base64+JSON.stringify+encode"].extra, peerName: "base64+stringify+encode", unit: "bytes", goal: `≤ 1.5× body (${mb(1.5 * bodyLen)})`, met: n.ours.extra <= 1.5 * bodyLen }),
    );
    const c = chromium;
    const native = c.toBase64 ? "toBase64" : "readAsDataURL";
    const oneBuffer = c["toBase64 into one buffer"];
    rows.push(
      ...(oneBuffer ? [row({ id: `body.chromium.${f.name}.buffer`, figure: `body chromium ${mb(f.size)}: time`, ours: c.ours[f.name].median, peer: oneBuffer[f.name].median, peerName: "toBase64 into one buffer", unit: "ms", goal: "≤ 1.5×", met: c.ours[f.name].median <= 1.5 * oneBuffer[f.name].median })] : []),
      row({ id: `body.chromium.${f.name}.b64`, figure: `body chromium ${mb(f.size)}: time`, ours: c.ours[f.name].median, peer: c[native][f.name].median, peerName: `${native} alone (a string, no body)`, unit: "ms" }),
      row({ id: `body.chromium.${f.name}.dataurl`, figure: `body chromium ${mb(f.size)}: time`, ours: c.ours[f.name].median, peer: c.readAsDataURL[f.name].median, peerName: "readAsDataURL alone", unit: "ms" }),
      row({ id: `body.chromium.${f.name}.json`, figure: `body chromium ${mb(f.size)}: time`, ours: c.ours[f.name].median, peer: c[`${native}+JSON.stringify+encode`][f.name].median, peerName: `${native}+stringify+encode`, unit: "ms", goal: "≥ 10× faster", met: c.ours[f.name].median * 10 <= c[`${native}+JSON.stringify+encode`][f.name].median }),
      row({ id: `body.workerd.${f.name}.buffer`, figure: `body workerd ${mb(f.size)}: time`, ours: workerd[f.name].ours, peer: workerd[f.name].peer, peerName: "toBase64 into one buffer", unit: "ms", goal: "≤ 1.5×", met: workerd[f.name].ours <= 1.5 * workerd[f.name].peer }),
      row({ id: `body.chromium.${f.name}.mem`, figure: `body chromium ${mb(f.size)}: extra memory`, ours: chromiumMem[f.name].ours.extra, peer: chromiumMem[f.name][`${native}+JSON.stringify+encode`].extra, peerName: `${native}+stringify+encode`, unit: "bytes", goal: `≤ 1.5× body (${mb(1.5 * bodyLen)})`, met: chromiumMem[f.name].ours.extra <= 1.5 * bodyLen }),
    );
  }
  const series = {
    node: growth.map((g) => ({ file: g.name, bytes: g.size, ours: node[g.name].ours.ms, base64: node[g.name]["Buffer base64"].ms, user: node[g.name]["base64+JSON.stringify+encode"].ms })),
    chromium: growth.map((g) => ({ file: g.name, bytes: g.size, ours: chromium.ours[g.name].median })),
  };
  return { rows, detail: { node, chromium, workerd, chromiumMemory: chromiumMem, series, memoryMethod: { node: "peak RSS (getrusage maxRSS) above the RSS just before the call, fresh process per sample", chromium: "CDP Runtime.getHeapUsage (used + ArrayBuffer backing stores) right after one call, above a GC'd baseline; includes the kept result and not-yet-collected garbage" } } };
}
