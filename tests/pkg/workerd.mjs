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
process.exit(failed ? 1 : 0);
