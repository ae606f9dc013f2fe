// Loads pkg/ in real workerd (through miniflare) with the `workerd` entry,
// the way a Cloudflare Worker imports it, and runs the shared checks there.
import path from "node:path";
import { Miniflare } from "miniflare";

const root = path.resolve(import.meta.dirname, "../..");
const mf = new Miniflare({
  modules: true,
  modulesRoot: root,
  scriptPath: path.join(root, "tests/pkg/worker-entry.mjs"),
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2026-07-01",
});
let failed = 0;
try {
  const res = await mf.dispatchFetch("http://localhost/");
  const rows = await res.json();
  if (!Array.isArray(rows)) throw new Error(`worker answered ${JSON.stringify(rows)}`);
  for (const [what, actual, expected] of rows) {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    if (!ok) failed++;
    console.log(`${ok ? "ok" : "FAIL"} workerd ${what}${ok ? "" : `: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`}`);
  }
} finally {
  await mf.dispose();
}

// `ocr-edge/edge` as a worker's whole entry: the proxy answers, in JSON.
const edge = new Miniflare({
  modules: true,
  modulesRoot: root,
  scriptPath: path.join(root, "pkg/workerd/worker.js"),
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  bindings: { CAPTURE_TOKEN_SECRET: "0".repeat(64), ALLOWED_ORIGINS: "http://localhost:5173" },
  compatibilityDate: "2026-07-01",
});
try {
  const res = await edge.dispatchFetch("http://localhost/v1/huawei/quota-invoice", { method: "POST", body: "x" });
  const body = await res.json();
  const ok = res.status === 401 && typeof body === "object" && body !== null;
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "FAIL"} workerd ocr-edge/edge answers an untokened call with 401 JSON${ok ? "" : `: ${res.status} ${JSON.stringify(body)}`}`);
} finally {
  await edge.dispose();
}
process.exit(failed ? 1 : 0);
