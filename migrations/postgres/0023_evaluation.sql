-- PostgreSQL twin of 0023_evaluation.sql. Every key of field data leads with commune_id,
-- the distribution column (0005_commune_keys.sql).
-- Evaluation and classification (issue 10, item 2): the rubric a province scores with,
-- each commune's evaluations of its villages and of its Party members for a period, and
-- per village or member the proposal (level, score, the figures behind them) beside the
-- committee's decision (level, written reason, who, when) and the commendation.
--
-- A province's rubric, as JSON (evaluation::rubric::Rubric); without a row the built-in
-- defaults apply. Reference data: one row per province.
CREATE TABLE evaluation_rubrics (
    province_id TEXT PRIMARY KEY REFERENCES units(id),
    rubric      TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One evaluation per commune and period (2026, 2026-H1, 2026-Q4). The rubric it was
-- proposed with is copied in, so that a later change of the province's rubric never
-- rewrites a proposal already made. Open: the committee adjusts; approved: read-only.
CREATE TABLE evaluations (
    commune_id  TEXT NOT NULL REFERENCES units(id),
    id          TEXT NOT NULL,
    period      TEXT NOT NULL,
    first_day   TEXT NOT NULL,               -- yyyy-mm-dd, under the province's cut-off
    last_day    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open','approved')),
    rubric      TEXT NOT NULL,
    opened_by   TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    PRIMARY KEY (commune_id, id)
);
CREATE UNIQUE INDEX evaluations_period ON evaluations(commune_id, period);
CREATE INDEX evaluations_id ON evaluations(id);

-- One line per village and per member evaluated. The name is kept as it was, so that the
-- list still reads right after a rename or a move.
CREATE TABLE evaluation_lines (
    commune_id     TEXT NOT NULL REFERENCES units(id),
    evaluation_id  TEXT NOT NULL,
    subject        TEXT NOT NULL CHECK (subject IN ('village','member')),
    subject_id     TEXT NOT NULL,
    village_id     TEXT NOT NULL REFERENCES units(id),
    name           TEXT NOT NULL,
    sort_key       TEXT NOT NULL,
    proposed_level TEXT NOT NULL,
    proposed_score BIGINT NOT NULL,
    figures        TEXT NOT NULL,            -- the indicators behind the proposal, as JSON
    level          TEXT NOT NULL,            -- the decision: the proposal until adjusted
    reason         TEXT,                     -- required when the decision differs
    decided_by     TEXT,
    decided_at     TEXT,
    commended      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_id, evaluation_id, subject, subject_id),
    FOREIGN KEY (commune_id, evaluation_id) REFERENCES evaluations(commune_id, id)
);
CREATE INDEX evaluation_lines_village ON evaluation_lines(evaluation_id, village_id, subject);
