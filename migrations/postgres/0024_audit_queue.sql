-- PostgreSQL: a write's audit events wait here, committed with the write, until the
-- batcher seals them into their chain. Sealing inside each write would hold the
-- commune's chain head locked through every commit, so all writes of a commune would
-- queue behind one another; the batcher seals a whole group under one lock instead.
-- Rows live for milliseconds; ids give the order they are sealed in.
CREATE TABLE audit_queue (
    id BIGSERIAL PRIMARY KEY,
    chain TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
