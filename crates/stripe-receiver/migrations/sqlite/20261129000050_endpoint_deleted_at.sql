-- `endpoints delete`: an endpoint that deliveries refer to is not removed (its delivery log stays
-- readable, and stripe_webhook_deliveries.endpoint_uuid keeps its foreign key): the row is kept as
-- a tombstone, disabled, its secrets cleared, and `deleted_at` says when. NULL for a live endpoint.
ALTER TABLE stripe_webhook_endpoints ADD COLUMN deleted_at TEXT;
