// Fitting inside workerd (miniflare): the pure-Rust fitter's wasm memory
// against a worker's 128 MB. Photos that fit within it are fitted; larger
// ones (a scaled 18.75 MP, 24 MP and 48 MP) are refused with the typed
// `fit.worker_memory` before any work. wasm memory never shrinks, so its
// size after the call is the call's peak.
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
// Two large camera-sized photos of noise (the hardest to compress), made once.
for (const [name, w, h] of [["photo-24mp.jpg", 6000, 4000], ["photo-48mp.jpg", 8000, 6000]]) {
  if (fs.existsSync(path.join(dir, name))) continue;
  execFileSync(python, ["-c", `from PIL import Image; Image.effect_noise((${w}, ${h}), 40).convert("RGB").save(${JSON.stringify(path.join(dir, name))}, quality=85)`]);
}
const fit = path.join(root, "pkg/fit");
const WORKER_LIMIT = 128 * 1024 * 1024;
// Each request is a fresh isolate's first fit: the worker is rebuilt per photo.
const script = `import module from "./ocr_edge_fit_bg.wasm";
import { initSync } from "./ocr_edge_fit.js";
import { fitImage } from "./workerd.js";
const exports = initSync({ module });
export default { async fetch(req) {
  const target = new URL(req.url).searchParams.get("target");
  const bytes = new Uint8Array(await req.arrayBuffer());
  const before = exports.memory.buffer.byteLength;
  try {
    const r = await fitImage(bytes, target);
    return Response.json({ before, after: exports.memory.buffer.byteLength, out: r.bytes.length, w: r.info.width, h: r.info.height });
  } catch (e) {
    return Response.json({ before, after: exports.memory.buffer.byteLength, code: e.code, message: e.message });
  }
} };`;

let failed = 0;
const CASES = [
  // [photo, target, fitted?]
  ["photo-4096.jpg", "huawei.quotaInvoice", true],
  ["photo-o6.jpg", "huawei.vatInvoice", true],
  ["photo-o6.jpg", "huawei.quotaInvoice", false],
  ["photo-24mp.jpg", "huawei.quotaInvoice", false],
  ["photo-48mp.jpg", "huawei.quotaInvoice", false],
];
for (const [name, target, fits] of CASES) {
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
  try {
    const body = fs.readFileSync(path.join(dir, name));
    const res = await mf.dispatchFetch(`http://w/?target=${target}`, { method: "POST", body });
    const j = await res.json();
    const mb = (n) => (n / 1048576).toFixed(1);
    const line = `${name} (${mb(body.length)} MB) for ${target}: wasm ${mb(j.before)} → ${mb(j.after)} MiB, ${j.code ? `refused ${j.code}` : `${j.w}x${j.h}, ${mb(j.out)} MB out`}`;
    try {
      if (fits) {
        assert.ok(!j.code, j.message);
        assert.ok(j.after < WORKER_LIMIT, "peak over 128 MB");
      } else {
        assert.equal(j.code, "fit.worker_memory", j.message);
        assert.match(j.message, /128 MB/);
        // Refused before decoding: only the input's copy was taken.
        assert.ok(j.after - j.before < body.length + 8 * 1048576, "memory grew before the refusal");
      }
      console.log(`ok workerd fit memory ${line}`);
    } catch (e) {
      failed++;
      console.log(`FAIL workerd fit memory ${line}: ${e.message}`);
    }
  } finally {
    await mf.dispose();
  }
}
process.exit(failed ? 1 : 0);
