-- PostgreSQL twin of 0016_commitments.sql. Every key leads with commune_id, the
-- distribution column (0005_commune_keys.sql).
-- Yearly commitments ("bản cam kết") of households and of Party members (issue 8).
-- The lines of the form: a commune's own list once its committee edits it, else the
-- defaults of the plan (section II.2 for households, II.1 for members), which live in the
-- code. Retired lines stay, so that history can still name them.
CREATE TABLE commitment_items (
    id         TEXT NOT NULL,
    commune_id TEXT NOT NULL REFERENCES units(id),
    subject    TEXT NOT NULL CHECK (subject IN ('household','member')),
    position   BIGINT NOT NULL,
    text       TEXT NOT NULL,
    retired_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (commune_id, id)
);
CREATE INDEX commitment_items_commune ON commitment_items(commune_id, subject, position);

-- One row per (year, subject): signed or not, and when. A later record replaces the state.
-- The village is the subject's when it was recorded: the counters below are kept by it.
CREATE TABLE commitments (
    id          TEXT NOT NULL,
    commune_id  TEXT NOT NULL REFERENCES units(id),
    village_id  TEXT NOT NULL REFERENCES units(id),
    year        BIGINT NOT NULL,
    subject     TEXT NOT NULL CHECK (subject IN ('household','member')),
    subject_id  TEXT NOT NULL,
    signed      BIGINT NOT NULL,
    signed_on   TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (commune_id, id)
);
CREATE UNIQUE INDEX commitments_subject ON commitments(commune_id, year, subject, subject_id);
CREATE INDEX commitments_village ON commitments(village_id, year, subject);

-- Signed commitments per (village, year, subject), kept in the same transaction as every
-- record: reports and the summary page read these, never the rows.
CREATE TABLE commitment_counts (
    village_id TEXT NOT NULL REFERENCES units(id),
    commune_id TEXT NOT NULL REFERENCES units(id),
    year       BIGINT NOT NULL,
    subject    TEXT NOT NULL,
    signed     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_id, village_id, year, subject)
);
CREATE INDEX commitment_counts_commune ON commitment_counts(commune_id, year);
