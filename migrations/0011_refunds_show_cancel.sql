-- Refunds and show cancellation (expand only: 0.10.0 binaries keep writing
-- payments rows with the statuses they know and never read the new columns).
--
-- * payments.refunded_cents and the statuses PARTIALLY_REFUNDED / REFUNDED
--   (appended to the ENUM, so the stored values of the old ones stay).
-- * payment_refunds: one row per refund, written PENDING in the transaction
--   that cancels the reservation, under its provider idempotency key
--   ("refund-reservation-<id>"): a retried cancellation finds it instead of
--   refunding again. The request that cancelled, a re-run of a show
--   cancellation or the worker then asks the provider with that same key and
--   marks it SUCCEEDED (adding to payments.refunded_cents in the same
--   statement's transaction, once) or FAILED when the provider refuses.
-- * show_cancellations: the one record of a cancelled show (who, why, and the
--   figures the cancel route answers, again on a repeat).
-- * reservations.cancel_reason: why a reservation was cancelled, when the
--   cancelling write said so (a show cancellation does).

ALTER TABLE payments
  ADD COLUMN IF NOT EXISTS refunded_cents INT NOT NULL DEFAULT 0,
  MODIFY COLUMN status ENUM('AUTHORIZED','CAPTURED','VOIDED','DECLINED','PARTIALLY_REFUNDED',
                            'REFUNDED') NOT NULL;

CREATE TABLE IF NOT EXISTS payment_refunds (
  id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  payment_id      BIGINT NOT NULL,
  reservation_id  BIGINT NOT NULL,
  show_id         BIGINT NOT NULL,
  amount_cents    INT NOT NULL,
  currency        CHAR(3) NOT NULL,
  idem_key        VARCHAR(100) NOT NULL,
  status          ENUM('PENDING','SUCCEEDED','FAILED') NOT NULL DEFAULT 'PENDING',
  provider_ref    VARCHAR(100) NULL,
  reason          VARCHAR(200) NULL,
  last_error      VARCHAR(500) NULL,
  attempts        INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_payment_refunds_key (idem_key),
  KEY ix_payment_refunds_due (status, next_attempt_at),
  KEY ix_payment_refunds_reservation (reservation_id),
  KEY ix_payment_refunds_show (show_id, status),
  KEY ix_payment_refunds_payment (payment_id),
  CONSTRAINT ck_payment_refunds_amount CHECK (amount_cents > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS show_cancellations (
  show_id                 BIGINT NOT NULL PRIMARY KEY,
  reason                  VARCHAR(500) NOT NULL,
  cancelled_by            BIGINT NOT NULL,
  cancelled_reservations  INT NOT NULL DEFAULT 0,
  refunded_cents          BIGINT NOT NULL DEFAULT 0,
  currency                CHAR(3) NOT NULL,
  released_holds          INT NOT NULL DEFAULT 0,
  closed_waitlist_entries INT NOT NULL DEFAULT 0,
  created_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE reservations ADD COLUMN IF NOT EXISTS cancel_reason VARCHAR(500) NULL;
