-- PostgreSQL twin of 0017_petitions.sql. Every key of field data leads with commune_id,
-- the distribution column (0005_commune_keys.sql).
-- Petitions (issue 9): a household's opinion or request, carried from the doorstep through
-- the cell, the commune and an agency to an answer, and back to the same household, who
-- confirms it or reopens it. Field data is keyed by commune like the registries
-- (0005_commune_keys); the holiday table, the categories and the deadlines are reference
-- data, the same for a whole province or the country.

-- Days that differ from the plain week: 'off' (a holiday, a day made up, a bridge day) or
-- 'work' (a Saturday worked in exchange). Deadlines count working days over it.
CREATE TABLE petition_holidays (
    day        TEXT PRIMARY KEY,              -- yyyy-mm-dd
    kind       TEXT NOT NULL CHECK (kind IN ('off','work')),
    name       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The categories a province uses instead of the defaults (as contact_topics does).
CREATE TABLE petition_categories (
    province_id TEXT NOT NULL REFERENCES units(id),
    code        TEXT NOT NULL,
    label       TEXT NOT NULL,
    position    BIGINT NOT NULL,
    retired     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (province_id, code)
);

-- Deadlines in working days per stage (cell, commune, answer, delivery), for a whole
-- province (category '') or one category; missing rows take the defaults in the code.
CREATE TABLE petition_deadlines (
    province_id TEXT NOT NULL REFERENCES units(id),
    stage       TEXT NOT NULL CHECK (stage IN ('cell','commune','answer','delivery')),
    category    TEXT NOT NULL DEFAULT '',
    days        BIGINT NOT NULL,
    PRIMARY KEY (province_id, stage, category)
);

-- The commune's agencies: UBND xã and its offices, the police post, the Front and the
-- mass organisations.
CREATE TABLE agencies (
    commune_id TEXT NOT NULL REFERENCES units(id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    active     BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (commune_id, id)
);
CREATE INDEX agencies_id ON agencies(id);

-- Which users answer for which agency (users holding the agency_handler role).
CREATE TABLE agency_handlers (
    commune_id TEXT NOT NULL REFERENCES units(id),
    agency_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (commune_id, agency_id, user_id),
    FOREIGN KEY (commune_id, agency_id) REFERENCES agencies(commune_id, id)
);
CREATE INDEX agency_handlers_user ON agency_handlers(user_id, agency_id);

-- Answers a commune gives often, to start an answer from.
CREATE TABLE answer_templates (
    commune_id TEXT NOT NULL REFERENCES units(id),
    id         TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    basis      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (commune_id, id)
);

-- One row per household's petition. A meeting's opinion shared by several households is
-- one petition each, linked by group_id (as are duplicates the commune links): one answer
-- reaches them all, and each household confirms for itself. The id is made by whoever
-- records it (the form carries one), so a double submit records once.
CREATE TABLE petitions (
    commune_id      TEXT NOT NULL REFERENCES units(id),
    id              TEXT NOT NULL,
    group_id        TEXT NOT NULL,
    village_id      TEXT NOT NULL REFERENCES units(id),
    household_id    TEXT NOT NULL,
    category        TEXT NOT NULL,
    body            TEXT NOT NULL,
    named           BIGINT NOT NULL DEFAULT 0,   -- the household agrees the agency sees its name
    source          TEXT NOT NULL CHECK (source IN ('member','meeting','api')),
    status          TEXT NOT NULL,
    answer_level    TEXT,                      -- cell | agency | outside, once answered
    agency_id       TEXT,
    competent_body  TEXT,                      -- named on a transfer or a decline
    answer_text     TEXT,
    answer_basis    TEXT,
    answered_by     TEXT,                      -- who answered, as people read it
    returned        BIGINT NOT NULL DEFAULT 0,    -- sent back down and not yet moved on
    stage_since     TEXT NOT NULL,             -- yyyy-mm-dd the current holder got it
    due_on          TEXT,                      -- yyyy-mm-dd of the current stage's deadline
    received_on     TEXT NOT NULL,
    closed_on       TEXT,
    steps           BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id),
    FOREIGN KEY (commune_id, agency_id) REFERENCES agencies(commune_id, id)
);
CREATE INDEX petitions_id ON petitions(id);
CREATE INDEX petitions_village ON petitions(village_id, status);
CREATE INDEX petitions_agency ON petitions(agency_id, status);
CREATE INDEX petitions_household ON petitions(household_id, created_at);
CREATE INDEX petitions_commune ON petitions(commune_id, status);
CREATE INDEX petitions_group ON petitions(commune_id, group_id);
-- Supervisors list what is overdue across a province: by deadline, not by scan.
CREATE INDEX petitions_due ON petitions(due_on);

-- Every step: who, when, what, the note (a reason, a named body, the answer). stage,
-- stage_days and late say how the stage the step ended went: the counters are recounted
-- from these rows.
CREATE TABLE petition_steps (
    commune_id  TEXT NOT NULL REFERENCES units(id),
    petition_id TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    action      TEXT NOT NULL,
    status      TEXT NOT NULL,                -- the status after the step
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    at          TEXT NOT NULL,
    on_day      TEXT NOT NULL,                -- yyyy-mm-dd (the server's date)
    who         TEXT NOT NULL DEFAULT '',     -- the agency or body the step names
    note        TEXT NOT NULL DEFAULT '',
    stage       TEXT,
    stage_days  BIGINT,
    late        BIGINT,
    PRIMARY KEY (commune_id, petition_id, seq),
    FOREIGN KEY (commune_id, petition_id) REFERENCES petitions(commune_id, id)
);

-- A petition's photo and an answer's attachment, in the database so backups carry them.
-- Base64 text, as campaign files.
CREATE TABLE petition_files (
    commune_id  TEXT NOT NULL REFERENCES units(id),
    petition_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('photo','answer')),
    mime        TEXT NOT NULL,
    name        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    content     TEXT NOT NULL,
    PRIMARY KEY (commune_id, petition_id, kind),
    FOREIGN KEY (commune_id, petition_id) REFERENCES petitions(commune_id, id)
);

-- Counters per (village, category, period, event), moved in the same transaction as each
-- step. Periods as contacts (D2026-03-05, M2026-03, Q2026-1, H2026-1, Y2026). Events: a
-- step's action (receive, forward, answer_at_cell, return, assign, transfer, decline,
-- answer, deliver, confirm, reopen); on_time:STAGE / late:STAGE for each stage ended; and
-- days:STAGE:NN, how many stages took NN working days (the median comes from these).
CREATE TABLE petition_counts (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    category   TEXT NOT NULL,
    period     TEXT NOT NULL,
    event      TEXT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (commune_id, village_id, category, period, event)
);
CREATE INDEX petition_counts_period ON petition_counts(period, commune_id);

