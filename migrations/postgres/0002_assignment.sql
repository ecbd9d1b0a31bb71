-- PostgreSQL twin of migrations/sqlite/0002_assignment.sql.
-- The 1+10 assignment: versioned plans of (member, household) pairs per village.
-- A plan moves draft → submitted → approved → superseded (or submitted → returned → draft).
-- At most one approved plan per village is in force; history keeps the others, so
-- "who looked after household H on date D" is: approved_at <= D < superseded_at.

CREATE TABLE assignment_plans (
    id               TEXT PRIMARY KEY,
    commune_id       TEXT NOT NULL REFERENCES units(id),
    village_id       TEXT NOT NULL REFERENCES units(id),
    version          BIGINT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft','submitted','approved','returned','superseded')),
    capacity         BIGINT NOT NULL,
    drafted_by       TEXT NOT NULL,
    drafted_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    submitted_by     TEXT,
    submitted_at     TEXT,
    decided_by       TEXT,
    decided_at       TEXT,
    approved_at      TEXT,
    superseded_at    TEXT,
    return_reason    TEXT,
    households       BIGINT NOT NULL DEFAULT 0,
    members          BIGINT NOT NULL DEFAULT 0,
    uncovered        BIGINT NOT NULL DEFAULT 0,
    members_needed   BIGINT NOT NULL DEFAULT 0,
    moved            BIGINT NOT NULL DEFAULT 0,
    total_distance_m BIGINT NOT NULL DEFAULT 0,
    notes            TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX assignment_plans_version ON assignment_plans(village_id, version);
CREATE INDEX assignment_plans_village ON assignment_plans(village_id, status);
CREATE INDEX assignment_plans_commune ON assignment_plans(commune_id, status);

CREATE TABLE assignment_pairs (
    plan_id      TEXT NOT NULL REFERENCES assignment_plans(id),
    commune_id   TEXT NOT NULL REFERENCES units(id),
    household_id TEXT NOT NULL REFERENCES households(id),
    member_id    TEXT NOT NULL REFERENCES members(id),
    reason       TEXT NOT NULL,
    distance_m   BIGINT,
    locked       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, household_id)
);
CREATE INDEX assignment_pairs_member ON assignment_pairs(member_id, plan_id);
CREATE INDEX assignment_pairs_household ON assignment_pairs(household_id, plan_id);
CREATE INDEX assignment_pairs_commune ON assignment_pairs(commune_id);
