-- The start-up fills (`search_folded`, `name_key`) look for rows stored before those
-- columns existed. Without an index each start read every household and member: 1.5 s
-- at a million households. These partial indexes hold only such rows, so they are empty
-- and the look-up is instant.
CREATE INDEX households_unfolded ON households (id) WHERE search_folded = '';
CREATE INDEX households_unkeyed ON households (id) WHERE name_key = '';
CREATE INDEX members_unkeyed ON members (id) WHERE name_key = '';
