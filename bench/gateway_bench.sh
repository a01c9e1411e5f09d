#!/usr/bin/env bash
# The HTTP/JSON gateway's cost over gRPC for the same small call, paired
# rounds in one run (bench/README.md, "HTTP/JSON gateway").
# Usage: bench/gateway_bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
rounds=${2:-5}
work=$(mktemp -d /tmp/chainkg-gateway-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ ! -x "$build/bench/gateway_bench" ]; then
  scripts/setup.sh "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DCHAINKG_BUILD_BENCHMARKS=ON
  cmake --build "$build" -j2 --target gateway_bench chainkg chainkg-import
fi
echo "== machine: $(nproc) cores, commit $(git rev-parse --short HEAD), $build"
"$build/cli/chainkg" demo generate --out "$work/demo" --scale city --seed 1 | tail -1
"$build/loaders/chainkg-import" --db "$work/db" "$work/demo" | tail -1
"$build/bench/gateway_bench" --db "$work/db" --benchmark_repetitions="$rounds" \
  --benchmark_enable_random_interleaving=true --benchmark_min_time=1 \
  --benchmark_format=json > "$work/bench.json" \
  2> "$work/bench.err" || { cat "$work/bench.err"; exit 1; }
/usr/bin/python3 - "$work/bench.json" <<'PY'
import json, statistics, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("run_type") == "iteration"]
grpc = [b["real_time"] for b in runs if b["name"].startswith("BM_StatsOverGrpc")]
http = [b["real_time"] for b in runs if b["name"].startswith("BM_StatsOverHttp")]
diffs = [h - g for g, h in zip(grpc, http)]
print("Stats of 4419 per call: gRPC median %.0f us, HTTP/JSON median %.0f us; "
      "gateway overhead, median of %d paired rounds: %.0f us (goal <= 1000 us)"
      % (statistics.median(grpc), statistics.median(http), len(diffs),
         statistics.median(diffs)))
PY
