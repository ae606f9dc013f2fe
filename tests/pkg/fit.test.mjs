// fitImage in Node through the package, as users import it: `ocr-edge/fit`
// (pure-Rust codecs in wasm), and the core's `fitImage` handing over to it.
// Photos are made at test time by tests/fit/make_photos.py (Pillow).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkImage, probeImage, fitImage as coreFit } from "ocr-edge";
import { fitImage } from "ocr-edge/fit";
import { BUDGETS, TARGETS, budgetsFor } from "./samples.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(os.tmpdir(), "ocr-edge-fit-photos");
const python = process.env.OCR_EDGE_PYTHON ?? path.join(root, ".venv/bin/python");
execFileSync(python, [path.join(root, "tests/fit/make_photos.py"), dir], { stdio: "inherit" });
const photo = (name) => new Uint8Array(fs.readFileSync(path.join(dir, name)));

const b64 = (n) => Math.ceil(n / 3) * 4;

/** Checks one result and returns its figures. */
function assertFits(name, input, target, budget, r) {
  const what = `${name} → ${target} (budget ${budget})`;
  const check = checkImage(r.bytes, target);
  assert.ok(check.ok, `${what}: ${JSON.stringify(check.violations)}`);
  assert.equal(r.info.orientation, 1, what);
  assert.deepEqual(probeImage(r.bytes), r.info, what);
  assert.ok(b64(r.bytes.length) <= budget, `${what}: ${b64(r.bytes.length)} over ${budget}`);
  assert.equal(r.blob.size, r.bytes.length, what);
  const src = probeImage(input);
  const aIn = src.displayWidth / src.displayHeight;
  const aOut = r.info.displayWidth / r.info.displayHeight;
  assert.ok(Math.abs(aIn - aOut) / aIn < 0.01, `${what}: aspect ${aIn} → ${aOut}`);
  assert.ok(r.scale <= 1, what);
  const share = b64(r.bytes.length) / budget;
  if (checkImage(input, target).ok) {
    // Already within the target, only turned: never sent larger than it came.
    assert.ok(r.bytes.length <= input.length, `${what}: ${r.bytes.length} bytes from ${input.length}`);
  } else if (r.steps.some((s) => !s.fits)) {
    // Bound by the budget (some try was over it): it must land close to it.
    assert.ok(share >= 0.9, `${what}: ${(share * 100).toFixed(1)}% of budget`);
  }
  return share;
}

const cases = [
  ["photo-o6.jpg", [null, 1_000_000, 300_000]],
  ["photo-o8.jpg", [null, 300_000]],
  ["screenshot.png", [null, 300_000]],
  ["drawing.gif", [null]],
  ["photo.webp", [null, 300_000]],
  ["cmyk.jpg", [null, 500_000]],
];

for (const [name, budgets] of cases) {
  test(`ocr-edge/fit fits ${name}`, async () => {
    const input = photo(name);
    for (const target of TARGETS) {
      for (const max of budgetsFor(target, budgets)) {
        const budget = max ?? BUDGETS[target];
        const progress = [];
        const t0 = performance.now();
        const r = await fitImage(input, target, {
          maxBase64Bytes: max ?? undefined,
          onProgress: (p) => progress.push(p),
        });
        const ms = performance.now() - t0;
        const share = assertFits(name, input, target, budget, r);
        assert.equal(progress.length, r.steps.length);
        console.log(
          `node ${name} → ${target} ${max ? `budget ${max}` : ""}: ${r.info.format} ${r.info.width}×${r.info.height} ` +
            `q${r.quality.toFixed(2)} scale ${r.scale.toFixed(3)}, ${(share * 100).toFixed(1)}% of budget, ` +
            `${r.steps.length} encodes, ${ms.toFixed(0)} ms`,
        );
      }
    }
  });
}

