-- The hold procedure: the one source of place_hold_v3, called by
-- MariaBookingStore::place_hold (mariadb_booking_store.cpp), whose
-- parse_hold_outcome is the one place its outcomes (the `outcome` column:
-- OK, NOT_FOUND, CANCELLED, STARTED, BAD_SEATS, TOO_MANY_HELD, UNAVAILABLE)
-- are read. scripts/migrate re-applies this file after the migrations on
-- every run, so a change here reaches every database; the name and the
-- signature stay as long as a supported release calls them (RELEASES), and a
-- new signature is a new name beside this one (expand, then contract).
--
-- Its seat.released payload for a replaced hold has the shape of
-- hold_released_data() in common/domain/src/booking_verbs.cpp (reason
-- "replaced"); tests/integration/hold_end_events_test.cpp compares them.

DROP PROCEDURE IF EXISTS place_hold_v3;
DELIMITER //
-- The seats are the JSON array p_seats (how many one hold may take is the
-- hold function's rule, not the procedure's signature), read through
-- JSON_TABLE joined on show_seats' primary key. One transaction: show checks,
-- the held-seat cap over the user's live holds on other shows, the
-- replacement of the user's hold on this show, the conditional take of every
-- seat, and the outbox rows (also the hold's audit record).
CREATE PROCEDURE place_hold_v3(
  IN p_show BIGINT, IN p_user BIGINT, IN p_role VARCHAR(16), IN p_seats LONGTEXT,
  IN p_ttl INT, IN p_held_event CHAR(36), IN p_released_event CHAR(36),
  IN p_request_id VARCHAR(64), IN p_max_held INT)
proc: BEGIN
  DECLARE v_status VARCHAR(16) DEFAULT NULL;
  DECLARE v_started INT DEFAULT 0;
  DECLARE v_currency CHAR(3);
  DECLARE v_now DATETIME(3);
  DECLARE v_asked INT;
  DECLARE v_found INT;
  DECLARE v_total BIGINT;
  DECLARE v_expires DATETIME(3);
  DECLARE v_prev BIGINT DEFAULT NULL;
  DECLARE v_prev_seats LONGTEXT DEFAULT NULL;
  DECLARE v_hold BIGINT;
  DECLARE v_held LONGTEXT;
  DECLARE v_released LONGTEXT DEFAULT NULL;
  DECLARE v_elsewhere INT DEFAULT 0;
  DECLARE v_user BIGINT DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

  START TRANSACTION;
  SELECT status, starts_at <= NOW(), currency, NOW(3)
    INTO v_status, v_started, v_currency, v_now
    FROM shows WHERE id = p_show;
  IF v_status IS NULL THEN ROLLBACK; SELECT 'NOT_FOUND' AS outcome; LEAVE proc; END IF;
  IF v_status <> 'SCHEDULED' THEN ROLLBACK; SELECT 'CANCELLED' AS outcome; LEAVE proc; END IF;
  IF v_started = 1 THEN ROLLBACK; SELECT 'STARTED' AS outcome; LEAVE proc; END IF;

  SET v_asked = COALESCE(JSON_LENGTH(p_seats), 0);
  SELECT COUNT(*), COALESCE(SUM(ss.price_cents), 0) INTO v_found, v_total
    FROM JSON_TABLE(p_seats, '$[*]' COLUMNS (seat_id BIGINT PATH '$')) j
    JOIN show_seats ss FORCE INDEX (PRIMARY) ON ss.show_id = p_show AND ss.seat_id = j.seat_id;
  IF v_found <> v_asked THEN ROLLBACK; SELECT 'BAD_SEATS' AS outcome; LEAVE proc; END IF;

  -- The cap: the seats of the customer's live holds on other shows (the hold
  -- on this show is replaced below, so it does not count).
  SELECT id INTO v_user FROM users WHERE id = p_user FOR UPDATE;
  SELECT COALESCE(SUM(JSON_LENGTH(seat_ids)), 0) INTO v_elsewhere
    FROM holds FORCE INDEX (ix_holds_user_active)
   WHERE user_id = p_user AND active_key = 1 AND show_id <> p_show AND expires_at > v_now;
  IF v_elsewhere + v_asked > p_max_held THEN
    ROLLBACK;
    SELECT 'TOO_MANY_HELD' AS outcome, v_elsewhere AS held;
    LEAVE proc;
  END IF;

  SELECT id, IF(expires_at > v_now, seat_ids, NULL) INTO v_prev, v_prev_seats FROM holds
    WHERE show_id = p_show AND user_id = p_user AND active_key = 1 FOR UPDATE;
  IF v_prev IS NOT NULL THEN
    IF v_prev_seats IS NULL THEN
      SELECT COALESCE(JSON_ARRAYAGG(seat_id), '[]') INTO v_prev_seats
        FROM show_seats WHERE hold_id = v_prev AND status = 'HELD';
    END IF;
    UPDATE holds SET status = 'RELEASED' WHERE id = v_prev;
    UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL
      WHERE hold_id = v_prev AND status = 'HELD';
    SET v_released = JSON_OBJECT('event_id', p_released_event, 'type', 'seat.released',
      'occurred_at', DATE_FORMAT(v_now, '%Y-%m-%dT%H:%i:%sZ'),
      'data', JSON_OBJECT('show_id', p_show + 0, 'hold_id', v_prev + 0,
      'user_id', p_user + 0, 'seat_ids', JSON_EXTRACT(v_prev_seats, '$'), 'reason', 'replaced'));
  END IF;

  SET v_expires = v_now + INTERVAL p_ttl SECOND;
  INSERT INTO holds (show_id, user_id, expires_at, total_cents, currency, seat_ids)
    VALUES (p_show, p_user, v_expires, v_total, v_currency, p_seats);
  SET v_hold = LAST_INSERT_ID();
  UPDATE JSON_TABLE(p_seats, '$[*]' COLUMNS (seat_id BIGINT PATH '$')) j
    JOIN show_seats ss FORCE INDEX (PRIMARY) ON ss.show_id = p_show AND ss.seat_id = j.seat_id
     SET ss.status = 'HELD', ss.hold_id = v_hold, ss.reservation_id = NULL,
         ss.held_until = v_expires
   WHERE ss.status = 'FREE' OR (ss.status = 'HELD' AND ss.held_until <= v_now);
  IF ROW_COUNT() <> v_asked THEN
    SELECT COALESCE(JSON_ARRAYAGG(j.seat_id), '[]') INTO v_held
      FROM JSON_TABLE(p_seats, '$[*]' COLUMNS (seat_id BIGINT PATH '$')) j
      LEFT JOIN show_seats ss ON ss.show_id = p_show AND ss.seat_id = j.seat_id AND ss.hold_id = v_hold
     WHERE ss.seat_id IS NULL;
    ROLLBACK;
    SELECT 'UNAVAILABLE' AS outcome, v_held AS unavailable;
    LEAVE proc;
  END IF;

  SET v_held = JSON_OBJECT('event_id', p_held_event, 'type', 'seat.held',
    'occurred_at', DATE_FORMAT(v_now, '%Y-%m-%dT%H:%i:%sZ'),
    'data', JSON_OBJECT('show_id', p_show + 0, 'hold_id', v_hold + 0, 'user_id', p_user + 0,
    'seat_ids', JSON_EXTRACT(p_seats, '$'),
    'expires_at', DATE_FORMAT(v_expires, '%Y-%m-%dT%H:%i:%sZ')));
  -- The events are also the hold's audit record (audit_feed): no audit_log row.
  IF v_released IS NULL THEN
    INSERT INTO outbox (event_id, event_type, routing_key, aggregate_type, aggregate_id, payload,
                        actor_id, actor_role, request_id)
      VALUES (p_held_event, 'seat.held', 'seat.held', 'show', p_show, v_held,
              p_user, p_role, p_request_id);
  ELSE
    INSERT INTO outbox (event_id, event_type, routing_key, aggregate_type, aggregate_id, payload,
                        actor_id, actor_role, request_id)
      VALUES (p_released_event, 'seat.released', 'seat.released', 'show', p_show, v_released,
              p_user, p_role, p_request_id),
             (p_held_event, 'seat.held', 'seat.held', 'show', p_show, v_held,
              p_user, p_role, p_request_id);
  END IF;
  COMMIT;
  SELECT 'OK' AS outcome, v_hold AS hold_id,
         DATE_FORMAT(v_expires, '%Y-%m-%dT%H:%i:%sZ') AS expires_at, v_total AS total_cents,
         v_currency AS currency, v_held AS held_payload, v_released AS released_payload;
END //
DELIMITER ;
