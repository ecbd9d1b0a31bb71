-- PostgreSQL twin: 0011_audit_segments.sql splits the audit log into monthly partitions.
-- SQLite has no partitions; its segments are ranges of `at`, found through the index
-- audit_log_at (0006), and `danvan audit archive` removes them with a delete.
-- audit_anchors is the same on both: per chain, the sequence number and hash of the last
-- archived event.

CREATE TABLE audit_anchors (
    chain          TEXT PRIMARY KEY,
    seq            BIGINT NOT NULL,
    hash           TEXT NOT NULL,
    archived_to    TEXT NOT NULL,
    archive_sha256 TEXT NOT NULL,
    archived_at    TEXT NOT NULL
);
