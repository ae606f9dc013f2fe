// Prints the package's sizes raw and gzipped, and fails when the browser
// bundle (the page's core: wasm + JS glue, without the fitting chunk it
// loads on the first fitImage) passes the budget in size-budget.json.
const fs = require("node:fs");
const zlib = require("node:zlib");

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + " KB";
const files = ["pkg/web/ocr_edge_bg.wasm", "pkg/web/ocr_edge.js", "pkg/web/index.js"];
let raw = 0;
let zipped = 0;
for (const f of files) {
  const buf = fs.readFileSync(f);
  raw += buf.length;
  zipped += gz(buf);
  console.log(`${f.padEnd(28)} ${kb(buf.length).padStart(10)} raw ${kb(gz(buf)).padStart(9)} gzip`);
}
const chunk = ["pkg/web/fitting_bg.wasm", "pkg/web/fitting.js"].map((f) => fs.readFileSync(f));
console.log(`fitting chunk (loaded on the first fitImage): ${kb(chunk.reduce((a, b) => a + b.length, 0))} raw, ${kb(chunk.reduce((a, b) => a + gz(b), 0))} gzip`);
const edge = ["pkg/edge/ocr_edge_bg.wasm", "pkg/edge/ocr_edge.js", "pkg/workerd/index.js"].map((f) => fs.readFileSync(f));
const edgeRaw = edge.reduce((a, b) => a + b.length, 0);
const edgeGz = edge.reduce((a, b) => a + gz(b), 0);
console.log(`worker bundle (with signing clients): ${kb(edgeRaw)} raw, ${kb(edgeGz)} gzip`);
const budget = JSON.parse(fs.readFileSync("size-budget.json", "utf8")).browserBundleGzipBytes;
console.log(`browser bundle: ${kb(raw)} raw, ${kb(zipped)} gzip (budget ${kb(budget)})`);
if (zipped > budget) {
  console.error(`size budget exceeded by ${zipped - budget} bytes; largest functions:`);
  try {
    const out = require("node:child_process").execFileSync(
      "node_modules/.bin/wasm-opt",
      ["--func-metrics", "pkg/web/ocr_edge_bg.wasm", "-o", "/dev/null"],
      { encoding: "utf8" },
    );
    console.error(out.split("\n").slice(0, 30).join("\n"));
  } catch (_) {}
  process.exit(1);
}
