-- The benchmarked application's own table: one row per charge.succeeded.
CREATE TABLE bench_receipts (charge_id TEXT NOT NULL, amount BIGINT NOT NULL, event_id TEXT NOT NULL);
