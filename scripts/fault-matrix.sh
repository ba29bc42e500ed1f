#!/usr/bin/env bash
# The fault matrix (issue 14; RELIABILITY.md says what each row does and what it shows): the
# benchmark application (bench/app) under load from scripts/fault_load.py, which signs every
# event like Stripe and retries it like Stripe until a 2xx, while one fault is injected:
#   1. `serve` killed with SIGKILL mid-load (twice) and restarted — SQLite and PostgreSQL;
#   2. PostgreSQL stopped (immediate, a crash for the server) mid-load and started again;
#   3. SQLite on a full disk (a small tmpfs, else a loop-mounted ext4 file), then space freed;
#   4. a receiver slower than the client's timeout — SQLite and PostgreSQL.
# Then it counts from the database (stripe_events, bench_receipts, stripe_webhook_deliveries):
# lost, doubled and half-written must be 0. Prints the table and writes it into RELIABILITY.md
# between the `fault-matrix` markers. Exit status 1 if any row fails.
#
# Usage: scripts/fault-matrix.sh            (as root: mount, and runuser for the private cluster)
#   FAULT_PROFILE=release  builds and runs the release binary (default: debug, much faster to build)
#   FAULT_EVENTS=N         events per load row (default 1200)
#   KEEP_WORK=1            keeps the scratch directory (server logs, results JSON)
# PostgreSQL rows run on a PRIVATE cluster (initdb under /usr/lib/postgresql/*/bin as `postgres`,
# on a free port, trust auth), never the machine's server; it is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
profile="${FAULT_PROFILE:-debug}"
events="${FAULT_EVENTS:-1200}"
pgbin="${FAULT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ "$(id -u)" = 0 ] || { echo "run as root (tmpfs mount, runuser postgres)" >&2; exit 2; }
[ -x "$pgbin/initdb" ] || { echo "no initdb under /usr/lib/postgresql/*/bin (FAULT_PG_BIN)" >&2; exit 2; }
ulimit -n 20000 || true

if [ "$profile" = release ]; then cargo build --release -q -p bench-app; else cargo build -q -p bench-app; fi
bin=$root/target/$profile/bench-app
load=(python3 "$root/scripts/fault_load.py")

work=$(mktemp -d /tmp/sr-faults-XXXX)
chmod 755 "$work"
rows=$work/rows.md
: >"$rows"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port)
export STRIPE_RECEIVER_LISTEN="127.0.0.1:$port" RUST_LOG="${RUST_LOG:-warn}"
server=
pgdata=
mnt=
loopfile=
failed=0

