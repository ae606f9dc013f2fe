# Shared by fuzz-smoke.sh and fuzz-long.sh (sourced, not run).
# Installs what cargo-fuzz needs when it is missing, then defines run_target.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz
fi

# Extra cargo-fuzz build flags, the same for build and run (or run rebuilds):
# the smoke run uses an unoptimised build without sanitizers, which compiles
# in a fraction of the time and still panics on overflow and bad indexing.
read -r -a FUZZ_FLAGS <<<"${FUZZ_FLAGS:-}"

# Every target, as cargo-fuzz lists them from fuzz/Cargo.toml.
targets() {
  cargo +nightly fuzz list --fuzz-dir fuzz
}

# run_target <target> <seconds> <work dir> <log file>
# Fuzzes one target on one core, starting from a copy of the committed
# corpus (new inputs go to the work dir, never into fuzz/corpus) plus the
# regression files. -timeout turns a hang into a crash report.
run_target() {
  local t="$1" secs="$2" work="$3" log="$4"
  rm -rf "$work" && mkdir -p "$work"
  if [ -d "fuzz/corpus/$t" ]; then cp -R "fuzz/corpus/$t/." "$work/"; fi
  local extra=()
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    extra+=("fuzz/regressions/$t")
  fi
  cargo +nightly fuzz run "${FUZZ_FLAGS[@]}" --fuzz-dir fuzz "$t" "$work" "${extra[@]}" -- \
    -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
    >"$log" 2>&1
}

# One summary line from a libFuzzer log: executions, seconds, coverage.
summary() {
  local t="$1" log="$2"
  local runs secs cov ft corp
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 | awk '{print $5}' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
  corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1 | awk '{print $2}' || true)
  printf '%-14s runs=%-10s secs=%-5s cov=%-6s ft=%-6s corpus=%s\n' \
    "$t" "${runs:-?}" "${secs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
}
