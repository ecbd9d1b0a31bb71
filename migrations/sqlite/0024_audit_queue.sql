-- SQLite twin of the PostgreSQL audit queue. On SQLite the single writer seals each
-- group's events itself, so this table stays empty; it exists so that both engines
-- have one schema and `audit verify` reads the same tables on each.
CREATE TABLE audit_queue (
    id INTEGER PRIMARY KEY,
    chain TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
