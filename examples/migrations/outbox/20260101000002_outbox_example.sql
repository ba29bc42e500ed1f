-- The outbox example's stand-in for a mail service: one row per receipt "sent".
CREATE TABLE IF NOT EXISTS outbox_example_mail (
    job_id   TEXT NOT NULL,     -- the idempotency key: a retried job does not send twice
    invoice  TEXT NOT NULL,
    email    TEXT NOT NULL,
    attempt  INTEGER NOT NULL,
    UNIQUE (job_id)
);
