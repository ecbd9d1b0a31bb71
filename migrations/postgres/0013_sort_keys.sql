-- Lists sort by name with a stored key (text::sort_key_of: the ICU Vietnamese sort key,
-- as hex) instead of calling the collator for every pair of rows on every page view.
-- Byte order ("C") is the key's order. Computed by the application on every write; rows
-- stored before, or under another collation version (settings 'sort_key_version'), are
-- filled in at start-up.
ALTER TABLE households ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX households_name_key ON households(commune_id, name_key);
CREATE INDEX members_name_key ON members(commune_id, name_key);
