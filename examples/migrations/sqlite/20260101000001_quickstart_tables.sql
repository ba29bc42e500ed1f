-- The quickstart application's own tables, applied after stripe-receiver's migrations
-- (RuntimeBuilder::migrations).
CREATE TABLE IF NOT EXISTS quickstart_receipts (
    charge_id TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    currency  TEXT NOT NULL,
    event_id  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quickstart_audit (
    event_id   TEXT NOT NULL,
    event_type TEXT NOT NULL,
    object_id  TEXT
);
