-- Petition counters rolled up to every unit on a village's path: for all categories
-- together (category '*') on the village itself, its commune, the province and the
-- country; per category too above the village (the village's own per-category rows are
-- `petition_counts`). Moved in the same transaction as the village's row. A province's dashboard was a sum over every village counter of the
-- province (311,000 rows for one quarter at a million households); it now reads its
-- communes' '*' rows and its own per-category rows, a few hundred.
CREATE TABLE petition_totals (
    unit_id  TEXT NOT NULL REFERENCES units(id),
    period   TEXT NOT NULL,
    category TEXT NOT NULL,
    event    TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (unit_id, period, category, event)
);

-- Filled from the village counters, each village's rows going to every unit on its path.
WITH RECURSIVE up (village_id, unit_id) AS (
    SELECT id, id FROM units WHERE kind = 'village'
    UNION ALL
    SELECT up.village_id, u.parent_id FROM up JOIN units u ON u.id = up.unit_id
    WHERE u.parent_id IS NOT NULL
),
by_unit AS (
    SELECT up.unit_id, c.period, c.category, c.event, SUM(c.n) AS n
    FROM petition_counts c JOIN up ON up.village_id = c.village_id
    GROUP BY up.unit_id, c.period, c.category, c.event
)
INSERT INTO petition_totals (unit_id, period, category, event, n)
SELECT unit_id, period, category, event, n FROM by_unit
WHERE unit_id NOT IN (SELECT id FROM units WHERE kind = 'village')
UNION ALL
SELECT unit_id, period, '*', event, SUM(n) FROM by_unit GROUP BY unit_id, period, event;
