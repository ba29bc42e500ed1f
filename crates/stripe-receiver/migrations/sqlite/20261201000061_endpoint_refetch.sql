-- Per endpoint: when the built-in sync re-fetches objects from Stripe for this endpoint's events
-- ('ties', 'always' or 'never'; README "Ordering guard"). NULL follows STRIPE_RECEIVER_REFETCH.
ALTER TABLE stripe_webhook_endpoints ADD COLUMN refetch TEXT;
