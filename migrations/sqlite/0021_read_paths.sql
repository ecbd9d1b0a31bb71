-- Indexes for the read paths the load benchmark found slow.
-- A household's history is read newest first, ties broken by id, twenty rows at a time.
-- Without the id in the index every contact of the latest day had to be read and sorted
-- on each view of the card: after a day of many contacts for one household the card
-- cost three times as much.
DROP INDEX contacts_household;
CREATE INDEX contacts_household ON contacts(household_id, contacted_on, id);
DROP INDEX petitions_household;
CREATE INDEX petitions_household ON petitions(household_id, created_at, id);

-- The commune committee's registry lists: its whole commune, one index range in the list's
-- order, fifty rows read instead of every household of every village re-sorted per page.
-- They replace the (commune_id, status) indexes, which are their prefix.
DROP INDEX households_commune;
CREATE INDEX households_commune ON households(commune_id, status, name_key, id);
DROP INDEX members_commune;
CREATE INDEX members_commune ON members(commune_id, status, name_key, id);
