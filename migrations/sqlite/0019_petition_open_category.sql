-- Petitions' dashboards (issue 9, item 7) count what is overdue per category as well as
-- per village: `petition_open` gains the category, the key its counters already carry.
-- SQLite cannot change a primary key, so the table is made again. Its rows are recounted
-- from `petitions` (the stage of each status as `petitions::recount` derives it).
CREATE TABLE petition_open_by_category (
    commune_id TEXT NOT NULL REFERENCES units(id),
    village_id TEXT NOT NULL REFERENCES units(id),
    category   TEXT NOT NULL,
    stage      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (commune_id, village_id, category, stage, due_on)
);

INSERT INTO petition_open_by_category (commune_id, village_id, category, stage, due_on, n)
SELECT commune_id, village_id, category,
       CASE
           WHEN status = 'received' OR (status = 'reopened' AND answer_level = 'cell') THEN 'cell'
           WHEN status = 'forwarded' THEN 'commune'
           WHEN status IN ('assigned', 'transferred', 'reopened') THEN 'answer'
           ELSE 'delivery'
       END,
       due_on, COUNT(*)
FROM petitions
WHERE status IN ('received', 'forwarded', 'assigned', 'transferred', 'reopened', 'answered')
  AND due_on IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

DROP TABLE petition_open;
ALTER TABLE petition_open_by_category RENAME TO petition_open;
CREATE INDEX petition_open_due ON petition_open(commune_id, due_on);
