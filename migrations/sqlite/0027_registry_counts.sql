-- Registry counters for coverage: per village, its active households, how many of them
-- an approved plan assigns, and its active members; and per village and commune, the
-- active members by the day of their latest contact. A province's coverage reads a few
-- thousand of these rows instead of counting a million households. Triggers keep them,
-- so every path that writes the registry (forms, API, imports, the generator, the CLI)
-- moves them in its own transaction. Rows may sit at zero; readers sum them.
CREATE TABLE registry_counts (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    households INTEGER NOT NULL,
    assigned   INTEGER NOT NULL,
    members    INTEGER NOT NULL,
    PRIMARY KEY (commune_id, village_id)
);

-- unit_id is the member's village or its commune, as in contact_recency.
CREATE TABLE member_recency (
    commune_id TEXT NOT NULL REFERENCES units(id),
    unit_id    TEXT NOT NULL REFERENCES units(id),
    day        TEXT NOT NULL,
    members    INTEGER NOT NULL,
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

-- Households. A household's approved pairs count where the household is.
CREATE TRIGGER registry_household_added AFTER INSERT ON households WHEN NEW.status = 'active'
BEGIN
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    VALUES (NEW.commune_id, NEW.village_id, 1, 0, 0)
    ON CONFLICT (commune_id, village_id) DO UPDATE SET households = households + 1;
END;

CREATE TRIGGER registry_household_moved AFTER UPDATE OF status, village_id, commune_id ON households
WHEN OLD.status IS NOT NEW.status OR OLD.village_id IS NOT NEW.village_id OR OLD.commune_id IS NOT NEW.commune_id
BEGIN
    UPDATE registry_counts SET households = households - 1,
        assigned = assigned - (SELECT COUNT(*) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id
                               WHERE p.household_id = OLD.id AND a.status = 'approved')
    WHERE OLD.status = 'active' AND commune_id = OLD.commune_id AND village_id = OLD.village_id;
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    SELECT NEW.commune_id, NEW.village_id, 1,
        (SELECT COUNT(*) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id
         WHERE p.household_id = NEW.id AND a.status = 'approved'), 0
    WHERE NEW.status = 'active'
    ON CONFLICT (commune_id, village_id) DO UPDATE SET households = households + 1, assigned = assigned + excluded.assigned;
END;

CREATE TRIGGER registry_household_removed AFTER DELETE ON households WHEN OLD.status = 'active'
BEGIN
    UPDATE registry_counts SET households = households - 1
    WHERE commune_id = OLD.commune_id AND village_id = OLD.village_id;
END;

-- Plans: approving one counts its pairs, superseding it takes them off.
CREATE TRIGGER registry_plan_decided AFTER UPDATE OF status ON assignment_plans
WHEN (OLD.status = 'approved') <> (NEW.status = 'approved')
BEGIN
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    SELECT h.commune_id, h.village_id, 0,
        CASE WHEN NEW.status = 'approved' THEN COUNT(*) ELSE -COUNT(*) END, 0
    FROM assignment_pairs p JOIN households h ON h.id = p.household_id
    WHERE p.plan_id = NEW.id AND h.status = 'active' GROUP BY h.commune_id, h.village_id
    ON CONFLICT (commune_id, village_id) DO UPDATE SET assigned = assigned + excluded.assigned;
END;

CREATE TRIGGER registry_pair_added AFTER INSERT ON assignment_pairs
BEGIN
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    SELECT h.commune_id, h.village_id, 0, 1, 0 FROM households h JOIN assignment_plans a ON a.id = NEW.plan_id
    WHERE h.id = NEW.household_id AND h.status = 'active' AND a.status = 'approved'
    ON CONFLICT (commune_id, village_id) DO UPDATE SET assigned = assigned + 1;
END;

CREATE TRIGGER registry_pair_removed AFTER DELETE ON assignment_pairs
BEGIN
    UPDATE registry_counts SET assigned = assigned - 1
    WHERE (commune_id, village_id) IN (
        SELECT h.commune_id, h.village_id FROM households h JOIN assignment_plans a ON a.id = OLD.plan_id
        WHERE h.id = OLD.household_id AND h.status = 'active' AND a.status = 'approved');
END;

CREATE TRIGGER registry_pair_moved AFTER UPDATE OF plan_id, household_id ON assignment_pairs
WHEN OLD.plan_id IS NOT NEW.plan_id OR OLD.household_id IS NOT NEW.household_id
BEGIN
    UPDATE registry_counts SET assigned = assigned - 1
    WHERE (commune_id, village_id) IN (
        SELECT h.commune_id, h.village_id FROM households h JOIN assignment_plans a ON a.id = OLD.plan_id
        WHERE h.id = OLD.household_id AND h.status = 'active' AND a.status = 'approved');
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    SELECT h.commune_id, h.village_id, 0, 1, 0 FROM households h JOIN assignment_plans a ON a.id = NEW.plan_id
    WHERE h.id = NEW.household_id AND h.status = 'active' AND a.status = 'approved'
    ON CONFLICT (commune_id, village_id) DO UPDATE SET assigned = assigned + 1;
END;

-- Members, and their latest contact's day while they are active.
CREATE TRIGGER registry_member_added AFTER INSERT ON members WHEN NEW.status = 'active'
BEGIN
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    VALUES (NEW.commune_id, NEW.village_id, 0, 0, 1)
    ON CONFLICT (commune_id, village_id) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER registry_member_moved AFTER UPDATE OF status, village_id, commune_id ON members
WHEN OLD.status IS NOT NEW.status OR OLD.village_id IS NOT NEW.village_id OR OLD.commune_id IS NOT NEW.commune_id
BEGIN
    UPDATE registry_counts SET members = members - 1
    WHERE OLD.status = 'active' AND commune_id = OLD.commune_id AND village_id = OLD.village_id;
    INSERT INTO registry_counts (commune_id, village_id, households, assigned, members)
    SELECT NEW.commune_id, NEW.village_id, 0, 0, 1 WHERE NEW.status = 'active'
    ON CONFLICT (commune_id, village_id) DO UPDATE SET members = members + 1;
    UPDATE member_recency SET members = members - 1
    WHERE OLD.status = 'active' AND commune_id = OLD.commune_id AND unit_id IN (OLD.village_id, OLD.commune_id)
      AND day = (SELECT last_contact_on FROM member_contact_state WHERE member_id = OLD.id);
    INSERT INTO member_recency (commune_id, unit_id, day, members)
    SELECT NEW.commune_id, u.id, s.last_contact_on, 1
    FROM member_contact_state s, (SELECT NEW.village_id AS id UNION ALL SELECT NEW.commune_id) u
    WHERE s.member_id = NEW.id AND NEW.status = 'active'
    ON CONFLICT (commune_id, unit_id, day) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER registry_member_removed AFTER DELETE ON members WHEN OLD.status = 'active'
BEGIN
    UPDATE registry_counts SET members = members - 1
    WHERE commune_id = OLD.commune_id AND village_id = OLD.village_id;
END;

CREATE TRIGGER member_recency_first AFTER INSERT ON member_contact_state
BEGIN
    INSERT INTO member_recency (commune_id, unit_id, day, members)
    SELECT m.commune_id, u.id, NEW.last_contact_on, 1
    FROM members m, (SELECT m2.village_id AS id FROM members m2 WHERE m2.id = NEW.member_id
                     UNION ALL SELECT m3.commune_id FROM members m3 WHERE m3.id = NEW.member_id) u
    WHERE m.id = NEW.member_id AND m.status = 'active'
    ON CONFLICT (commune_id, unit_id, day) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER member_recency_moved AFTER UPDATE OF last_contact_on ON member_contact_state
WHEN OLD.last_contact_on IS NOT NEW.last_contact_on
BEGIN
    UPDATE member_recency SET members = members - 1
    WHERE day = OLD.last_contact_on AND (commune_id, unit_id) IN (
        SELECT commune_id, village_id FROM members WHERE id = OLD.member_id AND status = 'active'
        UNION ALL SELECT commune_id, commune_id FROM members WHERE id = OLD.member_id AND status = 'active');
    INSERT INTO member_recency (commune_id, unit_id, day, members)
    SELECT m.commune_id, u.id, NEW.last_contact_on, 1
    FROM members m, (SELECT m2.village_id AS id FROM members m2 WHERE m2.id = NEW.member_id
                     UNION ALL SELECT m3.commune_id FROM members m3 WHERE m3.id = NEW.member_id) u
    WHERE m.id = NEW.member_id AND m.status = 'active'
    ON CONFLICT (commune_id, unit_id, day) DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER member_recency_removed AFTER DELETE ON member_contact_state
BEGIN
    UPDATE member_recency SET members = members - 1
    WHERE day = OLD.last_contact_on AND (commune_id, unit_id) IN (
        SELECT commune_id, village_id FROM members WHERE id = OLD.member_id AND status = 'active'
        UNION ALL SELECT commune_id, commune_id FROM members WHERE id = OLD.member_id AND status = 'active');
END;
