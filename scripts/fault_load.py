#!/usr/bin/env python3
"""The fault matrix's load tool and its accounting (scripts/fault-matrix.sh, RELIABILITY.md).
Python 3 standard library only.

`send` fires N distinct events at a webhook URL from C threads, each signed as Stripe signs it
(`Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the whole
whsec_ secret>`, signed again at every attempt, as Stripe does), and retries each one like Stripe
until it gets a 2xx: after a non-2xx answer, a connection error or a client timeout, it waits a
backoff (0.25 s doubling, capped at 2 s, with jitter: Stripe's schedule compressed from hours to
seconds) and sends the same body again, until the row's deadline. It writes what happened to
every event to a JSON file, and its count of acknowledged events to a progress file that the
matrix script polls to inject its fault mid-load.

`check` reads that JSON and the database the server wrote (sqlite3 for SQLite, `psql` for
PostgreSQL), and prints one Markdown table row: events in, acknowledged, committed, lost,
doubled, half-written, never acknowledged, the statuses seen and the delivery outcomes. It exits 1
when lost, doubled, half-written or never-acknowledged is not 0.

Usage:
  fault_load.py send --url URL --secret whsec_... --events N --prefix P --out RESULTS.json
                     [--concurrency 12] [--timeout 5] [--deadline 110] [--progress FILE] [--pause S]
                     [--type charge.succeeded|charge.updated] [--slow-every K --sleep-ms MS]
  fault_load.py check --results RESULTS.json --database-url sqlite://PATH|postgres://...
                      --row NAME --backend NAME [--note TEXT] [--recovered-at UNIX_TIME]
"""
import argparse
import collections
import hashlib
import hmac
import http.client
import json
import os
import queue
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from gen_events import charge_event  # noqa: E402  (the benchmark's realistic charge payload)

BACKOFF_FIRST = 0.25
BACKOFF_CAP = 2.0


def build_event(i: int, args, now: int) -> dict:
    """Event i of this row: the benchmark's charge payload, a run-unique id, the row's type; for
    charge.updated every `slow_every`-th event asks the slow receiver to sleep `sleep_ms`."""
    event = charge_event(i, now)
    event["id"] = f"evt_{args.prefix}{i:06d}"
    event["type"] = args.type
    if args.type == "charge.updated":
        event["data"]["previous_attributes"] = {"description": None}
        if args.slow_every and i % args.slow_every == 0:
            event["data"]["object"]["metadata"]["sleep_ms"] = str(args.sleep_ms)
    return event


