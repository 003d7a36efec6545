-- Payments outside the booking transaction (expand only). A transaction body
-- may run again (deadlock retry), so confirm authorizes before it, captures
-- after its commit and voids the authorization when it does not commit. Each
-- step is a row here, keyed by the hold it pays for, so a step that was
-- answered is never sent twice and a crash between the steps is visible (the
-- worker voids authorizations that no reservation ever used).
CREATE TABLE IF NOT EXISTS payments (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hold_id        BIGINT NOT NULL,
  user_id        BIGINT NOT NULL,
  reservation_id BIGINT NULL,
  amount_cents   INT NOT NULL,
  currency       CHAR(3) NOT NULL,
  provider_ref   VARCHAR(100) NULL,
  status         ENUM('AUTHORIZED','CAPTURED','VOIDED','DECLINED') NOT NULL,
  reason         VARCHAR(200) NULL,
  -- Authorizations asked for this hold (a declined or voided one is followed
  -- by a new one under a new provider key).
  attempt        INT NOT NULL DEFAULT 1,
  created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  -- One authorization per hold: a retried confirm finds it instead of
  -- authorizing again (the provider call is keyed the same way).
  UNIQUE KEY uq_payments_hold (hold_id),
  KEY ix_payments_status (status, created_at),
  KEY ix_payments_reservation (reservation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