-- Open petitions per village, stage and deadline: what is overdue or due soon anywhere is
-- a sum over these rows, never a scan of petitions.
CREATE TABLE petition_open (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    stage      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (commune_id, village_id, stage, due_on)
);
CREATE INDEX petition_open_due ON petition_open(commune_id, due_on);

-- The public holidays of 2024–2027 (Labour Code 2019, art. 112: 1/1, five days of Tết,
-- Giỗ Tổ Hùng Vương 10/3 of the lunar year, 30/4, 1/5, 2/9 and a day next to it; a holiday
-- on a weekend is made up on the next working day), with the swaps the Ministry announces
-- each year for civil servants (a bridge day off, worked back on a Saturday). Years not yet
-- announced when this was written (the 2/9 adjacent day of 2026, Tết and its swaps of 2027)
-- follow the usual pattern; the administrator checks them against each year's notice and
-- edits the table on /petitions/holidays.
INSERT INTO petition_holidays (day, kind, name, updated_by, updated_at) VALUES
('2024-01-01', 'off', 'Tết Dương lịch', 'system', '2024-01-01T00:00:00.000Z'),
('2024-02-08', 'off', 'Tết Nguyên đán Giáp Thìn', 'system', '2024-01-01T00:00:00.000Z'),
('2024-02-09', 'off', 'Tết Nguyên đán Giáp Thìn', 'system', '2024-01-01T00:00:00.000Z'),
('2024-02-12', 'off', 'Tết Nguyên đán Giáp Thìn', 'system', '2024-01-01T00:00:00.000Z'),
('2024-02-13', 'off', 'Tết Nguyên đán Giáp Thìn', 'system', '2024-01-01T00:00:00.000Z'),
('2024-02-14', 'off', 'Tết Nguyên đán Giáp Thìn', 'system', '2024-01-01T00:00:00.000Z'),
('2024-04-18', 'off', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'system', '2024-01-01T00:00:00.000Z'),
('2024-04-29', 'off', 'Nghỉ hoán đổi (làm bù thứ Bảy 04/5)', 'system', '2024-01-01T00:00:00.000Z'),
('2024-04-30', 'off', 'Ngày Chiến thắng 30/4', 'system', '2024-01-01T00:00:00.000Z'),
('2024-05-01', 'off', 'Ngày Quốc tế Lao động 1/5', 'system', '2024-01-01T00:00:00.000Z'),
('2024-05-04', 'work', 'Làm bù cho thứ Hai 29/4', 'system', '2024-01-01T00:00:00.000Z'),
('2024-09-02', 'off', 'Quốc khánh 2/9', 'system', '2024-01-01T00:00:00.000Z'),
('2024-09-03', 'off', 'Quốc khánh (ngày liền kề)', 'system', '2024-01-01T00:00:00.000Z'),
('2025-01-01', 'off', 'Tết Dương lịch', 'system', '2024-01-01T00:00:00.000Z'),
('2025-01-27', 'off', 'Tết Nguyên đán Ất Tỵ', 'system', '2024-01-01T00:00:00.000Z'),
('2025-01-28', 'off', 'Tết Nguyên đán Ất Tỵ', 'system', '2024-01-01T00:00:00.000Z'),
('2025-01-29', 'off', 'Tết Nguyên đán Ất Tỵ', 'system', '2024-01-01T00:00:00.000Z'),
('2025-01-30', 'off', 'Tết Nguyên đán Ất Tỵ', 'system', '2024-01-01T00:00:00.000Z'),
('2025-01-31', 'off', 'Tết Nguyên đán Ất Tỵ', 'system', '2024-01-01T00:00:00.000Z'),
('2025-04-07', 'off', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'system', '2024-01-01T00:00:00.000Z'),
('2025-04-26', 'work', 'Làm bù cho thứ Sáu 02/5', 'system', '2024-01-01T00:00:00.000Z'),
('2025-04-30', 'off', 'Ngày Chiến thắng 30/4', 'system', '2024-01-01T00:00:00.000Z'),
('2025-05-01', 'off', 'Ngày Quốc tế Lao động 1/5', 'system', '2024-01-01T00:00:00.000Z'),
('2025-05-02', 'off', 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4)', 'system', '2024-01-01T00:00:00.000Z'),
('2025-09-01', 'off', 'Quốc khánh (ngày liền kề)', 'system', '2024-01-01T00:00:00.000Z'),
('2025-09-02', 'off', 'Quốc khánh 2/9', 'system', '2024-01-01T00:00:00.000Z'),
('2026-01-01', 'off', 'Tết Dương lịch', 'system', '2024-01-01T00:00:00.000Z'),
('2026-02-16', 'off', 'Tết Nguyên đán Bính Ngọ', 'system', '2024-01-01T00:00:00.000Z'),
('2026-02-17', 'off', 'Tết Nguyên đán Bính Ngọ', 'system', '2024-01-01T00:00:00.000Z'),
('2026-02-18', 'off', 'Tết Nguyên đán Bính Ngọ', 'system', '2024-01-01T00:00:00.000Z'),
('2026-02-19', 'off', 'Tết Nguyên đán Bính Ngọ', 'system', '2024-01-01T00:00:00.000Z'),
('2026-02-20', 'off', 'Tết Nguyên đán Bính Ngọ', 'system', '2024-01-01T00:00:00.000Z'),
('2026-04-27', 'off', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4)', 'system', '2024-01-01T00:00:00.000Z'),
('2026-04-30', 'off', 'Ngày Chiến thắng 30/4', 'system', '2024-01-01T00:00:00.000Z'),
('2026-05-01', 'off', 'Ngày Quốc tế Lao động 1/5', 'system', '2024-01-01T00:00:00.000Z'),
('2026-09-01', 'off', 'Quốc khánh (ngày liền kề)', 'system', '2024-01-01T00:00:00.000Z'),
('2026-09-02', 'off', 'Quốc khánh 2/9', 'system', '2024-01-01T00:00:00.000Z'),
('2027-01-01', 'off', 'Tết Dương lịch', 'system', '2024-01-01T00:00:00.000Z'),
('2027-02-04', 'off', 'Tết Nguyên đán Đinh Mùi', 'system', '2024-01-01T00:00:00.000Z'),
('2027-02-05', 'off', 'Tết Nguyên đán Đinh Mùi', 'system', '2024-01-01T00:00:00.000Z'),
('2027-02-08', 'off', 'Tết Nguyên đán Đinh Mùi', 'system', '2024-01-01T00:00:00.000Z'),
('2027-02-09', 'off', 'Tết Nguyên đán Đinh Mùi', 'system', '2024-01-01T00:00:00.000Z'),
('2027-02-10', 'off', 'Tết Nguyên đán Đinh Mùi', 'system', '2024-01-01T00:00:00.000Z'),
('2027-04-16', 'off', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'system', '2024-01-01T00:00:00.000Z'),
('2027-04-30', 'off', 'Ngày Chiến thắng 30/4', 'system', '2024-01-01T00:00:00.000Z'),
('2027-05-03', 'off', 'Nghỉ bù Ngày Quốc tế Lao động (thứ Bảy 1/5)', 'system', '2024-01-01T00:00:00.000Z'),
('2027-09-02', 'off', 'Quốc khánh 2/9', 'system', '2024-01-01T00:00:00.000Z'),
('2027-09-03', 'off', 'Quốc khánh (ngày liền kề)', 'system', '2024-01-01T00:00:00.000Z');
