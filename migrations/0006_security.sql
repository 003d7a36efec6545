-- Security hardening (expand only: every binary of the previous release keeps
-- working against this schema; `place_hold` of 0004 stays for them).
--
-- * users.disabled_at: a disabled account cannot log in or refresh, and its
--   access tokens stop working at once (the functions check the current role
--   and this flag on every authenticated request).
-- * users.email compares byte for byte: the functions store and look up one
--   canonical form (NFKC + case folding), so the lookup must not fold accents
--   or widths on its own (utf8mb4_unicode_ci made `séc@x` and `ｓec@x` find the
--   account `sec@x` under another throttle key).
-- * holds by user, for the cap on a customer's held seats across shows
--   (enforced by place_hold_v2, migration 0008).

ALTER TABLE users ADD COLUMN IF NOT EXISTS disabled_at DATETIME(3) NULL AFTER role;
ALTER TABLE users MODIFY email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE holds ADD INDEX IF NOT EXISTS ix_holds_user_active (user_id, active_key);
ALTER TABLE waitlist_entries ADD INDEX IF NOT EXISTS ix_waitlist_user_active (user_id, active_key);
