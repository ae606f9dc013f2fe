#!/usr/bin/env bash
# Assembles the npm package in pkg/: the wasm built once, bound for the web
# (browsers and workers) and for Node, optimised, with the template files.
set -euo pipefail
cd "$(dirname "$0")/.."

wasm_in=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/ocr_edge.wasm
bin=node_modules/.bin

cargo build --release --lib --target wasm32-unknown-unknown --quiet
rm -rf pkg && mkdir -p pkg
wasm-bindgen --target web --out-dir pkg/web "$wasm_in"
wasm-bindgen --target nodejs --out-dir pkg/node "$wasm_in"

# Rust's wasm32 target enables these features; wasm-opt must keep them.
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
for dir in web node; do
  # shellcheck disable=SC2086
  "$bin/wasm-opt" -Oz $features --strip-debug --strip-producers \
    -o "pkg/$dir/ocr_edge_bg.wasm" "pkg/$dir/ocr_edge_bg.wasm"
done

cp -r pkg-template/. pkg/
# The nodejs glue is CommonJS; name it so inside a "type": "module" package.
mv pkg/node/ocr_edge.js pkg/node/ocr_edge.cjs
sed -i 's/ocr_edge\.js/ocr_edge.cjs/' pkg/node/ocr_edge.d.ts 2>/dev/null || true
cp pkg/node/ocr_edge.d.ts pkg/index.d.ts
node scripts/node-esm-entry.cjs pkg/node/ocr_edge.cjs > pkg/node/index.mjs
rm -f pkg/web/.gitignore pkg/node/.gitignore pkg/web/package.json pkg/node/package.json

node scripts/size-report.cjs

# Tests import the package by name, through its exports map, as users do.
mkdir -p node_modules && ln -sfn ../pkg node_modules/ocr-edge
