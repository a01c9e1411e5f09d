#!/usr/bin/env bash
# chainkg against PostgreSQL 15 (Debian's) on the same data, in one run
# (issue 4: goal >= 20x faster). The script installs PostgreSQL when it is
# missing, runs a throwaway cluster in a temporary directory on a free port,
# and removes it on exit. Then:
#   1. generates the demo data set, COPYs firms, products, chain_products and
#      edges into PostgreSQL, indexes them, VACUUM (FREEZE, ANALYZE); imports
#      the same files into chainkg (chainkg-import), starts chainkg-server;
#   2. times, each side by side (median of REPS calls, after one warm-up):
#      a. the full upstream supplier closure (SUPPLIES to a fixpoint) of every
#         chain leader: recursive CTE with UNION vs chainkg upstream --depth 64;
#      b. the 6-hop upstream supplier traversal from every chain leader;
#      c. the producer counts (local / elsewhere in CN / abroad / unknown
#         country) and local users of each product of one chain in one
#         region (docs/analysis.md "Gaps") vs chainkg gaps --format json;
#      and checks that both sides give the same answer (exit 1 when not).
# Both sides are timed end to end: a client process (psql over TCP /
# chainkg over gRPC) that runs the query and writes every result row to a
# file. The no-op row gives each side's fixed process and connection cost.
#
# Usage: bench/postgres_bench.sh [SCALE] [BUILD_DIR]   (SCALE: city | national)
# Environment: REPS (5), GAPS_CHAIN (EIT), GAPS_REGION (4419).
set -euo pipefail
cd "$(dirname "$0")/.."

scale=${1:-city}
build=${2:-build-release}
reps=${REPS:-5}
gaps_chain=${GAPS_CHAIN:-EIT}
gaps_region=${GAPS_REGION:-4419}
lock_file=/tmp/chainkg-build.lock
case "$scale" in
  city | national) ;;
  *) echo "usage: bench/postgres_bench.sh [city|national] [BUILD_DIR]" >&2; exit 2 ;;
esac
case "$reps" in
  '' | *[!0-9]* | 0) echo "postgres_bench: REPS must be a positive integer" >&2; exit 2 ;;
esac
die() { echo "postgres_bench: $*" >&2; exit 1; }

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo

# Heavy steps hold the lock shared with the other builds and benchmarks of
# this machine (flock on fd 9; started daemons get fd 9 closed).
exec 9>>"$lock_file"
lock() { flock 9; }
unlock() { flock -u 9; }

work=$(mktemp -d /tmp/chainkg-pgbench.XXXXXX)
chmod 755 "$work"
pgbin=""
pgdata="$work/pg/data"
server_pid=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  if [ -n "$pgbin" ] && [ -f "$pgdata/postmaster.pid" ]; then
    as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres "$@"
  fi
}

