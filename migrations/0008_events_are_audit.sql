-- One row per fact: a write's outbox event is also its audit record (who,
-- what, when, with which request), instead of a second INSERT into
-- audit_log on every write. Expand only: the previous release's binaries
-- still write outbox rows without an actor and their audit_log rows.
--
-- * outbox.actor_id / actor_role / request_id: who caused the event (NULL
--   actor: the system, e.g. the worker's hold expiry).
-- * audit_feed: the audit trail as one view: audit_log rows (writes that
--   have no event: catalogue, users, sessions) and every outbox event.
-- * place_hold_v2 (0006 added its index): place_hold plus the held-seat cap,
--   writing its events with their actor and no audit_log row.

ALTER TABLE outbox
  ADD COLUMN IF NOT EXISTS actor_id BIGINT NULL,
  ADD COLUMN IF NOT EXISTS actor_role VARCHAR(16) NULL,
  ADD COLUMN IF NOT EXISTS request_id VARCHAR(64) NULL;
-- By actor for the feed; by time it walks the primary key (ids grow with time).
ALTER TABLE outbox ADD INDEX IF NOT EXISTS ix_outbox_actor (actor_id, id);

CREATE OR REPLACE VIEW audit_feed AS
  SELECT 'audit' AS source, a.id AS source_id, a.created_at AS at, a.actor_id, a.actor_role,
         a.action, a.entity_type, a.entity_id, a.request_id, a.before_json, a.after_json
    FROM audit_log a
  UNION ALL
  SELECT 'event', o.id, o.created_at, o.actor_id, COALESCE(o.actor_role, 'SYSTEM'),
         o.event_type, o.aggregate_type, o.aggregate_id, o.request_id, NULL,
         JSON_EXTRACT(o.payload, '$.data')
    FROM outbox o;

DROP PROCEDURE IF EXISTS place_hold_v2;
DELIMITER //
-- As place_hold (0004) without p_published (functions publish nothing to the
-- broker any more), plus p_max_held: the most seats
-- one customer may hold across all shows at once. Past it the outcome is
-- TOO_MANY_HELD with `held` (the seats the customer holds on other shows).
-- The customer's row is locked first, so two concurrent holds of one
-- customer on two shows cannot both pass the cap.
CREATE PROCEDURE place_hold_v2(
  IN p_show BIGINT, IN p_user BIGINT, IN p_role VARCHAR(16), IN p_seats LONGTEXT,
  IN p_ttl INT, IN p_held_event CHAR(36), IN p_released_event CHAR(36),
  IN p_request_id VARCHAR(64), IN p_max_held INT,
  IN p_seat1 BIGINT, IN p_seat2 BIGINT, IN p_seat3 BIGINT, IN p_seat4 BIGINT, IN p_seat5 BIGINT,
  IN p_seat6 BIGINT, IN p_seat7 BIGINT, IN p_seat8 BIGINT, IN p_seat9 BIGINT, IN p_seat10 BIGINT)
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
  SELECT COUNT(*), COALESCE(SUM(price_cents), 0) INTO v_found, v_total
    FROM show_seats FORCE INDEX (PRIMARY)
   WHERE show_id = p_show AND seat_id IN (p_seat1, p_seat2, p_seat3, p_seat4, p_seat5,
                                          p_seat6, p_seat7, p_seat8, p_seat9, p_seat10);
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
  UPDATE show_seats FORCE INDEX (PRIMARY)
     SET status = 'HELD', hold_id = v_hold, reservation_id = NULL, held_until = v_expires
   WHERE show_id = p_show AND seat_id IN (p_seat1, p_seat2, p_seat3, p_seat4, p_seat5,
                                          p_seat6, p_seat7, p_seat8, p_seat9, p_seat10)
     AND (status = 'FREE' OR (status = 'HELD' AND held_until <= v_now));
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
