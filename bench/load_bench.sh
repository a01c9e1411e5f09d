#!/usr/bin/env bash
# Loading benchmarks, measured side by side in one run on this machine:
#   1. chainkg-import of the generated demo data set (parse, validate, index,
#      write SSTs, ingest) against RocksDB's own db_bench fillrandom writing
#      the same number of key-values of the same average size;
#   2. streaming ingest: chainkg load into a running chainkg-server, every
#      batch synced to the WAL before it is acknowledged.
# Usage: [ROUNDS=3] bench/load_bench.sh [SCALE] [BUILD_DIR]
#   (SCALE: city | national; ROUNDS: import + db_bench pairs, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-city}
build=${2:-build-release}
work=$(mktemp -d /tmp/chainkg-bench.XXXXXX)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=""

if ! command -v db_bench >/dev/null || ! command -v bc >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq rocksdb-tools bc >/dev/null
fi
if [ ! -x "$build/cli/chainkg" ]; then
  scripts/setup.sh "$build" -DCMAKE_BUILD_TYPE=Release
fi

echo "== machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print $2/1048576 " GiB"}'), commit $(git rev-parse --short HEAD), $build"
echo "== generating the $scale demo"
"$build/cli/chainkg" demo generate --out "$work/demo" --scale "$scale" --seed 1
# Each timed step starts with no other step's writes still going to disk
# (the national demo is 0.9 GB, its import 0.8 GB of SST files).
sync

# The VM's speed drifts by 15-40% within minutes, for either program:
# each round runs the import and then db_bench, and the ratio is taken per
# round, so that both sides of a ratio ran in the same few minutes.
rounds=${ROUNDS:-3}
ratios=()
for round in $(seq "$rounds"); do
  echo "== round $round of $rounds: chainkg-import"
  rm -rf "$work/imported" "$work/db_bench"
  sync
  start=$(date +%s.%N)
  "$build/loaders/chainkg-import" --db "$work/imported" "$work/demo" > "$work/import.log"
  end=$(date +%s.%N)
  tail -2 "$work/import.log"
  records=$(grep '^total:' "$work/import.log" | sed -E 's/.*created ([0-9]+), updated ([0-9]+), unchanged ([0-9]+).*/\1 \2 \3/' | awk '{print $1+$2+$3}')
  keys=$(grep -o '[0-9]* keys' "$work/import.log" | awk '{print $1}')
  import_s=$(echo "$end - $start" | bc -l)
  sst_bytes=$(du -sb "$work/imported" | awk '{print $1}')
  value_size=$(( sst_bytes / keys ))
  echo "import: $records records ($keys keys) in ${import_s}s = $(echo "$records / $import_s" | bc) records/s"

  sync
  echo "== round $round of $rounds: db_bench fillrandom, $keys keys of ~${value_size} bytes"
  db_bench --benchmarks=fillrandom --num="$keys" --value_size="$value_size" \
    --key_size=24 --db="$work/db_bench" --disable_wal=1 --threads=1 \
    --compression_type=snappy 2>/dev/null | grep -E '^fillrandom' | tee "$work/db_bench.log"
  fill_ops=$(awk '{for (i=1;i<=NF;i++) if ($i=="ops/sec" || $i=="ops/sec;") print $(i-1)}' "$work/db_bench.log")
  ratio=$(echo "($records / $import_s) / $fill_ops" | bc -l | cut -c1-5)
  ratios+=("$ratio")
  echo "ratio: chainkg-import records/s / db_bench fillrandom ops/s = $ratio"
done
rm -rf "$work/db_bench"
echo "ratios by round: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')"

sync
echo "== streaming: chainkg load into chainkg-server (synced batches)"
"$build/server/chainkg-server" --db "$work/served" --listen 127.0.0.1:0 > "$work/server.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/server.log" && break; sleep 0.1; done
address=$(grep -o 'listening on [^ ]*' "$work/server.log" | awk '{print $3}')
start=$(date +%s.%N)
"$build/cli/chainkg" --server "$address" load "$work/demo" > "$work/load.log" 2>&1 || true
end=$(date +%s.%N)
tail -1 "$work/load.log"
load_s=$(echo "$end - $start" | bc -l)
echo "streaming: $records records in ${load_s}s = $(echo "$records / $load_s" | bc) records/s"
