#!/usr/bin/env bash
# End-to-end load run: the benchmark application (bench/app: the runtime plus one user receiver
# writing a row for charge.succeeded), release build, `serve` on a scratch database; N distinct
# signed charge.succeeded events (~2.3 KB) fired by wrk (bench/wrk-signed.lua) at one
# concurrency, each sent once; then the same figures from the server side. Stays on 127.0.0.1;
# bounded by N and by a 300 s wrk limit. bench/run-all.sh sweeps concurrencies and backends and
# measures the storage ceilings.
#
# Usage: bench/load.sh sqlite|postgres [N=20000] [CONCURRENCY=64]
#   postgres uses $STRIPE_RECEIVER_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres)
#   to create and drop a scratch database.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:?sqlite or postgres}"
n="${2:-20000}"
conc="${3:-64}"
threads=$(( conc < 2 ? conc : 2 ))

bench/install-tools.sh
cargo build --release -q -p bench-app
bin=target/release/bench-app

work=$(mktemp -d /tmp/sr-load-XXXX)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
export STRIPE_RECEIVER_LISTEN="127.0.0.1:$port" RUST_LOG="${RUST_LOG:-warn}"
# Metrics on: the group-commit histogram says how many commits the webhooks took.
export STRIPE_RECEIVER_METRICS=true
admin="${STRIPE_RECEIVER_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
pgdb="sr_load_$$"
case "$backend" in
  sqlite) export DATABASE_URL="sqlite://$work/load.db" ;;
  postgres)
    psql "$admin" -q -c "CREATE DATABASE $pgdb"
    export DATABASE_URL="${admin%/*}/$pgdb"
    export STRIPE_RECEIVER_DB_MAX_CONNECTIONS="${STRIPE_RECEIVER_DB_MAX_CONNECTIONS:-16}" ;;
  *) echo "backend: sqlite or postgres" >&2; exit 2 ;;
esac
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ "$backend" = postgres ] && psql "$admin" -q -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)"
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

$bin migrate 2>/dev/null
read -r url secret < <($bin endpoints add-local --json | python3 -c 'import json,sys;e=json.load(sys.stdin);print(e["url"],e["secrets"][0]["secret"])')
if [ "$backend" = postgres ]; then
  sleep 0.5  # the CLI processes above have exited: their counts are reported
  commits0=$(psql "$admin" -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = '$pgdb'")
fi
$bin serve 2>"$work/serve.log" & server=$!
for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

python3 bench/gen_events.py "$n" "$secret" "$work/events.tsv"
echo "== $backend, $n events, concurrency $conc"
mkdir -p "$work/done"
cpu0=$(awk '{print $14 + $15}' /proc/$server/stat)
start=$(date +%s.%N)
wrk -t "$threads" -c "$conc" -d 300s --timeout 30s -s bench/wrk-signed.lua "$url" \
    -- "$work/events.tsv" "$threads" "$work/done" > "$work/wrk.out" 2>&1 & wrk_pid=$!
shopt -s nullglob
while :; do  # bash builtins (and one sleep) per poll: the poll must not load the machine
  finished=("$work"/done/*)
  [ "${#finished[@]}" -ge "$threads" ] && break
  kill -0 "$wrk_pid" 2>/dev/null || break
  sleep 0.05
done
end=$(date +%s.%N)
cpu1=$(awk '{print $14 + $15}' /proc/$server/stat)
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
grep -E "answered|latency p50|Socket errors" "$work/wrk.out" || cat "$work/wrk.out"
ticks=$(getconf CLK_TCK)
python3 -c "
n, t = $n, $end - $start
print(f'wall time {t:.2f} s, {n / t:.0f} webhooks/s; server CPU {($cpu1 - $cpu0) / $ticks * 1e6 / n:.0f} us per webhook')"
stored=$($bin events list --limit 1000000 --json | python3 -c 'import json,sys;print(len(json.load(sys.stdin)))')
echo "events stored: $stored of $n"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
python3 - "$port" "$n" <<'PY'
import sys, urllib.request
port, n = sys.argv[1], int(sys.argv[2])
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
value = lambda name: next((float(l.split()[-1]) for l in text.splitlines() if l.startswith(name + " ")), 0.0)
commits, webhooks = value("stripe_receiver_group_commit_batch_size_count"), value("stripe_receiver_group_commit_batch_size_sum")
if commits:
    print(f"group commits: {commits:.0f} for {webhooks:.0f} webhooks (mean batch {webhooks / commits:.1f}; "
          f"{commits / n:.3f} commits per webhook)")
else:
    print("group commit: off (one commit per processed webhook)")
PY
if [ "$backend" = postgres ]; then
  # A backend reports its counts to pg_stat_database at most once a second while it lives, and
  # at exit: stop the server (its connections close) before reading the delta.
  kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=
  sleep 0.5
  commits1=$(psql "$admin" -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = '$pgdb'")
  python3 -c "print(f'commits per webhook: {($commits1 - $commits0) / $n:.3f} (pg_stat_database.xact_commit delta / N; includes the listing above and the server start-up and shutdown)')"
fi
