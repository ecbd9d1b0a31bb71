-- Imports (issue 3): an uploaded file is kept between its preview and the person's
-- confirmation, for that person only, and expires. The bytes are base64 text so one
-- code path serves both engines (no BLOB/BYTEA value type needed).
CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL CHECK (kind IN ('households','members')),
    unit_id     TEXT NOT NULL REFERENCES units(id),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    content     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    applied_at  TEXT,
    outcome     TEXT
);
CREATE INDEX import_batches_user ON import_batches(user_id, created_at);
CREATE INDEX import_batches_expires ON import_batches(expires_at);
