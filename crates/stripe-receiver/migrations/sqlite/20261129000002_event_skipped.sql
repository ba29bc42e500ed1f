-- An event stored only because an endpoint of the other mode received it (livemode mismatch):
-- no receiver ran for it, so a later delivery to an endpoint of the right mode must process it
-- rather than treat it as a duplicate.
ALTER TABLE stripe_events ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1));
