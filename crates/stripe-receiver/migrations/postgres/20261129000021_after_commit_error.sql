-- After-commit actions that failed (Tx::after_commit): the delivery's event is committed and its
-- answer was 200; this records which action failed and why.
ALTER TABLE stripe_webhook_deliveries ADD COLUMN after_commit_error TEXT;
