-- Field data is keyed by commune, ready for Citus to distribute it by commune_id.
-- Citus requires the distribution column in every primary key, in every unique
-- constraint, and in every foreign key between distributed tables, so:
--   * cells, households, members, assignment_plans and assignment_pairs get a primary key
--     that starts with commune_id (lookups by id alone keep a plain index);
--   * their unique constraints include commune_id;
--   * their foreign keys to each other carry commune_id on both sides, which also means a
--     record can never point at a record of another commune.
-- Reference tables (units, users, grants, settings, ...) keep their keys, and may not
-- point at field data: users.member_id loses its foreign key (the application links a
-- user to a member through the member's scope). A test in tests/migrations.rs reads the catalogue and holds this rule.

ALTER TABLE assignment_pairs DROP CONSTRAINT assignment_pairs_plan_id_fkey;
ALTER TABLE assignment_pairs DROP CONSTRAINT assignment_pairs_household_id_fkey;
ALTER TABLE assignment_pairs DROP CONSTRAINT assignment_pairs_member_id_fkey;
ALTER TABLE members DROP CONSTRAINT members_cell_id_fkey;
ALTER TABLE members DROP CONSTRAINT members_household_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_member_id_fkey;

ALTER TABLE cells DROP CONSTRAINT cells_pkey;
ALTER TABLE cells ADD PRIMARY KEY (commune_id, id);
CREATE INDEX cells_id ON cells(id);

ALTER TABLE households DROP CONSTRAINT households_pkey;
ALTER TABLE households ADD PRIMARY KEY (commune_id, id);
CREATE INDEX households_id ON households(id);
DROP INDEX households_code;
CREATE UNIQUE INDEX households_code ON households(commune_id, village_id, code);

ALTER TABLE members DROP CONSTRAINT members_pkey;
ALTER TABLE members ADD PRIMARY KEY (commune_id, id);
CREATE INDEX members_id ON members(id);
CREATE INDEX members_household ON members(household_id);
CREATE INDEX users_member ON users(member_id);
ALTER TABLE members ADD CONSTRAINT members_cell_fkey
    FOREIGN KEY (commune_id, cell_id) REFERENCES cells(commune_id, id);
ALTER TABLE members ADD CONSTRAINT members_household_fkey
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id);

ALTER TABLE assignment_plans DROP CONSTRAINT assignment_plans_pkey;
ALTER TABLE assignment_plans ADD PRIMARY KEY (commune_id, id);
CREATE INDEX assignment_plans_id ON assignment_plans(id);
DROP INDEX assignment_plans_version;
CREATE UNIQUE INDEX assignment_plans_version ON assignment_plans(commune_id, village_id, version);

ALTER TABLE assignment_pairs DROP CONSTRAINT assignment_pairs_pkey;
ALTER TABLE assignment_pairs ADD PRIMARY KEY (commune_id, plan_id, household_id);
CREATE INDEX assignment_pairs_plan ON assignment_pairs(plan_id, household_id);
ALTER TABLE assignment_pairs ADD CONSTRAINT assignment_pairs_plan_fkey
    FOREIGN KEY (commune_id, plan_id) REFERENCES assignment_plans(commune_id, id);
ALTER TABLE assignment_pairs ADD CONSTRAINT assignment_pairs_household_fkey
    FOREIGN KEY (commune_id, household_id) REFERENCES households(commune_id, id);
ALTER TABLE assignment_pairs ADD CONSTRAINT assignment_pairs_member_fkey
    FOREIGN KEY (commune_id, member_id) REFERENCES members(commune_id, id);
