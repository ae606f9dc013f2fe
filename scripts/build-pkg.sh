#!/usr/bin/env bash
# Assembles the npm package in pkg/ from three wasm builds: the page's core
# (image intake and the proxy client, no signing clients: a page must never
# hold cloud credentials), the page's fitting chunk (the planner and the
# canvas driver, loaded on the first fitImage), and the full one with the
# signing clients, bound for Node and for edge workers. Each is optimised
# with wasm-opt -Oz. The fitter's codecs are a fourth wasm
# (scripts/build-fit.sh), off the page's bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=node_modules/.bin
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The path of the .wasm cargo built for these features (see wasm-artifact.cjs).
wasm() {
  cargo build --release --lib --target wasm32-unknown-unknown --message-format=json-render-diagnostics "$@" |
    node scripts/wasm-artifact.cjs ocr_edge
}
cp "$(wasm --features proxy)" "$scratch/browser.wasm"
cp "$(wasm --features fit)" "$scratch/fitting.wasm"
cp "$(wasm --features clients)" "$scratch/full.wasm"

rm -rf pkg && mkdir -p pkg
wasm-bindgen --target web --out-name ocr_edge --out-dir pkg/web "$scratch/browser.wasm"
wasm-bindgen --target web --out-name fitting --out-dir pkg/web "$scratch/fitting.wasm"
wasm-bindgen --target web --out-name ocr_edge --out-dir pkg/edge "$scratch/full.wasm"
wasm-bindgen --target nodejs --out-name ocr_edge --out-dir pkg/node "$scratch/full.wasm"

# Rust's wasm32 target enables these features; wasm-opt must keep them.
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
# node/ and edge/ are the same wasm: only edge/ keeps a copy (see below).
for file in web/ocr_edge web/fitting edge/ocr_edge; do
  # shellcheck disable=SC2086
  "$bin/wasm-opt" -Oz $features --strip-debug --strip-producers \
    -o "pkg/${file}_bg.wasm" "pkg/${file}_bg.wasm"
done

cp -r pkg-template/. pkg/
# The nodejs glue is CommonJS; name it so inside a "type": "module" package.
mv pkg/node/ocr_edge.js pkg/node/ocr_edge.cjs
# One copy of the full wasm: Node reads edge/'s from disk, workerd imports it.
rm pkg/node/ocr_edge_bg.wasm pkg/node/ocr_edge_bg.wasm.d.ts
sed -i 's|`${__dirname}/ocr_edge_bg.wasm`|`${__dirname}/../edge/ocr_edge_bg.wasm`|' pkg/node/ocr_edge.cjs
grep -q '/../edge/ocr_edge_bg.wasm' pkg/node/ocr_edge.cjs
# OcrEdgeError and isOcrEdgeError (web/errors.js, a CommonJS copy for Node)
# export from every glue, and the glue's own throws become OcrEdgeErrors.
sed -e 's/^export class/class/; s/^export function/function/' pkg/web/errors.js > pkg/node/errors.cjs
echo 'module.exports = { OcrEdgeError, isOcrEdgeError, glueError };' >> pkg/node/errors.cjs
for glue in pkg/web/ocr_edge.js pkg/web/fitting.js pkg/edge/ocr_edge.js pkg/node/ocr_edge.cjs; do
  grep -q 'throw new Error(getStringFromWasm0(arg0, arg1));' "$glue"
  sed -i 's/throw new Error(getStringFromWasm0(arg0, arg1));/throw glueError(getStringFromWasm0(arg0, arg1));/' "$glue"
done
# The browser glue loads without top-level await (web/index.js): until it
# has, its `wasm` throws wasm.not_ready.
grep -q '^let wasmModule, wasmInstance, wasm;$' pkg/web/ocr_edge.js
test "$(grep -c 'if (wasm !== undefined) return wasm;' pkg/web/ocr_edge.js)" = 2
sed -i 's/^let wasmModule, wasmInstance, wasm;$/let wasmModule, wasmInstance, wasm = notReady();/; s/if (wasm !== undefined) return wasm;/if (wasmInstance !== undefined) return wasm;/' pkg/web/ocr_edge.js
printf '\nimport { glueError, notReady } from "./errors.js";\nexport { OcrEdgeError, isOcrEdgeError } from "./errors.js";\n' >> pkg/web/ocr_edge.js
printf '\nimport { glueError } from "./errors.js";\n' >> pkg/web/fitting.js
printf '\nimport { glueError } from "../web/errors.js";\nexport { OcrEdgeError, isOcrEdgeError } from "../web/errors.js";\n' >> pkg/edge/ocr_edge.js
printf '\nconst { glueError, OcrEdgeError, isOcrEdgeError } = require("./errors.cjs");\nmodule.exports.OcrEdgeError = OcrEdgeError;\nmodule.exports.isOcrEdgeError = isOcrEdgeError;\n' >> pkg/node/ocr_edge.cjs
node scripts/node-esm-entry.cjs pkg/node/ocr_edge.cjs > pkg/node/index.mjs
# The declarations per export condition (see scripts/pkg-types.cjs).
node scripts/pkg-types.cjs pkg
rm -f pkg/*/.gitignore pkg/*/package.json pkg/node/ocr_edge.d.ts pkg/edge/ocr_edge.d.ts pkg/web/fitting*.d.ts
cp LICENSE-MIT LICENSE-APACHE CHANGELOG.md pkg/

# The pure-Rust fitter: its own wasm, loaded only by `ocr-edge/fit`.
bash scripts/build-fit.sh

node scripts/size-report.cjs

# Tests import the package by name, through its exports map, as users do.
mkdir -p node_modules && ln -sfn ../pkg node_modules/ocr-edge
