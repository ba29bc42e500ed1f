#!/usr/bin/env bash
# The benchmark suite's end-to-end half, one command: for each backend, the load run at
# concurrency 1, 8, 32 and 128 (bench/load.sh), then the storage ceiling for the same writes
# (SQLite: a plain loop with the product's pragmas; PostgreSQL: pgbench with bench/ceiling_pg.sql
# at 32 clients). Prints each run's figures; BENCHMARKS.md says how to read them.
#
# Usage: bench/run-all.sh [N=10000] [BACKENDS="sqlite postgres"]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
backends="${2:-sqlite postgres}"
admin="${STRIPE_RECEIVER_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
for backend in $backends; do
  for c in 1 8 32 128; do
    runs=$n
    [ "$c" = 1 ] && runs=$(( n / 5 ))
    bench/load.sh "$backend" "$runs" "$c" 2>&1 | grep -vE "^(kept|Running|  [0-9]+ threads)"
    echo
  done
  work=$(mktemp -d /tmp/sr-ceiling-XXXX)
  case "$backend" in
    sqlite) python3 bench/ceiling_sqlite.py "$work" 3000 ;;
    postgres)
      db="sr_ceiling_$$"
      psql "$admin" -q -c "CREATE DATABASE $db"
      DATABASE_URL="${admin%/*}/$db" target/release/bench-app migrate 2>/dev/null
      DATABASE_URL="${admin%/*}/$db" target/release/bench-app endpoints add-local >/dev/null 2>&1
      pgbench -n -c 32 -j 2 -T 10 -f bench/ceiling_pg.sql "${admin%/*}/$db" 2>/dev/null \
        | grep -E "^tps|latency average" | sed 's/^/postgres ceiling (pgbench, 32 clients): /'
      psql "$admin" -q -c "DROP DATABASE $db WITH (FORCE)"
      ;;
  esac
  rm -rf "$work"
  echo
done
