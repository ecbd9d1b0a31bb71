-- Members get accounts. An account made with a one-time password (a printed login slip)
-- must choose its own password at the first sign-in; a member record has at most one
-- account, so the list of members can say who has one.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX users_member_unique ON users(member_id);
