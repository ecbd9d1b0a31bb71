-- What the household search looks in: code, head's name and the address as shown, folded
-- (no diacritics, no case, no punctuation). Computed by the application on every write;
-- rows stored before this column existed are filled in at start-up.
ALTER TABLE households ADD COLUMN search_folded TEXT NOT NULL DEFAULT '';
CREATE INDEX households_search ON households(commune_id, search_folded);
