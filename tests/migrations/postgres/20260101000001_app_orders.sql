-- An application's own table, applied by RuntimeBuilder::migrations (tests/app_migrations.rs).
CREATE TABLE app_orders (id TEXT PRIMARY KEY, paid BOOLEAN NOT NULL DEFAULT FALSE);
