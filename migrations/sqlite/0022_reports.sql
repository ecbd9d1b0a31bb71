-- Periodic reports (issue 10, items 1 and 4–6): the indicators need one counter the
-- fieldwork did not keep, and the reports themselves are data.

-- Members active in a period (at least one contact), kept like households' reach: a
-- member's first contact in a period leaves a marker, and only a new marker adds one to
-- `member_active_counts` of the village of that contact. Calendar periods, as
-- `contacts::model::periods_of` names them.
CREATE TABLE member_active (
    commune_id TEXT NOT NULL REFERENCES units(id),
    member_id  TEXT NOT NULL REFERENCES members(id),
    period     TEXT NOT NULL,
    village_id TEXT NOT NULL REFERENCES units(id),
    PRIMARY KEY (commune_id, member_id, period)
);
CREATE TABLE member_active_counts (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    period     TEXT NOT NULL,
    members    INTEGER NOT NULL,
    PRIMARY KEY (commune_id, village_id, period)
);
CREATE INDEX member_active_counts_period ON member_active_counts(period, commune_id);

-- Markers for the contacts already recorded: each member's first contact (by id, which
-- is in logging order) in each period names the village.
INSERT INTO member_active (commune_id, member_id, period, village_id)
SELECT commune_id, member_id, period, village_id FROM (
    SELECT commune_id, member_id, period, village_id,
           ROW_NUMBER() OVER (PARTITION BY commune_id, member_id, period ORDER BY id) AS rn
    FROM (
        SELECT commune_id, member_id, village_id, id, 'M' || substr(contacted_on, 1, 7) AS period FROM contacts
        UNION ALL SELECT commune_id, member_id, village_id, id, 'Q' || substr(contacted_on, 1, 4) || '-' || CAST((CAST(substr(contacted_on, 6, 2) AS INTEGER) - 1) / 3 + 1 AS TEXT) FROM contacts
        UNION ALL SELECT commune_id, member_id, village_id, id, 'H' || substr(contacted_on, 1, 4) || '-' || CAST((CAST(substr(contacted_on, 6, 2) AS INTEGER) - 1) / 6 + 1 AS TEXT) FROM contacts
        UNION ALL SELECT commune_id, member_id, village_id, id, 'Y' || substr(contacted_on, 1, 4) FROM contacts
        UNION ALL SELECT commune_id, member_id, village_id, id, 'D' || contacted_on FROM contacts
    ) p
) f WHERE rn = 1;
INSERT INTO member_active_counts (commune_id, village_id, period, members)
SELECT commune_id, village_id, period, COUNT(*) FROM member_active GROUP BY commune_id, village_id, period;

-- What a unit aims at, per indicator: a count per period, or a share in per mille. A
-- province's targets stand for its communes until a commune sets its own.
CREATE TABLE report_targets (
    unit_id    TEXT NOT NULL REFERENCES units(id),
    indicator  TEXT NOT NULL,
    value      INTEGER NOT NULL CHECK (value >= 0),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, indicator)
);

-- Who issues a unit's reports and to whom they go: data, not code, since after the 2025
-- reform a commune reports to the province's boards and there is no district.
CREATE TABLE report_profiles (
    unit_id        TEXT PRIMARY KEY REFERENCES units(id),
    parent_body    TEXT NOT NULL,     -- "ĐẢNG BỘ XÃ LƯƠNG BẰNG" (the line above)
    issuing_body   TEXT NOT NULL,     -- "ĐẢNG ỦY" (the body that signs)
    number_suffix  TEXT NOT NULL,     -- "BC/ĐU": the number reads "Số 12-BC/ĐU"
    place_name     TEXT NOT NULL,     -- "Lương Bằng", for the date line
    signer_mode    TEXT NOT NULL CHECK (signer_mode IN ('TM', 'KT', 'TL')),
    signer_body    TEXT NOT NULL,     -- "ĐẢNG ỦY" in "T/M ĐẢNG ỦY"
    signer_title   TEXT NOT NULL,     -- "BÍ THƯ", "PHÓ BÍ THƯ"
    signer_name    TEXT NOT NULL,
    recipients     TEXT NOT NULL,     -- "Nơi nhận", one per line
    reports_to     TEXT REFERENCES units(id),  -- the unit whose board receives it
    due_days       INTEGER NOT NULL DEFAULT 5 CHECK (due_days BETWEEN 0 AND 60),
    updated_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- One report per unit and period. The figures are a snapshot taken when it is
-- submitted (and kept as accepted); the narrative is what the committee wrote.
CREATE TABLE reports (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units(id),
    unit_path     TEXT NOT NULL,
    period        TEXT NOT NULL,      -- "2026-Q4", under the province's cut-off day
    number        INTEGER,            -- given on submission: "Số 12-BC/ĐU"
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted', 'locked')),
    figures       TEXT NOT NULL,      -- JSON: the indicators of the period
    previous      TEXT NOT NULL,      -- JSON: those of the period before
    targets       TEXT NOT NULL,      -- JSON
    corrections   TEXT NOT NULL,      -- JSON: earlier accepted figures that changed since
    situation     TEXT NOT NULL,
    results       TEXT NOT NULL,
    shortcomings  TEXT NOT NULL,
    tasks         TEXT NOT NULL,
    proposals     TEXT NOT NULL,
    issued_on     TEXT,               -- the date line, set on submission
    submitted_at  TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (unit_id, period)
);
CREATE INDEX reports_path ON reports(period, unit_path);

-- Every step of a report's workflow, with who, when and why.
CREATE TABLE report_steps (
    report_id TEXT NOT NULL REFERENCES reports(id),
    seq       INTEGER NOT NULL,
    action    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    note      TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
);
