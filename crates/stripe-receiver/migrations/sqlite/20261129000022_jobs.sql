-- The transactional outbox: jobs enqueued by receivers in the webhook's transaction, run after the
-- commit by a worker, at least once, with retries. Times: RFC 3339 UTC text (fixed width, so they
-- compare as text).
CREATE TABLE stripe_receiver_jobs (
    id            TEXT PRIMARY KEY NOT NULL,       -- UUID v7; handed to the job fn as its idempotency key
    name          TEXT NOT NULL,                   -- the job kind (#[stripe_job("name")])
    payload       TEXT NOT NULL,                   -- JSON
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts      INTEGER NOT NULL DEFAULT 0,      -- attempts started so far
    max_attempts  INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at        TEXT NOT NULL,                   -- the next attempt starts no earlier
    locked_until  TEXT,                            -- lease of the running attempt
    last_error    TEXT,
    event_id      TEXT,                            -- the event whose webhook enqueued it
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    finished_at   TEXT                             -- done or dead
) WITHOUT ROWID;

CREATE INDEX stripe_receiver_jobs_due ON stripe_receiver_jobs (status, run_at);
