-- The application table of tests/postgres_query_macro.rs; also the schema scripts/prepare-sqlx-cache.sh
-- describes the test's sqlx::query! macros against.
CREATE TABLE test_orders (
    id              bigint PRIMARY KEY,
    stripe_invoice  text NOT NULL UNIQUE,
    amount          bigint NOT NULL,
    paid_at         timestamptz
);
