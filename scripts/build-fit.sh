#!/usr/bin/env bash
# Builds the pure-Rust fitter (fit/, the `ocr-edge/fit` entry) as its own
# wasm, so the core browser bundle carries no codec: pkg/fit/ for browsers and
# workerd (--target web), pkg/fit-node/ for Node (CommonJS), optimised, with
# the entry files from pkg-template/fit*/, then prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=node_modules/.bin

# The hashed artifact, not release/'s copy (see scripts/wasm-artifact.cjs).
wasm_in=$(cargo build --release -p ocr-edge-fit --lib --target wasm32-unknown-unknown \
  --message-format=json-render-diagnostics | node scripts/wasm-artifact.cjs ocr_edge_fit)
rm -rf pkg/fit pkg/fit-node && mkdir -p pkg/fit pkg/fit-node
wasm-bindgen --target web --out-dir pkg/fit "$wasm_in"
wasm-bindgen --target nodejs --out-dir pkg/fit-node "$wasm_in"

# The same features as scripts/build-pkg.sh: those Rust's wasm32 target enables.
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
for dir in fit; do
  # shellcheck disable=SC2086
  "$bin/wasm-opt" -Oz $features --strip-debug --strip-producers \
    -o "pkg/$dir/ocr_edge_fit_bg.wasm" "pkg/$dir/ocr_edge_fit_bg.wasm"
done

# The nodejs glue is CommonJS; name it so inside a "type": "module" package.
mv pkg/fit-node/ocr_edge_fit.js pkg/fit-node/ocr_edge_fit.cjs
# One copy of the fitter's wasm: Node reads fit/'s from disk.
rm pkg/fit-node/ocr_edge_fit_bg.wasm pkg/fit-node/ocr_edge_fit_bg.wasm.d.ts
sed -i 's|`${__dirname}/ocr_edge_fit_bg.wasm`|`${__dirname}/../fit/ocr_edge_fit_bg.wasm`|' pkg/fit-node/ocr_edge_fit.cjs
grep -q '/../fit/ocr_edge_fit_bg.wasm' pkg/fit-node/ocr_edge_fit.cjs
rm -f pkg/fit*/.gitignore pkg/fit*/package.json pkg/fit-node/ocr_edge_fit.d.ts
cp pkg-template/fit/. pkg/fit/ -r
cp pkg-template/fit-node/. pkg/fit-node/ -r

node -e '
const fs = require("node:fs"), zlib = require("node:zlib");
const kb = (n) => (n / 1024).toFixed(1) + " KB";
for (const f of ["pkg/fit/ocr_edge_fit_bg.wasm", "pkg/fit/ocr_edge_fit.js"]) {
  const b = fs.readFileSync(f);
  console.log(`${f.padEnd(30)} ${kb(b.length).padStart(10)} raw ${kb(zlib.gzipSync(b, { level: 9 }).length).padStart(9)} gzip`);
}'
