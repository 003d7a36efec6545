-- place_hold: the whole hold in one round trip (ARCHITECTURE: "keep a hold to
-- one round trip plus commit"). Runs inside the caller's transaction; the
-- caller commits, or rolls back when the outcome is not OK.
--
-- p_seats is a JSON array of seat ids; p_published a JSON array of outbox
-- event ids the broker has confirmed, marked published here at no extra
-- round trip (see publish_after_commit). Outcomes (column `outcome`):
--   OK           hold placed: hold_id, expires_at, total_cents, currency,
--                seat_ids, held_payload, released_payload (NULL unless a
--                previous active hold of the user on this show was replaced)
--   UNAVAILABLE  some seats are taken: unavailable (JSON array); roll back
--   BAD_SEATS    some ids are not seats of this show
--   NOT_FOUND | CANCELLED | STARTED   the show cannot be booked
-- (Stored-procedure variables are strings to JSON_OBJECT: `+ 0` keeps ids numbers.)
-- The seat decision: conditional UPDATEs (FREE or expired HELD -> HELD) whose
-- changed-row count must equal the number of seats asked for, else the caller
-- rolls back.
DROP PROCEDURE IF EXISTS place_hold;
DELIMITER //
CREATE PROCEDURE place_hold(
  IN p_show BIGINT, IN p_user BIGINT, IN p_role VARCHAR(16), IN p_seats LONGTEXT,
  IN p_ttl INT, IN p_held_event CHAR(36), IN p_released_event CHAR(36),
  IN p_request_id VARCHAR(64), IN p_published LONGTEXT)
proc: BEGIN
  DECLARE v_status VARCHAR(16) DEFAULT NULL;
  DECLARE v_started INT DEFAULT 0;
  DECLARE v_currency CHAR(3);
  DECLARE v_asked INT;
  DECLARE v_found INT;
  DECLARE v_total BIGINT;
  DECLARE v_expires DATETIME(3);
  DECLARE v_prev BIGINT DEFAULT NULL;
  DECLARE v_prev_seats LONGTEXT DEFAULT NULL;
  DECLARE v_hold BIGINT;
  DECLARE v_seats LONGTEXT;
  DECLARE v_held LONGTEXT;
  DECLARE v_released LONGTEXT DEFAULT NULL;
  DECLARE v_now VARCHAR(32) DEFAULT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%sZ');
  DECLARE v_i INT DEFAULT 0;
  DECLARE v_n INT;
  DECLARE v_seat BIGINT;
  DECLARE v_changed INT DEFAULT 0;
  DECLARE v_price INT;
  DECLARE v_event CHAR(36);

  -- Outbox events the broker has confirmed to this process meanwhile.
  -- Every write below is a point lookup by key, one row at a time: a set
  -- operation over a JSON list would scan (and briefly lock) whole ranges.
  SET v_n = COALESCE(JSON_LENGTH(p_published), 0);
  -- (Typed variables, not JSON_VALUE() in the WHERE: a string of another
  -- collation or an int-vs-string comparison would make it a full scan.)
  WHILE v_i < v_n DO
    SET v_event = JSON_VALUE(p_published, CONCAT('$[', v_i, ']'));
    UPDATE outbox SET published_at = NOW(3) WHERE event_id = v_event AND published_at IS NULL;
    SET v_i = v_i + 1;
  END WHILE;

  SELECT status, starts_at <= NOW(), currency INTO v_status, v_started, v_currency
    FROM shows WHERE id = p_show;
  IF v_status IS NULL THEN SELECT 'NOT_FOUND' AS outcome; LEAVE proc; END IF;
  IF v_status <> 'SCHEDULED' THEN SELECT 'CANCELLED' AS outcome; LEAVE proc; END IF;
  IF v_started = 1 THEN SELECT 'STARTED' AS outcome; LEAVE proc; END IF;

  SET v_asked = COALESCE(JSON_LENGTH(p_seats), 0);
  SET v_found = 0;
  SET v_total = 0;
  SET v_expires = NOW(3) + INTERVAL p_ttl SECOND;
  SET v_i = 0;
  WHILE v_i < v_asked DO
    SET v_price = NULL;
    SET v_seat = JSON_VALUE(p_seats, CONCAT('$[', v_i, ']'));
    SELECT price_cents INTO v_price FROM show_seats WHERE show_id = p_show AND seat_id = v_seat;
    IF v_price IS NOT NULL THEN
      SET v_found = v_found + 1;
      SET v_total = v_total + v_price;
    END IF;
    SET v_i = v_i + 1;
  END WHILE;
  IF v_found <> v_asked THEN SELECT 'BAD_SEATS' AS outcome; LEAVE proc; END IF;

  -- One active hold per user and show: a new hold replaces the previous one.
  -- By the unique (show, user, active_key) key: one row locked, never a range.
  SELECT id INTO v_prev FROM holds
    WHERE show_id = p_show AND user_id = p_user AND active_key = 1 FOR UPDATE;
  IF v_prev IS NOT NULL THEN
    SELECT COALESCE(JSON_ARRAYAGG(seat_id ORDER BY seat_id), '[]') INTO v_prev_seats
      FROM show_seats WHERE hold_id = v_prev AND status = 'HELD';
    UPDATE holds SET status = 'RELEASED' WHERE id = v_prev;
    UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL
      WHERE hold_id = v_prev AND status = 'HELD';
    SET v_released = JSON_OBJECT('event_id', p_released_event, 'type', 'seat.released',
      'occurred_at', v_now, 'data', JSON_OBJECT('show_id', p_show + 0, 'hold_id', v_prev + 0,
      'user_id', p_user + 0, 'seat_ids', JSON_EXTRACT(v_prev_seats, '$'), 'reason', 'replaced'));
    INSERT INTO outbox (event_id, event_type, routing_key, aggregate_type, aggregate_id, payload)
      VALUES (p_released_event, 'seat.released', 'seat.released', 'show', p_show, v_released);
  END IF;

  INSERT INTO holds (show_id, user_id, expires_at, total_cents, currency)
    VALUES (p_show, p_user, v_expires, v_total, v_currency);
  SET v_hold = LAST_INSERT_ID();
  SET v_i = 0;
  WHILE v_i < v_asked DO
    SET v_seat = JSON_VALUE(p_seats, CONCAT('$[', v_i, ']'));
    UPDATE show_seats SET status = 'HELD', hold_id = v_hold, reservation_id = NULL,
           held_until = v_expires
     WHERE show_id = p_show AND seat_id = v_seat
       AND (status = 'FREE' OR (status = 'HELD' AND held_until <= NOW(3)));
    SET v_changed = v_changed + ROW_COUNT();
    SET v_i = v_i + 1;
  END WHILE;
  IF v_changed <> v_asked THEN
    SELECT 'UNAVAILABLE' AS outcome,
           COALESCE(JSON_ARRAYAGG(j.seat_id), '[]') AS unavailable
      FROM JSON_TABLE(p_seats, '$[*]' COLUMNS (seat_id BIGINT PATH '$')) j
      LEFT JOIN show_seats ss ON ss.show_id = p_show AND ss.seat_id = j.seat_id AND ss.hold_id = v_hold
     WHERE ss.seat_id IS NULL;
    LEAVE proc;
  END IF;

  SELECT JSON_ARRAYAGG(seat_id ORDER BY seat_id) INTO v_seats FROM show_seats WHERE hold_id = v_hold;
  SET v_held = JSON_OBJECT('event_id', p_held_event, 'type', 'seat.held', 'occurred_at', v_now,
    'data', JSON_OBJECT('show_id', p_show + 0, 'hold_id', v_hold + 0, 'user_id', p_user + 0,
    'seat_ids', JSON_EXTRACT(v_seats, '$'),
    'expires_at', DATE_FORMAT(v_expires, '%Y-%m-%dT%H:%i:%sZ')));
  INSERT INTO outbox (event_id, event_type, routing_key, aggregate_type, aggregate_id, payload)
    VALUES (p_held_event, 'seat.held', 'seat.held', 'show', p_show, v_held);
  INSERT INTO audit_log (actor_id, actor_role, action, entity_type, entity_id, after_json, request_id)
    VALUES (p_user, p_role, 'hold.create', 'hold', v_hold, JSON_EXTRACT(v_held, '$.data'), p_request_id);
  SELECT 'OK' AS outcome, v_hold AS hold_id,
         DATE_FORMAT(v_expires, '%Y-%m-%dT%H:%i:%sZ') AS expires_at, v_total AS total_cents,
         v_currency AS currency, v_seats AS seat_ids, v_held AS held_payload,
         v_released AS released_payload;
END //
DELIMITER ;
