-- Webhook endpoints, the delivery log and the event store (PRODUCT.md §7), PostgreSQL flavour.
-- Same tables, columns and meaning as the SQLite migration, with native types: uuid, timestamptz,
-- jsonb (queryable event data), bytea, inet.

CREATE TABLE stripe_webhook_endpoints (
    uuid            uuid PRIMARY KEY,                       -- the unguessable id in /webhooks/{uuid}
    stripe_id       text UNIQUE,                            -- we_...; NULL for a local-only endpoint
    url             text NOT NULL,
    secrets         jsonb NOT NULL DEFAULT '[]',            -- [{"secret":"whsec_...","expires_at":<unix s>|null}]
    livemode        boolean NOT NULL DEFAULT false,
    tolerance_secs  bigint NOT NULL DEFAULT 300 CHECK (tolerance_secs >= 0),
    validation      text NOT NULL DEFAULT 'verify_signature'
                    CHECK (validation IN ('verify_signature', 'retrieve_event', 'none')),
    api_version     text,
    enabled_events  jsonb NOT NULL DEFAULT '["*"]',
    account         text,
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE stripe_events (
    id               text PRIMARY KEY,                      -- evt_...
    type             text NOT NULL,
    api_version      text,
    livemode         boolean NOT NULL,
    account          text,
    created          bigint NOT NULL,                       -- Stripe's event.created, Unix seconds
    request_id       text,
    idempotency_key  text,
    data             jsonb NOT NULL,                        -- event.data (object, previous_attributes)
    body_hash        text NOT NULL,                         -- hex SHA-256 of the delivery body first stored
    received_at      timestamptz NOT NULL
);

CREATE INDEX stripe_events_type_created ON stripe_events (type, created);
CREATE INDEX stripe_events_received_at ON stripe_events (received_at);

CREATE TABLE stripe_webhook_deliveries (
    id             uuid PRIMARY KEY,                        -- UUID v7 (time-ordered)
    endpoint_uuid  uuid NOT NULL REFERENCES stripe_webhook_endpoints (uuid),
    received_at    timestamptz NOT NULL,
    remote_ip      inet,
    headers        jsonb NOT NULL,
    body           bytea NOT NULL,                          -- the exact raw request body
    valid          boolean NOT NULL,
    outcome        text NOT NULL
                   CHECK (outcome IN ('processed', 'duplicate', 'conflict', 'skipped', 'invalid', 'failed')),
    event_id       text,
    event_type     text,
    error          text,
    error_detail   text
);

CREATE INDEX stripe_webhook_deliveries_endpoint ON stripe_webhook_deliveries (endpoint_uuid, received_at);
CREATE INDEX stripe_webhook_deliveries_event ON stripe_webhook_deliveries (event_id);
CREATE INDEX stripe_webhook_deliveries_outcome ON stripe_webhook_deliveries (outcome, received_at);
