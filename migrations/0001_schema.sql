-- The data model of ARCHITECTURE.md. MariaDB (InnoDB), utf8mb4, times in UTC.
-- Every statement is idempotent (IF NOT EXISTS) so a half-applied run can be re-run.

CREATE TABLE IF NOT EXISTS users (
  id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email         VARCHAR(254) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  display_name  VARCHAR(100) NULL,
  role          ENUM('CUSTOMER','OWNER','ADMIN') NOT NULL DEFAULT 'CUSTOMER',
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_users_email (email),
  KEY ix_users_role (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refresh tokens: only the SHA-256 of the token is stored. A family is one
-- login's chain of rotations; reuse of a rotated token revokes the family.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id     BIGINT NOT NULL,
  family_id   CHAR(32) NOT NULL,
  token_hash  CHAR(64) NOT NULL,
  expires_at  DATETIME(3) NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  rotated_at  DATETIME(3) NULL,
  revoked_at  DATETIME(3) NULL,
  UNIQUE KEY uq_refresh_hash (token_hash),
  KEY ix_refresh_family (family_id),
  KEY ix_refresh_user (user_id),
  CONSTRAINT fk_refresh_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS cinemas (
  id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  owner_id   BIGINT NOT NULL,
  name       VARCHAR(200) NOT NULL,
  city       VARCHAR(100) NOT NULL,
  address    VARCHAR(300) NOT NULL DEFAULT '',
  timezone   VARCHAR(64) NOT NULL DEFAULT 'UTC',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  KEY ix_cinemas_owner (owner_id),
  KEY ix_cinemas_city (city),
  CONSTRAINT fk_cinemas_owner FOREIGN KEY (owner_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS halls (
  id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  cinema_id  BIGINT NOT NULL,
  name       VARCHAR(100) NOT NULL,
  rows_count INT NOT NULL,
  cols_count INT NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_halls_name (cinema_id, name),
  CONSTRAINT fk_halls_cinema FOREIGN KEY (cinema_id) REFERENCES cinemas (id),
  CONSTRAINT ck_halls_size CHECK (rows_count BETWEEN 1 AND 100 AND cols_count BETWEEN 1 AND 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A seat has a label (row A, number 7) and a grid position (for gaps/aisles).
CREATE TABLE IF NOT EXISTS seats (
  id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hall_id    BIGINT NOT NULL,
  row_label  VARCHAR(4) NOT NULL,
  number     INT NOT NULL,
  grid_row   INT NOT NULL,
  grid_col   INT NOT NULL,
  seat_type  ENUM('STANDARD','VIP','ACCESSIBLE','COMPANION') NOT NULL DEFAULT 'STANDARD',
  active     TINYINT(1) NOT NULL DEFAULT 1,
  UNIQUE KEY uq_seats_label (hall_id, row_label, number),
  UNIQUE KEY uq_seats_grid (hall_id, grid_row, grid_col),
  CONSTRAINT fk_seats_hall FOREIGN KEY (hall_id) REFERENCES halls (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS shows (
  id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hall_id          BIGINT NOT NULL,
  title            VARCHAR(200) NOT NULL,
  starts_at        DATETIME NOT NULL,
  ends_at          DATETIME NOT NULL,
  base_price_cents INT NOT NULL,
  currency         CHAR(3) NOT NULL,
  status           ENUM('SCHEDULED','CANCELLED') NOT NULL DEFAULT 'SCHEDULED',
  seat_version     BIGINT NOT NULL DEFAULT 0,  -- bumped by every seat change; keys the seat-map cache
  created_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  KEY ix_shows_hall_time (hall_id, starts_at),
  KEY ix_shows_time (starts_at),
  KEY ix_shows_title (title),
  CONSTRAINT fk_shows_hall FOREIGN KEY (hall_id) REFERENCES halls (id),
  CONSTRAINT ck_shows_time CHECK (ends_at > starts_at),
  CONSTRAINT ck_shows_price CHECK (base_price_cents >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS holds (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  show_id     BIGINT NOT NULL,
  user_id     BIGINT NOT NULL,
  status      ENUM('ACTIVE','CONFIRMED','RELEASED','EXPIRED') NOT NULL DEFAULT 'ACTIVE',
  source      ENUM('CUSTOMER','WAITLIST_OFFER') NOT NULL DEFAULT 'CUSTOMER',
  expires_at  DATETIME(3) NOT NULL,
  total_cents INT NOT NULL DEFAULT 0,
  currency    CHAR(3) NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  -- 1 while ACTIVE, NULL otherwise: at most one active hold per user per show.
  active_key  TINYINT AS (IF(status = 'ACTIVE', 1, NULL)) PERSISTENT,
  UNIQUE KEY uq_holds_active (show_id, user_id, active_key),
  KEY ix_holds_expiry (status, expires_at),
  CONSTRAINT fk_holds_show FOREIGN KEY (show_id) REFERENCES shows (id),
  CONSTRAINT fk_holds_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS reservations (
  id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  show_id      BIGINT NOT NULL,
  user_id      BIGINT NOT NULL,
  hold_id      BIGINT NULL,
  status       ENUM('CONFIRMED','CANCELLED') NOT NULL DEFAULT 'CONFIRMED',
  source       ENUM('DIRECT','WAITLIST') NOT NULL DEFAULT 'DIRECT',
  total_cents  INT NOT NULL,
  currency     CHAR(3) NOT NULL,
  payment_ref  VARCHAR(100) NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  cancelled_at DATETIME(3) NULL,
  cancelled_by BIGINT NULL,
  UNIQUE KEY uq_reservations_hold (hold_id),
  KEY ix_reservations_user (user_id, id),
  KEY ix_reservations_show (show_id, status),
  CONSTRAINT fk_reservations_show FOREIGN KEY (show_id) REFERENCES shows (id),
  CONSTRAINT fk_reservations_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Seat state per show: the one place a seat's FREE/HELD/RESERVED lives.
CREATE TABLE IF NOT EXISTS show_seats (
  show_id        BIGINT NOT NULL,
  seat_id        BIGINT NOT NULL,
  status         ENUM('FREE','HELD','RESERVED') NOT NULL DEFAULT 'FREE',
  price_cents    INT NOT NULL,
  hold_id        BIGINT NULL,
  held_until     DATETIME(3) NULL,
  reservation_id BIGINT NULL,
  PRIMARY KEY (show_id, seat_id),
  KEY ix_show_seats_hold (hold_id),
  KEY ix_show_seats_reservation (reservation_id),
  KEY ix_show_seats_status (show_id, status),
  CONSTRAINT fk_show_seats_show FOREIGN KEY (show_id) REFERENCES shows (id),
  CONSTRAINT fk_show_seats_seat FOREIGN KEY (seat_id) REFERENCES seats (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The second safety net against double booking: active is 1 or NULL
-- (cancelled), and (show, seat, 1) can exist once.
CREATE TABLE IF NOT EXISTS reservation_seats (
  reservation_id BIGINT NOT NULL,
  show_id        BIGINT NOT NULL,
  seat_id        BIGINT NOT NULL,
  price_cents    INT NOT NULL,
  active         TINYINT NULL DEFAULT 1,
  PRIMARY KEY (reservation_id, seat_id),
  UNIQUE KEY uq_reservation_seats_active (show_id, seat_id, active),
  CONSTRAINT fk_rs_reservation FOREIGN KEY (reservation_id) REFERENCES reservations (id),
  CONSTRAINT ck_rs_active CHECK (active IS NULL OR active = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS waitlist_entries (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  show_id        BIGINT NOT NULL,
  user_id        BIGINT NOT NULL,
  seats_wanted   INT NOT NULL,
  together       TINYINT(1) NOT NULL DEFAULT 1,
  status         ENUM('WAITING','OFFERED','ASSIGNED','CANCELLED','EXPIRED') NOT NULL DEFAULT 'WAITING',
  reservation_id BIGINT NULL,
  hold_id        BIGINT NULL,
  created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  -- 1 while waiting or offered: one live entry per user per show.
  active_key     TINYINT AS (IF(status IN ('WAITING','OFFERED'), 1, NULL)) PERSISTENT,
  UNIQUE KEY uq_waitlist_active (show_id, user_id, active_key),
  KEY ix_waitlist_queue (show_id, status, id),
  KEY ix_waitlist_user (user_id),
  CONSTRAINT fk_waitlist_show FOREIGN KEY (show_id) REFERENCES shows (id),
  CONSTRAINT fk_waitlist_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT ck_waitlist_seats CHECK (seats_wanted BETWEEN 1 AND 10)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Transactional outbox: written in the same transaction as the state change.
CREATE TABLE IF NOT EXISTS outbox (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id       CHAR(36) NOT NULL,
  event_type     VARCHAR(64) NOT NULL,
  routing_key    VARCHAR(128) NOT NULL,
  aggregate_type VARCHAR(32) NOT NULL,
  aggregate_id   BIGINT NOT NULL,
  payload        LONGTEXT NOT NULL,
  created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  published_at   DATETIME(3) NULL,
  attempts       INT NOT NULL DEFAULT 0,
  last_error     VARCHAR(500) NULL,
  UNIQUE KEY uq_outbox_event (event_id),
  KEY ix_outbox_unpublished (published_at, id),
  CONSTRAINT ck_outbox_payload CHECK (JSON_VALID(payload))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotent consumers: one row per (consumer, event) in the consumer's own transaction.
CREATE TABLE IF NOT EXISTS processed_events (
  consumer     VARCHAR(64) NOT NULL,
  event_id     CHAR(36) NOT NULL,
  processed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (consumer, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS audit_log (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  actor_id    BIGINT NULL,
  actor_role  VARCHAR(16) NULL,
  action      VARCHAR(64) NOT NULL,
  entity_type VARCHAR(32) NOT NULL,
  entity_id   BIGINT NULL,
  before_json LONGTEXT NULL,
  after_json  LONGTEXT NULL,
  request_id  VARCHAR(64) NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_audit_entity (entity_type, entity_id),
  KEY ix_audit_actor (actor_id),
  KEY ix_audit_time (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key per user and endpoint: a retry returns the first response.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id       BIGINT NOT NULL,
  endpoint      VARCHAR(64) NOT NULL,
  idem_key      VARCHAR(128) NOT NULL,
  request_hash  CHAR(64) NOT NULL,
  status_code   INT NOT NULL,
  response_body MEDIUMTEXT NOT NULL,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id, endpoint, idem_key),
  KEY ix_idem_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
