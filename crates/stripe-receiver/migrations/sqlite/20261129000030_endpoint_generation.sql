-- The endpoint cache (src/endpoint_cache.rs): SQLite has no NOTIFY, so every change to an endpoint
-- row, whoever makes it (another process, the CLI, the sqlite3 shell), bumps this one-row counter
-- in the same transaction. Each lookup reads the counter (one primary-key read) and drops every
-- cached endpoint when it moved.
CREATE TABLE stripe_endpoint_generation (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL
);

INSERT INTO stripe_endpoint_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER stripe_webhook_endpoints_generation_insert AFTER INSERT ON stripe_webhook_endpoints
BEGIN
    UPDATE stripe_endpoint_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER stripe_webhook_endpoints_generation_update AFTER UPDATE ON stripe_webhook_endpoints
BEGIN
    UPDATE stripe_endpoint_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER stripe_webhook_endpoints_generation_delete AFTER DELETE ON stripe_webhook_endpoints
BEGIN
    UPDATE stripe_endpoint_generation SET generation = generation + 1 WHERE id = 1;
END;
