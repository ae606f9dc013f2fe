#!/usr/bin/env bash
# Installs what a fresh machine lacks, and only that: the wasm32 target,
# wasm-bindgen-cli matching Cargo.lock, Chromium and ChromeDriver, the pinned
# npm tools, and the Python virtualenv with the providers' SDKs and Pillow.
# Run it again at will: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '[setup] %s\n' "$*"; }

venv() {
  if [ ! -x .venv/bin/python ] || ! cmp -s tests/requirements.txt .venv/.requirements 2>/dev/null; then
    say "python virtualenv (.venv) from tests/requirements.txt"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
    cp tests/requirements.txt .venv/.requirements
  fi
}

if [ "${1:-}" = venv ]; then venv; exit 0; fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "wasm-bindgen-cli $want (found '${have:-none}')"
  # Without --locked: the registry mirror lacks one locked dependency version.
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# CJK glyphs for the demo's screenshots (recognised fields are Chinese).
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  say "debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! cmp -s package-lock.json node_modules/.installed-lock.json 2>/dev/null; then
  say "npm tools (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock.json
fi

venv
say "ready"
