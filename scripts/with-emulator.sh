#!/usr/bin/env bash
# Runs a command with the emulator listening on loopback, its URL in
# OCR_EDGE_EMULATOR, and stops the emulator when the command ends.
# The port is fixed (EMULATOR_PORT, default 18787) because the wasm tests
# read the URL at compile time; a port in use makes this fail loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${EMULATOR_PORT:-18787}
cargo build --quiet -p ocr-edge-emulator
bin=${CARGO_TARGET_DIR:-target}/debug/ocr-edge-emulator
log=$(mktemp)
"$bin" --listen "127.0.0.1:$port" --quiet >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$log" | head -1)
[ -n "$url" ] || { echo "emulator did not start" >&2; cat "$log" >&2; exit 1; }
export OCR_EDGE_EMULATOR="$url"
"$@"
