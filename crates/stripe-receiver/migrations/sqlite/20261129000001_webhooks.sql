-- Webhook endpoints, the delivery log and the event store (PRODUCT.md §7), SQLite flavour.
-- Times: `*_at` columns are RFC 3339 UTC text; Stripe's own times (`created`) are Unix seconds.
-- JSON columns hold JSON text.

CREATE TABLE stripe_webhook_endpoints (
    uuid            TEXT PRIMARY KEY NOT NULL,              -- the unguessable id in /webhooks/{uuid}
    stripe_id       TEXT UNIQUE,                            -- we_...; NULL for a local-only endpoint
    url             TEXT NOT NULL,
    secrets         TEXT NOT NULL DEFAULT '[]',             -- JSON [{"secret":"whsec_...","expires_at":<unix s>|null}]
    livemode        INTEGER NOT NULL DEFAULT 0 CHECK (livemode IN (0, 1)),
    tolerance_secs  INTEGER NOT NULL DEFAULT 300 CHECK (tolerance_secs >= 0),
    validation      TEXT NOT NULL DEFAULT 'verify_signature'
                    CHECK (validation IN ('verify_signature', 'retrieve_event', 'none')),
    api_version     TEXT,
    enabled_events  TEXT NOT NULL DEFAULT '["*"]',          -- JSON array of event types
    account         TEXT,                                   -- acct_... for a connected account's endpoint
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE stripe_events (
    id               TEXT PRIMARY KEY NOT NULL,             -- evt_...
    type             TEXT NOT NULL,
    api_version      TEXT,
    livemode         INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    account          TEXT,
    created          INTEGER NOT NULL,                      -- Stripe's event.created, Unix seconds
    request_id       TEXT,
    idempotency_key  TEXT,
    data             TEXT NOT NULL,                         -- JSON event.data (object, previous_attributes)
    body_hash        TEXT NOT NULL,                         -- hex SHA-256 of the delivery body first stored
    received_at      TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX stripe_events_type_created ON stripe_events (type, created);
CREATE INDEX stripe_events_received_at ON stripe_events (received_at);

CREATE TABLE stripe_webhook_deliveries (
    id             TEXT PRIMARY KEY NOT NULL,               -- UUID v7 (time-ordered)
    endpoint_uuid  TEXT NOT NULL REFERENCES stripe_webhook_endpoints (uuid),
    received_at    TEXT NOT NULL,
    remote_ip      TEXT,
    headers        TEXT NOT NULL,                           -- JSON object, header name -> value
    body           BLOB NOT NULL,                           -- the exact raw request body
    valid          INTEGER NOT NULL CHECK (valid IN (0, 1)),
    outcome        TEXT NOT NULL
                   CHECK (outcome IN ('processed', 'duplicate', 'conflict', 'skipped', 'invalid', 'failed')),
    event_id       TEXT,                                    -- set when the event is committed
    event_type     TEXT,                                    -- from the verified body, when it parsed
    error          TEXT,                                    -- failure class, e.g. no_matching_signature, receiver_error
    error_detail   TEXT                                     -- message, receiver path, panic text
) WITHOUT ROWID;

CREATE INDEX stripe_webhook_deliveries_endpoint ON stripe_webhook_deliveries (endpoint_uuid, received_at);
CREATE INDEX stripe_webhook_deliveries_event ON stripe_webhook_deliveries (event_id);
CREATE INDEX stripe_webhook_deliveries_outcome ON stripe_webhook_deliveries (outcome, received_at);