def sign(secret: bytes, raw: bytes) -> str:
    t = int(time.time())
    v1 = hmac.new(secret, f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


class Sender(threading.Thread):
    """One client connection (kept alive, opened again after any error), taking events from a
    shared queue and retrying each until a 2xx or the deadline."""

    def __init__(self, args, todo, results, answered_at, lock, deadline):
        super().__init__(daemon=True)
        self.args, self.todo, self.results, self.lock, self.deadline = args, todo, results, lock, deadline
        self.answered_at = answered_at
        url = urllib.parse.urlsplit(args.url)
        self.host, self.port, self.path = url.hostname, url.port or 80, url.path
        self.secret = args.secret.encode()
        self.conn = None

    def attempt(self, raw: bytes) -> str:
        """One POST; returns `<status> <outcome>` for an answer, else `timeout` or `conn_error`."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.args.timeout)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Stripe-Signature": sign(self.secret, raw), "User-Agent": "fault-load/1"}
        try:
            self.conn.request("POST", self.path, body=raw, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (socket.timeout, TimeoutError):
            self.conn.close()
            self.conn = None
            return "timeout"
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return "conn_error"
        outcome = ""
        try:
            outcome = json.loads(payload).get("outcome") or ""
        except ValueError:
            pass
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return f"{response.status} {outcome}".strip()

    def run(self):
        while True:
            try:
                event_id, raw = self.todo.get_nowait()
            except queue.Empty:
                return
            history = []
            backoff = BACKOFF_FIRST
            while True:
                result = self.attempt(raw)
                history.append(result)
                if result[:1] == "2" or time.monotonic() >= self.deadline:
                    break
                time.sleep(min(backoff, BACKOFF_CAP) * random.uniform(0.5, 1.5))
                backoff *= 2
            with self.lock:
                self.results[event_id] = history
                self.answered_at[event_id] = time.time()
            time.sleep(self.args.pause)


def send(args) -> int:
    now = int(time.time())
    todo = queue.Queue()
    slow = []
    for i in range(args.events):
        event = build_event(i, args, now)
        if "sleep_ms" in event["data"]["object"]["metadata"]:
            slow.append(event["id"])
        todo.put((event["id"], json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()))
    results, answered_at, lock = {}, {}, threading.Lock()
    start = time.monotonic()
    deadline = start + args.deadline
    threads = [Sender(args, todo, results, answered_at, lock, deadline) for _ in range(args.concurrency)]
    for t in threads:
        t.start()

    def acked() -> int:
        with lock:
            return sum(1 for h in results.values() if h[-1][:1] == "2")

    while any(t.is_alive() for t in threads):
        if args.progress:
            with open(args.progress + ".tmp", "w") as f:
                f.write(str(acked()))
            os.replace(args.progress + ".tmp", args.progress)
        time.sleep(0.1)
    elapsed = time.monotonic() - start
    if args.progress:
        with open(args.progress, "w") as f:
            f.write(str(acked()))
    with open(args.out, "w") as f:
        json.dump({"prefix": args.prefix, "events": args.events, "elapsed": elapsed, "slow": slow,
                   "history": results, "answered_at": answered_at}, f)
    statuses = collections.Counter(r for h in results.values() for r in h)
    print(f"sent {args.events} events in {elapsed:.1f} s, {acked()} acknowledged; "
          f"attempts: {dict(statuses)}", file=sys.stderr)
    return 0


def query(database_url: str, sql: str) -> list:
    """Rows of `sql` as tuples of strings (SQLite through sqlite3, PostgreSQL through psql)."""
    if database_url.startswith("sqlite:"):
        path = database_url.split("://", 1)[1].split("?", 1)[0]
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [tuple("" if v is None else str(v) for v in row) for row in con.execute(sql)]
        finally:
            con.close()
    out = subprocess.run(["psql", database_url, "-X", "-q", "-tA", "-F", "\t", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def check(args) -> int:
    with open(args.results) as f:
        run = json.load(f)
    prefix = f"evt_{run['prefix']}"
    history = run["history"]
    sent = {f"{prefix}{i:06d}" for i in range(run["events"])}
    acked = {e for e, h in history.items() if h[-1][:1] == "2"}
    like = f"'{prefix}%'"
    committed = {r[0] for r in query(args.database_url, f"SELECT id FROM stripe_events WHERE id LIKE {like}")}
    receipts = {r[0]: int(r[1]) for r in query(
        args.database_url,
        f"SELECT event_id, count(*) FROM bench_receipts WHERE event_id LIKE {like} GROUP BY event_id")}
    processed = {r[0]: int(r[1]) for r in query(
        args.database_url,
        "SELECT event_id, count(*) FROM stripe_webhook_deliveries "
        f"WHERE outcome = 'processed' AND event_id LIKE {like} GROUP BY event_id")}
    outcomes = query(args.database_url,
                     "SELECT outcome, coalesce(error, ''), count(*) FROM stripe_webhook_deliveries "
                     "GROUP BY outcome, error ORDER BY count(*) DESC")
    lost = sorted(acked - committed)
    doubled = sorted({e for e, n in receipts.items() if n > 1} | {e for e, n in processed.items() if n > 1})
    half = sorted((committed - set(receipts)) | (set(receipts) - committed) | (committed - set(processed))
                  | (set(processed) - committed))
    never = sorted(sent - acked)
    stray = sorted(committed - sent)
    statuses = collections.Counter(r for h in history.values() for r in h)
    notes = [args.note] if args.note else []
    if run["slow"]:
        slow = run["slow"]
        timed_out = sum(1 for e in slow if history.get(e, [""])[0] == "timeout")
        dup = sum(1 for e in slow if history.get(e, [""])[-1] == "200 duplicate")
        notes.append(f"{len(slow)} slow events: first attempt timed out for {timed_out}, "
                     f"their final 2xx was `duplicate` for {dup}")
    if args.recovered_at:
        after = {e for e in acked if run["answered_at"][e] > args.recovered_at}
        notes.append(f"{len(after)} events acknowledged after the fault ended, "
                     f"{len(after & committed)} of them committed")
    if args.database_url.startswith("sqlite:"):
        notes.append("integrity_check: " + query(args.database_url, "PRAGMA integrity_check")[0][0])
    for name, ids in (("lost", lost), ("doubled", doubled), ("half-written", half),
                      ("never acknowledged", never), ("not sent by this row", stray)):
        if ids:
            detail = {e: {"attempts": history.get(e), "receipts": receipts.get(e, 0),
                          "processed deliveries": processed.get(e, 0),
                          "delivery rows": query(args.database_url,
                                                 "SELECT outcome, coalesce(error, ''), coalesce(error_detail, '') "
                                                 "FROM stripe_webhook_deliveries WHERE event_id = "
                                                 f"'{e}' OR error_detail LIKE '%{e}%'")}
                      for e in ids[:20]}
            print(f"{args.row} ({args.backend}): {len(ids)} {name}: {json.dumps(detail, indent=1)}",
                  file=sys.stderr)
    fmt = lambda counter: ", ".join(f"{k or '-'} ×{v}" for k, v in counter)
    status_text = fmt(sorted(statuses.items(), key=lambda kv: -kv[1]))
    outcome_text = fmt((f"{o}{' ' + e if e else ''}", n) for o, e, n in outcomes)
    print(f"| {args.row} | {args.backend} | {len(sent)} | {len(acked)} | {len(committed & sent)} | "
          f"{len(lost)} | {len(doubled)} | {len(half)} | {len(never)} | {status_text} | {outcome_text} | "
          f"{'; '.join(notes)} |")
    return 1 if lost or doubled or half or never or stray else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--url", required=True)
    s.add_argument("--secret", required=True)
    s.add_argument("--events", type=int, required=True)
    s.add_argument("--prefix", required=True, help="event ids are evt_<prefix><6 digits>")
    s.add_argument("--out", required=True)
    s.add_argument("--concurrency", type=int, default=12)
    s.add_argument("--timeout", type=float, default=5.0, help="client timeout per attempt, seconds")
    s.add_argument("--deadline", type=float, default=110.0, help="no retry after this many seconds")
    s.add_argument("--progress")
    s.add_argument("--pause", type=float, default=0.0,
                   help="seconds each thread waits after an event is acknowledged (paces the load)")
    s.add_argument("--type", default="charge.succeeded", choices=["charge.succeeded", "charge.updated"])
    s.add_argument("--slow-every", type=int, default=0)
    s.add_argument("--sleep-ms", type=int, default=3000)
    c = sub.add_parser("check")
    c.add_argument("--results", required=True)
    c.add_argument("--database-url", required=True)
    c.add_argument("--row", required=True)
    c.add_argument("--backend", required=True)
    c.add_argument("--note", default="")
    c.add_argument("--recovered-at", type=float, default=0.0,
                   help="Unix time the fault ended: count the events acknowledged after it")
    args = parser.parse_args()
    return send(args) if args.command == "send" else check(args)


if __name__ == "__main__":
    sys.exit(main())
