-- Lists sort by name with a stored key (text::sort_key_of: the ICU Vietnamese sort key,
-- as hex) instead of calling the collator for every pair of rows on every page view.
-- Computed by the application on every write; rows stored before, or under another
-- collation version (settings 'sort_key_version'), are filled in at start-up.
ALTER TABLE households ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
-- A list page is found in these indexes alone (village, status, order), then its 50 rows
-- are read: the rows the page does not show are never read or sorted whole.
CREATE INDEX households_list ON households(village_id, status, name_key, id);
CREATE INDEX members_list ON members(village_id, status, name_key, id);
