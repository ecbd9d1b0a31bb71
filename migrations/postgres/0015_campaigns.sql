-- PostgreSQL twin of 0015_campaigns.sql. Campaigns (đợt tuyên truyền, vận động): information that must reach every household of
-- a unit's subtree, optionally only households of some support categories. Members record
-- each delivery; coverage is read from counters kept in the same transaction as each
-- delivery, never from a scan of the households.
CREATE TABLE campaigns (
    id                 TEXT PRIMARY KEY,
    unit_id            TEXT NOT NULL REFERENCES units(id),
    -- The target's materialised path: lists filter by it without joining the tree.
    unit_path          TEXT NOT NULL,
    -- The commune when the target lies inside one (its audit chain); NULL above.
    commune_id         TEXT,
    title              TEXT NOT NULL,
    body               TEXT NOT NULL,
    topic              TEXT NOT NULL,
    -- Codes as households store them, comma-separated; empty: every household.
    support_categories TEXT NOT NULL DEFAULT '',
    starts_on          TEXT NOT NULL,
    ends_on            TEXT NOT NULL,
    remind_days        BIGINT NOT NULL DEFAULT 3,
    file_name          TEXT,
    file_size          BIGINT,
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    -- When the targeted counts were last taken from the registry.
    targets_at         TEXT NOT NULL
);
CREATE INDEX campaigns_path ON campaigns(unit_path);
CREATE INDEX campaigns_open ON campaigns(ends_on, starts_on);

-- The attached PDF, in the database so that backups carry it. Base64 text: one code path
-- for both engines (as import batches do).
CREATE TABLE campaign_files (
    campaign_id TEXT PRIMARY KEY REFERENCES campaigns(id),
    content     TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL
);

-- Campaigns and their files are reference data (a campaign may span a province, and there
-- are a few per commune a year); what follows is field data, keyed by commune like the
-- registries (0005_commune_keys.sql).

-- Counters per (campaign, village): the denominator is a snapshot of the registry taken
-- when the campaign is made (and again on "refresh"); delivered and unreachable move with
-- every delivery write.
CREATE TABLE campaign_villages (
    campaign_id TEXT NOT NULL REFERENCES campaigns(id),
    village_id  TEXT NOT NULL REFERENCES units(id),
    commune_id  TEXT NOT NULL REFERENCES units(id),
    targeted    BIGINT NOT NULL DEFAULT 0,
    delivered   BIGINT NOT NULL DEFAULT 0,
    unreachable BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_id, campaign_id, village_id)
);
CREATE INDEX campaign_villages_campaign ON campaign_villages(campaign_id, village_id);
CREATE INDEX campaign_villages_village ON campaign_villages(village_id, campaign_id);

-- One row per (campaign, household): recording again replaces the outcome. `id` is the
-- latest recording's id (client-made on phones), so a repeated submission is recognised.
CREATE TABLE campaign_deliveries (
    campaign_id  TEXT NOT NULL REFERENCES campaigns(id),
    household_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    commune_id   TEXT NOT NULL REFERENCES units(id),
    village_id   TEXT NOT NULL REFERENCES units(id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('delivered','unreachable')),
    on_date      TEXT NOT NULL,
    channel      TEXT,
    reason       TEXT,
    member_id    TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (commune_id, campaign_id, household_id),
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id),
    FOREIGN KEY (commune_id, member_id) REFERENCES members(commune_id, id)
);
CREATE UNIQUE INDEX campaign_deliveries_id ON campaign_deliveries(commune_id, id);
CREATE INDEX campaign_deliveries_by_id ON campaign_deliveries(id);
CREATE INDEX campaign_deliveries_campaign ON campaign_deliveries(campaign_id, household_id);
CREATE INDEX campaign_deliveries_household ON campaign_deliveries(household_id);

-- Deliveries (outcome delivered) per village and day, for the periodic reports.
CREATE TABLE delivery_day_counts (
    village_id TEXT NOT NULL REFERENCES units(id),
    day        TEXT NOT NULL,
    commune_id TEXT NOT NULL REFERENCES units(id),
    deliveries BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_id, village_id, day)
);
CREATE INDEX delivery_day_counts_day ON delivery_day_counts(commune_id, day);
