#!/usr/bin/env python3
"""The SQLite storage ceiling for one webhook's writes: a plain single-threaded loop of
transactions, each writing what a processed charge.succeeded writes (the event row with its
~2.3 KB data, the built-in sync's charge row (an upsert with the object's ~2 KB), the
application's receipt row, the delivery row with the raw body and headers),
with the product's pragmas (WAL, synchronous=FULL), on a fresh file in DIR.

Usage: ceiling_sqlite.py DIR [N=3000]   -> prints "sqlite ceiling: X transactions/s"
"""
import json
import os
import sqlite3
import sys
import time
import uuid

directory = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
path = os.path.join(directory, "ceiling.db")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.executescript("""
CREATE TABLE events (id TEXT PRIMARY KEY, type TEXT, api_version TEXT, livemode INTEGER, account TEXT,
  created INTEGER, request_id TEXT, idempotency_key TEXT, data TEXT, body_hash TEXT, received_at TEXT,
  skipped INTEGER) WITHOUT ROWID;
CREATE TABLE deliveries (id TEXT PRIMARY KEY, endpoint_uuid TEXT, received_at TEXT, remote_ip TEXT,
  headers TEXT, body BLOB, valid INTEGER, outcome TEXT, event_id TEXT, event_type TEXT, error TEXT,
  error_detail TEXT) WITHOUT ROWID;
CREATE TABLE receipts (charge_id TEXT, amount INTEGER, event_id TEXT);
CREATE TABLE charges (id TEXT PRIMARY KEY NOT NULL, object TEXT NOT NULL, livemode INTEGER NOT NULL,
  created INTEGER, amount INTEGER, currency TEXT, status TEXT, data TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0, event_created INTEGER NOT NULL, event_id TEXT NOT NULL,
  synced_at TEXT NOT NULL);
""")
data = json.dumps({"object": {"id": "ch_x", "object": "charge", "pad": "x" * 2100}})
obj = json.dumps({"id": "ch_x", "object": "charge", "pad": "x" * 2000})
body = ("{" + '"pad":"' + "y" * 2300 + '"}').encode()
headers = json.dumps({"stripe-signature": "t=1,v1=" + "0" * 64, "content-type": "application/json"})
start = time.perf_counter()
for i in range(n):
    event_id = f"evt_{uuid.uuid4().hex}"
    db.execute("BEGIN")
    db.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
               (event_id, "charge.succeeded", "2024-06-20", 0, None, 1700000000, "req_1", None, data,
                "0" * 64, "2026-11-29T00:00:00.000000Z"))
    db.execute("INSERT INTO charges (id, object, livemode, created, amount, currency, status, data, deleted,"
               " event_created, event_id, synced_at) VALUES (?,?,?,?,?,?,?,?,0,?,?,?)"
               " ON CONFLICT (id) DO UPDATE SET data = excluded.data, event_created = excluded.event_created,"
               " event_id = excluded.event_id, synced_at = excluded.synced_at"
               " WHERE NOT charges.deleted AND (charges.event_created, charges.event_id)"
               " <= (excluded.event_created, excluded.event_id)",
               (f"ch_{uuid.uuid4().hex}", "charge", 0, 1700000000, 1000, "usd", "succeeded", obj,
                1700000000, event_id, "2026-11-29T00:00:00.000000Z"))
    db.execute("INSERT INTO deliveries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
               (str(uuid.uuid4()), "e", "2026-11-29T00:00:00.000000Z", "127.0.0.1", headers, body, 1,
                "processed", event_id, "charge.succeeded", None, None))
    db.execute("INSERT INTO receipts VALUES (?,?,?)", ("ch_x", 1000, event_id))
    db.execute("COMMIT")
elapsed = time.perf_counter() - start
print(f"sqlite ceiling: {n / elapsed:.0f} transactions/s ({n} transactions of 4 writes, WAL, synchronous=FULL, 1 thread)")
