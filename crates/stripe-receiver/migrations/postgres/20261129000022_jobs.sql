-- The transactional outbox: jobs enqueued by receivers in the webhook's transaction, run after the
-- commit by workers (several processes take jobs with FOR UPDATE SKIP LOCKED), at least once.
CREATE TABLE stripe_receiver_jobs (
    id            uuid PRIMARY KEY,                -- UUID v7; handed to the job fn as its idempotency key
    name          text NOT NULL,                   -- the job kind (#[stripe_job("name")])
    payload       jsonb NOT NULL,
    status        text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts      integer NOT NULL DEFAULT 0,      -- attempts started so far
    max_attempts  integer NOT NULL CHECK (max_attempts >= 1),
    run_at        timestamptz NOT NULL,            -- the next attempt starts no earlier
    locked_until  timestamptz,                     -- lease of the running attempt
    last_error    text,
    event_id      text,                            -- the event whose webhook enqueued it
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz                      -- done or dead
);

CREATE INDEX stripe_receiver_jobs_due ON stripe_receiver_jobs (status, run_at);
