# ocr-edge: the two commands a fresh machine needs are `make demo` and
# `make test`; both install what is missing first (scripts/setup.sh).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
WASM := --target wasm32-unknown-unknown --features clients
CHROMEDRIVER ?= /usr/bin/chromedriver
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup venv pkg test lint test-native test-wasm-node test-wasm-chromium test-pkg typecheck demo clean

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
	RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps --quiet

test-native:
	cargo test --workspace

# The wasm tests call the emulator (started and stopped around them).
test-wasm-node:
	bash scripts/with-emulator.sh cargo test $(WASM) --tests

test-wasm-chromium:
	WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=$(CHROMEDRIVER) \
	  bash scripts/with-emulator.sh cargo test $(WASM) --tests

test-pkg: pkg
	node --test tests/pkg/
	node tests/pkg/browser.mjs
	node tests/pkg/workerd.mjs

# Uses the package test-pkg just built; builds it only when missing.
typecheck:
	test -f pkg/index.d.ts || $(MAKE) pkg
	node_modules/.bin/tsc -p tests/types

# Everything, in the order of the README: formatting and lints, native tests
# with doctests, wasm tests in Node and Chromium, the package in Node,
# Chromium and workerd, then the TypeScript check.
test: setup
	$(MAKE) lint
	$(MAKE) test-native
	$(MAKE) test-wasm-node
	$(MAKE) test-wasm-chromium
	$(MAKE) test-pkg
	$(MAKE) typecheck

demo: setup
	@echo "The demo (emulator, worker and page) is not built yet; see the README."
	@exit 1

clean:
	cargo clean
	rm -rf pkg node_modules .venv
