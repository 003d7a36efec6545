-- Notifications produced by the worker from booking and waiting-list events:
-- the notifications log, and the delivery state of the optional webhook.
CREATE TABLE IF NOT EXISTS notifications (
  id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id        CHAR(36) NOT NULL,
  event_type      VARCHAR(64) NOT NULL,
  user_id         BIGINT NULL,
  payload         LONGTEXT NOT NULL,
  status          ENUM('PENDING','DELIVERED','FAILED','LOGGED') NOT NULL DEFAULT 'PENDING',
  attempts        INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_error      VARCHAR(500) NULL,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  delivered_at    DATETIME(3) NULL,
  UNIQUE KEY uq_notifications_event (event_id),
  KEY ix_notifications_due (status, next_attempt_at),
  KEY ix_notifications_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
