-- PostgreSQL twin: 0005_commune_keys.sql gives field data primary keys, unique constraints
-- and foreign keys that start with commune_id, so Citus can distribute it by commune.
-- SQLite is one file on one machine and is never sharded: its keys stay as they are. Ids
-- are UUIDv7 and a village belongs to one commune, so every constraint enforces the same
-- rule on both engines; only the shape of the keys differs.
SELECT 1;
