#!/usr/bin/env bash
# Runs chainkg-server on an embedded RocksDB in DB (default ./var/chainkg-db),
# listening on LISTEN (default 127.0.0.1:50051) for gRPC and on HTTP_LISTEN
# (default 127.0.0.1:8080) for HTTP/JSON. On the first start (no
# database yet) it generates the Dongguan city demo data set (var/demo) and
# bulk-imports it. Ctrl-C or SIGTERM stops the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
db=${DB:-var/chainkg-db}
listen=${LISTEN:-127.0.0.1:50051}
http_listen=${HTTP_LISTEN:-127.0.0.1:8080}
server="$build_dir/server/chainkg-server"
cli="$build_dir/cli/chainkg"
import="$build_dir/loaders/chainkg-import"

if [ ! -d "$db" ]; then
  mkdir -p var
  echo "run: new database; generating the Dongguan city demo into var/demo"
  "$cli" demo generate --out var/demo --scale city --seed 1
  echo "run: importing it into $db"
  "$import" --db "$db" var/demo | tail -2
  echo "run: try  $cli --server $listen stats --region 4419"
fi

echo "run: HTTP/JSON at http://$http_listen/api/ (e.g. curl -H 'Content-Type: application/json' -d '{\"region_prefix\":\"4419\"}' http://$http_listen/api/chainkg.v1.AnalysisService/Stats)"
exec "$server" --db "$db" --listen "$listen" --http-listen "$http_listen"
