#!/usr/bin/env bash
# Runs every cargo-fuzz target in tests/fuzz for a bounded time, one after the
# other, and fails if any of them finds a crash, a leak, a timeout or an OOM.
# Not part of the default test run. glob_steps is the glob-timing target: word
# steps per byte of text bounded for any pattern (issue #11).
#
#   scripts/fuzz.sh [seconds-per-target, default 60] [target...]
#
# New inputs go to tests/fuzz/corpus-run/<target> (ignored by git); the
# committed seeds in tests/fuzz/corpus/<target> are only read. Crashes land in
# tests/fuzz/artifacts/<target>/; reproduce one with
#   cargo +nightly fuzz run --fuzz-dir tests/fuzz <target> <artifact>
set -euo pipefail

secs="${1:-60}"
shift || true
cd "$(dirname "$0")/.."
fuzz_dir=tests/fuzz

# Idempotent tool setup: nightly (libFuzzer needs -Z flags) and cargo-fuzz.
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir "$fuzz_dir")
fi

cargo +nightly fuzz build --fuzz-dir "$fuzz_dir"

failed=()
for target in "${targets[@]}"; do
  run_corpus="$fuzz_dir/corpus-run/$target"
  seeds="$fuzz_dir/corpus/$target"
  mkdir -p "$run_corpus" "$seeds"
  log="$fuzz_dir/corpus-run/$target.log"
  echo "== $target: ${secs}s"
  # -timeout: one input taking over 10 s is a hang (e.g. exponential glob matching).
  # -rss_limit_mb / -malloc_limit_mb: a decompression bomb or a huge allocation is a failure.
  if cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" "$target" "$run_corpus" "$seeds" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units)' "$log" | sed "s/^/   /" || true
  else
    echo "!! $target FAILED; last lines of $log:"
    tail -n 30 "$log"
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "all ${#targets[@]} targets ran ${secs}s each without a finding"
