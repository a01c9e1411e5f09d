#!/usr/bin/env bash
# The live view under writes (bench/README.md, "Live view"): a delta of 1%
# of the edges against a folded view, freshness and reader latency while a
# writer streams, critical suppliers after one upsert, memory over 100
# write + analysis cycles.
# Usage: bench/live_view_bench.sh [SCALE] [BUILD_DIR] [SECONDS]
#        (SCALE: city | national; SECONDS of streaming, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-city}
build=${2:-build-release}
seconds=${3:-20}
work=$(mktemp -d /tmp/chainkg-live-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ ! -x "$build/bench/live_view_bench" ]; then
  scripts/setup.sh "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DCHAINKG_BUILD_BENCHMARKS=ON
  cmake --build "$build" -j2 --target live_view_bench chainkg chainkg-import
fi
echo "== machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print $2/1048576 " GiB"}'), commit $(git rev-parse --short HEAD), $build"
echo "== generating and importing the $scale demo"
"$build/cli/chainkg" demo generate --out "$work/demo" --scale "$scale" --seed 1 | tail -1
"$build/loaders/chainkg-import" --db "$work/db" "$work/demo" | tail -1
rm -rf "$work/demo"
"$build/bench/live_view_bench" --db "$work/db" --seconds "$seconds"
