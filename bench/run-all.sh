#!/usr/bin/env bash
# The benchmark suite's end-to-end half, one command. For each backend: the load run at
# concurrency 1, 8, 32 and 128 (bench/load.sh; c = 1 sends N/5 events), a 50,000-event run at
# c = 32 for the peak RSS, on PostgreSQL the c = 32 run again with group commit on; then the
# storage ceiling for the same writes (SQLite: a plain loop with the product's pragmas;
# PostgreSQL: pgbench with bench/ceiling_pg.sql at 32 clients, with the simple and with the
# prepared-statement protocol). Prints each run's figures; BENCHMARKS.md says how to read them.
#
# Usage: bench/run-all.sh [N=10000] [BACKENDS="sqlite postgres"] [RSS_N=50000]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
backends="${2:-sqlite postgres}"
rss_n="${3:-50000}"
admin="${STRIPE_RECEIVER_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
bench/install-tools.sh
run() { bench/load.sh "$@" 2>&1 | grep -vE "^(kept|Running|  [0-9]+ threads)"; echo; }
for backend in $backends; do
  for c in 1 8 32 128; do
    runs=$n
    [ "$c" = 1 ] && runs=$(( n / 5 ))
    run "$backend" "$runs" "$c"
  done
  if [ "$backend" = postgres ]; then
    echo "-- group commit on (STRIPE_RECEIVER_GROUP_COMMIT=on):"
    STRIPE_RECEIVER_GROUP_COMMIT=on run postgres "$n" 32
  fi
  echo "-- peak RSS over $rss_n events:"
  run "$backend" "$rss_n" 32
  work=$(mktemp -d /tmp/sr-ceiling-XXXX)
  case "$backend" in
    sqlite) python3 bench/ceiling_sqlite.py "$work" 3000 ;;
    postgres)
      db="sr_ceiling_$$"
      psql "$admin" -q -c "CREATE DATABASE $db"
      DATABASE_URL="${admin%/*}/$db" target/release/bench-app migrate 2>/dev/null
      DATABASE_URL="${admin%/*}/$db" target/release/bench-app endpoints add-local >/dev/null 2>&1
      for protocol in simple prepared; do
        pgbench -n -M "$protocol" -c 32 -j 2 -T 10 -f bench/ceiling_pg.sql "${admin%/*}/$db" 2>/dev/null \
          | grep -E "^tps|latency average" | sed "s/^/postgres ceiling (pgbench -M $protocol, 32 clients): /"
      done
      psql "$admin" -q -c "DROP DATABASE $db WITH (FORCE)"
      ;;
  esac
  rm -rf "$work"
  echo
done
