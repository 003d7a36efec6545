-- Tickets with check-in, and waiting-list assignments that pay (expand only).
--
-- A ticket is a reservation seat: every confirm writes reservation_seats, the
-- previous release's too, so a ticket exists for every confirmed seat however
-- it was booked. ticket_id numbers those rows (old INSERTs do not name it and
-- get the next number); a ticket's code is derived from it on read (HMAC,
-- functions/tickets), so nothing new has to be written at confirm time.
ALTER TABLE reservation_seats
  ADD COLUMN IF NOT EXISTS ticket_id BIGINT NOT NULL AUTO_INCREMENT,
  ADD UNIQUE KEY IF NOT EXISTS uq_reservation_seats_ticket (ticket_id);

-- One row per ticket let in: the primary key makes a second scan (or two at
-- once) find the first.
CREATE TABLE IF NOT EXISTS ticket_checkins (
  ticket_id      BIGINT NOT NULL PRIMARY KEY,
  reservation_id BIGINT NOT NULL,
  show_id        BIGINT NOT NULL,
  seat_id        BIGINT NOT NULL,
  checked_in_by  BIGINT NOT NULL,
  checked_in_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_ticket_checkins_show (show_id, checked_in_at),
  KEY ix_ticket_checkins_reservation (reservation_id),
  CONSTRAINT fk_ticket_checkins_reservation FOREIGN KEY (reservation_id) REFERENCES reservations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Offer or reserve, per show (the owner's choice); reserve by default.
ALTER TABLE shows
  ADD COLUMN IF NOT EXISTS waitlist_mode ENUM('RESERVE','OFFER') NOT NULL DEFAULT 'RESERVE';

-- The token a customer gave on joining, charged when seats are assigned;
-- never returned by the API, cleared once used. PAYMENT_FAILED ends an entry
-- whose charge was declined (added at the end: old rows keep their values).
ALTER TABLE waitlist_entries
  ADD COLUMN IF NOT EXISTS payment_token VARCHAR(200) NULL AFTER together,
  MODIFY status ENUM('WAITING','OFFERED','ASSIGNED','CANCELLED','EXPIRED','PAYMENT_FAILED')
    NOT NULL DEFAULT 'WAITING',
  -- The worker looks for offers whose charge a dead run left unfinished.
  ADD INDEX IF NOT EXISTS ix_waitlist_status (status, id);