test("a photo that already fits is returned untouched", async () => {
  const input = photo("photo-fits.jpg");
  const r = await fitImage(input, "huawei.quotaInvoice");
  assert.equal(r.bytes, input, "the same Uint8Array");
  assert.deepEqual(r.steps, []);
  assert.equal(r.untouched, true);
  const blob = new Blob([input], { type: "image/jpeg" });
  const rb = await fitImage(blob, "huawei.quotaInvoice");
  assert.equal(rb.blob, blob, "the same Blob");
  assert.deepEqual(rb.bytes, input);
});

test("an EXIF-rotated photo that already fits is turned upright, never larger than it came", async () => {
  const input = photo("photo-o6-fits.jpg");
  assert.equal(probeImage(input).orientation, 6, "the input is stored turned");
  assert.ok(checkImage(input, "huawei.quotaInvoice").ok, "the input already fits");
  const r = await fitImage(input, "huawei.quotaInvoice");
  assertFits("photo-o6-fits.jpg", input, "huawei.quotaInvoice", BUDGETS["huawei.quotaInvoice"], r);
  assert.deepEqual([r.info.displayWidth, r.info.displayHeight], [3024, 4032]);
});

test("Blob input, and the core's fitImage hands over to ocr-edge/fit", async () => {
  const input = photo("photo.webp");
  const r = await coreFit(new Blob([input]), "tencent.bizLicense", { maxBase64Bytes: 300_000 });
  assertFits("photo.webp (Blob, core)", input, "tencent.bizLicense", 300_000, r);
  assert.equal(r.blob.type, "image/jpeg");
});

test("an image that cannot fit is a typed error naming the limit", async () => {
  await assert.rejects(fitImage(photo("strip.png"), "huawei.quotaInvoice"), (e) => {
    assert.equal(e.name, "OcrEdgeError");
    assert.equal(e.code, "image.cannot_fit");
    assert.equal(e.kind, "invalid_image");
    assert.match(e.message, /15 px/);
    assert.equal(e.violations[0].code, "image.too_small");
    return true;
  });
  await assert.rejects(fitImage(photo("photo-o6.jpg"), "nope"), { code: "target.unknown" });
  await assert.rejects(fitImage(photo("photo-o6.jpg"), "tencent.bizLicense", { maxBase64Bytes: 8e6 }), {
    code: "argument.type",
  });
});

test("require('ocr-edge/fit') shares the instance", () => {
  const cjs = createRequire(import.meta.url)("ocr-edge/fit");
  assert.equal(cjs.fitImage, fitImage);
});

test("without ocr-edge/fit, the core's fitImage says to import it", () => {
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", `import { fitImage } from "ocr-edge";
     fitImage(new Uint8Array(8), "huawei.quotaInvoice").catch((e) => console.log(e.code, e.message));`],
    { cwd: import.meta.dirname, encoding: "utf8" },
  );
  assert.match(out, /^fit\.unsupported .*ocr-edge\/fit/);
});

test("a 4096×3072 photo fits within a worker's 128 MB", async () => {
  const big = path.join(dir, "photo-4096.jpg");
  if (!fs.existsSync(big)) {
    execFileSync(python, ["-c", `
import sys; sys.path.insert(0, ${JSON.stringify(path.join(root, "tests/fit"))})
import make_photos as m
m.save_rotated(m.camera_like(3072, 4096, 9), ${JSON.stringify(big)}, 6)`]);
  }
  const input = photo("photo-4096.jpg");
  const before = process.memoryUsage().arrayBuffers;
  const r = await fitImage(input, "tencent.bizLicense", { maxBase64Bytes: 1_000_000 });
  const after = process.memoryUsage().arrayBuffers;
  assertFits("photo-4096.jpg", input, "tencent.bizLicense", 1_000_000, r);
  // The wasm memory is an ArrayBuffer: its growth is the fit's peak.
  const mb = (after - before) / 2 ** 20;
  console.log(`node photo-4096.jpg: wasm memory grew by ${mb.toFixed(1)} MB`);
  assert.ok(mb < 128, `${mb} MB`);
});