pg() { runuser -u postgres -- "$pgbin/$1" "${@:2}"; }
cleanup() {
  set +e
  if [ -n "${loader:-}" ]; then kill "$loader" 2>/dev/null; wait "$loader" 2>/dev/null; fi
  if [ -n "$server" ]; then kill -KILL "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  if [ -n "$pgdata" ]; then pg pg_ctl -D "$pgdata" -m immediate -w stop >/dev/null 2>&1; fi
  if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null || umount -l "$mnt"; fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {  # serve on $DATABASE_URL, appending to $work/$1.log; waits until it listens
  "$bin" serve >>"$work/$1.log" 2>&1 & server=$!
  for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return; sleep 0.1; done
  echo "serve did not start: $(tail -5 "$work/$1.log")" >&2; return 1
}
stop_server() {  # graceful: in-flight deliveries finish
  [ -n "$server" ] || return 0
  kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=
}
kill9_server() {
  kill -KILL "$server"; wait "$server" 2>/dev/null || true; server=
}
setup_endpoint() {  # migrate $DATABASE_URL and create a local endpoint: sets $url and $secret
  "$bin" migrate >/dev/null 2>&1
  read -r url secret < <("$bin" endpoints add-local --json |
    python3 -c 'import json,sys;e=json.load(sys.stdin);print(e["url"],e["secrets"][0]["secret"])')
}
start_load() {  # $1 = row tag; the rest: extra fault_load.py send arguments. Sets $loader.
  local tag=$1; shift
  rm -f "$work/$tag.progress"
  "${load[@]}" send --url "$url" --secret "$secret" --events "$events" --prefix "${tag}_$$_" \
    --concurrency 12 --deadline 110 --pause "${pause:-0}" --progress "$work/$tag.progress" --out "$work/$tag.json" "$@" \
    2>>"$work/$tag.load.log" & loader=$!
}
wait_acked() {  # until the load of row $1 has $2 acknowledged events (or has ended)
  while kill -0 "$loader" 2>/dev/null; do
    [ "$(cat "$work/$1.progress" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
    sleep 0.05
  done
}
finish_row() {  # $1 tag, $2 row title, $3 backend, $4 note[, $5 Unix time the fault ended]: waits
  # for the load, stops serve, counts
  wait "$loader" || true
  loader=
  stop_server
  tail -1 "$work/$1.load.log" >&2
  if ! "${load[@]}" check --results "$work/$1.json" --database-url "$DATABASE_URL" --row "$2" \
      --backend "$3" --note "$4" --recovered-at "${5:-0}" >>"$rows"; then
    failed=1
  fi
  tail -1 "$rows"
}

# --- the private PostgreSQL cluster ----------------------------------------------------------
pgport=$(free_port)
pgdata=$work/pg/data
mkdir -p "$work/pg" && chown postgres: "$work/pg"
pg initdb -D "$pgdata" -U postgres -A trust --no-sync >/dev/null
pg pg_ctl -D "$pgdata" -l "$work/pg/server.log" -w \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
pgadmin="postgres://postgres@127.0.0.1:$pgport/postgres"
pgdb() { psql "$pgadmin" -X -q -c "CREATE DATABASE $1"; export DATABASE_URL="${pgadmin%/*}/$1"; }
echo "== private PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $pgport; serve ($profile) on $port; $events events per load row"

# Rows 1-3 pace the load (each thread waits 0.1 s after each acknowledged event, so ~120 events/s
# at most) so that it runs before, during and after the fault.
pause=0.1

# --- 1. SIGKILL mid-load ----------------------------------------------------------------------
for backend in sqlite postgres; do
  tag="kill_$backend"
  echo "== 1. serve killed with SIGKILL mid-load, $backend"
  if [ "$backend" = sqlite ]; then export DATABASE_URL="sqlite://$work/kill.db"; else pgdb faults_kill; fi
  setup_endpoint
  start_server "$tag"
  start_load "$tag"
  for share in 3 2; do
    wait_acked "$tag" $(( events / share ))
    kill9_server
    sleep 1
    start_server "$tag"
  done
  finish_row "$tag" "1. serve SIGKILLed twice mid-load, restarted" "$backend" "killed at $(( events / 3 )) and $(( events / 2 )) acknowledged"
done

# --- 2. PostgreSQL restarted mid-load ---------------------------------------------------------
tag=pg_restart
echo "== 2. PostgreSQL stopped (immediate) mid-load, started 4 s later"
pgdb faults_restart
setup_endpoint
STRIPE_RECEIVER_DB_TIMEOUT=2 start_server "$tag"
start_load "$tag"
wait_acked "$tag" $(( events / 3 ))
pg pg_ctl -D "$pgdata" -m immediate -w stop >/dev/null
sleep 4
pg pg_ctl -D "$pgdata" -l "$work/pg/server.log" -w \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
finish_row "$tag" "2. PostgreSQL stopped (-m immediate) mid-load, back after 4 s" postgres "serve with STRIPE_RECEIVER_DB_TIMEOUT=2" "$(date +%s.%N)"

# --- 3. SQLite disk full ----------------------------------------------------------------------
tag=disk_full
mnt=$work/small
mkdir -p "$mnt"
if mount -t tmpfs -o size=48m tmpfs "$mnt" 2>/dev/null; then
  fs="tmpfs of 48 MiB"
else
  echo "tmpfs mount refused; trying a loop-mounted ext4 file" >&2
  loopfile=$work/small.img
  truncate -s 48M "$loopfile" && mkfs.ext4 -q "$loopfile"
  if mount -o loop "$loopfile" "$mnt"; then fs="loop-mounted ext4 file of 48 MiB"; else mnt=; fs=; fi
fi
if [ -n "$fs" ]; then
  echo "== 3. SQLite on a full disk ($fs), then space freed"
  export DATABASE_URL="sqlite://$mnt/full.db"
  setup_endpoint
  start_server "$tag"
  start_load "$tag"
  wait_acked "$tag" $(( events / 3 ))
  dd if=/dev/zero of="$mnt/filler" bs=1M 2>/dev/null || true
  dd if=/dev/zero of="$mnt/filler2" bs=4k 2>/dev/null || true
  echo "   disk full ($(df -h --output=avail "$mnt" | tail -1 | tr -d ' ') free) for 4 s" >&2
  sleep 4
  rm -f "$mnt/filler" "$mnt/filler2"
  freed=$(date +%s.%N)
  wait "$loader" || true
  # With serve still running: can another connection take the write lock? (If the server's
  # writer connection were left inside a transaction, it could not.)
  lock=$(python3 - "$mnt/full.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
try:
    con.execute("BEGIN IMMEDIATE")
    con.execute("ROLLBACK")
    print("after the load another connection took the write lock")
except sqlite3.OperationalError as e:
    print(f"after the load, serve still running, another connection could not take the write lock ({e}) for 5 s")
PY
)
  finish_row "$tag" "3. SQLite disk full mid-load for 4 s, then space freed" sqlite "$fs; $lock" "$freed"
else
  echo "| 3. SQLite disk full | sqlite | — | — | — | — | — | — | — | — | — | NOT RUN: neither a tmpfs nor a loop mount was allowed |" >>"$rows"
  failed=1
fi

# --- 4. a receiver slower than the client's timeout -------------------------------------------
pause=0
for backend in sqlite postgres; do
  tag="slow_$backend"
  echo "== 4. receiver sleeping 3 s, client timeout 2 s, $backend"
  if [ "$backend" = sqlite ]; then
    export DATABASE_URL="sqlite://$work/slow.db"; n=200; every=20
  else
    pgdb faults_slow; n=400; every=10
  fi
  setup_endpoint
  start_server "$tag"
  events=$n start_load "$tag" --type charge.updated --slow-every "$every" --sleep-ms 3000 --timeout 2
  finish_row "$tag" "4. receiver sleeps 3 s for 1 event in $every, client timeout 2 s" "$backend" ""
done

# --- the table --------------------------------------------------------------------------------
header="| row | backend | in | acknowledged (2xx) | committed | lost | doubled | half-written | never 2xx | statuses seen (all attempts) | delivery rows (outcome, error) | notes |
|---|---|---|---|---|---|---|---|---|---|---|---|"
machine="$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates bench/app scripts || echo "+changes")
stamp="Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $commit, bench-app $profile build, $events events per load row, on $machine."
table="$stamp

$header
$(cat "$rows")"
echo
echo "$table"
if grep -q '<!-- fault-matrix:begin -->' RELIABILITY.md 2>/dev/null; then
  TABLE="$table" python3 - <<'PY'
import os, re
text = open("RELIABILITY.md", encoding="utf-8").read()
new = re.sub(r"(<!-- fault-matrix:begin -->\n).*?(\n<!-- fault-matrix:end -->)",
             lambda m: m.group(1) + os.environ["TABLE"] + m.group(2), text, flags=re.S)
open("RELIABILITY.md", "w", encoding="utf-8").write(new)
PY
  echo "(written into RELIABILITY.md)"
fi
exit "$failed"
