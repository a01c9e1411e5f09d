#!/usr/bin/env bash
# Runs each libFuzzer target of fuzz/ for SECONDS seconds under ASan+UBSan,
# from its seeds in fuzz/corpus/<target>/ (plus samples of ../shared/data
# when present, made at run time and never copied into the repository).
# Used by `make fuzz` (300 s each) and CI (60 s each). Needs a build made
# with -DCHAINKG_FUZZ=ON (BUILD_NOTES.md).
#
#   fuzz/run.sh [SECONDS [BUILD_DIR [TARGET...]]]
#
# New inputs go to BUILD_DIR/fuzz-corpus/<target>/ (kept between runs),
# logs to BUILD_DIR/fuzz-logs/, findings to BUILD_DIR/fuzz-artifacts/.
# Exits non-zero if any target crashed, leaked or broke a contract.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
build=${2:-build-fuzz}
shift $(($# < 2 ? $# : 2))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(record_file_fuzzer text_encoding_fuzzer codes_fuzzer request_fuzzer)
fi

mkdir -p "$build/fuzz-logs" "$build/fuzz-artifacts"
shared_seeds=""
if [ -d ../shared/data ]; then
  shared_seeds="$build/fuzz-shared-seeds"
  rm -rf "$shared_seeds"
  /usr/bin/python3 fuzz/make_corpus.py "$shared_seeds" --shared ../shared/data
fi
if [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

passed=0
failed=0
for target in "${targets[@]}"; do
  binary="$build/fuzz/$target"
  corpus="$build/fuzz-corpus/$target"
  log="$build/fuzz-logs/$target.log"
  mkdir -p "$corpus"
  seeds=("fuzz/corpus/$target")
  if [ -n "$shared_seeds" ] && [ -d "$shared_seeds/$target" ]; then
    seeds+=("$shared_seeds/$target")
  fi
  # -timeout: one input running 10 s is a finding (a hang); -max_len keeps
  # each input small enough for thousands of runs per second.
  status=0
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$target-" \
    "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
  summary=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz: $target ok: ${summary:-no summary}"
  else
    failed=$((failed + 1))
    echo "fuzz: $target FAILED (exit $status); last lines of $log:"
    tail -60 "$log"
    echo "fuzz: reproduce with $binary $build/fuzz-artifacts/$target-<file>"
  fi
done
echo "fuzz: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
