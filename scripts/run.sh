#!/usr/bin/env bash
# Runs chainkg-server on an embedded RocksDB in DB (default ./var/chainkg-db),
# listening on LISTEN (default 127.0.0.1:50051). On the first start (no
# database yet) it loads the demo data in tests/data/fixture through the CLI.
# Ctrl-C or SIGTERM stops the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
db=${DB:-var/chainkg-db}
listen=${LISTEN:-127.0.0.1:50051}
server="$build_dir/server/chainkg-server"
cli="$build_dir/cli/chainkg"

first_start=0
[ -d "$db" ] || first_start=1
mkdir -p "$(dirname "$db")"

"$server" --db "$db" --listen "$listen" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM

if [ "$first_start" -eq 1 ]; then
  for _ in $(seq 1 100); do
    "$cli" --server "$listen" list chain --limit 1 >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit 1; }
    sleep 0.1
  done
  echo "run: new database, loading demo data from tests/data/fixture"
  for kind in firm product chain consortium platform industry project; do
    file=tests/data/fixture/${kind}s.jsonl
    [ "$kind" = consortium ] && file=tests/data/fixture/consortia.jsonl
    [ "$kind" = industry ] && file=tests/data/fixture/industries.jsonl
    "$cli" --server "$listen" upsert "$kind" --file "$file"
  done
  "$cli" --server "$listen" upsert edge --file tests/data/fixture/edges.jsonl
  echo "run: try  $cli --server $listen firm search 东莞"
fi
wait "$pid"
