-- Registry counters for coverage: per village, its active households, how many of them
-- an approved plan assigns, and its active members; and per village and commune, the
-- active members by the day of their latest contact. A province's coverage reads a few
-- thousand of these rows instead of counting a million households. Triggers keep them,
-- so every path that writes the registry (forms, API, imports, the generator, the CLI)
-- moves them in its own transaction. Rows may sit at zero; readers sum them. Each
-- trigger writes rows of the commune of the row it fires on, so under Citus the writes
-- stay on the commune's shard.
CREATE TABLE registry_counts (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    households BIGINT NOT NULL,
    assigned   BIGINT NOT NULL,
    members    BIGINT NOT NULL,
    PRIMARY KEY (commune_id, village_id)
);

-- unit_id is the member's village or its commune, as in contact_recency.
CREATE TABLE member_recency (
    commune_id TEXT NOT NULL REFERENCES units(id),
    unit_id    TEXT NOT NULL REFERENCES units(id),
    day        TEXT NOT NULL,
    members    BIGINT NOT NULL,
    PRIMARY KEY (commune_id, unit_id, day)
);
CREATE INDEX member_recency_unit ON member_recency(unit_id, day);
-- Coverage asks for the lines' units, not their commune.
CREATE INDEX contact_recency_unit ON contact_recency(unit_id, day);
-- The member triggers find a member's latest contact by the member alone.
CREATE INDEX member_contact_state_member ON member_contact_state(member_id);

INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
SELECT commune_id, village_id, SUM(h), SUM(a), SUM(m) FROM (
    SELECT commune_id, village_id, 1 AS h, 0 AS a, 0 AS m FROM households WHERE status = 'active'
    UNION ALL
    SELECT h.commune_id, h.village_id, 0, 1, 0 FROM assignment_pairs p
        JOIN assignment_plans a ON a.id = p.plan_id JOIN households h ON h.id = p.household_id
        WHERE a.status = 'approved' AND h.status = 'active'
    UNION ALL
    SELECT commune_id, village_id, 0, 0, 1 FROM members WHERE status = 'active'
) x GROUP BY commune_id, village_id;

INSERT INTO member_recency (commune_id, unit_id, day, members)
SELECT commune_id, unit_id, day, COUNT(*) FROM (
    SELECT m.commune_id, m.village_id AS unit_id, s.last_contact_on AS day
        FROM member_contact_state s JOIN members m ON m.id = s.member_id WHERE m.status = 'active'
    UNION ALL
    SELECT m.commune_id, m.commune_id, s.last_contact_on
        FROM member_contact_state s JOIN members m ON m.id = s.member_id WHERE m.status = 'active'
) x GROUP BY commune_id, unit_id, day;

CREATE FUNCTION registry_add(c TEXT, v TEXT, dh BIGINT, da BIGINT, dm BIGINT) RETURNS void AS $$
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    VALUES (c, v, dh, da, dm)
    ON CONFLICT (commune_id, village_id) DO UPDATE SET
        households = registry_counts.households + excluded.households,
        assigned = registry_counts.assigned + excluded.assigned,
        members = registry_counts.members + excluded.members;
$$ LANGUAGE sql;

-- One more (or one fewer) active member whose latest contact was on `d`, on the member's
-- village and on its commune.
CREATE FUNCTION member_recency_add(c TEXT, v TEXT, d TEXT, dn BIGINT) RETURNS void AS $$
    INSERT INTO member_recency (commune_id, unit_id, day, members)
    VALUES (c, v, d, dn), (c, c, d, dn)
    ON CONFLICT (commune_id, unit_id, day) DO UPDATE SET members = member_recency.members + excluded.members;
$$ LANGUAGE sql;

CREATE FUNCTION approved_pairs(household TEXT) RETURNS BIGINT AS $$
    SELECT COUNT(*) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id
    WHERE p.household_id = household AND a.status = 'approved';
$$ LANGUAGE sql STABLE;

-- Households. A household's approved pairs count where the household is.
CREATE FUNCTION registry_households() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status = 'active' THEN
            PERFORM registry_add(OLD.commune_id, OLD.village_id, -1, -approved_pairs(OLD.id), 0);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'active' THEN
            PERFORM registry_add(NEW.commune_id, NEW.village_id, 1, 0, 0);
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.status = 'active' THEN
            PERFORM registry_add(NEW.commune_id, NEW.village_id, 1, approved_pairs(NEW.id), 0);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER registry_households_added AFTER INSERT OR DELETE ON households
    FOR EACH ROW EXECUTE FUNCTION registry_households();
