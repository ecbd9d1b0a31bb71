-- An Idempotency-Key is bound to the route and the body it was first used with: the same
-- key on another route or with another body is refused instead of replayed.
ALTER TABLE idempotency_keys ADD COLUMN route TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
