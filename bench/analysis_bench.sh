#!/usr/bin/env bash
# Analysis benchmarks, side by side in one run (bench/README.md):
#   - upstream supplier closure of every chain leader: graph::Traverse vs a
#     plain CSR BFS over the same SUPPLIES edges (goal >= 30%);
#   - critical suppliers of a chain leader: incremental propagation vs the
#     brute-force baseline that recomputes the fixpoint per candidate
#     (goal >= 100x);
#   - critical suppliers as the first call on a view (network built, then the
#     leader asked), observed and capability mode, against python3-igraph's
#     dominator tree of the same leader over the same SUPPLIES edges;
#   - the gap report of one chain (~200 products), view build time and
#     bytes per edge.
# Usage: bench/analysis_bench.sh [SCALE] [BUILD_DIR]   (SCALE: city | national)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-city}
build=${2:-build-release}
work=$(mktemp -d /tmp/chainkg-analysis-bench.XXXXXX)
server=""
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

if [ ! -x "$build/bench/analysis_bench" ]; then
  scripts/setup.sh "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DCHAINKG_BUILD_BENCHMARKS=ON
  cmake --build "$build" -j2 --target analysis_bench
fi
echo "== machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print $2/1048576 " GiB"}'), commit $(git rev-parse --short HEAD), $build"
echo "== generating and importing the $scale demo"
"$build/cli/chainkg" demo generate --out "$work/demo" --scale "$scale" --seed 1 | tail -1
"$build/loaders/chainkg-import" --db "$work/db" "$work/demo" | tail -1
echo "== analysis_bench"
"$build/bench/analysis_bench" --db "$work/db" --chain EIT --region 4419 \
  --write-supplies "$work/supplies.txt" \
  --benchmark_format=console --benchmark_out="$work/bench.json" \
  --benchmark_out_format=json 2>&1 | grep -E '^(BM_|Benchmark|-)'
/usr/bin/python3 - "$work/bench.json" "$work/supplies.txt" <<'PY'
import json, statistics, sys, time
runs = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    parts = [p for p in b["name"].split("/")
             if not p.startswith("iterations:") and p != "manual_time"]
    runs["/".join(parts)] = b
def ms(name):
    b = runs[name]
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    return b["real_time"] * scale
csr = runs["BM_CsrBfsClosure"]["edges_per_second"]
trav = runs["BM_TraverseClosure"]["edges_per_second"]
per_candidate = ms("BM_BruteForceCritical") / runs["BM_BruteForceCritical"]["sampled"]
candidates = runs["BM_CriticalSuppliers"]["candidates"]
brute = per_candidate * candidates
crit = ms("BM_CriticalSuppliers")
view = runs["BM_ViewBuild"]
print()
print("upstream closure: Traverse %.0fM edges/s, plain CSR BFS %.0fM edges/s: %.0f%% (goal >= 30%%)"
      % (trav / 1e6, csr / 1e6, 100 * trav / csr))
print("critical suppliers of a chain leader: %.1f ms incremental vs %.0f ms brute force "
      "(%d candidates x %.2f ms, measured on %d): %.0fx (goal >= 100x)"
      % (crit, brute, candidates, per_candidate, runs["BM_BruteForceCritical"]["sampled"],
         brute / crit))
print("gap report, %d products: %.1f ms" % (runs["BM_Gaps"]["products"], ms("BM_Gaps")))
print("view: %d vertices, %d edges, built in %.2f s, %.0f bytes per edge"
      % (view["vertices"], view["edges"], view["build_seconds"], view["bytes_per_edge"]))
print("supply network (observed): %d lines, built in %.0f ms"
      % (runs["BM_SupplyNetworkBuild"]["lines"], ms("BM_SupplyNetworkBuild")))
first = {"observed": ms("BM_CriticalFirstCall/capability:0"),
         "capability": ms("BM_CriticalFirstCall/capability:1")}
try:
    import igraph
except ImportError:
    print("critical suppliers, first call on a view: observed %.0f ms, capability %.0f ms "
          "(python3-igraph missing: apt-get install python3-igraph for the comparison)"
          % (first["observed"], first["capability"]))
    sys.exit(0)
supplies = sys.argv[2]
vertices, leader = map(int, open(supplies + ".leader").read().split())
start = time.perf_counter()
g = igraph.Graph.Read_Edgelist(supplies, directed=True)
if g.vcount() < vertices:
    g.add_vertices(vertices - g.vcount())
load = time.perf_counter() - start
rounds = []
for _ in range(3):
    start = time.perf_counter()
    g.dominator(leader, mode="in")
    rounds.append(time.perf_counter() - start)
dominator = statistics.median(rounds) * 1e3
print("igraph %s dominator tree of the leader over %d SUPPLIES edges: %.0f ms "
      "(median of 3; reading the edge list %.0f ms more)"
      % (igraph.__version__, g.ecount(), dominator, load * 1e3))
for mode, t in first.items():
    print("critical suppliers, first call on a view, %s mode: %.0f ms = %.2fx igraph's "
          "dominator tree (goal <= 1x)" % (mode, t, t / dominator))
PY

echo "== deadline: a 20-hop downstream walk with paths from a supernode"
echo "   (EXT:Qualcomm, supplies + produces + input_to), --timeout-ms 100, through gRPC"
"$build/server/chainkg-server" --db "$work/db" --listen 127.0.0.1:0 > "$work/server.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/server.log" && break; sleep 0.1; done
address=$(grep -o 'listening on [^ ]*' "$work/server.log" | awk '{print $3}')
walk=(downstream --firm EXT:Qualcomm --depth 20 --edge-kind supplies
      --edge-kind produces --edge-kind input_to --max-visited 50000000
      --limit 10000000)
# The first call waits for the server's first view.
"$build/cli/chainkg" --server "$address" --timeout-ms 120000 "${walk[@]}" \
  --format csv | wc -l | awk '{print "   the whole walk: " $1 - 1 " rows"}'
for _ in 1 2 3; do
  start=$(date +%s%N)
  "$build/cli/chainkg" --server "$address" --timeout-ms 100 --format csv "${walk[@]}" \
    --paths > /dev/null 2> "$work/deadline.err" && code=0 || code=$?
  end=$(date +%s%N)
  echo "   exit $code after $(( (end - start) / 1000000 )) ms (CLI start included): $(tail -1 "$work/deadline.err")"
done