CREATE TRIGGER registry_households_moved AFTER UPDATE OF status, village_id, commune_id ON households
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.village_id IS DISTINCT FROM NEW.village_id
                       OR OLD.commune_id IS DISTINCT FROM NEW.commune_id)
    EXECUTE FUNCTION registry_households();

-- Plans: approving one counts its pairs, superseding it takes them off.
CREATE FUNCTION registry_plans() RETURNS trigger AS $$
BEGIN
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    SELECT h.commune_id, h.village_id, 0,
        CASE WHEN NEW.status = 'approved' THEN COUNT(*) ELSE -COUNT(*) END, 0
    FROM assignment_pairs p JOIN households h ON h.id = p.household_id
    WHERE p.plan_id = NEW.id AND h.status = 'active' GROUP BY h.commune_id, h.village_id
    ON CONFLICT (commune_id, village_id) DO UPDATE SET assigned = registry_counts.assigned + excluded.assigned;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER registry_plans_decided AFTER UPDATE OF status ON assignment_plans
    FOR EACH ROW WHEN ((OLD.status = 'approved') IS DISTINCT FROM (NEW.status = 'approved'))
    EXECUTE FUNCTION registry_plans();

CREATE FUNCTION registry_pairs() RETURNS trigger AS $$
DECLARE c TEXT; v TEXT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT h.commune_id, h.village_id INTO c, v FROM households h JOIN assignment_plans a ON a.id = OLD.plan_id
        WHERE h.id = OLD.household_id AND h.status = 'active' AND a.status = 'approved';
        IF FOUND THEN
            PERFORM registry_add(c, v, 0, -1, 0);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT h.commune_id, h.village_id INTO c, v FROM households h JOIN assignment_plans a ON a.id = NEW.plan_id
        WHERE h.id = NEW.household_id AND h.status = 'active' AND a.status = 'approved';
        IF FOUND THEN
            PERFORM registry_add(c, v, 0, 1, 0);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER registry_pairs_added AFTER INSERT OR DELETE ON assignment_pairs
    FOR EACH ROW EXECUTE FUNCTION registry_pairs();
CREATE TRIGGER registry_pairs_moved AFTER UPDATE OF plan_id, household_id ON assignment_pairs
    FOR EACH ROW WHEN (OLD.plan_id IS DISTINCT FROM NEW.plan_id OR OLD.household_id IS DISTINCT FROM NEW.household_id)
    EXECUTE FUNCTION registry_pairs();

-- Members, and their latest contact's day while they are active.
CREATE FUNCTION registry_members() RETURNS trigger AS $$
DECLARE d TEXT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status = 'active' THEN
            PERFORM registry_add(OLD.commune_id, OLD.village_id, 0, 0, -1);
            SELECT last_contact_on INTO d FROM member_contact_state WHERE member_id = OLD.id;
            IF FOUND THEN
                PERFORM member_recency_add(OLD.commune_id, OLD.village_id, d, -1);
            END IF;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.status = 'active' THEN
            PERFORM registry_add(NEW.commune_id, NEW.village_id, 0, 0, 1);
            IF TG_OP = 'UPDATE' THEN
                SELECT last_contact_on INTO d FROM member_contact_state WHERE member_id = NEW.id;
                IF FOUND THEN
                    PERFORM member_recency_add(NEW.commune_id, NEW.village_id, d, 1);
                END IF;
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER registry_members_added AFTER INSERT OR DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION registry_members();
CREATE TRIGGER registry_members_moved AFTER UPDATE OF status, village_id, commune_id ON members
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.village_id IS DISTINCT FROM NEW.village_id
                       OR OLD.commune_id IS DISTINCT FROM NEW.commune_id)
    EXECUTE FUNCTION registry_members();

CREATE FUNCTION member_recency_contacts() RETURNS trigger AS $$
DECLARE c TEXT; v TEXT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT commune_id, village_id INTO c, v FROM members WHERE id = OLD.member_id AND status = 'active';
        IF FOUND THEN
            PERFORM member_recency_add(c, v, OLD.last_contact_on, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT commune_id, village_id INTO c, v FROM members WHERE id = NEW.member_id AND status = 'active';
        IF FOUND THEN
            PERFORM member_recency_add(c, v, NEW.last_contact_on, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER member_recency_first AFTER INSERT OR DELETE ON member_contact_state
    FOR EACH ROW EXECUTE FUNCTION member_recency_contacts();
CREATE TRIGGER member_recency_moved AFTER UPDATE OF last_contact_on ON member_contact_state
    FOR EACH ROW WHEN (OLD.last_contact_on IS DISTINCT FROM NEW.last_contact_on)
    EXECUTE FUNCTION member_recency_contacts();
