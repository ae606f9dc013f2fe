// Load and soak: the edge worker in workerd and the emulator on loopback,
// under a mix of valid, invalid and faulty calls. Every answer must be the
// one its kind expects, the emulator must have seen exactly the upstream
// calls the worker should make (none lost, none duplicated), and memory is
// sampled for the report. Exits non-zero on any unexpected answer or count.
//
//   node tests/load/load.mjs                  1,000 requests, 50 at a time (CI)
//   node tests/load/load.mjs --soak 600       the same mix for 600 s (separate)
//   node tests/load/load.mjs --requests N --concurrency C [--only KIND]
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const soakSeconds = flag("--soak", 0);
const requests = flag("--requests", soakSeconds ? Infinity : 1000);
const concurrency = flag("--concurrency", soakSeconds ? 20 : 50);

const INVOICE = fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png"));
const LICENCE = fs.readFileSync(path.join(root, "emulator/fixtures/images/biz-license.png"));
// A 10×10 PNG header: refused by the worker before any upstream call.
const TINY = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d494844520000000a0000000a0802000000", "hex"), Buffer.alloc(16)]);
const SECRET = randomBytes(32).toString("hex");

/** The mix, by weight: what is sent, what must come back, what reaches upstream. */
const KINDS = [
  { name: "invoice", weight: 40, route: "/v1/huawei/quota-invoice", type: "image/png", body: INVOICE, status: 200, upstream: { RecognizeQuotaInvoice: 1 } },
  { name: "licence", weight: 20, route: "/v1/tencent/biz-license", type: "image/png", body: LICENCE, status: 200, upstream: { VerifyBasicBizLicense: 1 } },
  { name: "too-small", weight: 15, route: "/v1/huawei/quota-invoice", type: "image/png", body: TINY, status: 422, code: "image.rejected", upstream: {} },
  { name: "bad-token", weight: 10, route: "/v1/huawei/quota-invoice", type: "image/png", body: INVOICE, status: 401, auth: "v1.forged", upstream: {} },
  // A standing 503 on VerifyBizLicense: the worker sends a billed call once (the provider may have done the work), then answers a typed 502 (the provider failed, not the caller).
  { name: "faulty", weight: 15, route: "/v1/tencent/biz-license?detailed=1", type: "image/png", body: LICENCE, status: 502, upstream: { VerifyBizLicense: 1 } },
];
// --only NAME: one kind alone, to tell which path holds memory.
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
if (only) KINDS.splice(0, KINDS.length, ...KINDS.filter((k) => k.name === only));
const totalWeight = KINDS.reduce((a, k) => a + k.weight, 0);
const pick = (i) => {
  // Deterministic spread over the weights: request i gets slot i mod total.
  let slot = (i * 7919) % totalWeight;
  for (const k of KINDS) {
    if (slot < k.weight) return k;
    slot -= k.weight;
  }
  return KINDS[0];
};

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function workerdPids() {
  // workerd is miniflare's child; find it by its command line.
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/cmdline`, "utf8").includes("workerd") && fs.readFileSync(`/proc/${d}/cmdline`, "utf8").includes("serve");
      } catch {
        return false;
      }
    })
    .map(Number);
}

process.env.CARGO_TARGET_DIR ??= "target";
const emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
const before = new Set(workerdPids());
const worker = await startWorker({
  host: "127.0.0.1",
  port: 0,
  verbose: false,
  bindings: {
    ...DEV_CREDENTIALS,
    UPSTREAM_HUAWEI: emulator.url,
    UPSTREAM_TENCENT: emulator.url,
    CAPTURE_TOKEN_SECRET: SECRET,
    ALLOWED_ORIGINS: "https://app.example",
    RATE_LIMIT_PER_MINUTE: "0",
  },
  // The state a deployment holds across isolates: each token's budget, by Durable Object.
  durableObjects: { CAPTURE_LEDGER: "CaptureLedger" },
  handleRuntimeStdio: (out, err) => (out.resume(), err.resume()),
});
const workerd = workerdPids().filter((p) => !before.has(p));

let failed = 0;
const sent = Object.fromEntries(KINDS.map((k) => [k.name, 0]));
const unexpected = [];
const latencies = [];
const memory = [];
const sample = (label) =>
  memory.push({ label, emulatorKb: rssKb(emulator.child.pid), workerdKb: workerd.map(rssKb).reduce((a, b) => a + (b ?? 0), 0) });

try {
  const arm = await fetch(`${emulator.url}/__emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ route: "VerifyBizLicense", spec: "status=503;retry-after=0" }),
  });
  if (!arm.ok) throw new Error(`arming the fault failed: ${arm.status}`);
  // A token per request, as pages get them: one token has at most two uploads in flight.
  const token = () => issueCaptureToken(SECRET, { scope: ["huawei.quotaInvoice", "tencent.bizLicense", "tencent.bizLicense.detailed"], ttlSeconds: 900 });
  sample("start");
  const start = Date.now();
  const deadline = soakSeconds ? start + soakSeconds * 1000 : Infinity;
  let next = 0;
  let lastSample = start;
  const one = async () => {
    for (;;) {
      const i = next++;
      if (i >= requests || Date.now() >= deadline) return;
      const k = pick(i);
      sent[k.name]++;
      const t = performance.now();
      try {
        const res = await fetch(`${worker.url}${k.route}`, {
          method: "POST",
          headers: { "content-type": k.type, authorization: `Bearer ${k.auth ?? token()}`, origin: "https://app.example" },
          body: k.body,
        });
        const json = await res.json().catch(() => null);
        const code = json?.error?.code;
        if (res.status !== k.status || (k.code && code !== k.code) || (res.status !== 200 && typeof code !== "string")) {
          unexpected.push(`${k.name}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
        }
      } catch (e) {
        unexpected.push(`${k.name}: ${e.message}`);
      }
      latencies.push(performance.now() - t);
      if (Date.now() - lastSample > 30_000) {
        lastSample = Date.now();
        sample(`${Math.round((lastSample - start) / 1000)} s`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  const seconds = (Date.now() - start) / 1000;
  sample("end");

  // The emulator's own count of what reached it, per route.
  const stats = await (await fetch(`${emulator.url}/__emulator/stats`)).json();
  const expected = {};
  for (const k of KINDS) for (const [route, n] of Object.entries(k.upstream)) expected[route] = (expected[route] ?? 0) + n * sent[k.name];
  for (const [route, n] of Object.entries(expected)) {
    const got = stats.routes?.[route]?.requests ?? 0;
    const ok = got === n;
    if (!ok) failed++;
    console.log(`${ok ? "ok" : "FAIL"} load upstream ${route}: ${got} requests reached the emulator, ${n} expected`);
  }
  const total = Object.values(sent).reduce((a, b) => a + b, 0);
  const ok = unexpected.length === 0;
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "FAIL"} load answers: ${total - unexpected.length} of ${total} as expected`);
  for (const u of unexpected.slice(0, 10)) console.log(`  unexpected ${u}`);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(1);
  console.log(
    `load: ${total} requests (${Object.entries(sent).map(([k, v]) => `${k} ${v}`).join(", ")}) at ${concurrency} concurrent ` +
      `in ${seconds.toFixed(1)} s, ${(total / seconds).toFixed(0)} req/s; latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
  );
  console.log(`load memory (RSS, KB): ${memory.map((m) => `${m.label}: emulator ${m.emulatorKb}, workerd ${m.workerdKb}`).join("; ")}`);
} catch (e) {
  failed++;
  console.log(`FAIL load run: ${e.stack ?? e}`);
} finally {
  await worker.mf.dispose();
  await stopChild(emulator.child);
}
console.log(failed ? `load: ${failed} failed` : "load: passed");
process.exit(failed ? 1 : 0);
