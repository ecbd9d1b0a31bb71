-- PostgreSQL twin of 0014_contacts.sql. Contacts: a member's visit, call, meeting or message with a household they look after
-- (plan, section II.1), and the counters coverage reads instead of scanning contacts.
-- Field data, keyed by commune like the registries (0005_commune_keys).
--
-- The id is made by whoever records the contact (the form carries one, the offline app
-- makes its own), so a double submit or a retry finds its row and records nothing twice.
CREATE TABLE contacts (
    commune_id   TEXT NOT NULL REFERENCES units(id),
    id           TEXT NOT NULL,
    household_id TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    village_id   TEXT NOT NULL REFERENCES units(id),
    contacted_on TEXT NOT NULL,              -- yyyy-mm-dd, Vietnam date
    channel      TEXT NOT NULL,              -- visit | phone | meeting | message
    topics       TEXT NOT NULL DEFAULT '',   -- topic codes, comma-separated
    note         TEXT NOT NULL DEFAULT '',
    follow_up_on TEXT,                       -- yyyy-mm-dd when a follow-up is needed
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id),
    FOREIGN KEY (commune_id, member_id) REFERENCES members(commune_id, id)
);
CREATE INDEX contacts_id ON contacts(id);
CREATE INDEX contacts_household ON contacts(household_id, contacted_on);
CREATE INDEX contacts_member ON contacts(member_id, contacted_on);

-- Each household's latest contact and the follow-up it asked for: the member's list
-- sorts by these.
CREATE TABLE household_contact_state (
    commune_id      TEXT NOT NULL REFERENCES units(id),
    household_id    TEXT NOT NULL,
    village_id      TEXT NOT NULL REFERENCES units(id),
    last_contact_on TEXT NOT NULL,
    follow_up_on    TEXT,
    contacts        BIGINT NOT NULL,
    PRIMARY KEY (commune_id, household_id),
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id)
);
CREATE INDEX household_contact_state_household ON household_contact_state(household_id);

-- Each member's latest activity: "members with no activity in N days".
CREATE TABLE member_contact_state (
    commune_id      TEXT NOT NULL REFERENCES units(id),
    member_id       TEXT NOT NULL,
    village_id      TEXT NOT NULL REFERENCES units(id),
    last_contact_on TEXT NOT NULL,
    contacts        BIGINT NOT NULL,
    PRIMARY KEY (commune_id, member_id),
    FOREIGN KEY (commune_id, member_id) REFERENCES members(commune_id, id)
);
CREATE INDEX member_contact_state_village ON member_contact_state(village_id, last_contact_on);

-- Per village and period: contacts made, and distinct households reached. A period is a
-- day (D2026-12-02), a month (M2026-12), a quarter (Q2026-4), a half-year (H2026-2) or a
-- year (Y2026). Updated in the same transaction as each contact.
CREATE TABLE contact_counts (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    period     TEXT NOT NULL,
    contacts   BIGINT NOT NULL,
    households BIGINT NOT NULL,
    PRIMARY KEY (commune_id, village_id, period)
);
CREATE INDEX contact_counts_period ON contact_counts(period, commune_id);

-- How many households had their latest contact on each day, per village and per commune
-- (unit_id is either): "contacted in the last 30/60/90 days" is a sum over the last days
-- of these rows, never a count of households. A household's newer contact moves it from
-- its old day to the new one.
CREATE TABLE contact_recency (
    commune_id TEXT NOT NULL REFERENCES units(id),
    unit_id    TEXT NOT NULL REFERENCES units(id),
    day        TEXT NOT NULL,
    households BIGINT NOT NULL,
    PRIMARY KEY (commune_id, unit_id, day)
);

-- First-contact markers: a household's first contact in a period. A new marker is what
-- adds one to contact_counts.households, so distinct reach never needs a scan.
CREATE TABLE contact_reach (
    commune_id   TEXT NOT NULL REFERENCES units(id),
    household_id TEXT NOT NULL,
    period       TEXT NOT NULL,
    PRIMARY KEY (commune_id, household_id, period),
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id)
);

-- Contact topics a province uses instead of the plan's defaults (section II.1). A
-- reference table: the province's list, the same for all its communes.
CREATE TABLE contact_topics (
    province_id TEXT NOT NULL REFERENCES units(id),
    code        TEXT NOT NULL,
    label       TEXT NOT NULL,
    position    BIGINT NOT NULL,
    retired     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (province_id, code)
);
