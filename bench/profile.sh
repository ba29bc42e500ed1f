#!/usr/bin/env bash
# Where the time goes under load: runs bench/load.sh (backend, N, concurrency) and, while it runs,
# samples every CPU of the machine with `perf record -a -g` (cpu-clock, 4 s), then prints the CPU
# share of each process/thread name (the server's threads, PostgreSQL's backends, wrk, idle =
# swapper) and the top symbols of the server and of PostgreSQL. With group commit, the server's
# debug log gives each batch's time in the writer (work) and in its COMMIT; their means are printed.
#
# Usage: bench/profile.sh sqlite|postgres [N=20000] [CONCURRENCY=32]
# Needs perf (Debian's linux-perf; bench/install-tools.sh installs it with WITH_PERF=1).
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:?sqlite or postgres}"
n="${2:-20000}"
conc="${3:-32}"
WITH_PERF=1 bench/install-tools.sh
out=$(mktemp -d /tmp/sr-profile-XXXX)
RUST_LOG="warn,stripe_receiver::process::group=debug" KEEP_WORK=1 \
  bench/load.sh "$backend" "$n" "$conc" > "$out/load.txt" 2>&1 &
load=$!
# Sample the middle of the run: after the build, event generation and start-up.
for _ in $(seq 1 600); do grep -q "^== " "$out/load.txt" 2>/dev/null && break; sleep 0.1; done
sleep 1
perf record -q -e cpu-clock -F 999 -a -g -o "$out/perf.data" -- sleep 4 2>/dev/null
wait "$load"
cat "$out/load.txt" | grep -vE "^kept"
echo "-- CPU share by thread name (all CPUs; swapper = idle):"
perf report -i "$out/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep "%" | head -8 || true
for comm in tokio-rt-worker sqlx-sqlite-wor stripe-receiver postgres; do
  top=$(perf report -i "$out/perf.data" --comm "$comm" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep "%" | head -12 || true)
  if [ -n "$top" ]; then
    echo "-- top symbols of $comm (share of all samples):"
    echo "$top"
  fi
done
work=$(sed -n 's/^kept //p' "$out/load.txt")
if [ -n "$work" ] && grep -q "group commit" "$work/serve.log" 2>/dev/null; then
  echo "-- group commit batches (from the server's debug log):"
  python3 - "$work/serve.log" <<'PY'
import re, sys
plain = (re.sub(r"\x1b\[[0-9;]*m", "", l) for l in open(sys.argv[1]))  # the log may be coloured
rows = [tuple(int(x) for x in m.groups()) for m in
        (re.search(r"batch=(\d+) committed=(\d+) work_us=(\d+) commit_us=(\d+)", l) for l in plain) if m]
if rows:
    b = sum(r[0] for r in rows); w = sum(r[2] for r in rows); c = sum(r[3] for r in rows)
    print(f"{len(rows)} batches, mean {b / len(rows):.1f} webhooks; writer time per webhook "
          f"{w / b:.0f} us (savepoints, event row, receivers, delivery rows); COMMIT {c / len(rows):.0f} us "
          f"per batch = {c / b:.0f} us per webhook")
PY
fi
[ -n "$work" ] && rm -rf "$work"
rm -rf "$out"
