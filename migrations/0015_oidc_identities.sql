-- Sign-in with OpenID Connect providers (functions/oidc). Expand only: one new
-- table; users is untouched (an account created by a provider gets a
-- password_hash no password verifies against, so the 0.10.0 login refuses it
-- like any wrong password).
--
-- oidc_identities: one row per (provider, subject) the provider vouches for,
-- pointing at the account it signs in to. `subject` is the ID token's `sub`,
-- compared byte for byte (providers treat it as case-sensitive). The email and
-- its verified flag are what the provider said at the last sign-in, for
-- operators; linking by email happens once, when the identity is first seen.
CREATE TABLE IF NOT EXISTS oidc_identities (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  provider       VARCHAR(32) NOT NULL,
  subject        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  user_id        BIGINT NOT NULL,
  email          VARCHAR(254) NULL,
  email_verified TINYINT(1) NOT NULL DEFAULT 0,
  created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_login_at  DATETIME(3) NULL,
  UNIQUE KEY uq_oidc_identity (provider, subject),
  KEY ix_oidc_user (user_id),
  CONSTRAINT fk_oidc_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
