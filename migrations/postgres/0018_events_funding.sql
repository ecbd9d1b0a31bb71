-- PostgreSQL twin of 0018_events_funding.sql. Every key leads with commune_id, the
-- distribution column (0005_commune_keys.sql); foreign keys between field-data tables
-- carry it on both sides.
--
-- An event: the launch conference ("Hội nghị ra mắt"), a review ("sơ kết", "tổng kết"),
-- a cell meeting, a dialogue. It belongs to the unit that held it: a village (its cell
-- secretary records it) or the commune itself (its committee). Ids are made by the form
-- (UUIDv7), so a double submit records once.
CREATE TABLE events (
    commune_id  TEXT NOT NULL REFERENCES units(id),
    id          TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('launch','review_interim','review_final','cell_meeting','dialogue')),
    held_on     TEXT NOT NULL,                 -- yyyy-mm-dd, Vietnam date
    place       TEXT NOT NULL,
    chair       TEXT NOT NULL,
    content     TEXT NOT NULL,
    households  BIGINT NOT NULL CHECK (households >= 0),  -- households attending, a count
    members     BIGINT NOT NULL DEFAULT 0,     -- rows in event_attendees, kept with them
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (commune_id, id)
);
CREATE INDEX events_id ON events(id);
CREATE INDEX events_held ON events(commune_id, held_on);

-- The Party members who attended, by name (chosen from the registry).
CREATE TABLE event_attendees (
    commune_id TEXT NOT NULL REFERENCES units(id),
    event_id   TEXT NOT NULL,
    member_id  TEXT NOT NULL,
    PRIMARY KEY (commune_id, event_id, member_id),
    FOREIGN KEY (commune_id, event_id) REFERENCES events(commune_id, id),
    FOREIGN KEY (commune_id, member_id) REFERENCES members(commune_id, id)
);
CREATE INDEX event_attendees_member ON event_attendees(member_id);

-- The commune's funding ledger: receipts and expenses in integer đồng, by source and (for
-- expenses) by use, optionally for one event. Entries are never changed or deleted: a
-- mistake is corrected by a reversing entry that names the entry and says why, at most
-- one per entry. The trigger holds that rule under any code path.
CREATE TABLE funding_entries (
    commune_id  TEXT NOT NULL REFERENCES units(id),
    id          TEXT NOT NULL,
    entry_on    TEXT NOT NULL,                 -- yyyy-mm-dd, Vietnam date
    direction   TEXT NOT NULL CHECK (direction IN ('receipt','expense')),
    source      TEXT NOT NULL CHECK (source IN ('province','district','commune','mobilised')),
    use_code    TEXT,                          -- what an expense paid for; NULL for receipts
    event_id    TEXT,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    description TEXT NOT NULL,
    reverses    TEXT,
    reason      TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, event_id) REFERENCES events(commune_id, id),
    FOREIGN KEY (commune_id, reverses) REFERENCES funding_entries(commune_id, id),
    CHECK (reverses IS NULL OR reason IS NOT NULL)
);
CREATE INDEX funding_entries_id ON funding_entries(id);
CREATE INDEX funding_entries_ledger ON funding_entries(commune_id, source, entry_on);
CREATE UNIQUE INDEX funding_entries_reverses ON funding_entries(commune_id, reverses);

CREATE FUNCTION funding_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'funding entries are never changed or deleted: record a reversing entry';
END
$$;
CREATE TRIGGER funding_entries_append_only BEFORE UPDATE OR DELETE ON funding_entries
    FOR EACH ROW EXECUTE FUNCTION funding_entries_append_only();
