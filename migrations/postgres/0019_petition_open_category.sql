-- Petitions' dashboards (issue 9, item 7) count what is overdue per category as well as
-- per village: `petition_open` gains the category, the key its counters already carry.
-- Its rows are recounted from `petitions` (the stage of each status as
-- `petitions::recount` derives it).
ALTER TABLE petition_open ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE petition_open DROP CONSTRAINT petition_open_pkey;
DELETE FROM petition_open;

INSERT INTO petition_open (commune_id, village_id, category, stage, due_on, n)
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

ALTER TABLE petition_open ADD PRIMARY KEY (commune_id, village_id, category, stage, due_on);
ALTER TABLE petition_open ALTER COLUMN category DROP DEFAULT;
