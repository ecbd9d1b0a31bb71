-- The audit log in monthly segments, so that old months can be archived and removed
-- whole (`danvan audit archive`) instead of by a delete over the live table.
--   * audit_log becomes a table partitioned by month of `at` (UTC text, compared in the
--     "C" collation so that the month bounds order as the text reads). The server keeps the
--     partitions for this month and the next two in place; a DEFAULT partition catches any
--     row whose month has none, so a write never fails for want of a partition.
--   * audit_anchors keeps, per chain, the sequence number and hash of the last archived
--     event: verify starts each chain there, and the archive file proves the part removed.

ALTER TABLE audit_log RENAME TO audit_log_unsegmented;
ALTER INDEX audit_log_pkey RENAME TO audit_log_unsegmented_pkey;
DROP INDEX audit_log_entity;
DROP INDEX audit_log_actor;
DROP INDEX audit_log_at;
DROP INDEX audit_log_chain_at;

CREATE TABLE audit_log (
    chain     TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    at        TEXT COLLATE "C" NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    -- A partitioned table's key must hold the partition column; (chain, seq) stays
    -- unique because seq comes from the chain's head, locked while it is taken.
    PRIMARY KEY (chain, seq, at)
) PARTITION BY RANGE (at);
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

DO $$
DECLARE m TEXT;
BEGIN
    FOR m IN SELECT DISTINCT substr(at, 1, 7) FROM audit_log_unsegmented LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
            'audit_log_' || replace(m, '-', '_'),
            m,
            to_char(to_date(m || '-01', 'YYYY-MM-DD') + interval '1 month', 'YYYY-MM'));
    END LOOP;
END $$;

INSERT INTO audit_log SELECT * FROM audit_log_unsegmented;
DROP TABLE audit_log_unsegmented;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_chain_at ON audit_log(chain, at);

CREATE TABLE audit_anchors (
    chain          TEXT PRIMARY KEY,
    seq            BIGINT NOT NULL,
    hash           TEXT NOT NULL,
    archived_to    TEXT NOT NULL,
    archive_sha256 TEXT NOT NULL,
    archived_at    TEXT NOT NULL
);
