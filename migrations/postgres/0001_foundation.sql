-- Foundation: unit tree, registries, users and access, audit log.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.mmmZ' (sorts as it reads); dates 'YYYY-MM-DD'.
-- PostgreSQL twin of migrations/sqlite: same tables, same columns.
-- Identifiers are text: UUIDv7 for records people create, stable codes for the catalogue.

CREATE COLLATION IF NOT EXISTS vi (provider = icu, locale = 'vi');

CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('country','province','district','commune','village')),
    code        TEXT,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    unit_type   TEXT,
    parent_id   TEXT REFERENCES units(id),
    path        TEXT COLLATE "C" NOT NULL,
    commune_id  TEXT,
    valid_from  TEXT,
    valid_to    TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_code ON units(code, kind);
CREATE INDEX units_path ON units(path);
CREATE UNIQUE INDEX units_village_name ON units(parent_id, name_folded) WHERE kind = 'village' AND valid_to IS NULL;

CREATE TABLE unit_lineage (
    id           TEXT PRIMARY KEY,
    from_unit_id TEXT NOT NULL REFERENCES units(id),
    to_unit_id   TEXT NOT NULL REFERENCES units(id),
    kind         TEXT NOT NULL CHECK (kind IN ('merged','split','renamed')),
    is_default   BIGINT NOT NULL DEFAULT 0,
    effective_on TEXT NOT NULL
);
CREATE INDEX unit_lineage_from ON unit_lineage(from_unit_id);
CREATE INDEX unit_lineage_to ON unit_lineage(to_unit_id);

CREATE TABLE cells (
    id          TEXT PRIMARY KEY,
    commune_id  TEXT NOT NULL REFERENCES units(id),
    village_id  TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    active      BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX cells_village ON cells(village_id);
CREATE INDEX cells_commune ON cells(commune_id);

CREATE TABLE households (
    id                 TEXT PRIMARY KEY,
    commune_id         TEXT NOT NULL REFERENCES units(id),
    village_id         TEXT NOT NULL REFERENCES units(id),
    code               TEXT NOT NULL,
    head_family        TEXT NOT NULL,
    head_middle        TEXT NOT NULL,
    head_given         TEXT NOT NULL,
    head_name          TEXT NOT NULL,
    name_folded        TEXT NOT NULL,
    xom                TEXT NOT NULL DEFAULT '',
    ngo                TEXT NOT NULL DEFAULT '',
    house_no           TEXT NOT NULL DEFAULT '',
    latitude           DOUBLE PRECISION,
    longitude          DOUBLE PRECISION,
    phone              TEXT,
    size               BIGINT,
    support_categories TEXT NOT NULL DEFAULT '',
    citizen_id_masked  TEXT,
    citizen_id_hash    TEXT,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','moved','dissolved')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX households_code ON households(village_id, code);
CREATE INDEX households_commune ON households(commune_id, status);
CREATE INDEX households_given ON households(village_id, head_given COLLATE "vi", head_family COLLATE "vi", head_middle COLLATE "vi");
CREATE INDEX households_folded ON households(commune_id, name_folded);

CREATE TABLE members (
    id                TEXT PRIMARY KEY,
    commune_id        TEXT NOT NULL REFERENCES units(id),
    village_id        TEXT NOT NULL REFERENCES units(id),
    cell_id           TEXT REFERENCES cells(id),
    family_name       TEXT NOT NULL,
    middle_name       TEXT NOT NULL,
    given_name        TEXT NOT NULL,
    full_name         TEXT NOT NULL,
    name_folded       TEXT NOT NULL,
    sex               TEXT CHECK (sex IN ('M','F')),
    birth_year        BIGINT,
    phone             TEXT,
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','exempt','moved','deceased')),
    household_id      TEXT REFERENCES households(id),
    citizen_id_masked TEXT,
    citizen_id_hash   TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX members_village ON members(village_id, status);
CREATE INDEX members_commune ON members(commune_id, status);
CREATE INDEX members_folded ON members(commune_id, name_folded);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0,
    member_id     TEXT REFERENCES members(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE grants (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    unit_id    TEXT NOT NULL REFERENCES units(id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX grants_unique ON grants(user_id, role, unit_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked      BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE login_failures (
    id         TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    ip         TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- One hash chain per commune (and 'global'), so appends for different communes never
-- wait for each other and a commune's log can be exported and verified on its own.
CREATE TABLE audit_heads (
    chain     TEXT PRIMARY KEY,
    last_seq  BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    chain     TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    at        TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);

CREATE TABLE idempotency_keys (
    key        TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    status     BIGINT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
