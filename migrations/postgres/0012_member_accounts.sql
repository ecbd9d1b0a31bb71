-- PostgreSQL twin of 0012_member_accounts.sql. Members get accounts: an account made with
-- a one-time password must choose its own at the first sign-in; a member record has at
-- most one account (the unique index replaces the plain one of 0005).
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS users_member;
CREATE UNIQUE INDEX users_member_unique ON users(member_id);
