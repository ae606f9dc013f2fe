// HEIC through fitImage in Node, from the package: decoded by the optional
// peer libheif-js, loaded on the first HEIF; plus the reported quality and
// the AbortSignal. Photos are made at test time by tests/fit/make_photos.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkImage, probeImage, fitImage as coreFit } from "ocr-edge";
import { fitImage } from "ocr-edge/fit";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(os.tmpdir(), "ocr-edge-fit-photos");
const python = process.env.OCR_EDGE_PYTHON ?? path.join(root, ".venv/bin/python");
execFileSync(python, [path.join(root, "tests/fit/make_photos.py"), dir], { stdio: "inherit" });
const photo = (name) => new Uint8Array(fs.readFileSync(path.join(dir, name)));

test("a HEIC stored turned becomes an upright JPEG the target accepts", async () => {
  const input = photo("small-o6.heic");
  const src = probeImage(input);
  assert.deepEqual([src.format, src.orientation, src.displayWidth, src.displayHeight], ["heif", 6, 600, 800]);
  const r = await coreFit(input, "huawei.quotaInvoice");
  assert.equal(r.info.format, "jpeg");
  assert.deepEqual(probeImage(r.bytes), r.info);
  assert.deepEqual([r.info.width, r.info.height, r.info.orientation], [600, 800, 1]);
  assert.ok(checkImage(r.bytes, "huawei.quotaInvoice").ok);
  assert.equal(r.untouched, false);
});

test("a 12 MP HEIC becomes a JPEG within the budget", async () => {
  const r = await fitImage(photo("photo-12mp.heic"), "tencent.bizLicense", { maxBase64Bytes: 2_000_000 });
  assert.equal(r.info.format, "jpeg");
  assert.ok(checkImage(r.bytes, "tencent.bizLicense").ok);
  assert.ok(Math.ceil(r.bytes.length / 3) * 4 <= 2_000_000);
  assert.ok(Math.abs(r.info.width / r.info.height - 4032 / 3024) < 0.01);
});

test("quality reads as the two decimals used", async () => {
  const r = await fitImage(photo("photo-o6.jpg"), "huawei.quotaInvoice", { maxBase64Bytes: 1_000_000 });
  for (const q of [r.quality, ...r.steps.map((s) => s.quality)]) {
    assert.equal(q, Math.round(q * 100) / 100, `${q}`);
  }
  const top = await fitImage(photo("small-o6.heic"), "huawei.quotaInvoice");
  assert.equal(top.quality, 0.95);
});

test("an aborted fit rejects with kind aborted, before or during the work", async () => {
  const before = new AbortController();
  before.abort();
  await assert.rejects(fitImage(photo("photo-o6.jpg"), "huawei.quotaInvoice", { signal: before.signal }), {
    name: "OcrEdgeError",
    kind: "aborted",
    code: "fit.aborted",
  });
  const during = new AbortController();
  let steps = 0;
  const p = fitImage(photo("photo-o6.jpg"), "huawei.quotaInvoice", {
    maxBase64Bytes: 300_000,
    signal: during.signal,
    onProgress: () => {
      steps++;
      during.abort();
    },
  });
  await assert.rejects(p, { kind: "aborted", code: "fit.aborted" });
  assert.equal(steps, 1, "no encode after the abort");
  await assert.rejects(fitImage(photo("photo-o6.jpg"), "huawei.quotaInvoice", { signal: 1 }), { code: "argument.type" });
});

test("a loader that fails is the typed error telling to install libheif-js", () => {
  // A fresh process: libheif-js, once loaded, is kept for the process.
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", `import fs from "node:fs"; import { fitImage } from "ocr-edge/fit";
     fitImage(fs.readFileSync(${JSON.stringify(path.join(dir, "small-o6.heic"))}), "huawei.quotaInvoice",
       { loadHeif: () => import("no-such-libheif") }).then(() => console.log("resolved"), (e) => console.log(e.kind, e.code, e.message));`],
    { cwd: import.meta.dirname, encoding: "utf8" },
  );
  assert.match(out, /^unavailable fit\.heif_unavailable .*npm install libheif-js/);
});
