// HEIC in workerd (miniflare): `ocr-edge/fit` refuses it before any work
// with the typed `fit.heif_in_worker` error naming the 128 MB, for a 12 MP
// photo and a small one alike (workerd cannot compile libheif-js's wasm).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Miniflare } from "miniflare";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(os.tmpdir(), "ocr-edge-fit-photos");
const python = process.env.OCR_EDGE_PYTHON ?? path.join(root, ".venv/bin/python");
execFileSync(python, [path.join(root, "tests/fit/make_photos.py"), dir], { stdio: "inherit" });
const fit = path.join(root, "pkg/fit");
const script = `import { fitImage } from "./workerd.js";
export default { async fetch(req) {
  const bytes = new Uint8Array(await req.arrayBuffer());
  try { const r = await fitImage(bytes, "huawei.quotaInvoice"); return Response.json({ format: r.info.format }); }
  catch (e) { return Response.json({ name: e.name, kind: e.kind, code: e.code, message: e.message }); }
} };`;
const mf = new Miniflare({
  compatibilityDate: "2025-01-01",
  modulesRoot: fit,
  modules: [
    { type: "ESModule", path: path.join(fit, "entry.js"), contents: script },
    { type: "ESModule", path: path.join(fit, "workerd.js") },
    { type: "ESModule", path: path.join(fit, "ocr_edge_fit.js") },
    { type: "CompiledWasm", path: path.join(fit, "ocr_edge_fit_bg.wasm") },
  ],
});
let failed = 0;
try {
  for (const name of ["photo-12mp.heic", "small-o6.heic"]) {
    const res = await mf.dispatchFetch("http://w/", { method: "POST", body: fs.readFileSync(path.join(dir, name)) });
    const e = await res.json();
    try {
      assert.deepEqual([e.name, e.kind, e.code], ["OcrEdgeError", "unavailable", "fit.heif_in_worker"]);
      assert.match(e.message, /128 MB/);
      console.log(`ok workerd ${name} refused before work: ${e.message}`);
    } catch (err) {
      failed++;
      console.log(`FAIL workerd ${name}: ${err.message} ${JSON.stringify(e)}`);
    }
  }
  // A 12.6 MP JPEG still fits (53 MiB; larger ones: fit-memory-workerd.mjs).
  const res = await mf.dispatchFetch("http://w/", { method: "POST", body: fs.readFileSync(path.join(dir, "photo-4096.jpg")) });
  const j = await res.json();
  if (j.format !== "jpeg") failed++;
  console.log(`${j.format === "jpeg" ? "ok" : "FAIL"} workerd photo-4096.jpg still fits: ${JSON.stringify(j)}`);
} finally {
  await mf.dispose();
}
process.exit(failed ? 1 : 0);