ms_since() {  # $1: start in ns from date +%s%N; prints milliseconds, 1 decimal
  local end
  end=$(date +%s%N)
  awk -v d=$((end - $1)) 'BEGIN { printf "%.1f", d / 1e6 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- PostgreSQL and the chainkg binaries --------------------------------------
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing postgresql (Debian 12: PostgreSQL 15)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  # The package creates and starts a "main" cluster on 5432; this script
  # uses its own, so leave nothing running.
  for cluster in /etc/postgresql/*/main; do
    [ -d "$cluster" ] || continue
    version=${cluster#/etc/postgresql/}
    $sudo pg_ctlcluster "${version%/main}" main stop 2>/dev/null || true
  done
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_version=$("$pgbin/postgres" --version)
case "$pg_version" in
  *" 15."*) ;;
  *) echo "postgres_bench: warning: $pg_version, the issue asks for PostgreSQL 15" >&2 ;;
esac
command -v python3 >/dev/null || die "python3 is needed (apt-get install python3)"

for binary in cli/chainkg server/chainkg-server loaders/chainkg-import; do
  if [ ! -x "$build/$binary" ]; then
    echo "== building $build (Release)"
    lock
    if [ ! -f "$build/CMakeCache.txt" ]; then
      cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
    fi
    cmake --build "$build" -j2 --target chainkg chainkg-server chainkg-import
    unlock
    break
  fi
done
chainkg="$build/cli/chainkg"

commit=$(git rev-parse --short HEAD)
dirty=""
git diff --quiet HEAD -- graph server cli loaders proto util 2>/dev/null ||
  dirty=" (working tree has uncommitted changes under graph/ server/ cli/ loaders/ proto/ util/)"
source_dir=$(awk -F= '/^CMAKE_HOME_DIRECTORY:/ { print $2 }' "$build/CMakeCache.txt" 2>/dev/null) || true
[ "$source_dir" = "$(pwd)" ] || dirty=" (but $build was built from ${source_dir:-an unknown source tree})"
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
  "commit $commit$dirty, $build ($(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build/CMakeCache.txt" 2>/dev/null)), $pg_version"

# --- the throwaway cluster ------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/pg"
$sudo chown postgres: "$work/pg"
as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
# Tuned for a read benchmark that fits in memory: the data is thrown away,
# so durability is off for the load; 2 cores, so at most 2 parallel workers;
# no JIT (it did not help these queries); autovacuum off so that nothing
# holds a snapshot while VACUUM marks the pages all-visible (index-only
# scans need that).
if [ "$scale" = national ]; then shared_buffers=4GB; else shared_buffers=1GB; fi
cat >>"$pgdata/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work/pg'
shared_buffers = $shared_buffers
effective_cache_size = 12GB
work_mem = 256MB
maintenance_work_mem = 1GB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 16GB
checkpoint_timeout = 30min
random_page_cost = 1.1
max_parallel_workers_per_gather = 2
jit = off
autovacuum = off
EOF
as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$work/pg/log" -w start >/dev/null 9>&- ||
  { cat "$work/pg/log" >&2; die "PostgreSQL did not start"; }
psql_cmd=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
psql() { command psql "${psql_cmd[@]:1}" "$@"; }
echo "== PostgreSQL: throwaway cluster in $pgdata on 127.0.0.1:$port (shared_buffers $shared_buffers, work_mem 256MB, fsync off, jit off)"

# --- the data -------------------------------------------------------------------
lock
echo "== generating the $scale demo"
"$chainkg" demo generate --out "$work/demo" --scale "$scale" --seed 1 >"$work/generate.log"
head -1 "$work/generate.log"
demo="$work/demo"
for table in firms products chain_products edges; do
  [ -f "$demo/$table.csv" ] || die "$demo/$table.csv is missing"
done

# COPY takes the column list from each file's header (the BOM stripped), so
# a change of the demo's columns fails here instead of shifting columns.
columns() { head -1 "$demo/$1.csv" | sed 's/^\xEF\xBB\xBF//; s/\r$//'; }
psql <<'SQL'
CREATE TABLE firms (key text PRIMARY KEY, name text, former_names text, aliases text,
                    region_code text, country text, industry_code text);
CREATE TABLE products (key text PRIMARY KEY, name text, aliases text, kind text,
                       key_core_technology text);
CREATE TABLE chain_products (chain_key text, product_key text, stage text, segment text);
CREATE TABLE edges (kind text, from_kind text, from_key text, to_kind text, to_key text,
                    product_key text, share text, since text, until text, confidence text,
                    maturity text, revenue_share text, essential text, stage text,
                    segment text, role text);
SQL
echo "== PostgreSQL load (COPY, indexes, VACUUM FREEZE ANALYZE)"
start=$(date +%s%N)
for table in firms products chain_products edges; do
  psql -c "\\copy $table($(columns "$table")) FROM '$demo/$table.csv' WITH (FORMAT csv, HEADER true)"
done
copy_ms=$(ms_since "$start")
start=$(date +%s%N)
# Covering indexes, so that every step of the traversals is an index-only
# scan: suppliers of a firm, what a vertex leads to, who supplies a product.
psql <<'SQL'
CREATE INDEX edges_kind_to ON edges (kind, to_key) INCLUDE (from_key);
CREATE INDEX edges_kind_from ON edges (kind, from_key) INCLUDE (to_key);
CREATE INDEX edges_kind_product ON edges (kind, product_key) INCLUDE (from_key)
  WHERE product_key IS NOT NULL;
CREATE INDEX firms_region ON firms (region_code text_pattern_ops);
CREATE INDEX chain_products_chain ON chain_products (chain_key, product_key);
SQL
index_ms=$(ms_since "$start")
start=$(date +%s%N)
psql -c 'VACUUM (FREEZE, ANALYZE)'
analyze_ms=$(ms_since "$start")
pg_rows=$(psql -At -c "SELECT (SELECT count(*) FROM firms) || ' firms, ' ||
  (SELECT count(*) FROM products) || ' products, ' || (SELECT count(*) FROM chain_products) ||
  ' chain products, ' || (SELECT count(*) FROM edges) || ' edges'")
pg_size=$(psql -At -c "SELECT pg_size_pretty(pg_database_size('postgres'))")
echo "PostgreSQL: $pg_rows; COPY ${copy_ms} ms, indexes ${index_ms} ms, VACUUM FREEZE ANALYZE ${analyze_ms} ms; $pg_size"
unknown_kinds=$(psql -At -c "SELECT string_agg(DISTINCT kind, ' ') FROM edges WHERE kind NOT IN
  ('produces','supplies','input_to','subclass_of','in_chain','leads','member_of','supports',
   'targets','in_industry','subindustry_of')")
[ -z "$unknown_kinds" ] || die "edges.csv has edge kinds this script does not know: $unknown_kinds"

echo "== chainkg-import (the whole demo: also credentials, industries, consortia...)"
start=$(date +%s%N)
"$build/loaders/chainkg-import" --db "$work/chainkg-db" "$demo" >"$work/import.log"
import_ms=$(ms_since "$start")
echo "chainkg-import: $(grep -E "^(imported into|threads:)" "$work/import.log" | tr "\n" " ")(${import_ms} ms end to end)"

echo "== chainkg-server"
start=$(date +%s%N)
"$build/server/chainkg-server" --db "$work/chainkg-db" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 9>&- &
server_pid=$!
address=""
for _ in $(seq 600); do
  address=$(grep -o 'listening on [^ ]*' "$work/server.log" | awk '{ print $3 }') || true
  [ -n "$address" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "chainkg-server exited"; }
  sleep 0.1
done
[ -n "$address" ] || die "chainkg-server did not print its address"
chainkg=("$build/cli/chainkg" --server "$address" --timeout-ms 3600000)
mapfile -t leaders < <(psql -At -c "SELECT DISTINCT from_key FROM edges
  WHERE kind = 'leads' AND from_kind = 'firm' AND to_kind = 'chain' ORDER BY 1")
[ ${#leaders[@]} -gt 0 ] || die "no chain leader (LEADS firm -> chain) in the data"
# The first analysis call waits for the view the server builds at start-up.
"${chainkg[@]}" upstream --firm "${leaders[0]}" --depth 1 --edge-kind supplies >/dev/null
echo "listening on $address; first view ready $(ms_since "$start") ms after the start"
unlock

# --- the queries ----------------------------------------------------------------
cat >"$work/noop.sql" <<'SQL'
SELECT 1;
SQL
# Full closure: UNION drops rows already found, so the recursion stops at the
# fixpoint. The start itself is not a row (chainkg does not report it).
cat >"$work/closure.sql" <<'SQL'
WITH RECURSIVE upstream(key) AS (
    SELECT e.from_key FROM edges e WHERE e.kind = 'supplies' AND e.to_key = :'start'
  UNION
    SELECT e.from_key FROM upstream u
    JOIN edges e ON e.kind = 'supplies' AND e.to_key = u.key
)
SELECT f.key, f.name, f.country, f.region_code
FROM upstream u JOIN firms f ON f.key = u.key
WHERE u.key <> :'start';
SQL
# Depth-limited: (firm, depth) pairs, so a firm is kept at its least depth
# (the BFS depth chainkg reports).
cat >"$work/hops.sql" <<'SQL'
WITH RECURSIVE upstream(key, depth) AS (
    SELECT e.from_key, 1 FROM edges e WHERE e.kind = 'supplies' AND e.to_key = :'start'
  UNION
    SELECT e.from_key, u.depth + 1 FROM upstream u
    JOIN edges e ON e.kind = 'supplies' AND e.to_key = u.key
    WHERE u.depth < :depth
)
SELECT f.key, min(u.depth) AS depth, f.name, f.country, f.region_code
FROM upstream u JOIN firms f ON f.key = u.key
WHERE u.key <> :'start'
GROUP BY f.key;
SQL
# docs/analysis.md "Gaps": producers of p = makers of p or of a SUBCLASS_OF
# variant (transitively) + firms observed supplying p or a variant; placed
# by country (empty: CN, the loader's default) and region prefix. Local
# users = distinct local makers of the products reached from p over
# INPUT_TO and SUBCLASS_OF (p itself excluded). Written for the planner:
# local makers first, joined by hash, DISTINCT by hashing (2.5x faster than
# the plain join with count(DISTINCT), which misestimates the CTE and runs a
# million index lookups).
cat >"$work/gaps.sql" <<'SQL'
WITH RECURSIVE
chain AS (
  SELECT DISTINCT product_key AS product FROM chain_products WHERE chain_key = :'chain'
),
variants(product, variant) AS (
    SELECT product, product FROM chain
  UNION
    SELECT v.product, e.from_key FROM variants v
    JOIN edges e ON e.kind = 'subclass_of' AND e.to_key = v.variant
),
producers AS (
    SELECT v.product, e.from_key AS firm FROM variants v
    JOIN edges e ON e.kind = 'produces' AND e.to_key = v.variant
  UNION
    SELECT v.product, e.from_key FROM variants v
    JOIN edges e ON e.kind = 'supplies' AND e.product_key = v.variant
),
placed AS (
  SELECT p.product,
         CASE WHEN coalesce(f.country, 'CN') = 'ZZ' THEN 'unknown'
              WHEN coalesce(f.country, 'CN') <> 'CN' THEN 'foreign'
              WHEN f.region_code LIKE :'region' || '%' THEN 'local'
              ELSE 'domestic' END AS place
  FROM producers p JOIN firms f ON f.key = p.firm
),
downstream(product, reached) AS (
    SELECT c.product, e.to_key FROM chain c
    JOIN edges e ON e.kind IN ('input_to', 'subclass_of') AND e.from_key = c.product
  UNION
    SELECT d.product, e.to_key FROM downstream d
    JOIN edges e ON e.kind IN ('input_to', 'subclass_of') AND e.from_key = d.reached
),
local_makers AS MATERIALIZED (
  SELECT e.to_key AS product, e.from_key AS firm
  FROM edges e JOIN firms f ON f.key = e.from_key
  WHERE e.kind = 'produces' AND coalesce(f.country, 'CN') = 'CN'
    AND f.region_code LIKE :'region' || '%'
),
users AS (
  SELECT product, count(*) AS local_users
  FROM (SELECT DISTINCT d.product, m.firm
        FROM downstream d JOIN local_makers m ON m.product = d.reached
        WHERE d.reached <> d.product) AS pairs
  GROUP BY product
),
counts AS (
  SELECT product,
         count(*) FILTER (WHERE place = 'local') AS local,
         count(*) FILTER (WHERE place = 'domestic') AS domestic,
         count(*) FILTER (WHERE place = 'foreign') AS foreign_,
         count(*) FILTER (WHERE place = 'unknown') AS unknown
  FROM placed GROUP BY product
)
SELECT c.product, pr.name, coalesce(n.local, 0), coalesce(n.domestic, 0),
       coalesce(n.foreign_, 0), coalesce(n.unknown, 0), coalesce(u.local_users, 0)
FROM chain c
LEFT JOIN products pr ON pr.key = c.product
LEFT JOIN counts n ON n.product = c.product
LEFT JOIN users u ON u.product = c.product;
SQL

# Compares the two answers: prints "OK n" or "MISMATCH ..." lines.
cat >"$work/compare.py" <<'PY'
import csv, json, sys

def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))

what, pg_path, ck_path = sys.argv[1:4]
if what in ("closure", "hops"):
    pg = rows(pg_path)
    ck = rows(ck_path)
    header, ck = ck[0], ck[1:]
    key, depth = header.index("key"), header.index("depth")
    if what == "closure":
        pg_set = {r[0] for r in pg}
        ck_set = {r[key] for r in ck}
        deepest = max((int(r[depth]) for r in ck), default=0)
    else:
        pg_set = {(r[0], int(r[1])) for r in pg}
        ck_set = {(r[key], int(r[depth])) for r in ck}
        deepest = 0
    problems = []
    if len(pg) != len(pg_set) or len(ck) != len(ck_set):
        problems.append(f"duplicate rows (PostgreSQL {len(pg)} rows / {len(pg_set)} distinct, "
                        f"chainkg {len(ck)} / {len(ck_set)})")
    if pg_set != ck_set:
        only_pg, only_ck = sorted(pg_set - ck_set), sorted(ck_set - pg_set)
        problems.append(f"only in PostgreSQL: {len(only_pg)} {only_pg[:5]}; "
                        f"only in chainkg: {len(only_ck)} {only_ck[:5]}")
    if what == "closure" and deepest >= 64:
        problems.append("chainkg reached depth 64: the closure may be cut off")
    status = "MISMATCH " + "; ".join(problems) if problems else "OK"
    print(f"{status}|{len(pg)}|{len(ck)}")
else:
    pg = {r[0]: tuple(int(x) for x in r[2:7]) for r in rows(pg_path)}
    with open(ck_path, encoding="utf-8") as f:
        report = json.load(f)
    fields = ("local_producers", "domestic_producers", "foreign_producers",
              "unknown_country_producers", "local_users")
    ck = {r["product_key"]: tuple(int(r.get(x, 0)) for x in fields) for r in report["rows"]}
    problems = []
    if set(pg) != set(ck):
        problems.append(f"products only in PostgreSQL {sorted(set(pg) - set(ck))[:5]}, "
                        f"only in chainkg {sorted(set(ck) - set(pg))[:5]}")
    differ = [(p, pg[p], ck[p]) for p in sorted(set(pg) & set(ck)) if pg[p] != ck[p]]
    if differ:
        problems.append(f"{len(differ)} products differ in (local, domestic, foreign, unknown, "
                        f"local users), PostgreSQL vs chainkg: {differ[:5]}")
    status = "MISMATCH " + "; ".join(problems) if problems else "OK"
    print(f"{status}|{len(pg)}|{len(ck)}")
PY

results=()
failures=()
# measure LABEL WHAT SQL_FILE CHAINKG_ARGS...: one warm-up call per side, then
# REPS alternating calls; records the medians and the check. The psql
# variables of SQL_FILE are in the array pg_vars (-v name=value ...);
# SQL_FILE "-": chainkg only (WHAT is then noop).
pg_vars=()
measure() {
  local label=$1 what=$2 sql=$3
  shift 3
  local pg_times=() ck_times=() start pg_ms ck_ms i
  lock
  for i in $(seq 0 "$reps"); do
    pg_ms=-
    if [ "$sql" != - ]; then
      start=$(date +%s%N)
      psql --csv -t "${pg_vars[@]}" -f "$work/$sql" -o "$work/pg.out"
      pg_ms=$(ms_since "$start")
    fi
    start=$(date +%s%N)
    "${chainkg[@]}" "$@" >"$work/ck.out"
    ck_ms=$(ms_since "$start")
    if [ "$i" -gt 0 ]; then
      pg_times+=("$pg_ms")
      ck_times+=("$ck_ms")
    fi
  done
  unlock
  local check="" pg_n="" ck_n=""
  pg_ms=-
  [ "$sql" = - ] || pg_ms=$(printf '%s\n' "${pg_times[@]}" | median)
  ck_ms=$(printf '%s\n' "${ck_times[@]}" | median)
  if [ "$what" != noop ]; then
    IFS='|' read -r check pg_n ck_n < <(python3 "$work/compare.py" "$what" "$work/pg.out" "$work/ck.out")
    if [ "$check" != OK ]; then
      echo "postgres_bench: $label: PostgreSQL and chainkg disagree: $check" >&2
      failures+=("$label: $check")
    fi
  fi
  results+=("$label|$pg_n|$ck_n|$pg_ms|$ck_ms")
  printf '%-40s rows %8s / %8s   PostgreSQL %9s ms   chainkg %9s ms   %s\n' \
    "$label" "${pg_n:--}" "${ck_n:--}" "$pg_ms" "$ck_ms" "${check:-}"
  # Every call, in order: a median hides whether one call or all of them
  # were slow.
  printf '%-40s calls: PostgreSQL %s; chainkg %s\n' "" "${pg_times[*]}" \
    "${ck_times[*]}"
}

# Both loads left gigabytes of dirty pages (PostgreSQL's tables and
# indexes, chainkg's SST files); their writeback would run under the first
# timings and slow whichever side it meets.
sync
echo "== timings: median of $reps calls after a warm-up, end to end (client process)"
pg_vars=()
# The no-op: process start, connection, one trivial query / one key lookup
# (chainkg stats --region 999999 is not one: it scans the firm indexes).
measure "no-op (SELECT 1 / get chain $gaps_chain)" noop noop.sql \
  get chain "$gaps_chain"
for leader in "${leaders[@]}"; do
  pg_vars=(-v "start=$leader")
  measure "closure of $leader" closure closure.sql \
    --format csv upstream --firm "$leader" --depth 64 --edge-kind supplies \
    --limit 10000000 --max-visited 50000000
done
for leader in "${leaders[@]}"; do
  pg_vars=(-v "start=$leader" -v depth=6)
  measure "6 hops from $leader" hops hops.sql \
    --format csv upstream --firm "$leader" --depth 6 --edge-kind supplies \
    --limit 10000000 --max-visited 50000000
done
pg_vars=(-v "chain=$gaps_chain" -v "region=$gaps_region")
measure "gaps $gaps_chain in $gaps_region" gaps gaps.sql \
  --format json gaps --chain "$gaps_chain" --region "$gaps_region"
# chainkg gaps also finds the critical suppliers (AND/OR) of the chain's
# leaders in the region, for its CHOKEPOINT rule; the SQL does not. Their
# cost, measured apart:
mapfile -t local_leaders < <(psql -At -v "chain=$gaps_chain" -v "region=$gaps_region" <<'SQL'
SELECT DISTINCT e.from_key FROM edges e JOIN firms f ON f.key = e.from_key
WHERE e.kind = 'leads' AND e.to_kind = 'chain' AND e.to_key = :'chain'
  AND coalesce(f.country, 'CN') = 'CN' AND f.region_code LIKE :'region' || '%'
ORDER BY 1;
SQL
)
for leader in "${local_leaders[@]}"; do
  measure "(in gaps) critical --firm $leader" noop - --format json critical --firm "$leader"
done

echo
# ratio: PostgreSQL ms / chainkg ms; net: the same after subtracting each
# side's no-op median (the engines without process start and connection).
echo "| query | rows (PostgreSQL / chainkg) | PostgreSQL ms | chainkg ms | ratio | ratio net of no-op |"
echo "|---|---|---|---|---|---|"
IFS='|' read -r _ _ _ pg_noop ck_noop <<<"${results[0]}"
for row in "${results[@]}"; do
  IFS='|' read -r label pg_n ck_n pg_ms ck_ms <<<"$row"
  ratio=- net=-
  if [ "$pg_ms" != - ]; then
    ratio=$(awk -v p="$pg_ms" -v c="$ck_ms" 'BEGIN { if (c > 0) printf "%.1f", p / c; else print "-" }')
    net=$(awk -v p="$pg_ms" -v c="$ck_ms" -v p0="$pg_noop" -v c0="$ck_noop" \
      'BEGIN { if (p - p0 > 0 && c - c0 > 0) printf "%.1f", (p - p0) / (c - c0); else print "-" }')
  fi
  rows="-"
  [ -n "$pg_n" ] && rows="$pg_n / $ck_n"
  echo "| $label | $rows | $pg_ms | $ck_ms | $ratio | $net |"
done
if [ ${#failures[@]} -gt 0 ]; then
  printf 'postgres_bench: FAILED: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "all answers agree"
