# ocr-edge: the two commands a fresh machine needs are `make demo` and
# `make test`; both install what is missing first (scripts/setup.sh).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
WASM := --target wasm32-unknown-unknown --features clients
CHROMEDRIVER ?= /usr/bin/chromedriver
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup venv pkg test lint test-native test-wasm-node test-wasm-chromium test-pkg lint-pkg test-consumers test-worker test-e2e test-load fuzz-smoke fuzz-long soak typecheck demo bench bench-quick clean

setup:
	bash scripts/setup.sh

venv:
	bash scripts/setup.sh venv

pkg:
	bash scripts/build-pkg.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --all-targets $(WASM) -- -D warnings
	# the page's two builds: its core and its fitting chunk
	cargo clippy --lib --target wasm32-unknown-unknown --features proxy -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features fit -- -D warnings
	RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps --quiet

test-native:
	cargo test --workspace

# The wasm tests call the emulator (started and stopped around them).
test-wasm-node:
	bash scripts/with-emulator.sh cargo test $(WASM) --tests

test-wasm-chromium:
	WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=$(CHROMEDRIVER) \
	  bash scripts/with-emulator.sh cargo test $(WASM) --tests

# The assembled package as users load it: Node, Chromium (fitting included),
# workerd, and a Vite 7 app bundling it.
test-pkg: pkg
	node --test tests/pkg/
	node tests/pkg/browser.mjs
	node tests/pkg/fit-browser.mjs
	node tests/pkg/fit-heif-browser.mjs
	node tests/pkg/fit-heif-workerd.mjs
	node tests/pkg/fit-memory-workerd.mjs
	node tests/pkg/workerd.mjs
	node tests/consumer/run.mjs
	$(MAKE) lint-pkg

# The packed tarball as registries and type checkers see it. `./web` (the
# raw browser glue) and `./edge` (the worker) are ESM by design, so they are
# checked as ESM-only; the `.wasm` subpath is an asset, not code.
lint-pkg:
	test -f pkg/index.d.ts || $(MAKE) pkg
	cd pkg && ../node_modules/.bin/attw --pack . --exclude-entrypoints ./ocr_edge_bg.wasm ./web ./edge
	cd pkg && ../node_modules/.bin/attw --pack . --profile esm-only --entrypoints ./web ./edge
	cd pkg && ../node_modules/.bin/publint --strict .

# Fresh projects installing the packed tarball, with tests/consumers' locked
# tools: Node 18 and Node 22 (`import`, `require`) and a CommonJS TypeScript
# project, each making a real call to the emulator; `vite dev`, `vite build`
# and webpack 5 pages in Chromium; bundler-resolution TypeScript checks; a
# wrangler project (deploy --dry-run, its bundle in workerd) and esbuild
# pages (esm, iife) calling the emulator through it.
test-consumers:
	test -f pkg/index.d.ts || $(MAKE) pkg
	bash scripts/with-emulator.sh node tests/consumers/run.mjs

# The edge worker in workerd against the emulator, and the bad-input
# catalogue in Node and through the worker.
test-worker:
	test -f pkg/workerd/index.js || $(MAKE) pkg
	cargo build --quiet -p ocr-edge-emulator
	node --test tests/worker/ tests/bad_input/

# The worker and the emulator under 1,000 mixed requests, 50 at a time;
# `make soak` is the 10-minute run (not part of make test).
test-load:
	test -f pkg/workerd/index.js || $(MAKE) pkg
	cargo build --quiet -p ocr-edge-emulator
	node tests/load/load.mjs

soak:
	test -f pkg/workerd/index.js || $(MAKE) pkg
	cargo build --quiet -p ocr-edge-emulator
	node tests/load/load.mjs --soak 600

# Every fuzz target briefly (installs nightly and cargo-fuzz when missing);
# `make fuzz-long` is the longer run whose figures are in tests/fuzz/README.md.
fuzz-smoke:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-10} bash scripts/fuzz-smoke.sh

fuzz-long:
	bash scripts/fuzz-long.sh

# The demo end to end in Chromium; screenshots go to artifacts/demo/.
test-e2e:
	test -f pkg/web/index.js || $(MAKE) pkg
	cargo build --quiet -p ocr-edge-emulator
	node tests/demo/demo.e2e.mjs

# Uses the package test-pkg just built; builds it only when missing: every
# export under nodenext, a page under bundler resolution, server code under
# bundler with the workerd condition, and a CommonJS node16 project, all
# with skipLibCheck off.
typecheck:
	test -f pkg/index.d.ts || $(MAKE) pkg
	node_modules/.bin/tsc -p tests/types
	node_modules/.bin/tsc -p tests/types/bundler
	node_modules/.bin/tsc -p tests/types/bundler-server
	node_modules/.bin/tsc -p tests/types/cjs

# Everything, in the order of the README: formatting and lints, native tests
# with doctests, wasm tests in Node and Chromium, the package in Node,
# Chromium, workerd and a Vite app, the worker against the emulator, the
# load run, the demo end to end, the TypeScript check, a short fuzz run, and
# the benchmarks in quick mode (they must still start; figures are not checked).
test: setup
	$(MAKE) lint
	$(MAKE) test-native
	$(MAKE) test-wasm-node
	$(MAKE) test-wasm-chromium
	$(MAKE) test-pkg
	$(MAKE) test-consumers
	$(MAKE) test-worker
	$(MAKE) test-load
	$(MAKE) test-e2e
	$(MAKE) typecheck
	$(MAKE) fuzz-smoke
	$(MAKE) bench-quick

# The emulator, the worker in workerd and the page on loopback; Ctrl-C stops
# them all. DEMO_UPSTREAM=cloud (see the README) targets the real clouds.
demo: setup pkg
	cargo build --quiet -p ocr-edge-emulator
	node scripts/demo.mjs

# Benchmarks against the peers (not a test); bench-quick checks they start.
bench: setup pkg
	cargo build --quiet -p ocr-edge-emulator
	node bench/run.mjs

bench-quick:
	test -f pkg/web/index.js || $(MAKE) pkg
	cargo build --quiet -p ocr-edge-emulator
	node bench/run.mjs --quick

clean:
	cargo clean
	rm -rf pkg node_modules .venv
