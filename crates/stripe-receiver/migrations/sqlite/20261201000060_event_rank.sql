-- The ordering guard's rank within one second (README "Ordering guard"): *.created 0,
-- other changes 1, *.deleted 2. SQLite flavour: booleans are 0/1, JSON is text, synced_at RFC 3339 UTC text; generated from sync/kinds.rs (test sync::schema).
ALTER TABLE stripe_customers ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_charges ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_refunds ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_disputes ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_payment_methods ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_payment_intents ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_setup_intents ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_subscriptions ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_subscription_schedules ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_invoices ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_invoice_items ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_products ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_prices ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_plans ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_coupons ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_promotion_codes ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_tax_rates ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_tax_ids ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_checkout_sessions ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_accounts ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_external_accounts ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_payouts ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_transfers ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stripe_files ADD COLUMN event_rank INTEGER NOT NULL DEFAULT 1;
