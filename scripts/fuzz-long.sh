#!/usr/bin/env bash
# A longer fuzz run: `scripts/fuzz-long.sh [seconds per target]` (default
# 300), one target after another on one core. Prints one line per target
# (executions, seconds, coverage, features, corpus) to record in
# tests/fuzz/README.md. With FUZZ_MERGE=1, inputs that add coverage are
# merged into the committed corpus afterwards (keep it under 3 MB).
source "$(dirname "$0")/fuzz-common.sh"

secs="${1:-300}"
work="${FUZZ_WORK:-${TMPDIR:-/tmp}/ocr-edge-fuzz-long}"
mkdir -p "$work"
cargo +nightly fuzz build "${FUZZ_FLAGS[@]}" --fuzz-dir fuzz
status=0
for t in $(targets); do
  if ! run_target "$t" "$secs" "$work/$t" "$work/$t.log"; then
    echo "FAILED: $t (log: $work/$t.log)"
    status=1
  fi
  summary "$t" "$work/$t.log" | tee -a "$work/summary.txt"
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    cargo +nightly fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "$work/$t" -- -merge=1 \
      >"$work/$t.merge.log" 2>&1 || true
  fi
done
exit "$status"
