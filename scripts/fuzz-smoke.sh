#!/usr/bin/env bash
# CI smoke run: every fuzz target for a short while (FUZZ_SECONDS, default
# 20) on a copy of its committed corpus. Fails if any target crashes, hangs
# or leaks past 1 GB; the crash file is left in fuzz/artifacts/<target>/ and
# should be copied to fuzz/regressions/<target>/ once fixed.
# Unoptimised and without sanitizers unless FUZZ_FLAGS says otherwise.
FUZZ_FLAGS="${FUZZ_FLAGS---dev --sanitizer none}"
source "$(dirname "$0")/fuzz-common.sh"

secs="${FUZZ_SECONDS:-20}"
work="${FUZZ_WORK:-${TMPDIR:-/tmp}/ocr-edge-fuzz-smoke}"
mkdir -p "$work"
cargo +nightly fuzz build "${FUZZ_FLAGS[@]}" --fuzz-dir fuzz
failed=()
for t in $(targets); do
  if run_target "$t" "$secs" "$work/$t" "$work/$t.log"; then
    summary "$t" "$work/$t.log"
  else
    summary "$t" "$work/$t.log"
    echo "FAILED: $t (log: $work/$t.log)"
    grep -E 'panicked|ERROR: libFuzzer|Test unit written' "$work/$t.log" | head -5 || true
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz smoke run failed: ${failed[*]}"
  exit 1
fi
echo "fuzz smoke run passed"
